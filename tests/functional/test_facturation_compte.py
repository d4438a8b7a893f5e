"""The money core: the manual's operations, the statement's arithmetic,
allocation, overpayment, credit notes, quotients over time."""

import datetime
from decimal import Decimal

import pytest

from portail_famille import dates
from portail_famille.demo import DUPONT
from portail_famille.facturation import compte, service, tarifs
from portail_famille.montants import MontantInvalide, arrondi, euros, lire

from ..conftest import with_root

D = Decimal
AVRIL = datetime.date(2015, 4, 8)


def _famille(root):
    return root["familles"][DUPONT["numero"]]


def _regie(root):
    return root["regies"]["regie-garderie-alsh"]


def test_manual_statement_adds_up(app):
    def check(root, registry):
        famille = _famille(root)
        debut, fin = compte.annee_scolaire(AVRIL)
        assert (debut, fin) == (datetime.date(2014, 9, 1), datetime.date(2015, 8, 31))
        releve = compte.releve(famille, debut, fin)
        numeros = [o.numero for o in releve["operations"]]
        assert numeros == ["AL-36", "AL-228", "AL-12"]
        assert [o.description for o in releve["operations"]] == [
            "Facture : 01/04/2015 - 30/04/2015",
            "Règlement : Chèque",
            "Facture : 01/02/2015 - 31/03/2015",
        ]
        assert releve["ancien_solde"] == D("0.00")
        # the manual prints 363.00: 243.20 + 120.60 is 363.80
        assert releve["total_debit"] == D("363.80")
        assert releve["total_credit"] == D("243.20")
        assert releve["solde"] == D("120.60")
        assert [f.numero for f in service.impayees(famille)] == ["AL-36"]
        assert service.credit_disponible(famille) == D("0.00")
        # the sequence goes on after the highest number taken over
        assert _regie(root).sequence.dernier == 228
        # the next school year starts from the balance
        suivante = compte.releve(famille, datetime.date(2015, 9, 1), datetime.date(2016, 8, 31))
        assert suivante["ancien_solde"] == D("120.60")
        assert suivante["operations"] == []

    with_root(app.app, check)


def test_al36_comes_from_april_planning_and_tariffs(app):
    def check(root, registry):
        facture = _famille(root)["factures"]["AL-36"]
        assert facture.montant == D("120.60")
        assert sum(ligne["montant"] for ligne in facture.lignes) == D("120.60")
        assert len(facture.cellules) == 11
        enfant = _famille(root)["enfants"][facture.cellules[0][0]]
        oid = facture.cellules[0][1]
        billed = service.facturees(
            enfant, oid, datetime.date(2015, 4, 1), datetime.date(2015, 4, 30)
        )
        assert set(billed.values()) == {"AL-36"}

    with_root(app.app, check)


def test_payment_allocates_oldest_first_and_overpayment_is_credit(app):
    def check(root, registry):
        famille, regie = _famille(root), _regie(root)
        reglement = service.enregistrer_reglement(
            famille, regie, datetime.date(2015, 5, 2), "150.00", "especes", registry=registry
        )
        assert reglement.numero == "AL-229"
        assert reglement.affectations == {"AL-36": D("120.60")}
        assert famille["factures"]["AL-36"].payee
        assert service.impayees(famille) == []
        assert service.credit_disponible(famille) == D("29.40")
        # the next invoice of the régie uses the credit at once
        ligne = {"enfant": "LUCAS", "montant": D("40.00"), "quantite": 10, "prix": D("4.00")}
        facture = service.emettre_facture(
            famille,
            regie,
            datetime.date(2015, 6, 3),
            datetime.date(2015, 5, 1),
            datetime.date(2015, 5, 31),
            [ligne],
            registry=registry,
        )
        assert facture.numero == "AL-230"
        assert facture.echeance == datetime.date(2015, 6, 25)
        assert facture.reste == D("10.60")
        assert service.credit_disponible(famille) == D("0.00")
        debut, fin = compte.annee_scolaire(AVRIL)
        releve = compte.releve(famille, debut, fin)
        assert releve["total_debit"] == D("403.80")
        assert releve["total_credit"] == D("393.20")
        assert releve["solde"] == D("10.60")

    with_root(app.app, check)


def test_payment_refuses_bad_input_and_writes_nothing(app):
    def check(root, registry):
        famille, regie = _famille(root), _regie(root)
        for montant, mode, numeros in (
            ("0", "cheque", None),
            ("-5", "cheque", None),
            ("10", "bitcoin", None),
            ("10", "cheque", ["AL-999"]),
            ("10", "cheque", ["AL-228"]),  # a payment is not an invoice
        ):
            with pytest.raises(service.FacturationError):
                service.enregistrer_reglement(
                    famille, regie, AVRIL, montant, mode, numeros=numeros, registry=registry
                )
        assert regie.sequence.dernier == 228
        assert list(famille["reglements"]) == ["AL-228"]

    with_root(app.app, check)


def test_credit_note_cancels_and_gives_cells_back(app):
    def check(root, registry):
        famille, regie = _famille(root), _regie(root)
        facture = famille["factures"]["AL-36"]
        with pytest.raises(service.FacturationError):
            service.emettre_avoir(facture, regie, AVRIL, "  ")
        with pytest.raises(service.FacturationError):
            service.emettre_avoir(facture, regie, AVRIL, "trop", montant="120.61")
        partiel = service.emettre_avoir(
            facture, regie, datetime.date(2015, 4, 20), "Erreur de pointage", montant="14.60"
        )
        assert partiel.numero == "AL-229"
        assert facture.reste == D("106.00")
        assert not facture.annulee_par
        total = service.emettre_avoir(facture, regie, datetime.date(2015, 4, 21), "Annulation")
        assert total.montant == D("106.00")
        assert facture.annulee_par == "AL-230"
        assert facture.payee
        enfant = famille["enfants"][facture.cellules[0][0]]
        for _nom, oid, _jour in facture.cellules:
            assert (
                service.facturees(enfant, oid, datetime.date(2015, 4, 1), AVRIL.replace(day=30))
                == {}
            )
        # the invoice is never deleted; the statement shows both sides
        assert "AL-36" in famille["factures"]
        debut, fin = compte.annee_scolaire(AVRIL)
        assert compte.releve(famille, debut, fin)["solde"] == D("0.00")

    with_root(app.app, check)


def test_credit_note_on_a_paid_invoice_is_a_credit(app):
    def check(root, registry):
        famille, regie = _famille(root), _regie(root)
        facture = famille["factures"]["AL-12"]
        avoir = service.emettre_avoir(facture, regie, AVRIL, "Repas non servis", montant="8.00")
        assert avoir.affectations == {}
        assert service.credit_disponible(famille) == D("8.00")

    with_root(app.app, check)


def test_quotient_at_a_date():
    class Famille:
        caf = {"quotient_familial": D("650")}

    famille = Famille()
    assert compte.quotient_au(famille, AVRIL) == D("650")
    compte.noter_quotient(famille, datetime.date(2015, 5, 1), D("900"))
    assert compte.quotient_au(famille, AVRIL) == D("650")
    assert compte.quotient_au(famille, datetime.date(2015, 5, 1)) == D("900")
    assert compte.quotient_au(famille, datetime.date(2016, 1, 1)) == D("900")


def test_tariff_brackets():
    class Prestation:
        pass

    presta = Prestation()
    assert tarifs.prix(presta, D("100")) is None
    with pytest.raises(ValueError):
        tarifs.definir(presta, [("500", "3")])
    tarifs.definir(presta, [("1200", "4.00"), ("0", "2.00"), ("700", "3.00")])
    assert tarifs.prix(presta, D("0")) == D("2.00")
    assert tarifs.prix(presta, D("699.99")) == D("2.00")
    assert tarifs.prix(presta, D("700")) == D("3.00")
    assert tarifs.prix(presta, D("5000")) == D("4.00")
    assert tarifs.prix(presta, None) == D("4.00")


def test_amounts_are_written_as_babel_writes_them_in_french():
    import random

    from babel.numbers import format_decimal

    from portail_famille.montants import nombre

    values = [D("0"), D("-0.004"), D("0.005"), D("999999999.995"), D("-1234.5")]
    values += [D(random.randint(-(10**9), 10**9)) / 100 for _ in range(2000)]
    for value in values:
        assert nombre(value) == format_decimal(arrondi(value), "#,##0.00", locale="fr_FR")


def test_amounts():
    assert euros(D("120.6")) == "120,60\xa0€"
    assert euros(D("1234.5")).replace("\u202f", " ") == "1 234,50\xa0€"
    assert lire("120,60") == D("120.60")
    assert lire(" 1 234,5 € ") == D("1234.50")
    for typed in ("abc", "NaN", None, "1e30", "Infinity"):
        with pytest.raises(MontantInvalide):
            lire(typed)
    with pytest.raises(TypeError):
        arrondi(0.1)


def test_evolve_step8_gives_old_families_their_accounts(app):
    from substanced.folder import Folder
    from substanced.util import get_acl

    from portail_famille.evolve import step8
    from portail_famille.facturation.permanence import reconstruction
    from portail_famille.security import P

    def old(root, registry):
        famille = _famille(root)
        # as stored before step8: no money folders, the old parents' ACL,
        # a plain "regies" folder holding the régie
        # (Folder.remove: a Famille refuses to lose its folders; an old
        # database had no numbered documents to keep: reconstruction)
        with reconstruction():
            Folder.remove(famille, "factures")
            Folder.remove(famille, "reglements")
            regie = root["regies"].remove("regie-garderie-alsh")
            root.remove("regies")
        oid = get_acl(famille)[0][1]
        famille.__acl__ = [("Allow", oid, (P.FAMILLE_VOIR, P.DEMANDE_CREER))]
        plain = Folder()
        root.add("regies", plain)
        plain.add("regie-garderie-alsh", regie)
        step8.evolve(root, registry)
        step8.evolve(root, registry)

    with_root(app.app, old)

    def check(root, registry):
        famille = _famille(root)
        assert registry.content.typeof(famille["factures"]) == "Factures"
        assert registry.content.typeof(famille["reglements"]) == "Reglements"
        assert P.FACTURE_PAYER in get_acl(famille)[0][2]
        assert registry.content.typeof(root["regies"]) == "Regies"
        assert _regie(root).sequence.dernier == 228

    with_root(app.app, check)


def test_an_accepted_caf_request_dates_the_new_quotient(app):
    """The quotient of a billed day is the one of that day: accepting a CAF
    request keeps the earlier quotient for the days before it."""
    from pyramid.threadlocal import get_current_request

    from portail_famille.demandes import service as demandes

    acceptee = dates.local(dates.horodatage()).date()

    def check(root, registry):
        famille = _famille(root)
        assert compte.quotient_au(famille, acceptee) is None  # the demo has none
        demande, _remplacee = demandes.deposer(
            famille, "caf", {"quotient_familial": D("650.00")}, "jean.dupont", registry
        )
        demandes.accepter(demande, "agent", get_current_request())
        assert famille.caf["quotient_familial"] == D("650.00")
        assert compte.quotient_au(famille, acceptee) == D("650.00")
        assert compte.quotient_au(famille, acceptee - datetime.timedelta(days=1)) is None
        # so an earlier month is billed at the price of no quotient (the last bracket)
        presta = root["structures"]["garderie-periscolaire"]["restauration-scolaire"]
        veille = compte.quotient_au(famille, acceptee - datetime.timedelta(days=1))
        assert tarifs.prix(presta, veille) == D("4.00")
        assert tarifs.prix(presta, compte.quotient_au(famille, acceptee)) == D("2.00")

    with_root(app.app, check)
