"""A parent writes to the service with a PDF attached, an agent reads it in
the SDI (and downloads the PDF) and answers, the parent sees the counter
and the answer."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from portail_famille.demo import COMPTES, DUPONT

pytestmark = pytest.mark.browser
BOITE = "/familles/%s/boite-de-reception" % DUPONT["numero"]
OBJET = "Certificat médical de LUCAS"


def pdf_bytes():
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Certificat"})
    writer.write(out)
    return out.getvalue()


def test_a_parent_writes_an_agent_answers_the_parent_reads(portail, new_page, log_in):
    pdf = pdf_bytes()
    parent = new_page(viewport={"width": 375, "height": 740})
    log_in(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    # The demo's own new messages from the service are read first.
    parent.goto(portail.url(BOITE + "?onglet=recus"))
    for _n in range(5):
        nouveau = parent.locator("tr.non-lu a")
        if not nouveau.count():
            break
        nouveau.first.click()
        parent.goto(portail.url(BOITE + "?onglet=recus"))
    expect(parent.locator(".bienvenue")).to_contain_text("vous avez 0 Nouveau(x) Message(s)")
    parent.goto(portail.url(BOITE + "?onglet=nouveau"))
    expect(parent.get_by_text("Les messages sont lus tous les jours ouvrés à 9h.")).to_be_visible()
    parent.get_by_label("Objet").fill(OBJET)
    parent.get_by_role("textbox", name="Message").fill(
        "Bonjour,\nvoici le certificat <b>demandé</b>."
    )
    parent.locator("#fichier").set_input_files(
        files=[{"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    parent.get_by_role("button", name="Envoyer le message").click()
    expect(parent.get_by_text("Votre message a été envoyé.")).to_be_visible()
    expect(parent.get_by_role("link", name=OBJET)).to_be_visible()

    agent = new_page()
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/@@messagerie"))
    ligne = agent.locator("tr", has_text=DUPONT["numero"])
    expect(ligne).to_contain_text(OBJET)
    expect(ligne).to_contain_text("Non lu")
    ligne.get_by_role("link", name=OBJET).click()
    expect(agent.get_by_text("voici le certificat <b>demandé</b>.")).to_be_visible()
    with agent.expect_download() as download:
        agent.get_by_role("link", name="certificat.pdf").click()
    assert Path(download.value.path()).read_bytes() == pdf
    agent.get_by_role("textbox", name="Message").fill(
        "Bien reçu, merci. Le service enfance jeunesse."
    )
    agent.get_by_role("button", name="Envoyer la réponse").click()
    expect(agent.get_by_text("Réponse envoyée à la famille %s." % DUPONT["numero"])).to_be_visible()

    parent.goto(portail.url("/familles/%s/" % DUPONT["numero"]))
    expect(parent.locator(".bienvenue")).to_contain_text("vous avez 1 Nouveau(x) Message(s)")
    parent.goto(portail.url(BOITE + "?onglet=envoyes"))
    parent.get_by_role("link", name=OBJET).click()
    expect(parent.get_by_text("Bien reçu, merci. Le service enfance jeunesse.")).to_be_visible()
    expect(parent.locator(".bienvenue")).to_contain_text("vous avez 0 Nouveau(x) Message(s)")
