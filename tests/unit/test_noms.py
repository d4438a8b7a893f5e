"""Names made from titles (util.nom_de, util.nom_libre)."""

from portail_famille.util import nom_de, nom_libre


def test_a_name_from_a_title():
    assert nom_de("Accueil de Loisirs ALSH") == "accueil-de-loisirs-alsh"
    assert nom_de("Inscriptions aux vacances d'été !") == "inscriptions-aux-vacances-d-ete"


def test_a_free_name_in_a_folder():
    folder = {"menus": 1, "menus-2": 1}
    assert nom_libre(folder, "Menus", "dossier") == "menus-3"
    assert nom_libre(folder, "«  »", "dossier") == "dossier"
    long = nom_libre({}, "a" * 59 + " b" * 10, "x")
    assert len(long) <= 60 and not long.endswith("-")
