"""The pure parts of the mandates' screens: the creditor read from the
settings, a mandate found by its rank in a URL, the BIC found from the
IBAN, the IBAN spaced for the staff's PDF."""

import datetime

import pytest

from portail_famille.prelevement import creancier, mandats
from portail_famille.prelevement.pdf import espacer
from portail_famille.prelevement.service import bic_de, par_rang, rang, trouver


class Famille:
    numero = "1001001818331"


@pytest.fixture
def famille():
    famille = Famille()
    mandats.signer(
        famille, "DUPONT JEAN", "FR7630001007941234567890185", "", datetime.date(2025, 9, 1)
    )
    mandats.signer(
        famille, "DUPONT JEANNE", "FR1420041010050500013M02606", "", datetime.date(2026, 1, 5)
    )
    return famille


def test_creancier_from_the_settings():
    found = creancier(
        {
            "portail.sepa.creancier": "  Régie Garderie  et ALSH de Biviers ",
            "portail.sepa.ics": "fr72 zzz 123456",
            "portail.sepa.adresse": "Mairie de Biviers",
        }
    )
    assert found.nom == "Régie Garderie et ALSH de Biviers"
    assert found.ics == "FR72ZZZ123456"
    assert found.adresse == "Mairie de Biviers"
    assert creancier({}) == creancier(None)


@pytest.mark.parametrize(
    "valeur, rum",
    [
        ("1", "PF-1001001818331-1"),
        ("2", "PF-1001001818331-2"),
        ("0", None),
        ("3", None),
        ("-1", None),
        ("x", None),
        ("", None),
        (None, None),
        ("1" * 50, None),
        (["1"], None),
    ],
)
def test_a_mandate_by_its_rank_in_a_url(famille, valeur, rum):
    found = par_rang(famille, valeur)
    assert (found.rum if found is not None else None) == rum


def test_rank_and_reference(famille):
    second = trouver(famille, "PF-1001001818331-2")
    assert rang(famille, second) == 2
    assert trouver(famille, "PF-autre-1") is None
    assert [m.etat(datetime.date(2026, 2, 1)) for m in mandats.mandats(famille)] == [
        mandats.REVOQUE,
        mandats.ACTIF,
    ]


def test_the_bic_given_or_found_from_the_iban():
    assert bic_de("FR7630001007941234567890185", "") == "BDFEFRPP"
    assert bic_de("FR7630001007941234567890185", "bnpa fr pp") == "BNPAFRPP"
    assert bic_de("FR7630001007941234567890186", "") == ""


def test_the_iban_spaced_by_four():
    assert espacer("FR7630001007941234567890185") == "FR76 3000 1007 9412 3456 7890 185"
    assert espacer(None) == ""
