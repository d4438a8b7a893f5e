"""The rules of stopping a garde alternée (departs.garde): the date, the
second household's days from it, and what becomes of each one."""

import datetime

import pytest

from portail_famille.departs.garde import (
    ANNULE,
    ANNULER,
    CONSERVE,
    REPORTE,
    REPORTER,
    erreur_date,
    jour_par_defaut,
    jours_du_foyer,
    sort_du_jour,
)
from portail_famille.planning import cells

D = datetime.date
MARDI = D(2026, 12, 1)


def test_the_form_proposes_tomorrow():
    assert jour_par_defaut(MARDI) == D(2026, 12, 2)
    assert jour_par_defaut(D(2026, 12, 31)) == D(2027, 1, 1)


def test_the_date_is_today_or_later():
    assert erreur_date(MARDI, MARDI) is None
    assert erreur_date(D(2027, 3, 1), MARDI) is None
    assert "passée" in erreur_date(D(2026, 11, 30), MARDI)
    assert "jj/mm/aaaa" in erreur_date(None, MARDI)


def test_only_the_households_days_from_the_date_by_day():
    attributions = {
        (7, D(2026, 12, 9)): "B",
        (5, D(2026, 12, 9)): "B",
        (5, D(2026, 11, 25)): "B",  # before: kept out
        (5, D(2026, 12, 2)): "B",  # the date itself: in
        (5, D(2026, 12, 16)): "C",  # another household
    }
    assert jours_du_foyer(attributions, "B", D(2026, 12, 2)) == [
        (5, D(2026, 12, 2)),
        (5, D(2026, 12, 9)),
        (7, D(2026, 12, 9)),
    ]
    assert jours_du_foyer({}, "B", MARDI) == []


@pytest.mark.parametrize("choix", [ANNULER, REPORTER])
def test_an_invoiced_or_pointed_day_or_a_billed_absence_is_kept(choix):
    assert sort_du_jour(cells.RESERVE, True, choix) == CONSERVE
    for etat in (cells.PRESENT, cells.PRESENT_RESERVE, cells.HORS_CONTRAT, cells.ABSENT_FACTURE):
        assert sort_du_jour(etat, False, choix) == CONSERVE


def test_a_booking_is_cancelled_or_moved_as_chosen():
    assert sort_du_jour(cells.RESERVE, False, ANNULER) == ANNULE
    assert sort_du_jour(cells.RESERVE, False, REPORTER) == REPORTE
    assert sort_du_jour(cells.ABSENT_EXCUSE, False, REPORTER) == REPORTE


@pytest.mark.parametrize(
    "etat",
    [
        cells.RESERVATION_TRAITEMENT,
        cells.ABSENCE_TRAITEMENT,
        cells.ATTENTE,
        cells.RESERVATION_REFUSEE,
        None,
    ],
)
def test_a_request_in_process_is_never_moved(etat):
    assert sort_du_jour(etat, False, REPORTER) == ANNULE
    assert sort_du_jour(etat, False, ANNULER) == ANNULE
