"""Structures, prestations and the calendar in the SDI: what agents add,
what the others cannot reach, the demo's activities and calendar."""

import datetime

import pytest
from bs4 import BeautifulSoup
from substanced.folder import Folder
from substanced.util import get_acl

from portail_famille.calendrier.jours import FERIE, FERMETURE, PETITES_VACANCES, jour
from portail_famille.demo import STRUCTURES, annees_scolaires
from portail_famille.evolve import STEPS, step4
from portail_famille.facturation.permanence import reconstruction
from portail_famille.facturation.regies import regie_de
from portail_famille.security import GROUPE_AGENTS, GROUPE_REGISSEURS, P, group_oid

from ..conftest import login, with_root

D = datetime.date
ALSH = "/manage/structures/accueil-de-loisirs-alsh"
JOURS = ("1", "2", "3", "4", "5", "6", "7")
PERIODES = ("scolaire", "vacances")


def erreur(page, champ):
    """The error message shown next to the field ``champ`` (None if none)."""
    soup = BeautifulSoup(page.text, "html.parser")
    item = soup.find(class_="item-%s" % champ)
    assert item is not None, "no field %s" % champ
    message = item.find(class_="help-block", id=lambda i: i and i.startswith("error-"))
    return message.get_text(strip=True) if message else None


def cocher(form, jours=(), periodes=()):
    """Tick opening days and periods (deform names every box 'checkbox')."""
    for index, value in enumerate(JOURS + PERIODES):
        box = form.get("checkbox", index=index)
        assert box._value == value
        box.checked = value in jours or value in periodes


def test_agent_adds_a_structure(app):
    login(app, "agent", "Enfance2015ej")
    form = app.get("/manage/structures/@@add_structure").forms["deform"]
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "title") == "Ce champ est obligatoire."
    form = refused.forms["deform"]
    form["title"] = "Accueil de Loisirs ALSH"  # the demo's
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "title") == "Ce libellé existe déjà ici."
    form = refused.forms["deform"]
    form["title"] = "Centre de loisirs des Écureuils"
    added = form.submit("ajouter", status=302)
    assert added.location.endswith(
        "/manage/structures/centre-de-loisirs-des-ecureuils/@@properties"
    )
    page = app.get("/manage/structures/centre-de-loisirs-des-ecureuils/@@properties")
    assert "Centre de loisirs des Écureuils" in page.text


def test_agent_adds_a_prestation_with_french_errors_then_valid_values(app):
    login(app, "agent", "Enfance2015ej")
    form = app.get(ALSH + "/@@add_prestation").forms["deform"]
    form["title"] = "Mercredi matin"
    form["code"] = "ALSH-MM"
    form["capacite"] = "0"
    form["delai_reservation_jours"] = "-1"
    form["delai_reservation_heure"] = "25:00"
    form["delai_absence_jours"] = "deux"
    form["delai_absence_heure"] = "9h"
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "title") is None
    assert erreur(refused, "capacite") == "La capacité doit être d'au moins 1 place."
    assert erreur(refused, "jours") == "Choisissez au moins un jour d'ouverture."
    assert erreur(refused, "periodes") == "Choisissez au moins une période."
    assert erreur(refused, "delai_reservation_jours") == (
        "Le nombre de jours ne peut pas être négatif."
    )
    heure = "Heure invalide : au format HH:MM, par exemple 10:00."
    assert erreur(refused, "delai_reservation_heure") == heure
    assert erreur(refused, "delai_absence_heure") == heure
    assert erreur(refused, "delai_absence_jours") == "Saisissez un nombre entier."
    assert erreur(refused, "validation") == "Ce champ est obligatoire."
    assert (
        with_root(
            app.app,
            lambda root, r: "mercredi-matin" in root["structures"]["accueil-de-loisirs-alsh"],
        )
        is False
    )

    form = refused.forms["deform"]
    form["capacite"] = "20"
    form["delai_reservation_jours"] = "2"
    form["delai_reservation_heure"] = "10:00"
    form["delai_absence_jours"] = "1"
    form["delai_absence_heure"] = "18:30"
    form["validation"] = "agent"
    cocher(form, jours=("3",), periodes=("scolaire",))
    added = form.submit("ajouter", status=302)
    assert added.location.endswith(ALSH + "/mercredi-matin/@@properties")

    def stored(root, registry):
        p = root["structures"]["accueil-de-loisirs-alsh"]["mercredi-matin"]
        return (
            p.title,
            p.code,
            set(p.jours),
            set(p.periodes),
            p.capacite,
            p.delai_reservation_jours,
            p.delai_reservation_heure,
            p.delai_absence_jours,
            p.delai_absence_heure,
            p.validation,
            p.unite,
            p.regie_oid,
            p.ouvert_le(D(2015, 4, 8)),
            p.ouvert_le(D(2015, 4, 9)),
        )

    assert with_root(app.app, stored) == (
        "Mercredi matin",
        "ALSH-MM",
        {"3"},
        {"scolaire"},
        20,
        2,
        "10:00",
        1,
        "18:30",
        "agent",
        "journee",  # the unit and the régie are the régie's to set (Tarifs tab)
        None,
        True,
        False,
    )
    # The property sheet edits it, with the same checks.
    form = app.get(ALSH + "/mercredi-matin/@@properties").forms["deform"]
    form["capacite"] = "0"
    assert erreur(form.submit("save", status=200), "capacite") == (
        "La capacité doit être d'au moins 1 place."
    )
    form["capacite"] = "25"
    form.submit("save", status=302)
    assert (
        with_root(
            app.app,
            lambda root, r: (
                root["structures"]["accueil-de-loisirs-alsh"]["mercredi-matin"].capacite
            ),
        )
        == 25
    )


def test_agent_edits_the_calendar(app):
    login(app, "agent", "Enfance2015ej")
    form = app.get("/manage/calendrier/@@add_annee_scolaire").forms["deform"]
    form["libelle"] = "2014-2015"  # the demo's
    form.set("date", "2015-09-01", index=0)
    form.set("date", "2015-07-05", index=1)
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "libelle") == "Cette année scolaire existe déjà."
    form = refused.forms["deform"]
    form["libelle"] = "2015-2017"
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "libelle").startswith("Libellé invalide")
    form = refused.forms["deform"]
    form["libelle"] = "2015-2016"
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "libelle") is None
    assert erreur(refused, "fin") == "La date de fin doit suivre la date de début."
    form = refused.forms["deform"]
    form.set("date", "2016-07-05", index=1)
    form.submit("ajouter", status=302)

    form = app.get("/manage/calendrier/@@add_fermeture").forms["deform"]
    form.set("date", "2015-03-10", index=0)
    form.set("date", "2015-03-11", index=1)
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "motif") == "Ce champ est obligatoire."
    form = refused.forms["deform"]
    form["motif"] = "Travaux"
    labels = {label: value for value, _selected, label in form["structure"].options}
    assert labels["Toutes les structures"] == ""
    form["structure"] = labels["Accueil de Loisirs ALSH"]
    form.submit("ajouter", status=302)

    form = app.get("/manage/calendrier/@@add_correction").forms["deform"]
    form["date"] = "2015-04-06"
    form["genre"] = "normal"
    form["motif"] = "Lundi de Pâques travaillé"
    form.submit("ajouter", status=302)
    form = app.get("/manage/calendrier/@@add_correction").forms["deform"]
    form["date"] = "2015-04-06"
    form["genre"] = "F"
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "date") == "Ce jour est déjà corrigé : modifiez sa correction."

    def kinds(root, registry):
        calendrier = root["calendrier"]
        structures = root["structures"]
        alsh = structures["accueil-de-loisirs-alsh"]
        garderie = structures["garderie-periscolaire"]
        return (
            jour(calendrier, D(2015, 4, 6), alsh),
            jour(calendrier, D(2015, 3, 10), alsh),
            jour(calendrier, D(2015, 3, 10), garderie),
            calendrier["2015-2016"].fin,
        )

    assert with_root(app.app, kinds) == (None, FERMETURE, None, D(2016, 7, 5))


FORBIDDEN_URLS = (
    "/manage/structures/@@add_structure",
    ALSH + "/@@add_prestation",
    ALSH + "/@@properties",
    ALSH + "/mercredi-apres-midi/@@properties",
    "/manage/calendrier/@@add_annee_scolaire",
    "/manage/calendrier/@@add_fermeture",
    "/manage/calendrier/@@add_correction",
    "/manage/calendrier/2014-2015/@@properties",
)


@pytest.mark.parametrize("role", ["editeur", "regisseur", "dupont", "anonymous"])
def test_others_cannot_add_or_edit_activities(request, role):
    client = request.getfixturevalue(role)
    for url in FORBIDDEN_URLS:
        response = client.get(url, expect_errors=True)
        assert response.status_int in (302, 403, 404), (role, url, response.status)
        assert 'name="csrf_token"' not in response.text or "deform" not in response.text
    # Nor post to them.
    response = client.post(
        "/manage/structures/@@add_structure",
        {"title": "Intrus", "ajouter": "ajouter"},
        expect_errors=True,
    )
    assert response.status_int in (302, 400, 403, 404)


def test_the_role_table_gives_agents_structures_and_calendar(shared):
    def acls(root, registry):
        agents = group_oid(root, GROUPE_AGENTS)
        regisseurs = group_oid(root, GROUPE_REGISSEURS)
        found = {}
        for name in ("structures", "calendrier"):
            for action, principal, permissions in get_acl(root[name], []):
                found.setdefault(name, {})[principal] = (action, set(permissions))
        return agents, regisseurs, found

    agents, regisseurs, found = with_root(shared.app, acls)
    wanted = {P.SDI_VIEW, P.SDI_EDIT, P.SDI_ADD, P.SDI_MANAGE_CONTENTS}
    # Agents only: régisseurs and editors get nothing there.
    assert found["calendrier"] == {agents: ("Allow", wanted)}
    # On the structures, agents also see who is expected and take attendance;
    # régisseurs only see them and set the tariffs; both read the CAF's
    # statistics; agents open activities to online enrolment; editors get
    # nothing.
    wanted |= {P.PLANNING_VOIR, P.PLANNING_POINTER, P.STATISTIQUES_VOIR, P.INSCRIPTION_OUVRIR}
    assert found["structures"] == {
        agents: ("Allow", wanted),
        regisseurs: ("Allow", {P.SDI_VIEW, P.FACTURATION_GERER, P.STATISTIQUES_VOIR}),
    }


def test_demo_has_the_manuals_seven_prestations_and_calendar(shared):
    def read(root, registry):
        structures = root["structures"]
        calendrier = root["calendrier"]
        return (
            registry.content.typeof(structures),
            registry.content.typeof(calendrier),
            {s.title: [p.title for p in s.prestations()] for s in structures.values()},
            {regie_de(p).title for s in structures.values() for p in s.prestations()},
            [a.libelle for a in calendrier.annees()],
            jour(calendrier, D(2015, 4, 6)),
            jour(calendrier, D(2015, 4, 20)),
            jour(calendrier, D(2015, 8, 12)),
        )

    (t_structures, t_calendrier, prestations, regies, annees, paques, printemps, aout) = with_root(
        shared.app, read
    )
    assert (t_structures, t_calendrier) == ("Structures", "Calendrier")
    assert prestations == {
        "Accueil de Loisirs ALSH": [
            "Mercredi après-midi",
            "Mercredi journée",
            "Vacances après-midi",
            "Vacances journée",
            "Vacances matin",
        ],
        "Garderie périscolaire": ["Garderie matin", "Restauration scolaire"],
    }
    assert sum(len(p) for _t, p in STRUCTURES.values()) == 7
    assert regies == {"Régie garderie ALSH"}
    assert annees == sorted(annees_scolaires())
    assert "2014-2015" in annees
    # Default zone (C): Lundi de Pâques F, zone C's spring holidays P, August G.
    assert (paques, printemps, aout) == (FERIE, PETITES_VACANCES, "G")


def test_current_school_year_runs_from_september_to_july():
    assert annees_scolaires(D(2026, 11, 28)) == {
        "2014-2015": (D(2014, 9, 1), D(2015, 7, 5)),
        "2026-2027": (D(2026, 9, 1), D(2027, 7, 5)),
    }
    assert "2025-2026" in annees_scolaires(D(2026, 3, 2))


def test_demo_load_is_idempotent(app):
    from portail_famille.demo import load

    with_root(app.app, load)
    count = with_root(
        app.app,
        lambda root, r: sum(len(s.prestations()) for s in root["structures"].values()),
    )
    assert count == 7


def test_step4_replaces_empty_plain_folders(app):
    assert "step4" in STEPS

    def old_site(root, registry):
        for name in ("structures", "calendrier"):
            # an old database had no numbered documents naming prestations
            with reconstruction():
                root.remove(name, registry=registry)
            root.add(name, Folder(), registry=registry)
        root["calendrier"]["note"] = Folder()  # not empty: kept

    def evolve(root, registry):
        step4.evolve(root, registry)
        agents = group_oid(root, GROUPE_AGENTS)
        return (
            registry.content.typeof(root["structures"]),
            registry.content.typeof(root["calendrier"]),
            any(p == agents for _a, p, _perm in get_acl(root["structures"], [])),
        )

    with_root(app.app, old_site)
    assert with_root(app.app, evolve) == ("Structures", "Folder", True)
    # Run again: nothing changes, nothing breaks.
    assert with_root(app.app, evolve) == ("Structures", "Folder", True)
