"""A parent changes the phone number, an agent accepts, the parent sees it."""

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT

pytestmark = pytest.mark.browser
MON_COMPTE = "/familles/%s/mon-compte" % DUPONT["numero"]


def test_phone_change_requested_accepted_and_seen(portail, new_page, log_in):
    parent = new_page(viewport={"width": 375, "height": 740})
    log_in(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(portail.url(MON_COMPTE))
    rubrique = parent.locator("#rubrique-responsable")
    expect(rubrique).to_contain_text("01.02.03.04.05")
    parent.get_by_role("link", name="Modifier Infos Responsable").click()
    parent.get_by_label("Téléphone domicile").fill("04 76 52 52 52")
    parent.get_by_role("button", name="Enregistrer").click()
    expect(
        parent.get_by_text("Votre demande a été transmise au service enfance jeunesse.")
    ).to_be_visible()
    # Not applied until the service accepts it.
    expect(parent.locator("#rubrique-responsable")).to_contain_text("01.02.03.04.05")
    expect(parent.locator("#rubrique-responsable")).to_contain_text("Demande en attente")

    agent = new_page()
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/@@demandes"))
    ligne = agent.locator("tr", has_text=DUPONT["numero"])
    expect(ligne).to_contain_text("04.76.52.52.52")
    ligne.get_by_role("link", name="Traiter").click()
    agent.get_by_role("button", name="Accepter").click()
    expect(agent.get_by_text("0 demande(s) en attente")).to_be_visible()

    parent.goto(portail.url(MON_COMPTE))
    expect(parent.locator("#rubrique-responsable")).to_contain_text("04.76.52.52.52")
    expect(parent.locator("#rubrique-responsable")).not_to_contain_text("Demande en attente")
    parent.goto(portail.url("/familles/%s/liste-des-demandes" % DUPONT["numero"]))
    expect(parent.locator("section", has_text="Demandes acceptées")).to_contain_text(
        "04.76.52.52.52"
    )
