"""The parent's month planning of a child (issue 4, "The planning grid
(parent)"), read-only: the manual's April 2015 grid of the DUPONT child,
month navigation, a bad ?mois, another family's child; the cells' BTree."""

import datetime

import pytest
from BTrees.OOBTree import OOBTree

from portail_famille import dates
from portail_famille.planning import cells
from portail_famille.planning.views import MOIS

from .test_enfants import lucas_url, main

D = datetime.date
ROWS = [
    "Accueil de Loisirs ALSH Mercredi après-midi",
    "Accueil de Loisirs ALSH Mercredi journée",
    "Accueil de Loisirs ALSH Vacances après-midi",
    "Accueil de Loisirs ALSH Vacances journée",
    "Accueil de Loisirs ALSH Vacances matin",
    "Garderie périscolaire Garderie matin",
    "Garderie périscolaire Restauration scolaire",
]
# Spring holidays 2015 of zone C (the tests' default zone): 18 April -> 4 May.
VACANCES_C = range(18, 31)
COCHES = {
    ROWS[0]: {8, 29},
    ROWS[1]: {7, 28},
    ROWS[3]: {13, 14, 15, 16, 17},
    ROWS[6]: {28, 29},
}


def grille(page):
    """{row title: (responsable, [visible mark of each day])}."""
    found = {}
    for tr in main(page).select("table.planning-grille tbody tr"):
        tds = tr.find_all("td")
        marks = []
        for td in tds[1:]:
            mark = td.select_one("span.marque")
            marks.append(mark.get_text() if mark else "")
        found[tr.th.get_text(strip=True)] = (tds[0].get_text(strip=True), marks, tds[1:])
    return found


def test_april_2015_as_the_manual(shared, dupont):
    fiche = dupont.get(lucas_url(shared))
    page = fiche.click("Planning", href="planning")
    assert main(page).select_one('nav.menu-enfant a[aria-current="page"]').get_text() == "Planning"
    page = dupont.get(lucas_url(shared) + "planning?mois=2015-04")
    soup = main(page)
    assert soup.select_one(".mois-courant").get_text() == "Avril 2015"
    heads = [th.get_text(" ", strip=True) for th in soup.select("table.planning-grille thead th")]
    assert heads[:2] == ["Structure", "Responsable"]
    assert heads[2] == "Me 01" and heads[3] == "Je 02" and heads[-1] == "Je 30"
    assert len(heads) == 2 + 30
    rows = grille(page)
    assert list(rows) == ROWS
    for title, (responsable, marks, tds) in rows.items():
        assert responsable == "DUPONT JEAN"
        assert marks[5] == "F"  # Easter Monday, 6 April
        assert "Jour férié" in tds[5].get_text()
        coches = COCHES.get(title, set())
        assert {day for day, mark in enumerate(marks, 1) if mark == "✓"} == coches
        for day in coches:
            assert "etat-present_reserve" in tds[day - 1]["class"]
            assert "Présent sur une journée réservée" in tds[day - 1].get_text()
        for day in VACANCES_C:
            if day not in coches:
                assert marks[day - 1] == "P", (title, day)
                assert "Petites vacances" in tds[day - 1].get_text()
        for day in range(1, 18):
            if day != 6 and day not in coches:
                assert marks[day - 1] == "", (title, day)
    # Days the prestation does not open are greyed: Wednesdays only.
    tds = rows[ROWS[0]][2]
    assert "non-ouvert" in tds[1]["class"]  # Thursday 2
    assert "non-ouvert" not in (tds[0].get("class") or [])  # Wednesday 1
    # The wrapper scrolls, not the page; the legend of the manual.
    assert soup.select_one("div.table-defilante > table.planning-grille")
    legende = soup.select_one(".legende-planning").get_text(" ", strip=True)
    for label in (
        "Réservé",
        "Erreur",
        "Congé",
        "Heure hors contrat Régulier",
        "Fermeture",
        "Absent facturé",
        "Demande en attente",
        "Absent excusé",
        "Réservation en cours de traitement",
        "Réservation refusée",
        "Absence en cours de traitement",
        "Petites vacances",
        "Grandes vacances",
        "Jour férié",
    ):
        assert label in legende


def test_month_navigation(shared, dupont):
    page = dupont.get(lucas_url(shared) + "planning?mois=2015-04")
    before = page.click("Mois précédent")
    assert main(before).select_one(".mois-courant").get_text() == "Mars 2015"
    after = page.click("Mois suivant")
    assert main(after).select_one(".mois-courant").get_text() == "Mai 2015"
    assert not {m for _r, ms, _t in grille(after).values() for m in ms} & {"✓"}
    january = dupont.get(lucas_url(shared) + "planning?mois=2015-01").click("Mois précédent")
    assert main(january).select_one(".mois-courant").get_text() == "Décembre 2014"
    december = dupont.get(lucas_url(shared) + "planning?mois=2014-12").click("Mois suivant")
    assert main(december).select_one(".mois-courant").get_text() == "Janvier 2015"
    # Summer 2015: after the 2014-2015 school year (no row of it).
    assert "Accueil de Loisirs ALSH Vacances matin" not in dupont.get(
        lucas_url(shared) + "planning?mois=2015-08"
    )


def test_current_month_by_default_and_on_bad_input(shared, dupont):
    today = dates.today()
    courant = "%s %d" % (MOIS[today.month - 1], today.year)
    for query in ("", "?mois=", "?mois=2015-13", "?mois=abcd", "?mois=1815-04", "?mois=2015-4x"):
        page = dupont.get(lucas_url(shared) + "planning" + query)
        assert main(page).select_one(".mois-courant").get_text() == courant
    dupont.get(lucas_url(shared) + "planning/autre", status=404)


def test_another_family_gets_404(shared, martin):
    response = martin.get(lucas_url(shared) + "planning?mois=2015-04", status=404)
    assert "LUCAS" not in response.text and "DUPONT JEAN" not in response.text


class _Enfant:
    inscriptions = {}


def test_cells_of_month_reads_only_the_month():
    enfant = _Enfant()
    assert cells.cellules(enfant) is None
    assert cells.cells_of_month(enfant, 2015, 4, [1]) == {}
    assert cells.cellules(enfant) is None  # reading creates nothing
    for oid in (1, 2):
        for day in (D(2015, 3, 31), D(2015, 4, 1), D(2015, 4, 30), D(2015, 5, 1)):
            cells.set_cell(enfant, oid, day, cells.RESERVE)
    cells.set_cell(enfant, 3, D(2015, 4, 15), cells.CONGE)
    assert isinstance(cells.cellules(enfant), OOBTree)
    assert cells.cells_of_month(enfant, 2015, 4, [1, 2]) == {
        (1, D(2015, 4, 1)): "reserve",
        (1, D(2015, 4, 30)): "reserve",
        (2, D(2015, 4, 1)): "reserve",
        (2, D(2015, 4, 30)): "reserve",
    }
    assert cells.cells_of_month(enfant, 2015, 4, [3]) == {(3, D(2015, 4, 15)): "conge"}
    cells.set_cell(enfant, 3, D(2015, 4, 15), None)
    assert cells.cells_of_month(enfant, 2015, 4, [3]) == {}

    # One range read per prestation: the tree is never iterated whole.
    reads = []

    class Spy(OOBTree):
        def items(self, *args, **kw):
            reads.append(kw)
            return super().items(*args, **kw)

    spy = Spy()
    spy.update(cells.cellules(enfant))
    setattr(enfant, cells.ATTRIBUT, spy)
    cells.cells_of_month(enfant, 2015, 4, [1, 2])
    assert reads == [{"min": (oid, D(2015, 4, 1)), "max": (oid, D(2015, 4, 30))} for oid in (1, 2)]
    with pytest.raises(ValueError):
        cells.set_cell(enfant, 1, D(2015, 4, 2), "inconnu")
