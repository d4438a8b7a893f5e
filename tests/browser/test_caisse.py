"""The régisseur makes the day's cheque deposit slip in Chromium: two
cheques recorded on DUPONT's "Compte" tab, the régie's tab "Bordereaux de
remise" with the till's cheques ticked (the demo's old cheque unticked),
the confirmation, the numbered slip and its PDF; the cash journal shows
the cheques deposited."""

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT

from .axe import aucune_violation

pytestmark = pytest.mark.browser

COMPTE = "/manage/familles/%s/@@compte" % DUPONT["numero"]
REGIE = "/manage/regies/regie-garderie-alsh/"


def cheque(page, montant, reference):
    page.get_by_label("Mode").select_option(label="Chèque")
    page.get_by_label("Montant (€)").fill(montant)
    page.get_by_label("Référence").fill(reference)
    page.get_by_role("button", name="Enregistrer le règlement").click()


def test_the_regisseur_makes_the_day_cheque_slip(portail, new_page, log_in):
    regisseur = log_in(new_page(), "regisseur", COMPTES["regisseur"][0])
    regisseur.goto(portail.url(COMPTE))
    cheque(regisseur, "120,60", "CIC 1234567")
    expect(regisseur.get_by_text("Règlement AL-229 enregistré : 120,60")).to_be_visible()
    cheque(regisseur, "30,00", "LBP 7654321")
    expect(regisseur.get_by_text("Règlement AL-230 enregistré : 30,00")).to_be_visible()

    regisseur.goto(portail.url(REGIE + "@@caisse"))
    regisseur.get_by_role("link", name="Bordereaux de remise").first.click()
    attente = regisseur.locator("#attente")
    for numero in ("AL-228", "AL-229", "AL-230"):
        expect(regisseur.get_by_label(numero, exact=True)).to_be_checked()
    expect(attente).to_contain_text("JEAN DUPONT")
    # the demo's cheque of 2015 is not in today's slip
    aucune_violation(regisseur, "Bordereaux de remise")
    regisseur.get_by_label("AL-228", exact=True).uncheck()
    regisseur.get_by_role("button", name="Préparer le bordereau").click()

    confirmation = regisseur.locator("#confirmation")
    expect(confirmation).to_contain_text("2 règlement(s), total 150,60")
    expect(confirmation).to_contain_text("CIC 1234567")
    aucune_violation(regisseur, "Confirmer le bordereau")
    regisseur.get_by_role("button", name="Confirmer le bordereau").click()

    numero = "BRC-%d-001" % dates.today().year
    expect(
        regisseur.get_by_text("Bordereau %s établi : 2 règlement(s), 150,60" % numero)
    ).to_be_visible()
    expect(regisseur.locator("dd.total")).to_have_text("150,60\xa0€")
    aucune_violation(regisseur, "Bordereau de remise")
    lien = regisseur.get_by_role("link", name="Imprimer le bordereau (PDF)")
    reponse = regisseur.request.get(portail.url(lien.get_attribute("href")))
    assert reponse.headers["content-type"] == "application/pdf"
    assert reponse.body().startswith(b"%PDF")

    # the slip is listed; only the old cheque is left in the till
    regisseur.get_by_role("link", name="← Bordereaux de remise").click()
    expect(regisseur.locator("#bordereau-" + numero)).to_contain_text("150,60")
    expect(regisseur.locator("#attente tbody tr")).to_have_count(1)

    regisseur.goto(portail.url(REGIE + "@@caisse"))
    expect(regisseur.locator("#mode-cheque .entrees")).to_contain_text("150,60")
    expect(regisseur.locator("#mode-cheque .remises")).to_have_text("150,60\xa0€")
    expect(regisseur.locator(".remises-du-jour")).to_contain_text(numero)
    aucune_violation(regisseur, "Caisse")
    regisseur.goto(portail.url(REGIE + "@@recapitulatif"))
    expect(regisseur.locator("#recapitulatif")).to_contain_text("Remises en banque")
    aucune_violation(regisseur, "Récapitulatif mensuel")
