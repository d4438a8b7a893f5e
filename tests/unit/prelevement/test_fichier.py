"""The pain.008.001.02 file of a batch (``prelevement.lots.pain008``):
what it says, checked element by element, and valid against the XSD
bundled in sepaxml; the due date's rules; the creditor's settings."""

import datetime
from decimal import Decimal

from lxml import etree

from portail_famille import dates
from portail_famille.prelevement import Creancier, mandats
from portail_famille.prelevement import creancier as prelevement_creancier
from portail_famille.prelevement import lots as s

D = Decimal
NS = {"p": s.NAMESPACE}
CREANCIER = Creancier(
    nom="Mairie de Biviers",
    ics="FR72ZZZ123456",
    adresse="",
    iban="FR7630006000011234567890189",
    bic="AGRIFRPPXXX",
)
ECHEANCE = datetime.date(2026, 12, 10)
MOMENT = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)


def debit(famille, sequence, factures, titulaire="Jean Dupont", bic="AGRIFRPPXXX"):
    numeros = [n for n, _m in factures]
    return {
        "famille": famille,
        "nom": "JEAN DUPONT",
        "titulaire": titulaire,
        "rum": "PF-%s-1" % famille,
        "signe_le": datetime.date(2026, 1, 15),
        "sequence": sequence,
        "iban": "FR7630006000011234567890189",
        "bic": bic,
        "factures": tuple((n, D(m)) for n, m in factures),
        "montant": sum((D(m) for _n, m in factures), D("0")),
        "reference": s._reference(numeros),
        "libelle": "Régie garderie ALSH - Factures %s" % ", ".join(numeros),
    }


def fichier():
    debits = [
        debit("1001", mandats.PREMIER, [("AL-36", "42.50"), ("AL-40", "10.05")]),
        debit("1002", mandats.RECURRENT, [("AL-41", "7.00")], titulaire="Zoé Ñúñez", bic=""),
        debit("1003", mandats.RECURRENT, [("AL-42", "100.00")]),
    ]
    return etree.fromstring(s.pain008("PRLV-2026-004", ECHEANCE, debits, CREANCIER, MOMENT))


def test_the_file_is_valid_against_the_schema():
    data = etree.tostring(fichier(), xml_declaration=True, encoding="UTF-8")
    assert s.erreurs_schema(data) == []


def test_a_broken_file_is_refused_by_the_schema():
    document = fichier()
    montant = document.find(".//p:InstdAmt", NS)
    montant.getparent().remove(montant)
    erreurs = s.erreurs_schema(etree.tostring(document))
    assert erreurs and "InstdAmt" in erreurs[0]
    assert s.erreurs_schema(b"<pas du xml") != []


def test_header_names_the_batch_and_sums_it():
    entete = fichier().find("p:CstmrDrctDbtInitn/p:GrpHdr", NS)
    assert entete.findtext("p:MsgId", namespaces=NS) == "PRLV-2026-004"
    assert entete.findtext("p:CreDtTm", namespaces=NS) == "2026-12-07T10:30:00"  # Paris
    assert entete.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert entete.findtext("p:CtrlSum", namespaces=NS) == "159.55"
    assert entete.findtext("p:InitgPty/p:Id/p:OrgId/p:Othr/p:Id", namespaces=NS) == "FR72ZZZ123456"


def test_one_payment_information_per_sequence():
    infos = fichier().findall("p:CstmrDrctDbtInitn/p:PmtInf", NS)
    vues = {
        i.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS): (
            i.findtext("p:PmtInfId", namespaces=NS),
            i.findtext("p:NbOfTxs", namespaces=NS),
            i.findtext("p:CtrlSum", namespaces=NS),
            i.findtext("p:ReqdColltnDt", namespaces=NS),
            i.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
            i.findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS),
            i.findtext("p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS),
            i.findtext("p:PmtTpInf/p:LclInstrm/p:Cd", namespaces=NS),
        )
        for i in infos
    }
    commun = ("2026-12-10", CREANCIER.iban, "AGRIFRPPXXX", "FR72ZZZ123456", "CORE")
    assert vues == {
        "FRST": ("PRLV-2026-004-FRST", "1", "52.55", *commun),
        "RCUR": ("PRLV-2026-004-RCUR", "2", "107.00", *commun),
    }


def test_each_transaction_names_its_mandate_and_invoices():
    document = fichier()
    premier = document.xpath("//p:PmtInf[p:PmtTpInf/p:SeqTp='FRST']/p:DrctDbtTxInf", namespaces=NS)[
        0
    ]
    assert premier.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == "AL-36+AL-40"
    assert premier.findtext("p:InstdAmt", namespaces=NS) == "52.55"
    assert premier.find("p:InstdAmt", NS).get("Ccy") == "EUR"
    assert premier.findtext(".//p:MndtId", namespaces=NS) == "PF-1001-1"
    assert premier.findtext(".//p:DtOfSgntr", namespaces=NS) == "2026-01-15"
    assert premier.findtext("p:RmtInf/p:Ustrd", namespaces=NS) == (
        "Regie garderie ALSH - Factures AL-36, AL-40"  # the SEPA character set
    )
    sans_bic = [
        t
        for t in document.iterfind(".//p:DrctDbtTxInf", NS)
        if t.findtext(".//p:MndtId", namespaces=NS) == "PF-1002-1"
    ][0]
    assert sans_bic.findtext("p:DbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "NOTPROVIDED"
    assert sans_bic.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Zoe Nunez"


def test_end_to_end_id_fits_35_characters():
    numeros = ["AL-%d" % n for n in range(100, 112)]
    reference = s._reference(numeros)
    assert len(reference) <= 35
    assert reference == "AL-100+11"
    assert s._reference(["AL-1", "AL-2"]) == "AL-1+AL-2"


def test_business_days():
    assert s.jour_ouvre(datetime.date(2026, 12, 10))  # a Thursday
    assert not s.jour_ouvre(datetime.date(2026, 12, 12))  # Saturday
    assert not s.jour_ouvre(datetime.date(2026, 12, 25))  # Christmas
    assert not s.jour_ouvre(datetime.date(2026, 12, 26))  # TARGET2 closed (Saturday anyway)
    assert not s.jour_ouvre(datetime.date(2026, 4, 3))  # Good Friday
    assert not s.jour_ouvre(datetime.date(2026, 4, 6))  # Easter Monday
    assert not s.jour_ouvre(datetime.date(2026, 5, 1))
    assert not s.jour_ouvre(datetime.date(2026, 7, 14))


def test_due_date_rules():
    aujourdhui = datetime.date(2026, 12, 7)  # a Monday
    assert s.refus_echeance(datetime.date(2026, 12, 9), aujourdhui) is None
    trop_tot = s.refus_echeance(datetime.date(2026, 12, 8), aujourdhui)
    assert "au moins ${jours} jours" in trop_tot and trop_tot.mapping == {"jours": 2}
    ferie = s.refus_echeance(datetime.date(2026, 12, 25), aujourdhui)
    assert ferie.mapping == {"jour": "25/12/2026"}
    assert s.refus_echeance(None, aujourdhui) is not None
    assert s.refus_echeance(datetime.date(2028, 1, 4), aujourdhui) is not None


def test_creditor_from_the_settings():
    settings = {
        "portail.sepa.creancier": " Mairie  de Biviers ",
        "portail.sepa.ics": "fr72 zzz 123456",
        "portail.sepa.iban": "FR76 3000 6000 0112 3456 7890 189",
        "portail.sepa.bic": "agrifrppxxx",
    }
    found = prelevement_creancier(settings)
    assert (found.nom, found.ics, found.adresse, found.iban, found.bic) == (
        "Mairie de Biviers",
        "FR72ZZZ123456",
        "",
        "FR7630006000011234567890189",
        "AGRIFRPPXXX",
    )
    assert s.parametres_manquants(found) == []
    assert s.parametres_manquants(prelevement_creancier({})) == [
        "portail.sepa.creancier",
        "portail.sepa.ics",
        "portail.sepa.iban",
        "portail.sepa.bic",
    ]


def test_reject_fee_setting():
    assert s.frais_rejet({}) == D("0")
    assert s.frais_rejet({"portail.sepa.frais_rejet": "0"}) == D("0")
    assert s.frais_rejet({"portail.sepa.frais_rejet": "7,5"}) == D("7.50")
    assert s.frais_rejet({"portail.sepa.frais_rejet": "beaucoup"}) == D("0")
    assert s.frais_rejet({"portail.sepa.frais_rejet": "-3"}) == D("0")


def test_codes_that_revoke_the_mandate_are_known_codes():
    assert s.REVOQUANTS <= set(s.TITRES_CODES)
    for code in ("AC01", "AC04", "AC06", "AM04", "MD01", "MD06", "MD07", "MS02", "MS03"):
        assert code in s.TITRES_CODES
    for code in ("RR01", "RR02", "RR03", "RR04", "SL01", "FF01", "BE05", "AG01", "AG02"):
        assert code in s.TITRES_CODES
    assert dates.courte(ECHEANCE) == "10/12/2026"
