"""An agent sends a group message: the request queues it and lands on the
job's progress page (En attente, 0 sur N); a worker writes the messages;
the page, never reloaded by hand, follows it (its fetch) to "Terminé",
N sur N; the parent finds the message in his mailbox."""

import re

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT

from ..travaux import une_passe
from .axe import aucune_violation

pytestmark = pytest.mark.browser
OBJET = "Sortie au musée"


def test_a_group_message_followed_to_its_end_on_its_progress_page(portail, new_page, log_in):
    agent = new_page()
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/@@message-groupe"))
    agent.get_by_label("Destinataires").select_option("toutes")
    agent.get_by_role("button", name="Compter les familles").click()
    bouton = agent.get_by_role("button", name=re.compile(r"Envoyer à \d+ famille\(s\)"))
    familles = int(re.search(r"\d+", bouton.inner_text()).group(0))
    agent.get_by_label("Objet").fill(OBJET)
    agent.get_by_role("textbox", name="Message").fill("Départ à 9 h devant l'école.")
    bouton.click()
    expect(
        agent.get_by_text("Message mis en file d'envoi pour %d famille(s)" % familles)
    ).to_be_visible()
    expect(agent.locator("#etat-travail")).to_have_text("En attente")
    expect(agent.locator("#faits-travail")).to_have_text("0 sur %d" % familles)
    expect(agent.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    aucune_violation(agent, "the job's progress page", dans=".travail")

    assert une_passe(portail.wsgi) > 0  # the worker
    # The page follows by itself (its fetch, then a reload once finished).
    expect(agent.locator("#etat-travail")).to_have_text("Terminé", timeout=15_000)
    expect(agent.locator("#faits-travail")).to_have_text("%d sur %d" % (familles, familles))
    expect(agent.get_by_role("link", name="Actualiser")).to_have_count(0)
    agent.get_by_role("link", name="Tous les travaux longs").click()
    expect(agent.locator("tr", has_text=OBJET)).to_contain_text("Terminé")

    parent = new_page()
    log_in(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(portail.url("/familles/%s/boite-de-reception?onglet=recus" % DUPONT["numero"]))
    expect(parent.get_by_role("link", name=OBJET, exact=True)).to_be_visible()
