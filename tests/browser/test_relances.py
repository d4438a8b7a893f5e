"""A régisseur follows the unpaid invoices in Chromium: the tab "Impayés"
of the régies, filtered by age, "Envoyer les relances dues", its preview
and confirmation; the family then finds the reminder in its Boîte de
réception and on its statement."""

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT

from ..travaux import une_passe

pytestmark = pytest.mark.browser

IMPAYES = "/manage/regies/@@impayes"


def test_a_regisseur_sends_the_reminders_due(portail, new_page, log_in):
    regisseur = log_in(new_page(), "regisseur", COMPTES["regisseur"][0])
    regisseur.goto(portail.url(IMPAYES))
    ligne = regisseur.locator("tr.impayee", has_text="AL-36")
    expect(ligne).to_contain_text("DUPONT")
    expect(ligne.locator(".tranche")).to_contain_text("Plus de 60 jours")
    expect(ligne.locator(".suivi")).to_have_text("Relance n°1 à envoyer")
    expect(regisseur.locator("tr.total-general")).to_contain_text("120,60")

    regisseur.get_by_label("Ancienneté").select_option(label="0 à 30 jours")
    regisseur.get_by_role("button", name="Afficher").click()
    expect(regisseur.get_by_text("Aucune facture impayée.")).to_be_visible()
    regisseur.get_by_label("Ancienneté").select_option(label="Plus de 60 jours")
    regisseur.get_by_role("button", name="Afficher").click()
    expect(regisseur.locator("tr.impayee")).to_have_count(1)

    regisseur.get_by_role("link", name="Envoyer les relances dues").click()
    apercu = regisseur.locator("table.apercu-relances")
    expect(apercu).to_contain_text("AL-36")
    expect(apercu.locator(".rang")).to_have_text("n°1")
    regisseur.get_by_role("button", name="Confirmer l'envoi des relances").click()
    expect(regisseur.get_by_text("1 relance(s) mise(s) en file d'envoi.")).to_be_visible()
    une_passe(portail.wsgi)  # the workers send it (relances.envoi)
    expect(regisseur.locator("#etat-travail")).to_have_text("Terminé", timeout=15_000)
    regisseur.get_by_role("link", name="Retour").click()
    jour = dates.courte(dates.today())
    ligne = regisseur.locator("tr.impayee", has_text="AL-36")
    expect(ligne.locator(".relances")).to_contain_text("n°1 le %s" % jour)
    expect(ligne.locator(".suivi")).to_have_text("À payer")
    regisseur.get_by_role("link", name="Envoyer les relances dues").click()
    expect(regisseur.get_by_text("Aucune relance n'est due aujourd'hui.")).to_be_visible()

    parent = log_in(new_page(), "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(portail.url("/familles/%s/boite-de-reception" % DUPONT["numero"]))
    expect(parent.get_by_text("Relance n°1 : facture AL-36 impayée")).to_be_visible()
    parent.goto(
        portail.url(
            "/familles/%s/releve-de-compte?annee=2014-2015&onglet=factures" % DUPONT["numero"]
        )
    )
    expect(parent.get_by_text("Relance n°1 envoyée le %s" % jour)).to_be_visible()
