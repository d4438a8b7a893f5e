"""A parent asks for direct debit on a phone, an agent accepts, the parent
sees the new mandate in force, then asks to stop it; axe finds no WCAG
2.1 A/AA violation on the pages on the way."""

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT

from .axe import aucune_violation
from .conftest import servir
from .largeur import tient_dans_l_ecran

pytestmark = pytest.mark.browser
NUMERO = DUPONT["numero"]
MON_COMPTE = "/familles/%s/mon-compte" % NUMERO
SEPA = {
    "portail.sepa.creancier": "Régie Garderie et ALSH de Biviers",
    "portail.sepa.ics": "FR72ZZZ123456",
}


@pytest.fixture(scope="module")
def portail(request, tmp_path_factory):
    yield from servir(request, tmp_path_factory.mktemp("portail"), **SEPA)


def test_direct_debit_asked_on_a_phone_then_accepted(portail, new_page, log_in):
    parent = new_page(viewport={"width": 375, "height": 740})
    log_in(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(portail.url(MON_COMPTE))
    parent.locator("#prelevement").get_by_role("link", name="Prélèvement automatique").click()
    actif = parent.locator("#mandat-actif")
    expect(actif).to_contain_text("PF-%s-1" % NUMERO)
    expect(actif).to_contain_text("FR76 •••• •••• 0185")
    expect(actif).to_contain_text("FR72ZZZ123456")
    expect(parent.locator("#texte-mandat")).to_contain_text("Régie Garderie et ALSH de Biviers")
    aucune_violation(parent, "the mandate's page")

    parent.get_by_label("Titulaire du compte").fill("DUPONT JEANNE")
    parent.get_by_label("IBAN").fill("FR14 2004 1010 0505 0001 3M02 606")
    # Not accepted: the box says why, next to it.
    parent.get_by_role("button", name="Demander le prélèvement automatique").click()
    expect(parent.locator("#erreur-champ-accepte")).to_contain_text(
        "Cochez « J'accepte le mandat de prélèvement SEPA »"
    )
    aucune_violation(parent, "the mandate's form with its error")
    parent.get_by_label("IBAN").fill("FR14 2004 1010 0505 0001 3M02 606")
    parent.get_by_label("J'accepte le mandat de prélèvement SEPA").check()
    parent.get_by_role("button", name="Demander le prélèvement automatique").click()
    expect(
        parent.get_by_text("Votre demande a été transmise au service enfance jeunesse.")
    ).to_be_visible()
    expect(parent.locator("#demande-mandat")).to_contain_text("en attente depuis le")
    # The phone's page does not scroll sideways.
    tient_dans_l_ecran(parent)

    agent = new_page()
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/@@demandes"))
    ligne = agent.locator("tr", has_text=NUMERO)
    expect(ligne).to_contain_text("Prélèvement automatique")
    expect(ligne).to_contain_text("FR14 •••• •••• 2606")
    ligne.get_by_role("link", name="Traiter").click()
    agent.get_by_role("button", name="Accepter").click()
    expect(agent.get_by_text("0 demande(s) en attente")).to_be_visible()

    parent.reload()
    actif = parent.locator("#mandat-actif")
    expect(actif).to_contain_text("PF-%s-2" % NUMERO)
    expect(actif).to_contain_text("FR14 •••• •••• 2606")
    expect(actif).to_contain_text("Actif")
    expect(parent.locator("#historique-mandats")).to_contain_text("Révoqué")

    # Stopping it: a confirmation page first.
    parent.get_by_role("link", name="Demander l'arrêt du prélèvement").click()
    expect(parent.get_by_role("heading", level=1)).to_contain_text("Demander l'arrêt")
    aucune_violation(parent, "the stop's confirmation page")
    parent.get_by_role("button", name="Confirmer la demande d'arrêt").click()
    expect(parent.locator("#mandat-actif")).to_contain_text(
        "Demande d'arrêt du prélèvement en attente depuis le"
    )
