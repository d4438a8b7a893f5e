"""School holidays the library does not know, and school years that
overlap (issue 16, "the calendar's guards"): the SDI says when
``vacances-scolaires-france`` stops before a school year, agents enter that
year's holiday periods (inside the year, without overlap), which then give
P and G in the family's grid and open the holiday prestations; a school
year overlapping another is refused beside the field.  The town's clock is
frozen on Tuesday 1 December 2026 (zone C)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from substanced.util import get_oid

from portail_famille.calendrier.jours import GRANDES_VACANCES, PETITES_VACANCES, jour
from portail_famille.planning import cells

from ..conftest import app_du_test, with_root
from .test_demandes_staff import staff
from .test_enfants import browser_for
from .test_reservations import (  # noqa: F401 (clock: a fixture)
    REST,
    VJ,
    cell_text,
    clock,
    grid,
    lucas,
    refusals,
    reserver,
)

D = datetime.date
ANNEE = "2028-2029"
CALENDRIER = "/manage/calendrier/"
VACANCES = CALENDRIER + ANNEE + "/@@vacances"
AJOUT_PERIODE = CALENDRIER + ANNEE + "/@@add_periode_vacances"
TOUSSAINT = D(2028, 10, 25)  # a Wednesday of the Toussaint 2028 the agents enter
ECOLE = D(2028, 10, 20)  # the Friday before: a school day
VJ_TITRE = "Accueil de Loisirs ALSH Vacances journée"
REST_TITRE = "Garderie périscolaire Restauration scolaire"


def erreur(page, champ):
    item = BeautifulSoup(page.text, "html.parser").find(class_="item-%s" % champ)
    assert item is not None, champ
    message = item.find(class_="help-block", id=lambda i: i and i.startswith("error-"))
    return message.get_text(" ", strip=True) if message else None


def annee(form, libelle, debut, fin):
    form["libelle"] = libelle
    form.set("date", debut.isoformat(), index=0)
    form.set("date", fin.isoformat(), index=1)
    return form


def periode(form, nom, debut, fin):
    form["nom"] = nom
    form.set("date", debut.isoformat(), index=0)
    form.set("date", fin.isoformat(), index=1)
    return form


def periodes(app):
    def read(root, registry):
        return [(p.nom, p.debut, p.fin) for p in root["calendrier"][ANNEE].periodes()]

    return with_root(app.app, read)


def genres(app, *days):
    def read(root, registry):
        alsh = root["structures"]["accueil-de-loisirs-alsh"]
        return [jour(root["calendrier"], day, alsh) for day in days]

    return with_root(app.app, read)


@pytest.fixture
def ville(tmp_path, clock):  # noqa: F811
    with app_du_test(tmp_path, **{"portail.zone_vacances": "C"}) as app:
        yield app


def test_a_year_after_the_librarys_data_takes_the_holidays_agents_enter(ville):
    agent = staff(ville, "agent")
    form = annee(
        agent.get(CALENDRIER + "@@add_annee_scolaire").forms["deform"],
        ANNEE,
        D(2028, 9, 1),
        D(2029, 7, 6),
    )
    added = form.submit("ajouter", status=302)
    assert added.location.endswith(VACANCES)
    page = added.follow()
    warning = (
        "Le calendrier national des vacances scolaires s'arrête au 31/08/2028 : il ne "
        "connaît pas les vacances de l'année 2028-2029 (zone C)."
    )
    assert warning in page.html.select_one(".vacances-inconnues").get_text(" ", strip=True)
    assert warning in page.html.select_one("#messages").get_text(" ", strip=True)
    assert page.html.select_one(".aucune-periode") is not None
    # Without periods, the library's silence makes October 2028 school days.
    assert genres(ville, TOUSSAINT) == [None]

    form = page.click("Ajouter une période de vacances").forms["deform"]
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "nom") == "Ce champ est obligatoire."
    form = periode(
        refused.forms["deform"], "Vacances de la Toussaint", D(2028, 8, 26), D(2028, 9, 3)
    )
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "debut") == (
        "La période doit être comprise dans l'année scolaire 2028-2029 "
        "(du 01/09/2028 au 06/07/2029)."
    )
    form = periode(
        refused.forms["deform"], "Vacances de la Toussaint", D(2028, 11, 5), D(2028, 10, 21)
    )
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "fin") == "La date de fin doit suivre la date de début."
    assert periodes(ville) == []
    form = periode(
        refused.forms["deform"], "Vacances de la Toussaint", D(2028, 10, 21), D(2028, 11, 5)
    )
    assert form.submit("ajouter", status=302).location.endswith(VACANCES)

    form = periode(
        agent.get(AJOUT_PERIODE).forms["deform"],
        "Vacances de Noël",
        D(2028, 11, 1),
        D(2028, 11, 10),
    )
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "debut") == (
        "Cette période chevauche « Vacances de la Toussaint (du 21/10/2028 au 05/11/2028) »."
    )
    form = periode(refused.forms["deform"], "Vacances d'été", D(2029, 7, 1), D(2029, 7, 6))
    form.submit("ajouter", status=302)
    assert periodes(ville) == [
        ("Vacances de la Toussaint", D(2028, 10, 21), D(2028, 11, 5)),
        ("Vacances d'été", D(2029, 7, 1), D(2029, 7, 6)),
    ]
    tab = agent.get(VACANCES)
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in tab.html.select("table.periodes tbody tr")
    ]
    assert rows == [
        ["Vacances de la Toussaint", "21/10/2028", "05/11/2028", "P"],
        ["Vacances d'été", "01/07/2029", "06/07/2029", "G"],
    ]
    assert genres(ville, ECOLE, TOUSSAINT, D(2029, 7, 2), D(2029, 6, 29)) == [
        None,
        PETITES_VACANCES,
        GRANDES_VACANCES,
        None,
    ]

    # A period's sheet keeps the same rules.
    name = with_root(ville.app, lambda root, r: root["calendrier"][ANNEE].periodes()[0].__name__)
    sheet = agent.get(CALENDRIER + ANNEE + "/" + name + "/@@properties").forms["deform"]
    sheet.set("date", "2029-07-03", index=1)
    assert erreur(sheet.submit("save", status=200), "fin").startswith("Cette période chevauche")
    # The year cannot shrink away from its periods.
    sheet = agent.get(CALENDRIER + ANNEE + "/@@properties").forms["deform"]
    sheet.set("date", "2029-06-30", index=1)
    assert erreur(sheet.submit("save", status=200), "fin").startswith(
        "La période de vacances « Vacances d'été (du 01/07/2029 au 06/07/2029) » sortirait"
    )
    assert with_root(ville.app, lambda root, r: root["calendrier"][ANNEE].fin) == D(2029, 7, 6)


def test_the_periods_entered_drive_the_family_grid_and_its_rules(ville):
    agent = staff(ville, "agent")
    form = annee(
        agent.get(CALENDRIER + "@@add_annee_scolaire").forms["deform"],
        ANNEE,
        D(2028, 9, 1),
        D(2029, 7, 6),
    )
    form.submit("ajouter", status=302)
    form = periode(
        agent.get(AJOUT_PERIODE).forms["deform"],
        "Vacances de la Toussaint",
        D(2028, 10, 21),
        D(2028, 11, 5),
    )
    form.submit("ajouter", status=302)

    def inscrire(root, registry):
        from portail_famille.inscriptions import inscrire

        for path in (VJ, REST):
            oid = get_oid(root["structures"][path[0]][path[1]])
            inscrire(lucas(root), oid, ANNEE, D(2028, 9, 1))

    with_root(ville.app, inscrire)
    dupont = browser_for(ville, "jean.dupont")
    page = grid(dupont, ville, TOUSSAINT)
    classes, text = cell_text(page, VJ_TITRE, TOUSSAINT)
    assert "jour-P" in classes and text.startswith("Petites vacances")
    assert "non-ouvert" not in classes
    classes, _text = cell_text(page, VJ_TITRE, ECOLE)
    assert "non-ouvert" in classes
    classes, _text = cell_text(page, REST_TITRE, TOUSSAINT)
    assert "non-ouvert" in classes
    # The server's rules follow: the holiday is bookable, the school day not.
    reserver(dupont, ville, VJ, TOUSSAINT)

    def etat(root, registry):
        oid = get_oid(root["structures"][VJ[0]][VJ[1]])
        return cells.etat(lucas(root), oid, TOUSSAINT), cells.etat(lucas(root), oid, ECOLE)

    assert with_root(ville.app, etat) == (cells.RESERVATION_TRAITEMENT, None)
    page = reserver(dupont, ville, VJ, ECOLE).follow()
    assert refusals(page) == ["Vacances journée n'est pas ouvert le 20/10/2028."]
    assert with_root(ville.app, etat) == (cells.RESERVATION_TRAITEMENT, None)


def test_a_year_the_library_knows_shows_its_holidays(shared, agent):
    page = agent.get(CALENDRIER + "2014-2015/@@vacances")
    assert page.html.select_one(".vacances-inconnues") is None
    assert "zone C" in page.html.select_one(".source").get_text(" ", strip=True)
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in page.html.select("table.periodes tbody tr")
    ]
    assert ["Vacances de printemps", "18/04/2015", "03/05/2015", "P"] in rows
    assert "Ajouter une période de vacances" not in page.text
    # Its periods are the national ones: none to add.
    refused = agent.get(CALENDRIER + "2014-2015/@@add_periode_vacances", status=302)
    assert refused.location.endswith("/2014-2015/@@vacances")
    assert "sont celles du calendrier national (zone C)" in refused.follow().text
    assert with_root(shared.app, lambda root, r: root["calendrier"]["2014-2015"].periodes()) == []


def test_an_overlapping_school_year_is_refused(ville):
    agent = staff(ville, "agent")
    page = agent.get(CALENDRIER + "@@add_annee_scolaire")
    refused = annee(page.forms["deform"], "2015-2016", D(2015, 6, 1), D(2016, 7, 5)).submit(
        "ajouter", status=200
    )
    assert erreur(refused, "debut") == (
        "Cette période chevauche l'année scolaire 2014-2015 (du 01/09/2014 au 05/07/2015)."
    )
    refused = annee(refused.forms["deform"], "2013-2014", D(2013, 9, 2), D(2014, 9, 2)).submit(
        "ajouter", status=200
    )
    assert erreur(refused, "fin") == (
        "Cette période chevauche l'année scolaire 2014-2015 (du 01/09/2014 au 05/07/2015)."
    )
    assert with_root(
        ville.app, lambda root, r: sorted(a.libelle for a in root["calendrier"].annees())
    ) == ["2014-2015", "2026-2027"]
    # Its sheet too: 2014-2015 cannot reach the current year.
    sheet = agent.get(CALENDRIER + "2014-2015/@@properties").forms["deform"]
    sheet.set("date", "2026-09-15", index=1)
    assert erreur(sheet.submit("save", status=200), "fin") == (
        "Cette période chevauche l'année scolaire 2026-2027 (du 01/09/2026 au 05/07/2027)."
    )
    assert with_root(ville.app, lambda root, r: root["calendrier"]["2014-2015"].fin) == D(
        2015, 7, 5
    )
