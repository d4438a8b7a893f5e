"""The PES V2 ORMC writer and its structure check."""

import datetime
from decimal import Decimal

import pytest
from lxml import etree

from portail_famille.pes import controle, ecriture

JOUR = datetime.date(2026, 12, 7)
ENTETE = {
    "nom_fichier": "PES-2026-001.xml",
    "date": JOUR,
    "poste_comptable": "038044",
    "collectivite": "21380045100015",
    "code_collectivite": "045",
    "budget": "00",
    "libelle": "Commune de Biviers",
}
BORDEREAU = {"exercice": 2026, "numero": 1, "objet": "Régie garderie ALSH - impayés"}


def piece(numero, montant, mandat=None, **tiers):
    debiteur = {
        "civilite": "Madame",
        "nom": "Dupont",
        "prenom": "Jeanne",
        "adresse": "12 rue des Bonbons",
        "code_postal": "31400",
        "ville": "Saint - Jean",
    }
    debiteur.update(tiers)
    return {
        "numero": numero,
        "objet": "Facture AL-36 du 01/04/2015 au 30/04/2015",
        "facture": "AL-36",
        "montant": Decimal(montant),
        "nature": "7067",
        "produit": "ENFA",
        "tiers": debiteur,
        "mandat": mandat,
    }


MANDAT = {
    "rum": "PF-1001001818331-1",
    "signe_le": datetime.date(2026, 9, 1),
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "agrifrpp",
    "titulaire": "Jean Dupont",
    "sequence": "FRST",
    "echeance": datetime.date(2026, 12, 21),
}


def fichier():
    return ecriture.ecrire(
        ENTETE, BORDEREAU, [piece(1, "243.20", MANDAT), piece(2, "12.5", nom="Martin-Lefèvre")]
    )


def v(racine, chemin):
    return racine.find(chemin).get("V")


def test_the_file_reads_as_hélios_wants_it():
    data = fichier()
    assert data.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    racine = etree.fromstring(data)
    assert racine.tag == "{http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller}PES_Aller"
    assert [e.tag for e in racine] == ["Enveloppe", "EnTetePES", "PES_RecetteAller"]
    assert [e.tag for e in racine.find("EnTetePES")] == [
        "DteStr", "IdPost", "IdColl", "CodCol", "CodBud", "LibelleColBud",
    ]  # fmt: skip
    assert v(racine, "EnTetePES/LibelleColBud") == "COMMUNE DE BIVIERS"
    bloc = racine.find("PES_RecetteAller/Bordereau/BlocBordereau")
    assert [(e.tag, e.get("V")) for e in bloc] == [
        ("Exer", "2026"),
        ("IdBord", "1"),
        ("DteBordEm", "2026-12-07"),
        ("TypBord", "06"),
        ("NbrPce", "2"),
        ("MtBordHt", "255.70"),
        ("DteAsp", "2026-12-07"),
        ("Objet", "REGIE GARDERIE ALSH - IMPAYES"),
    ]
    premiere, seconde = racine.findall("PES_RecetteAller/Bordereau/Piece")
    assert [e.tag for e in premiere.find("BlocPiece")] == [
        "IdPce", "TypPce", "NatPce", "ObjPce", "NumDette", "Per", "Cle1", "Cle2",
        "NumeroFacture",
    ]  # fmt: skip
    assert v(premiere, "BlocPiece/TypPce") == "15"
    ligne = premiere.find("LigneDePiece/BlocLignePiece/InfoLignePiece")
    assert [(e.tag, e.get("V")) for e in ligne] == [
        ("IdLigne", "1"),
        ("ObjLignePce", "FACTURE AL-36 DU 01/04/2015 AU 30/04/2015"),
        ("CodProdLoc", "ENFA"),
        ("Nature", "7067"),
        ("Majo", "0"),
        ("TvaIntraCom", "0"),
        ("MtHT", "243.20"),
    ]
    sepa = premiere.find("LigneDePiece/BlocLignePiece/InfoPrelevementSEPA")
    assert v(sepa, "SequencePres") == "02" and v(sepa, "RefUniMdt") == "PF-1001001818331-1"
    assert v(sepa, "DtePrel") == "2026-12-21" and v(sepa, "MtPrel") == "243.20"
    tiers = premiere.find("LigneDePiece/Tiers")
    assert [e.tag for e in tiers] == ["InfoTiers", "Adresse", "CpteBancaire"]
    assert [(e.tag, e.get("V")) for e in tiers.find("InfoTiers")] == [
        ("CatTiers", "01"),
        ("NatJur", "01"),
        ("TypTiers", "01"),
        ("Civilite", "MME"),
        ("Nom", "DUPONT"),
        ("Prenom", "JEANNE"),
    ]
    assert v(tiers, "Adresse/Adr2") == "12 RUE DES BONBONS"
    assert v(tiers, "Adresse/CP") == "31400" and v(tiers, "Adresse/Ville") == "SAINT - JEAN"
    assert v(tiers, "CpteBancaire/IBAN") == "FR7630006000011234567890189"
    assert v(tiers, "CpteBancaire/BIC") == "AGRIFRPP"
    # no mandate: no debit details
    assert seconde.find("LigneDePiece/BlocLignePiece/InfoPrelevementSEPA") is None
    assert seconde.find("LigneDePiece/Tiers/CpteBancaire") is None
    assert v(seconde, "LigneDePiece/Tiers/InfoTiers/Nom") == "MARTIN-LEFEVRE"
    assert v(seconde, "LigneDePiece/BlocLignePiece/InfoLignePiece/MtHT") == "12.50"


def test_a_sound_file_passes_the_check():
    assert controle.verifier(fichier()) == []


def test_texts_in_the_postal_norm():
    assert ecriture.texte("  Chloé <b>&amp; Zoë ", 38) == "CHLOE B AMP ZOE"
    assert ecriture.texte("x" * 50, 38) == "X" * 38
    assert ecriture.montant(Decimal("3")) == "3.00"


def test_control_keys():
    # modulo 11 from the right, weights 2..7; modulo 23 on the letters
    # without I, O, Z
    assert ecriture.cle_modulo_11("0") == 1  # 11 - 0: 1
    assert ecriture.cle_modulo_11("12") == 4  # 2*2 + 1*3 = 7: 11 - 7
    assert ecriture.cle_modulo_11("1234567") == 4  # 106 = 9 * 11 + 7
    assert ecriture.cle_modulo_23("23") == "A"
    assert ecriture.cle_modulo_23("22") == "Y"


def _sans(data, chemin):
    racine = etree.fromstring(data)
    parties = chemin.split("/")[1:]
    element = racine
    for nom in parties:
        element = element.find(nom)
    element.getparent().remove(element)
    return etree.tostring(racine, xml_declaration=True, encoding="ISO-8859-1")


@pytest.mark.parametrize("chemin", controle.obligatoires())
def test_each_missing_mandatory_element_fails(chemin):
    erreurs = controle.verifier(_sans(fichier(), "PES_Aller/" + chemin))
    assert erreurs, chemin


def test_mandatory_elements_cover_the_format():
    found = set(controle.obligatoires())
    for chemin in (
        "EnTetePES/IdColl",
        "PES_RecetteAller/Bordereau/BlocBordereau/IdBord",
        "PES_RecetteAller/Bordereau/Piece/BlocPiece/IdPce",
        "PES_RecetteAller/Bordereau/Piece/LigneDePiece/BlocLignePiece/InfoLignePiece/MtHT",
        "PES_RecetteAller/Bordereau/Piece/LigneDePiece/Tiers/InfoTiers/Nom",
        "PES_RecetteAller/Bordereau/Piece/LigneDePiece/Tiers/Adresse/CP",
    ):
        assert chemin in found


def _remplacer(data, chemin, valeur):
    racine = etree.fromstring(data)
    racine.find(chemin).set("V", valeur)
    return etree.tostring(racine, xml_declaration=True, encoding="ISO-8859-1")


@pytest.mark.parametrize(
    "chemin, valeur",
    [
        ("EnTetePES/DteStr", "07/12/2026"),
        ("EnTetePES/IdColl", "2138004510001"),
        ("PES_RecetteAller/Bordereau/BlocBordereau/MtBordHt", "255.7"),
        ("PES_RecetteAller/Bordereau/BlocBordereau/NbrPce", "3"),
        ("PES_RecetteAller/Bordereau/Piece/LigneDePiece/Tiers/InfoTiers/Nom", "x" * 39),
        ("PES_RecetteAller/Bordereau/Piece/LigneDePiece/Tiers/Adresse/CP", "3140"),
        (
            "PES_RecetteAller/Bordereau/Piece/LigneDePiece/BlocLignePiece/InfoLignePiece/MtHT",
            "243.21",
        ),
    ],
)
def test_malformed_values_fail(chemin, valeur):
    assert controle.verifier(_remplacer(fichier(), chemin, valeur))


def test_misplaced_or_unexpected_elements_fail():
    racine = etree.fromstring(fichier())
    tete = racine.find("EnTetePES")
    tete.insert(0, tete[1])  # IdPost before DteStr
    assert controle.verifier(etree.tostring(racine))
    racine = etree.fromstring(fichier())
    etree.SubElement(racine.find("EnTetePES"), "Inconnu").set("V", "1")
    assert controle.verifier(etree.tostring(racine))


def test_not_xml_fails():
    assert controle.verifier(b"<PES_Aller>")
