"""The next school year in one action: an agent previews the re-enrolment
of DUPONT's children in 2027-2028, confirms it (by batches of one child
here: the second batch follows by itself), and views the year overview
with the canteen's opening days; every page axe-clean."""

import datetime

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT
from portail_famille.planning import rentree

from .axe import aucune_violation

pytestmark = pytest.mark.browser

N1 = "2027-2028"


def _preparer(portail):
    """The school year 2027-2028 added; LUCAS made 9 years old at its
    rentrée (the demo's birth date is the manual's, 2008); his sister LÉA
    enrolled in the canteen on Mondays for 2026-2027."""
    import transaction
    from pyramid.scripting import prepare
    from substanced.util import get_oid

    from portail_famille.inscriptions import inscrire

    env = prepare(registry=portail.wsgi.registry)
    try:
        root, registry = env["root"], env["registry"]
        calendrier = root["calendrier"]
        if N1 not in calendrier:
            annee = registry.content.create(
                "AnneeScolaire",
                libelle=N1,
                debut=datetime.date(2027, 9, 1),
                fin=datetime.date(2028, 7, 5),
            )
            calendrier.add(N1, annee, registry=registry)
        enfants = root["familles"][DUPONT["numero"]]["enfants"]
        next(iter(enfants.values())).date_naissance = datetime.date(2018, 5, 14)
        lea = registry.content.create(
            "Enfant", nom="DUPONT", prenom="LÉA", date_naissance=datetime.date(2020, 2, 2)
        )
        enfants.add_next(lea, registry=registry)
        cantine = root["structures"]["garderie-periscolaire"]["restauration-scolaire"]
        inscrire(lea, get_oid(cantine), "2026-2027", datetime.date(2026, 9, 1), ("1",))
        transaction.commit()
    finally:
        transaction.abort()
        env["closer"]()


def _inscrits(portail):
    """{first name: enrolments in 2027-2028} of DUPONT's children."""
    import transaction
    from pyramid.scripting import prepare

    env = prepare(registry=portail.wsgi.registry)
    try:
        enfants = env["root"]["familles"][DUPONT["numero"]]["enfants"].values()
        return {e.prenom: sum(1 for i in e.inscriptions.values() if i.annee == N1) for e in enfants}
    finally:
        transaction.abort()
        env["closer"]()


def test_an_agent_previews_confirms_and_views_the_year(portail, new_page, log_in, monkeypatch):
    _preparer(portail)
    monkeypatch.setattr(rentree, "LOT", 1)
    agent = new_page()
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/familles/@@reinscriptions"))
    expect(agent.get_by_label("Année scolaire à préparer")).to_have_value(N1)
    agent.get_by_label("N° des familles").fill(DUPONT["numero"])
    aucune_violation(agent, "formulaire des réinscriptions")
    agent.get_by_role("button", name="Aperçu de la réinscription").click()
    annonce = agent.locator(".apercu-reinscription .annonce")
    expect(annonce).to_contain_text(
        "Réinscrire en 2027-2028 les enfants inscrits en 2026-2027 : 2 enfant(s), "
        "3 inscription(s) à créer"
    )
    expect(agent.locator("table.enfants-reinscrits")).to_contain_text("LUCAS DUPONT")
    aucune_violation(agent, "aperçu des réinscriptions")
    agent.get_by_role("button", name="Confirmer : réinscrire 2 enfant(s) en 2027-2028").click()
    expect(agent.locator(".suite-reinscription")).to_contain_text(
        "1 enfant(s) restent à réinscrire"
    )
    aucune_violation(agent, "un lot des réinscriptions")
    # The next batch follows by itself.
    expect(agent.locator(".suite-reinscription")).to_have_count(0)
    expect(agent.locator(".bilan-reinscription")).to_contain_text("1 enfant(s) réinscrit(s)")
    aucune_violation(agent, "bilan des réinscriptions")
    assert _inscrits(portail) == {"LUCAS": 2, "LÉA": 1}

    agent.goto(portail.url("/manage/calendrier/%s/@@vue-annee" % N1))
    agent.get_by_label("Jours d'ouverture de la prestation").select_option(
        label="Garderie périscolaire — Restauration scolaire"
    )
    agent.get_by_role("button", name="Afficher").click()
    septembre = agent.locator("table.annee tbody tr", has_text="Septembre 2027")
    expect(septembre.locator("td").nth(0)).not_to_have_class("ouvert")  # Wednesday 1st
    expect(septembre.locator("td").nth(1)).to_have_class("ouvert")  # Thursday 2nd
    expect(agent.locator("table.annee tbody tr")).to_have_count(11)
    aucune_violation(agent, "vue de l'année")
