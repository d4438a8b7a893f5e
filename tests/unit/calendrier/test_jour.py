"""jour(): the kind of a day, from corrections, closures, public holidays
and the school holidays of the zone (real libraries, real objects)."""

import datetime

import pytest
from substanced.util import set_oid

from portail_famille.calendrier import jours
from portail_famille.calendrier.jours import (
    FERIE,
    FERMETURE,
    GRANDES_VACANCES,
    PETITES_VACANCES,
    jour,
    zone_vacances,
)
from portail_famille.calendrier.resources import Calendrier, Correction, Fermeture
from portail_famille.structures.resources import Structure

D = datetime.date


@pytest.fixture
def calendrier():
    return Calendrier()


@pytest.fixture
def alsh():
    structure = Structure("Accueil de Loisirs ALSH")
    set_oid(structure, 101)
    return structure


@pytest.fixture
def garderie():
    structure = Structure("Garderie périscolaire")
    set_oid(structure, 102)
    return structure


def corriger(calendrier, date, genre):
    calendrier.add(date.isoformat(), Correction(genre, "test"), send_events=False)


def fermer(calendrier, debut, fin, structure=None):
    oid = None if structure is None else structure.__oid__
    name = "fermeture-%d" % (len(calendrier) + 1)
    calendrier.add(name, Fermeture(debut, fin, "travaux", oid), send_events=False)


def test_april_2015_in_zone_c(calendrier):
    # Easter Monday is a public holiday; zone C's spring holidays in 2015
    # ran from Saturday 18 April to Sunday 3 May.
    assert jour(calendrier, D(2015, 4, 6), zone="C") == FERIE
    assert jour(calendrier, D(2015, 4, 8), zone="C") is None
    assert jour(calendrier, D(2015, 4, 17), zone="C") is None
    assert jour(calendrier, D(2015, 4, 18), zone="C") == PETITES_VACANCES
    assert jour(calendrier, D(2015, 4, 22), zone="C") == PETITES_VACANCES
    assert jour(calendrier, D(2015, 5, 3), zone="C") == PETITES_VACANCES
    assert jour(calendrier, D(2015, 5, 4), zone="C") is None


def test_april_2015_in_zone_a_is_the_manuals_grid(calendrier):
    # The manual's grid shows P from Saturday 11 April 2015: zone A's dates
    # (Toulouse was in zone A until summer 2015).
    assert jour(calendrier, D(2015, 4, 10), zone="A") is None
    assert jour(calendrier, D(2015, 4, 11), zone="A") == PETITES_VACANCES
    assert jour(calendrier, D(2015, 4, 26), zone="A") == PETITES_VACANCES
    assert jour(calendrier, D(2015, 4, 27), zone="A") is None


@pytest.mark.parametrize("zone", ["A", "B", "C"])
def test_summer_is_g_and_other_holidays_p(calendrier, zone):
    assert jour(calendrier, D(2015, 8, 12), zone=zone) == GRANDES_VACANCES
    assert jour(calendrier, D(2015, 7, 20), zone=zone) == GRANDES_VACANCES
    assert jour(calendrier, D(2014, 12, 29), zone=zone) == PETITES_VACANCES  # Noël
    assert jour(calendrier, D(2014, 10, 22), zone=zone) == PETITES_VACANCES  # Toussaint


def test_public_holidays_win_over_school_holidays(calendrier):
    # 14 juillet and 15 août fall in the summer holidays, 1er mai in zone
    # C's spring holidays: F, not G or P.
    assert jour(calendrier, D(2015, 7, 14), zone="C") == FERIE
    assert jour(calendrier, D(2015, 8, 15), zone="C") == FERIE
    assert jour(calendrier, D(2015, 5, 1), zone="C") == FERIE


def test_a_town_closure_closes_every_structure(calendrier, alsh):
    fermer(calendrier, D(2015, 3, 10), D(2015, 3, 12))
    assert jour(calendrier, D(2015, 3, 9), zone="C") is None
    assert jour(calendrier, D(2015, 3, 10), zone="C") == FERMETURE
    assert jour(calendrier, D(2015, 3, 12), alsh, zone="C") == FERMETURE
    assert jour(calendrier, D(2015, 3, 13), alsh, zone="C") is None


def test_a_structure_closure_closes_that_structure_only(calendrier, alsh, garderie):
    fermer(calendrier, D(2015, 4, 6), D(2015, 4, 8), alsh)
    assert jour(calendrier, D(2015, 4, 7), alsh, zone="C") == FERMETURE
    assert jour(calendrier, D(2015, 4, 7), garderie, zone="C") is None
    assert jour(calendrier, D(2015, 4, 7), zone="C") is None
    # A closure wins over a public holiday.
    assert jour(calendrier, D(2015, 4, 6), alsh, zone="C") == FERMETURE
    assert jour(calendrier, D(2015, 4, 6), garderie, zone="C") == FERIE


def test_corrections_come_first(calendrier, alsh):
    fermer(calendrier, D(2015, 4, 20), D(2015, 4, 24), alsh)
    corriger(calendrier, D(2015, 4, 6), jours.NORMAL)  # Lundi de Pâques worked
    corriger(calendrier, D(2015, 4, 21), jours.NORMAL)  # over a closure
    corriger(calendrier, D(2015, 4, 9), PETITES_VACANCES)
    corriger(calendrier, D(2015, 4, 10), FERMETURE)
    corriger(calendrier, D(2015, 6, 5), FERIE)
    corriger(calendrier, D(2015, 4, 22), GRANDES_VACANCES)
    assert jour(calendrier, D(2015, 4, 6), alsh, zone="C") is None
    assert jour(calendrier, D(2015, 4, 21), alsh, zone="C") is None
    assert jour(calendrier, D(2015, 4, 20), alsh, zone="C") == FERMETURE
    assert jour(calendrier, D(2015, 4, 9), zone="C") == PETITES_VACANCES
    assert jour(calendrier, D(2015, 4, 10), zone="C") == FERMETURE
    assert jour(calendrier, D(2015, 6, 5), zone="C") == FERIE
    assert jour(calendrier, D(2015, 4, 22), alsh, zone="C") == GRANDES_VACANCES


def test_the_zone_comes_from_the_settings(calendrier):
    assert zone_vacances({"portail.zone_vacances": "a"}) == "A"
    assert zone_vacances({"portail.zone_vacances": " B "}) == "B"
    assert zone_vacances({}) == "C"
    with pytest.raises(ValueError):
        zone_vacances({"portail.zone_vacances": "D"})


def test_school_years(calendrier):
    from portail_famille.calendrier.resources import AnneeScolaire

    for libelle, debut, fin in (
        ("2015-2016", D(2015, 9, 1), D(2016, 7, 5)),
        ("2014-2015", D(2014, 9, 1), D(2015, 7, 5)),
    ):
        calendrier.add(libelle, AnneeScolaire(libelle, debut, fin), send_events=False)
    assert [a.libelle for a in calendrier.annees()] == ["2014-2015", "2015-2016"]
    assert calendrier.annee_de(D(2015, 4, 6)).libelle == "2014-2015"
    assert calendrier.annee_de(D(2015, 7, 20)) is None
    assert calendrier.annees()[0].title == "2014-2015 (du 01/09/2014 au 05/07/2015)"


def test_a_wrong_zone_stops_the_application(tmp_path):
    from pyramid.exceptions import ConfigurationError

    from portail_famille import main

    from ...conftest import settings_for

    with pytest.raises(ConfigurationError, match="A, B or C"):
        main({}, **settings_for(tmp_path, **{"portail.zone_vacances": "Z"}))


def test_a_month_at_once_is_each_day_alone(calendrier, alsh, garderie):
    """genres() reads the calendar once for a month (the grid): the same
    kinds as jour() day by day, whatever else the calendar holds."""
    from portail_famille.calendrier.jours import NORMAL, genres
    from portail_famille.calendrier.resources import AnneeScolaire

    calendrier.add("2014-2015", AnneeScolaire("2014-2015", D(2014, 9, 1), D(2015, 7, 5)))
    corriger(calendrier, D(2015, 4, 6), NORMAL)  # Easter Monday, worked
    corriger(calendrier, D(2015, 4, 9), FERMETURE)
    corriger(calendrier, D(2015, 5, 1), PETITES_VACANCES)  # next month: not read
    fermer(calendrier, D(2015, 3, 30), D(2015, 4, 2), alsh)
    fermer(calendrier, D(2015, 4, 20), D(2015, 4, 21))
    avril = [D(2015, 4, n) for n in range(1, 31)]
    for structure in (alsh, garderie):
        month = genres(calendrier, avril, structure, "C")
        assert month == {day: jour(calendrier, day, structure, "C") for day in avril}
    month = genres(calendrier, avril, alsh, "C")
    assert month[D(2015, 4, 1)] == FERMETURE and month[D(2015, 4, 6)] is None
    assert month[D(2015, 4, 9)] == FERMETURE and month[D(2015, 4, 20)] == FERMETURE
    assert month[D(2015, 4, 22)] == PETITES_VACANCES
    assert genres(calendrier, avril, garderie, "C")[D(2015, 4, 1)] is None


def test_the_periods_agents_enter_replace_the_library_for_their_year(calendrier):
    """2028-2029 is past the library's data: its periods come from the
    agents; 2027-2028 keeps the library's; a public holiday still wins."""
    from portail_famille.calendrier.resources import AnneeScolaire, PeriodeVacances

    assert jours.fin_vacances_connues() == D(2028, 8, 31)
    assert jours.vacances_connues(D(2027, 9, 1), D(2028, 7, 4))
    assert not jours.vacances_connues(D(2028, 9, 1), D(2029, 7, 6))
    calendrier.add("2027-2028", AnneeScolaire("2027-2028", D(2027, 9, 1), D(2028, 7, 4)))
    annee = AnneeScolaire("2028-2029", D(2028, 9, 1), D(2029, 7, 6))
    calendrier.add("2028-2029", annee)
    assert jour(calendrier, D(2028, 12, 27), zone="C") is None  # unknown: a school day
    annee.add("noel", PeriodeVacances("Vacances de Noël", D(2028, 12, 23), D(2029, 1, 7)))
    annee.add("ete", PeriodeVacances("Vacances d'été", D(2029, 7, 5), D(2029, 7, 6)))
    assert jour(calendrier, D(2028, 12, 22), zone="C") is None
    assert jour(calendrier, D(2028, 12, 27), zone="C") == PETITES_VACANCES
    assert jour(calendrier, D(2028, 12, 25), zone="C") == FERIE
    assert jour(calendrier, D(2029, 7, 5), zone="C") == GRANDES_VACANCES
    assert jour(calendrier, D(2027, 12, 20), zone="C") == PETITES_VACANCES  # the library's
    assert [p.nom for p in annee.periodes()] == ["Vacances de Noël", "Vacances d'été"]
    assert [
        (n, d.isoformat(), f.isoformat())
        for n, d, f in jours.periodes_connues(D(2027, 9, 1), D(2028, 1, 31), "C")
    ] == [
        ("Vacances de la Toussaint", "2027-10-23", "2027-11-07"),
        ("Vacances de Noël", "2027-12-18", "2028-01-02"),
    ]
