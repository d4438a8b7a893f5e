"""The late absence's pure parts: how many days after the day it may be
declared (a setting, read safely), and a day of the family's form."""

import datetime

from portail_famille.demandes.resources import ACCEPTEE, REFUSEE
from portail_famille.planning import justificatifs


def test_the_days_after_the_day_come_from_the_setting():
    assert justificatifs.jours_apres({}) == justificatifs.JOURS_DEFAUT == 7
    assert justificatifs.jours_apres(None) == 7
    assert justificatifs.jours_apres({justificatifs.JOURS: "14"}) == 14
    assert justificatifs.jours_apres({justificatifs.JOURS: "0"}) == 0
    assert justificatifs.jours_apres({justificatifs.JOURS: "-3"}) == 0
    assert justificatifs.jours_apres({justificatifs.JOURS: "sept"}) == 7


def test_a_day_of_the_form():
    assert justificatifs.choix(42, datetime.date(2026, 11, 26)) == "42:2026-11-26"


def test_the_decisions_are_named_as_the_pointage_names_them():
    kind = justificatifs.TYPE_DEMANDE
    assert kind.decisions[ACCEPTEE] == "Absent excusé"
    assert kind.decisions[REFUSEE] == "Absent facturé"
    assert kind.vue_traitement == "absence-justifiee"
