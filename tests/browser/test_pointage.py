"""A morning at the garderie on a tablet (768 × 1024): the agent finds
LUCAS, who came without a reservation, by typing "luc", adds him present
with one tap, notes his departure, saves; the sheet never scrolls
sideways, its targets are finger-sized and axe finds no violation."""

import datetime

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.planning import cells, horaires

from ..conftest import with_root
from .axe import aucune_violation

pytestmark = pytest.mark.browser

POINTAGE = "/manage/structures/garderie-periscolaire/garderie-matin/@@pointage?date=%s"
TABLETTE = {"width": 768, "height": 1024}


def _lucas(portail, day):
    """(cell, recorded times) of LUCAS at the garderie on ``day``."""
    from substanced.util import get_oid

    def read(root, registry):
        enfants = root["familles"][DUPONT["numero"]]["enfants"]
        enfant = next(e for e in enfants.values() if e.prenom == "LUCAS")
        oid = get_oid(root["structures"]["garderie-periscolaire"]["garderie-matin"])
        return cells.etat(enfant, oid, day), horaires.releve(enfant, oid, day)

    return with_root(portail.wsgi, read)


def _sans_defilement(page):
    largeur = page.evaluate("document.documentElement.scrollWidth")
    assert largeur <= TABLETTE["width"], largeur


def test_walk_in_with_times_on_a_tablet(portail, new_page, log_in):
    agent = new_page(viewport=TABLETTE, has_touch=True)
    log_in(agent, "agent", COMPTES["agent"][0])
    # The last day the garderie opened, today or before.
    day = dates.today()
    for _n in range(40):
        agent.goto(portail.url(POINTAGE % day.isoformat()))
        if not agent.locator(".refus").count():
            break
        day -= datetime.timedelta(days=1)
    else:
        raise AssertionError("the garderie opened on no day of the last 40")
    expect(agent.locator(".par-heure")).to_contain_text("tout quart d'heure commencé est dû")

    agent.get_by_label("Rechercher un enfant").fill("luc")
    agent.get_by_role("button", name="Rechercher", exact=True).click()
    ajouter = agent.get_by_role("button", name="Ajouter (présent) LUCAS DUPONT")
    # The search reloads the page: measure the page it loads, not the one it leaves.
    expect(ajouter).to_be_visible()
    agent.wait_for_load_state()
    _sans_defilement(agent)
    aucune_violation(agent, "pointage: recherche")
    assert ajouter.bounding_box()["height"] >= 44
    ajouter.tap()
    expect(agent.get_by_text("Pointage enregistré")).to_be_visible()
    assert _lucas(portail, day)[0] == cells.PRESENT

    ligne = agent.locator("tr", has_text="DUPONT LUCAS")
    present = ligne.locator("label", has_text="Présent")
    expect(ligne.get_by_role("radio", name="Présent")).to_be_checked()
    assert present.bounding_box()["height"] >= 44
    ligne.get_by_label("Arrivée").fill("07:32")
    ligne.get_by_label("Départ").fill("08:40")
    agent.wait_for_load_state()
    _sans_defilement(agent)
    aucune_violation(agent, "pointage: feuille")
    agent.get_by_role("button", name="Enregistrer le pointage").tap()
    expect(agent.get_by_text("Pointage enregistré")).to_be_visible()
    assert _lucas(portail, day) == (cells.PRESENT, ("07:32", "08:40", ""))

    # A departure before the arrival: said beside the field, nothing lost.
    ligne = agent.locator("tr", has_text="DUPONT LUCAS")
    ligne.get_by_label("Départ").fill("07:00")
    agent.get_by_role("button", name="Enregistrer le pointage").tap()
    expect(agent.get_by_role("alert").filter(has_text="après l'heure d'arrivée")).to_be_visible()
    expect(agent.locator("tr", has_text="DUPONT LUCAS").get_by_label("Départ")).to_have_value(
        "07:00"
    )
    aucune_violation(agent, "pointage: erreur")
    assert _lucas(portail, day)[1] == ("07:32", "08:40", "")
