"""The unpaid follow-up's rules (relances.service): settings, age buckets,
which reminder is due on a day, the follow-up state, the overdue total."""

import datetime
from decimal import Decimal

import pytest
import transaction
from pyramid.exceptions import ConfigurationError

from portail_famille.facturation.regies import Regie
from portail_famille.facturation.resources import Facture
from portail_famille.relances import service

ECHEANCE = datetime.date(2026, 1, 31)
DELAIS = (15, 30)


@pytest.fixture(autouse=True)
def _abort():
    yield
    transaction.abort()  # an invoice's attributes mark the transaction


def facture(montant="50.00", echeance=ECHEANCE, relances=()):
    regie = Regie(title="Régie garderie ALSH", prefixe="AL-")
    regie.__oid__ = 42
    ligne = {"enfant": "LUCAS", "montant": Decimal(montant), "quantite": 1}
    found = Facture("AL-1", regie, echeance, echeance, echeance, echeance, [ligne])
    found.relances = tuple(relances)
    return found


def jour(n):
    return ECHEANCE + datetime.timedelta(days=n)


def test_settings_defaults_and_values():
    assert service.delais({}) == (15, 30)
    assert service.delais({service.DELAIS: " 10  20 40 "}) == (10, 20, 40)
    assert service.delai_tresor({}) == 45
    assert service.delai_tresor({service.TRESOR: "60"}) == 60
    assert service.seuil({}) is None and service.seuil({service.SEUIL: " "}) is None
    assert service.seuil({service.SEUIL: "100,50"}) == Decimal("100.50")


@pytest.mark.parametrize(
    "reglages",
    [
        {service.DELAIS: "15 quinze"},
        {service.DELAIS: "30 15"},
        {service.DELAIS: "15 15"},
        {service.DELAIS: "-1 15"},
        {service.TRESOR: "45j"},
        {service.TRESOR: "-3"},
        {service.SEUIL: "cent"},
        {service.SEUIL: "-5"},
        {service.SEUIL: "NaN"},
    ],
)
def test_a_malformed_setting_stops_the_start(reglages):
    with pytest.raises(ConfigurationError):
        service.verifier_reglages(reglages)


@pytest.mark.parametrize(
    "retard, tranche",
    [(-1, "a-echoir"), (0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "60+")],
)
def test_age_buckets_from_the_due_date(retard, tranche):
    assert service.tranche(facture(), jour(retard)) == tranche


def test_the_first_reminder_at_its_delay_then_the_second_after_the_gap():
    f = facture()
    assert service.rang_du(f, jour(14), DELAIS) is None
    assert service.rang_du(f, jour(15), DELAIS) == 1
    # sent late (day 40): the second waits 15 days more, not the next day
    f.relances = ({"rang": 1, "date": jour(40), "par": "x"},)
    assert service.rang_du(f, jour(40), DELAIS) is None  # one a day
    assert service.rang_du(f, jour(41), DELAIS) is None
    assert service.rang_du(f, jour(55), DELAIS) == 2
    f.relances += ({"rang": 2, "date": jour(55), "par": "x"},)
    assert service.rang_du(f, jour(200), DELAIS) is None  # no third
    assert service.etat(f, jour(99), DELAIS, 100)[0] == service.EN_COURS
    assert service.etat(f, jour(100), DELAIS, 100)[0] == service.A_TRANSMETTRE


def test_paid_debited_or_at_the_tresor_is_never_reminded():
    f = facture()
    f.affectations["AL-2"] = Decimal("50.00")
    assert service.rang_du(f, jour(20), DELAIS) is None
    f = facture()
    f.prelevement = {"lot": "P-1", "echeance": jour(25)}
    assert service.rang_du(f, jour(20), DELAIS) is None
    code, texte = service.etat(f, jour(20), DELAIS, 45)
    assert code == service.PRELEVEMENT and texte.mapping == {"jour": "25/02/2026"}
    f = facture()
    f.tresor = {"fichier": "PES.xml", "date": jour(50)}
    assert service.rang_du(f, jour(60), DELAIS) is None
    assert service.etat(f, jour(60), DELAIS, 45)[0] == service.TRESOR_TRANSMISE


def test_totals_per_bucket():
    factures = [facture("10.00", jour(-40)), facture("20.00", jour(-45)), facture("5.00")]
    par_tranche, total = service.totaux(factures, jour(0))
    assert par_tranche["31-60"] == (2, Decimal("30.00"))
    assert par_tranche["0-30"] == (1, Decimal("5.00"))
    assert total == (3, Decimal("35.00"))
