"""A régisseur cancels a mistyped cash payment in Chromium, as the issue was
checked: 420,00 € recorded on DUPONT's "Compte" tab instead of 42,00 €,
then "Annuler ce règlement…", its confirmation, the right payment; the
family's statement shows the three lines and the balance."""

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT

pytestmark = pytest.mark.browser

COMPTE = "/manage/familles/%s/@@compte" % DUPONT["numero"]


def payer(page, montant):
    page.get_by_label("Mode").select_option(label="Espèces")
    page.get_by_label("Montant (€)").fill(montant)
    page.get_by_role("button", name="Enregistrer le règlement").click()


def test_cancel_a_mistyped_cash_payment(portail, new_page, log_in):
    regisseur = log_in(new_page(), "regisseur", COMPTES["regisseur"][0])
    regisseur.goto(portail.url(COMPTE))
    payer(regisseur, "420,00")
    expect(regisseur.get_by_text("Règlement AL-229 enregistré : 420,00")).to_be_visible()

    regisseur.get_by_role("link", name="AL-229", exact=True).first.click()
    regisseur.get_by_role("link", name="Annuler ce règlement…").click()
    effets = regisseur.locator(".effets")
    expect(effets).to_contain_text("La facture AL-36 du 08/04/2015 redevient due de 120,60")
    expect(effets).to_contain_text("Le crédit de 299,40\xa0€ laissé par ce règlement est retiré")
    # no reason: refused beside the field, nothing done
    regisseur.get_by_role("button", name="Confirmer l'annulation").click()
    expect(regisseur.locator("#motif-erreur")).to_have_text("Indiquez le motif de l'annulation.")
    regisseur.get_by_label("Motif").fill("Erreur de saisie : 42,00 € reçus")
    regisseur.get_by_role("button", name="Confirmer l'annulation").click()
    expect(regisseur.get_by_text("Règlement AL-229 annulé par AL-230 : 420,00")).to_be_visible()
    expect(regisseur.locator(".annule")).to_contain_text(
        "(AL-230 : Erreur de saisie : 42,00 € reçus)"
    )
    expect(regisseur.get_by_role("link", name="Annuler ce règlement…")).to_have_count(0)

    regisseur.goto(portail.url(COMPTE))
    payer(regisseur, "42,00")
    expect(regisseur.get_by_text("Règlement AL-231 enregistré : 42,00")).to_be_visible()
    expect(regisseur.locator("#impayee-AL-36 .reste")).to_have_text("78,60\xa0€")

    parent = log_in(new_page(), "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(portail.url("/familles/%s/releve-de-compte" % DUPONT["numero"]))
    releve = parent.locator("section.releve")
    for numero in ("AL-229", "AL-230", "AL-231"):
        expect(releve.get_by_role("rowheader", name=numero, exact=True)).to_be_visible()
    expect(releve).to_contain_text("Annulation du règlement AL-229")
    expect(releve.locator("tr.solde")).to_contain_text("78,60")
