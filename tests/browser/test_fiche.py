"""An agent on the phone with Madame Dupont, in Chromium: "dup" in the
search, DUPONT's file opened from the result, LUCAS's allergy changed from
it with the reason asked for (refused without one); the file and the form
are axe-clean."""

import pytest
from playwright.sync_api import expect

from portail_famille import journal
from portail_famille.demo import COMPTES, DUPONT

from ..conftest import with_root
from .axe import aucune_violation

pytestmark = pytest.mark.browser


def allergies_et_motif(portail):
    def read(root, registry):
        (lucas,) = [
            e for e in root["familles"][DUPONT["numero"]]["enfants"].values() if e.prenom == "LUCAS"
        ]
        actions = journal.lire(root, genre=journal.ACTION, quoi="SanitairesModifiees")[0]
        return lucas.sanitaires.get("allergies"), [a["details"]["motif"] for a in actions]

    return with_root(portail.wsgi, read)


def test_find_dupont_open_the_file_change_an_allergy(portail, new_page, log_in):
    agent = log_in(new_page(), "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/@@recherche"))
    agent.get_by_role("searchbox").fill("dup")
    agent.keyboard.press("Enter")
    agent.get_by_role("link", name="DUPONT JEAN").click()

    expect(agent.get_by_role("heading", level=2)).to_contain_text("Fiche famille DUPONT")
    enfant = agent.locator("article.enfant-fiche", has_text="LUCAS")
    expect(enfant).to_contain_text("CE1")
    expect(agent.locator(".compte-fiche .solde")).to_have_text("120,60\xa0€")
    aucune_violation(agent, "the family's file")

    enfant.get_by_role("link", name="Modifier les données sanitaires de LUCAS DUPONT").click()
    agent.get_by_label("Allergies").fill("Arachide")
    agent.get_by_role("button", name="Enregistrer").click()
    # no reason: refused beside the field, nothing written
    expect(agent.get_by_text("Indiquez le motif de la modification.")).to_be_visible()
    assert allergies_et_motif(portail) == (None, [])
    aucune_violation(agent, "the health form with its error")

    agent.get_by_label("Motif de la modification").fill("Appel de Madame Dupont")
    agent.get_by_role("button", name="Enregistrer").click()
    expect(agent.get_by_text("Données sanitaires de LUCAS DUPONT enregistrées.")).to_be_visible()
    expect(agent.locator("article.enfant-fiche .sanitaires")).to_contain_text("Arachide")
    assert allergies_et_motif(portail) == ("Arachide", ["Appel de Madame Dupont"])
