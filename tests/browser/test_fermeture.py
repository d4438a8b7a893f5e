"""An agent closes a day DUPONT's child booked: the preview says what goes,
"Confirmer la fermeture" cancels it, the parent's grid shows "Fermeture"."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.planning import cells

pytestmark = pytest.mark.browser


def _jour_reserve(portail):
    """(LUCAS's name, the first canteen day he booked after tomorrow)."""
    import transaction
    from pyramid.scripting import prepare
    from substanced.util import get_oid

    env = prepare(registry=portail.wsgi.registry)
    try:
        root = env["root"]
        enfant = next(iter(root["familles"][DUPONT["numero"]]["enfants"].values()))
        oid = get_oid(root["structures"]["garderie-periscolaire"]["restauration-scolaire"])
        debut = dates.today() + datetime.timedelta(days=2)
        tree = cells.cellules(enfant)
        day = next(
            d
            for (_o, d), etat in tree.items(min=(oid, debut), max=(oid, datetime.date.max))
            if etat == cells.RESERVE
        )
        return enfant.__name__, day
    finally:
        transaction.abort()
        env["closer"]()


def test_a_closure_is_previewed_then_confirmed(portail, new_page, log_in):
    enfant, day = _jour_reserve(portail)
    agent = new_page()
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/calendrier/@@add_fermeture"))
    dates_ = agent.locator("input[name=date]")
    dates_.nth(0).fill(day.isoformat())
    dates_.nth(1).fill(day.isoformat())
    agent.get_by_label("Motif").fill("Grève")
    agent.get_by_role("button", name="Ajouter").click()
    annonce = agent.locator(".apercu-fermeture .annonce")
    expect(annonce).to_contain_text("1 réservation(s) de 1 famille(s) seront annulées.")
    expect(agent.locator(".apercu-fermeture table")).to_contain_text(
        "LUCAS, Restauration scolaire (Garderie périscolaire) : %s" % dates.courte(day)
    )
    agent.get_by_role("button", name="Confirmer la fermeture").click()
    expect(
        agent.get_by_text("1 réservation(s) annulée(s), 1 famille(s) prévenue(s)")
    ).to_be_visible()

    parent = new_page()
    log_in(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(
        portail.url(
            "/familles/%s/enfants/%s/planning?mois=%s"
            % (DUPONT["numero"], enfant, day.strftime("%Y-%m"))
        )
    )
    ligne = parent.locator("tr", has_text="Restauration scolaire")
    cellule = ligne.locator("td").nth(day.day)  # [0] is Responsable
    expect(cellule).to_have_class(re.compile(r"\betat-fermeture\b"))
    expect(cellule).to_contain_text("Fermeture")
