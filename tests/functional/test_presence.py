"""The weekly attendance sheet of a prestation (planning.sdi.presence):
children × opening days, the count per day, PDF / CSV / XLSX with the
formula-injection guard, who may read it."""

import csv
import datetime
import io

import openpyxl
import pytest
from substanced.util import get_oid

from portail_famille.demo import MARTIN
from portail_famille.inscriptions import inscrire
from portail_famille.planning import cells

from ..conftest import with_root
from .test_effectifs import COURANTE, _cantine, _enfant, agent_app, lucas, rows

FEUILLE = "/manage/structures/garderie-periscolaire/restauration-scolaire/@@feuille-de-presence"
HOSTILE = "=1+2"
JOURS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def semaine(app, prenom=None):
    """LUCAS's first two contract days: the first excused, the second
    present; CHLOE (``prenom``) booked on the second. (first, second)."""
    _oid, (first, second) = lucas(app)

    def change(root, registry):
        oid = get_oid(_cantine(root))
        enfant = _enfant(root)
        cells.set_cell(enfant, oid, first, cells.ABSENT_EXCUSE)
        cells.set_cell(enfant, oid, second, cells.PRESENT_RESERVE)
        chloe = _enfant(root, MARTIN["numero"])
        if prenom:
            chloe.prenom = prenom
        inscrire(chloe, oid, COURANTE, root["calendrier"][COURANTE].debut)
        cells.set_cell(chloe, oid, second, cells.RESERVE)

    with_root(app.app, change)
    return first, second


def _colonne(day):
    return "%s %s" % (JOURS[day.weekday()], day.strftime("%d/%m"))


def test_weekly_sheet_of_a_constructed_week(app):
    agent = agent_app(app)
    first, second = semaine(app)
    assert first.isocalendar()[1] == second.isocalendar()[1]  # one week
    page = agent.get(FEUILLE, {"date": second.isoformat()})
    lundi = second - datetime.timedelta(days=second.weekday())
    assert "semaine du %s" % lundi.strftime("%d/%m/%Y") in page.html.select_one("h3").get_text()
    entetes = [th.get_text(strip=True) for th in page.html.select("table.presence thead th")]
    assert entetes[:4] == ["Nom", "Prénom", "Classe", "N° famille"]
    a, b = entetes.index(_colonne(first)), entetes.index(_colonne(second))
    lignes = {(r[0], r[1]): r for r in rows(page, "table.presence")}
    assert lignes[("DUPONT", "LUCAS")][a] == "AE"
    assert lignes[("DUPONT", "LUCAS")][b] == "P"
    chloe = next(r for (nom, _p), r in lignes.items() if nom == "MARTIN")
    assert chloe[b] == "R" and chloe[a] == ""
    total = [td.get_text(strip=True) for td in page.html.select("table.presence tfoot td")]
    # LUCAS's excused absence gives his place back: one child expected.
    assert total[a - 1] == "0" and total[b - 1] == "2"

    response = agent.get(FEUILLE + "-pdf", {"date": second.isoformat()})
    assert response.body.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"


def test_weekly_sheet_downloads_write_a_hostile_name_as_text(app):
    agent = agent_app(app)
    _first, second = semaine(app, prenom=HOSTILE)
    response = agent.get(FEUILLE + "-csv", {"date": second.isoformat()})
    lignes = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert ["MARTIN", "'" + HOSTILE] in [ligne[:2] for ligne in lignes]
    assert lignes[-1][0] == "Enfants attendus"
    response = agent.get(FEUILLE + "-xlsx", {"date": second.isoformat()})
    feuille = openpyxl.load_workbook(io.BytesIO(response.body)).active
    cellule = next(r[1] for r in feuille.iter_rows(min_row=2) if r[0].value == "MARTIN")
    assert cellule.value == HOSTILE and cellule.data_type == "s"
    assert [c.data_type for c in feuille[feuille.max_row]][4:] == ["n"] * (feuille.max_column - 4)


def test_weekly_sheet_of_a_closed_week_and_a_bad_date(shared, agent):
    page = agent.get(FEUILLE, {"date": "2026-02-30"})
    assert "Date invalide" in page.html.select_one("#date-erreur").get_text()
    # A week of the summer holidays: the canteen does not open.
    page = agent.get(FEUILLE, {"date": "2026-08-05"})
    assert "n'ouvre aucun jour" in page.html.select_one("p.aucun").get_text()


@pytest.mark.parametrize("role", ["dupont", "martin", "regisseur", "editeur", "anonymous"])
def test_others_get_no_weekly_sheet(request, shared, role):
    client = request.getfixturevalue(role)
    for suffix in ("", "-pdf", "-csv", "-xlsx"):
        response = client.get(FEUILLE + suffix, expect_errors=True)
        assert response.status_int in (302, 403, 404), (role, suffix, response.status)
        assert "LUCAS" not in response.text
        assert not response.body.startswith((b"%PDF", b"PK"))
