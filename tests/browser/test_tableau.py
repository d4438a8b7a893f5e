"""An agent logs in and lands on the dashboard of the day (axe-clean),
sees the request a family just sent, and reaches it in the queue in one
click (issue 18 item 1)."""

import re

import pytest
from playwright.sync_api import expect

from portail_famille.demandes import service
from portail_famille.demo import COMPTES, DUPONT

from ..conftest import with_root
from .axe import aucune_violation

pytestmark = pytest.mark.browser


def test_agent_lands_on_the_dashboard_and_opens_the_queue(portail, page, log_in):
    def demande(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        valeurs = dict(famille.responsable, mobile="06.11.22.33.44")
        service.deposer(famille, "responsable", valeurs, "jean.dupont", registry)

    with_root(portail.wsgi, demande)
    log_in(page, "agent", COMPTES["agent"][0])
    expect(page).to_have_url(re.compile(r"/manage/@@tableau$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.get_by_role("link", name="Tableau de bord")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("searchbox", name="Rechercher une famille")).to_be_visible()
    ligne = page.locator("section.bloc-demandes tr", has_text="Infos Responsable")
    expect(ligne).to_contain_text("depuis moins d'une heure")
    aucune_violation(page, "tableau de bord (agent)")

    page.get_by_role("link", name=re.compile(r"^Demandes en attente")).click()
    expect(page).to_have_url(re.compile(r"/manage/@@demandes$"))
    expect(page.locator("tr", has_text=DUPONT["numero"])).to_contain_text("06.11.22.33.44")

    # back on the dashboard, the type's figure opens the queue filtered by it
    page.go_back()
    ligne.get_by_role("link", name="Infos Responsable").click()
    expect(page).to_have_url(re.compile(r"/manage/@@demandes\?type=responsable$"))
    expect(page.get_by_label("Type")).to_have_value("responsable")
    expect(page.get_by_text("1 demande(s) en attente")).to_be_visible()
