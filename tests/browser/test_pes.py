"""The régisseur sends an invoice unpaid after two reminders to the Trésor
public, in Chromium: the tab "Trésor public" of the régie, "Préparer le
fichier", "Confirmer l'envoi au Trésor public", the file downloaded; the
parent's statement then reads "Transmise au Trésor public"."""

import types

import pytest
from lxml import etree
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.pes import controle

from ..conftest import DUPONT_URL
from ..functional.test_pes import PES, annee_de, relancer
from ..travaux import une_passe

pytestmark = pytest.mark.browser

TRESOR = "/manage/regies/regie-garderie-alsh/@@tresor"


def test_the_régisseur_sends_an_unpaid_invoice_to_the_trésor(portail, new_page, log_in):
    portail.wsgi.registry.settings.update(PES)
    app = types.SimpleNamespace(app=portail.wsgi)
    numero, reste = relancer(app, DUPONT["numero"])
    regisseur = new_page(viewport={"width": 1280, "height": 800})
    log_in(regisseur, "regisseur", COMPTES["regisseur"][0])
    regisseur.goto(portail.url(TRESOR))
    regisseur.get_by_role("link", name="Afficher les factures à transmettre").click()
    titre = regisseur.locator("#titre-%s" % numero)
    expect(titre).to_contain_text("DUPONT")
    expect(titre).to_contain_text(reste.replace(".", ","))
    expect(titre).to_contain_text("16/11/2026")
    regisseur.get_by_role("button", name="Préparer le fichier").click()
    annee = dates.today().year
    expect(regisseur.locator("#confirmation .resume-confirmation")).to_contain_text(
        "Bordereau PES-%d-001" % annee
    )
    regisseur.get_by_role("button", name="Confirmer l'envoi au Trésor public").click()
    # queued: the job's page, which follows the workers' progress
    expect(regisseur.get_by_text("Fichier PES-%d-001 en préparation" % annee)).to_be_visible()
    une_passe(portail.wsgi)  # the workers write it (pes.preparation)
    expect(regisseur.locator("#etat-travail")).to_have_text("Terminé", timeout=15_000)
    regisseur.get_by_role("link", name="Retour").click()
    ligne = regisseur.locator("#fichier-PES-%d-001" % annee)
    expect(ligne).to_contain_text("1")
    with regisseur.expect_download() as attente:
        ligne.get_by_role("link").click()
    download = attente.value
    assert download.suggested_filename == "PES-%d-001.xml" % annee
    with open(download.path(), "rb") as fp:
        data = fp.read()
    assert controle.verifier(data) == []
    racine = etree.fromstring(data)
    assert racine.find("PES_RecetteAller/Bordereau/Piece/BlocPiece/NumeroFacture").get("V") == (
        numero
    )

    parent = new_page(viewport={"width": 390, "height": 800})
    log_in(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(
        portail.url(
            DUPONT_URL + "releve-de-compte?onglet=factures&annee=%s" % annee_de(app, numero)
        )
    )
    expect(parent.get_by_text("Transmise au Trésor public").first).to_be_visible()
