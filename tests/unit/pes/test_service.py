"""The PES settings read, each missing or malformed one named."""

from decimal import Decimal

from portail_famille.pes import service

BONS = {
    "portail.pes.collectivite": "21380045100015",
    "portail.pes.code_collectivite": "045",
    "portail.pes.budget": "00",
    "portail.pes.poste_comptable": "038044",
    "portail.pes.libelle": "Commune de Biviers",
    "portail.pes.nature": "7067",
    "portail.pes.produit": "ENFA",
}


def test_sound_settings():
    valeurs, erreurs = service.reglages(BONS)
    assert erreurs == []
    assert valeurs["libelle"] == "COMMUNE DE BIVIERS"
    assert valeurs["relances"] == service.DEFAUT_RELANCES == 2
    assert valeurs["seuil"] == Decimal("15.00")


def test_each_missing_setting_is_named():
    valeurs, erreurs = service.reglages({})
    textes = [e.interpolate() for e in erreurs]
    assert len(textes) == len(service.REGLAGES)
    assert textes[0] == (
        "Réglage portail.pes.collectivite (IdColl) absent ou invalide : indiquez le SIRET de "
        "la collectivité, 14 chiffres."
    )
    assert all("${" not in t for t in textes)


def test_malformed_settings():
    mauvais = {
        **BONS,
        "portail.pes.collectivite": "2138004510001",
        "portail.pes.budget": "0",
        "portail.pes.relances": "deux",
        "portail.pes.seuil": "quinze",
    }
    _valeurs, erreurs = service.reglages(mauvais)
    textes = " ".join(e.interpolate() for e in erreurs)
    assert "portail.pes.collectivite" in textes and "portail.pes.budget" in textes
    assert "portail.pes.relances" in textes and "portail.pes.seuil" in textes
    assert "portail.pes.nature" not in textes


def test_the_debtor_needs_a_name_an_address_and_the_threshold():
    debiteur = {
        "civilite": "Madame",
        "nom": "Dupont",
        "prenom": "Jeanne",
        "adresse": "12 rue des Bonbons",
        "code_postal": "31400",
        "ville": "Saint - Jean",
    }
    seuil = Decimal("15.00")
    assert service.motif_exclusion(debiteur, Decimal("20"), seuil) is None
    assert service.motif_exclusion(debiteur, Decimal("14.99"), seuil) is not None
    for cle, valeur in (("nom", " "), ("adresse", ""), ("ville", ""), ("code_postal", "3140")):
        assert service.motif_exclusion({**debiteur, cle: valeur}, Decimal("20"), seuil)
