"""An agent stops a garde alternée in Chromium (issue 21): from LUCAS's
tab "Garde alternée", "Arrêter la garde alternée…", the date (tomorrow)
and the choice, the confirmation page, then "Confirmer"; JEANNE, the
second household's parent, no longer sees LUCAS (his pages: 404)."""

import datetime

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT, JEANNE_FOYER

from ..conftest import with_root

pytestmark = pytest.mark.browser


def chemin_de_lucas(portail):
    def read(root, registry):
        enfants = root["familles"][DUPONT["numero"]]["enfants"].values()
        lucas = next(e for e in enfants if e.prenom == "LUCAS")
        return "/familles/%s/enfants/%s/" % (DUPONT["numero"], lucas.__name__)

    return with_root(portail.wsgi, read)


def test_an_agent_stops_the_garde_alternee_and_jeanne_no_longer_sees_lucas(
    portail, new_page, log_in
):
    child = chemin_de_lucas(portail)
    # JEANNE sees LUCAS before.
    jeanne = new_page()
    log_in(jeanne, "jeanne.lafond", COMPTES["jeanne.lafond"][0])
    assert jeanne.goto(portail.url(child + "planning")).status == 200

    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, "agent", COMPTES["agent"][0])
    page.goto(portail.url("/manage" + child + "@@garde"))
    page.get_by_role("link", name="Arrêter la garde alternée…").click()
    page.wait_for_load_state()
    demain = dates.today() + datetime.timedelta(days=1)
    expect(page.get_by_label("À partir du (jj/mm/aaaa)")).to_have_value(demain.strftime("%d/%m/%Y"))
    expect(page.get_by_label("Annuler ces réservations (les places sont libérées)")).to_be_checked()
    page.get_by_role("button", name="Arrêter la garde alternée…").click()
    page.wait_for_load_state()
    expect(page.locator(".panel-danger .panel-heading")).to_contain_text(
        "Arrêter la garde alternée de « LUCAS DUPONT » avec le foyer LAFOND (N° %s)"
        % JEANNE_FOYER["numero"]
    )
    expect(page.locator(".bilan-arret")).to_contain_text(
        "Les journées passées et les factures émises ne changent pas"
    )
    page.get_by_role("button", name="Confirmer l'arrêt de la garde alternée").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text(
        "Garde alternée de LUCAS DUPONT arrêtée à partir du %s" % demain.strftime("%d/%m/%Y")
    )
    # The tab now offers to share him again.
    expect(page.get_by_role("button", name="Partager…")).to_be_visible()

    # JEANNE: LUCAS is gone from her pages, his own are not found.
    jeanne.goto(portail.url("/familles/%s/mes-enfants" % JEANNE_FOYER["numero"]))
    expect(jeanne.locator("main")).not_to_contain_text("LUCAS")
    assert jeanne.goto(portail.url(child + "planning")).status == 404
    expect(jeanne.locator("h1")).to_have_text("Page introuvable")
