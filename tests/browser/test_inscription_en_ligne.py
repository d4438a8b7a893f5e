"""A parent enrols her child in the activity open for enrolment with two
documents, an agent accepts the request in the queue, the child is
enrolled (its file's "Inscriptions")."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfWriter

from portail_famille.demo import COMPTES, DUPONT

from .axe import aucune_violation

pytestmark = pytest.mark.browser
FAMILLE = "/familles/%s/" % DUPONT["numero"]


def pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png():
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_enrolment_with_two_documents_accepted_in_the_queue(portail, new_page, log_in):
    parent = new_page(viewport={"width": 375, "height": 740})
    log_in(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(portail.url(FAMILLE))
    parent.get_by_role("link", name="Inscriptions aux activités", exact=True).click()
    expect(parent.locator("#activites-ouvertes")).to_contain_text("Mercredi journée")
    parent.get_by_label("Enfant").select_option(label="LUCAS DUPONT")
    parent.get_by_role("button", name="Continuer").click()
    formulaire = parent.locator("#form-inscription")
    # the form's page loaded before axe reads it (a navigation under way
    # has no document yet)
    expect(formulaire).to_be_visible()
    aucune_violation(parent, "Inscriptions (formulaire)")
    formulaire.get_by_label("Mercredi").check()
    formulaire.get_by_role("group", name="Votre enfant sait-il nager ?").get_by_label("Oui").check()
    formulaire.get_by_label("Attestation CAF ou avis d'imposition").set_input_files(
        {"name": "avis.pdf", "mimeType": "application/pdf", "buffer": pdf()}
    )
    formulaire.get_by_label("Vaccinations").set_input_files(
        {"name": "carnet.png", "mimeType": "image/png", "buffer": png()}
    )
    formulaire.get_by_label("J'ai lu et j'accepte le règlement intérieur").check()
    formulaire.get_by_role("button", name="Envoyer la demande").click()
    # A missing answer: said next to its field, the page still accessible.
    expect(parent.locator("#question-1-erreur")).to_have_text("Ce champ est obligatoire.")
    expect(parent.locator("fieldset.pieces")).to_contain_text("joignez-les de nouveau")
    aucune_violation(parent, "Inscriptions (erreurs)")
    formulaire = parent.locator("#form-inscription")
    formulaire.get_by_label("Mercredi").check()
    formulaire.get_by_role("group", name="Votre enfant sait-il nager ?").get_by_label("Oui").check()
    formulaire.get_by_label("Personne à prévenir en cas d'urgence").fill("JEANNE DUPONT 0612345678")
    formulaire.get_by_label("Attestation CAF ou avis d'imposition").set_input_files(
        {"name": "avis.pdf", "mimeType": "application/pdf", "buffer": pdf()}
    )
    formulaire.get_by_label("Vaccinations").set_input_files(
        {"name": "carnet.png", "mimeType": "image/png", "buffer": png()}
    )
    formulaire.get_by_label("J'ai lu et j'accepte le règlement intérieur").check()
    formulaire.get_by_role("button", name="Envoyer la demande").click()
    expect(parent.get_by_text("Votre demande d'inscription de LUCAS")).to_be_visible()
    en_attente = parent.locator("section.demandes-en-attente")
    expect(en_attente).to_contain_text("Mercredi journée")
    expect(
        en_attente.get_by_role("link", name="Vaccinations (copie du carnet de santé) : carnet.png")
    ).to_be_visible()

    agent = new_page()
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/@@demandes"))
    ligne = agent.locator("tr", has_text="Demande d'inscription")
    expect(ligne).to_contain_text("LUCAS")
    ligne.get_by_role("link", name="Traiter").click()
    pieces = agent.locator("table.pieces")
    expect(pieces).to_contain_text("avis.pdf")
    expect(pieces).to_contain_text("carnet.png")
    with agent.expect_download() as telechargement:
        pieces.get_by_role("link", name="avis.pdf").click()
    assert telechargement.value.suggested_filename == "avis.pdf"
    agent.get_by_role("button", name="Accepter").click()
    expect(agent.get_by_text("Demande acceptée : Demande d'inscription")).to_be_visible()

    parent.goto(portail.url(FAMILLE + "mes-enfants"))
    parent.get_by_role("link", name="LUCAS").click()
    parent.goto(parent.url.rstrip("/") + "/inscriptions")
    expect(parent.locator("table.inscriptions")).to_contain_text("Mercredi journée")
    parent.goto(portail.url(FAMILLE + "liste-des-demandes?onglet=enfants"))
    expect(parent.locator("section.demandes-acceptees")).to_contain_text("Mercredi journée")
