"""A new family onboarded with a letter, in Chromium: the agent searches
the name, creates the family and its account (no password anywhere),
prints the activation letter; the parent opens the letter's link, chooses
her password and lands on her family's home, logged in.  The agent's
pages (their content) and the parent's are checked by axe."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from portail_famille.demo import COMPTES

from .axe import aucune_violation

pytestmark = pytest.mark.browser

LIEN = re.compile(r"/activer\?jeton=[A-Za-z0-9_\-]{43}")
MOT_DE_PASSE = "Rentree-Sept2027"
# The page's own content: the SDI's frame around it (its tabs' link colour,
# Bootstrap 3's) is not this page's to change.
SDI_PAGE = ".arrivee, .comptes-parents-page"


def test_an_agent_onboards_a_family_with_a_letter(portail, new_page, log_in):
    agent = new_page()
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/familles/@@add_famille"))
    agent.get_by_label("Nom de la famille").fill("moreau")
    agent.get_by_role("button", name="Rechercher").click()
    expect(agent.get_by_text("Aucune famille de ce nom")).to_be_visible()
    aucune_violation(agent, "the new family's form", dans=SDI_PAGE)
    assert agent.locator("input[type=password]").count() == 0

    responsable = agent.locator(".panel:has(> .panel-heading:text-is('Responsable'))")
    expect(responsable.get_by_label("Nom", exact=True)).to_have_value("MOREAU")
    responsable.get_by_label("Prénom", exact=True).fill("Camille")
    agent.get_by_label("Imprimer une lettre").check()
    agent.get_by_role("button", name="Créer la famille et les comptes").click()
    expect(agent.get_by_text("En attente d'activation")).to_be_visible()
    expect(agent.get_by_role("cell", name="camille.moreau")).to_be_visible()
    aucune_violation(agent, "the family's accounts", dans=SDI_PAGE)

    with agent.expect_download() as attendu:
        agent.get_by_role("button", name="Imprimer la lettre d'activation").click()
    pdf = PdfReader(io.BytesIO(open(attendu.value.path(), "rb").read()))
    texte = "".join(pdf.pages[0].extract_text().split())
    assert "camille.moreau" in texte and len(pdf.pages[0].images) == 1
    lien = LIEN.search(texte).group(0)

    parent = new_page()
    parent.goto(portail.url(lien))
    expect(parent.get_by_label("Identifiant")).to_have_value("camille.moreau")
    aucune_violation(parent, "the activation page")
    parent.get_by_label("Nouveau mot de passe", exact=True).fill(MOT_DE_PASSE)
    parent.get_by_label("Confirmation du nouveau mot de passe").fill(MOT_DE_PASSE)
    parent.get_by_role("button", name="Activer mon compte").click()
    expect(parent.get_by_text("Votre compte est activé")).to_be_visible()
    expect(parent.get_by_text("MOREAU").first).to_be_visible()
    assert "/familles/" in parent.url

    # The letter's link has served.
    autre = new_page()
    autre.goto(portail.url(lien))
    expect(autre.get_by_text("Ce lien a déjà servi")).to_be_visible()
    aucune_violation(autre, "a used activation link")
