"""Paying AL-36 online with the simulated bank, in Chromium: from the card
icon of "Factures Impayées" on the home page, through the receipt's email
and the bank's page, to "Mes règlements" and a home page without AL-36."""

import email
import email.policy
import os
import re

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT

from .conftest import servir

pytestmark = pytest.mark.browser

EMAIL = "recu.navigateur@example.org"


def impayees(page):
    return page.locator("table.impayees tbody tr")


def recus(portail):
    """The receipts of online payments the portal mailed."""
    directory = portail.wsgi.registry.settings["portail.mail_directory"]
    found = []
    for name in os.listdir(directory) if os.path.isdir(directory) else ():
        with open(os.path.join(directory, name), "rb") as fp:
            message = email.message_from_binary_file(fp, policy=email.policy.default)
        if "reçu de votre paiement" in message["Subject"]:
            found.append(message)
    return found


@pytest.fixture
def portail(request, tmp_path):
    """A server of its own for each test: one pays AL-36, the other needs it
    due (the tests run in a random order)."""
    yield from servir(request, tmp_path)


def test_refuse_then_cancel_at_the_bank_leave_al36_due(portail, page, log_in):
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    for bouton, texte in (
        ("Refuser", "Paiement refusé : la facture AL-36 reste à payer."),
        ("Annuler", "Paiement annulé : la facture AL-36 reste à payer."),
    ):
        page.goto(portail.url("/familles/%s/factures/AL-36/payer" % DUPONT["numero"]))
        page.get_by_role("button", name="Payer 120,60\xa0€").click()
        page.get_by_role("button", name=bouton, exact=True).click()
        expect(page.get_by_text(texte)).to_be_visible()
        page.get_by_role("link", name="Accueil", exact=True).first.click()
        al36 = impayees(page).filter(has=page.get_by_role("rowheader", name="AL-36", exact=True))
        expect(al36).to_contain_text("120,60")
    assert recus(portail) == []


def test_pay_al36_with_the_simulated_bank(portail, page, log_in):
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    expect(page.get_by_role("heading", name="Factures Impayées")).to_be_visible()
    al36 = impayees(page).filter(has=page.get_by_role("rowheader", name="AL-36", exact=True))
    expect(al36).to_contain_text("120,60")
    al36.get_by_role("link", name="Payer en ligne la facture AL-36").click()

    # the receipt's email, prefilled with the responsable's
    champ = page.get_by_label("Adresse électronique pour le reçu")
    expect(champ).to_have_value("jean.dupont@wanadoo.fr")
    champ.fill("pas une adresse")
    page.get_by_role("button", name=re.compile("^Payer")).click()
    expect(page.locator("#email-erreur")).to_have_text(
        "Adresse électronique invalide (par exemple jean.dupont@exemple.fr)."
    )
    page.get_by_label("Adresse électronique pour le reçu").fill(EMAIL)
    page.get_by_role("button", name="Payer 120,60\xa0€").click()

    # the partner bank's site (simulated)
    expect(page.get_by_role("heading", name="Banque simulée")).to_be_visible()
    expect(page.locator("dd.montant")).to_have_text("120,60\xa0€")
    expect(page.get_by_text("Facture AL-36")).to_be_visible()
    page.get_by_role("button", name="Payer", exact=True).click()

    # back on the portal
    expect(page.get_by_text("Paiement accepté : la facture AL-36 est réglée.")).to_be_visible()
    assert "/familles/%s/factures/AL-36/retour-paiement/" % DUPONT["numero"] in page.url
    (recu,) = recus(portail)
    assert recu["To"] == EMAIL and "AL-36" in recu["Subject"]

    page.locator("main").get_by_role("link", name="Relevé de compte").click()
    page.get_by_role("link", name="Mes règlements").click()
    reglement = page.locator("section.releve tbody tr").filter(has_text="Carte bancaire (en ligne)")
    expect(reglement).to_have_count(1)
    expect(reglement).to_contain_text("120,60")
    expect(reglement).to_contain_text("AL-36")

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Accueil"
    ).click()
    expect(page.get_by_role("heading", name="Factures Impayées")).to_be_visible()
    expect(page.get_by_role("rowheader", name="AL-36", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Payer en ligne la facture AL-36")).to_have_count(0)
