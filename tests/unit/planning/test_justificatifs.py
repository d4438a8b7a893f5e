"""The late absence's pure parts: how many days after the day it may be
declared (a setting, read safely), and a day of the family's form."""

import datetime

import pytest

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


def test_one_check_of_an_absence_s_reason():
    from portail_famille.planning import service

    assert service.erreur_motif("  ") == "Indiquez la raison de l'absence."
    assert service.erreur_motif(None) == "Indiquez la raison de l'absence."
    long = "x" * (service.MOTIF_MAX + 1)
    assert service.erreur_motif(long).mapping == {"max": service.MOTIF_MAX}
    assert service.erreur_motif(" Fièvre ") is None
    assert service.motif_absence("  Gastro \n entérite ") == "Gastro entérite"
    with pytest.raises(service.Refus) as refus:
        service.motif_absence("")
    assert refus.value.message == "Indiquez la raison de l'absence."


def test_the_certificate_is_a_health_document():
    from portail_famille.demandes import pieces

    assert pieces.NATURES[pieces.CERTIFICAT_MEDICAL] == "Certificat médical"
    assert pieces.CERTIFICAT_MEDICAL in pieces.NATURES_SANTE
    assert "vaccinations" in pieces.NATURES_SANTE
    assert "ressources" not in pieces.NATURES_SANTE
