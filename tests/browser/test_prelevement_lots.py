"""A régisseur builds the month's direct-debit batch in Chromium: DUPONT
signed a mandate; tab "Prélèvements" of the régie, the due date, the
preview (DUPONT's invoices, FRST, MARTIN left out: no mandate), "Confirmer
la création du lot", the batch and its file, then "Marquer comme transmis
à la banque" and its confirmation; DUPONT's statement reads "Prélèvement
prévu le …" and offers no online payment of those invoices.  After the due
date: "Marquer comme effectué", then the bank's reject (AM04) recorded;
DUPONT finds the message in his mailbox and may pay online again."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.facturation import service as facturation
from portail_famille.prelevement import lots as prelevement
from portail_famille.prelevement import mandats

from ..conftest import with_root
from ..functional.test_prelevement_lots import IBAN_DUPONT, REGIE_NOM, SEPA, prochaine_echeance
from ..travaux import une_passe
from .conftest import servir

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def portail(request, tmp_path_factory):
    yield from servir(request, tmp_path_factory.mktemp("portail"), **SEPA)


def preparer(root, registry):
    regie = root["regies"][REGIE_NOM]
    familles = root["familles"]
    signe = dates.today() - datetime.timedelta(days=30)
    mandats.signer(familles[DUPONT["numero"]], "Jean Dupont", IBAN_DUPONT, "AGRIFRPPXXX", signe)
    jour = dates.today() - datetime.timedelta(days=5)
    for numero in (DUPONT["numero"], MARTIN["numero"]):
        ligne = {"enfant": "X", "montant": 42, "quantite": 1, "prix": 42}
        facturation.emettre_facture(familles[numero], regie, jour, jour, jour, [ligne])
    return [f.numero for f in facturation.impayees(familles[DUPONT["numero"]], regie)]


def test_the_month_batch(portail, new_page, log_in, monkeypatch):
    factures = with_root(portail.wsgi, preparer)
    echeance = prochaine_echeance()
    regisseur = log_in(new_page(), "regisseur", COMPTES["regisseur"][0])
    regisseur.goto(portail.url("/manage/regies/%s/@@prelevements" % REGIE_NOM))
    expect(regisseur.get_by_text("Aucun lot de prélèvement.")).to_be_visible()
    regisseur.get_by_label("Échéance").fill(echeance.isoformat())
    regisseur.get_by_role("button", name="Voir l'aperçu").click()

    debits = regisseur.locator("#apercu-debits tbody tr")
    expect(debits).to_have_count(1)
    expect(debits.first).to_contain_text("JEAN DUPONT")
    expect(debits.first).to_contain_text(re.compile(r"PF-%s-\d+" % DUPONT["numero"]))
    expect(debits.first).to_contain_text("FRST")
    expect(debits.first).to_contain_text(factures[-1])
    expect(regisseur.locator("#apercu-exclues")).to_contain_text(
        "Aucun mandat de prélèvement actif au %s" % dates.courte(echeance)
    )
    regisseur.get_by_role("button", name="Confirmer la création du lot").click()

    numero = "PRLV-%d-001" % dates.today().year
    # queued: the job's page, which follows the workers' progress
    expect(
        regisseur.get_by_text("Lot %s en préparation : 1 prélèvement(s)" % numero)
    ).to_be_visible()
    une_passe(portail.wsgi)  # the workers prepare it (prelevement.preparation)
    expect(regisseur.locator("#etat-travail")).to_have_text("Terminé", timeout=15_000)
    regisseur.get_by_role("link", name="Retour").click()
    expect(regisseur.locator(".etat")).to_have_text("Préparé")
    with regisseur.expect_download() as telechargement:
        regisseur.get_by_role("link", name="Télécharger le fichier").click()
    chemin = telechargement.value.path()
    with open(chemin, "rb") as fp:
        assert prelevement.erreurs_schema(fp.read()) == []
    assert telechargement.value.suggested_filename == "%s.xml" % numero

    regisseur.get_by_role("link", name="Marquer comme transmis à la banque").click()
    expect(regisseur.get_by_text("Confirmez que le fichier de ce lot a été remis")).to_be_visible()
    regisseur.get_by_role("button", name="Confirmer").click()
    expect(regisseur.get_by_text("Lot %s transmis à la banque." % numero)).to_be_visible()
    expect(regisseur.locator(".etat")).to_have_text("Transmis à la banque")
    expect(regisseur.get_by_role("link", name="Marquer comme effectué")).to_be_visible()

    parent = log_in(new_page(), "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(portail.url("/familles/%s/releve-de-compte?onglet=factures" % DUPONT["numero"]))
    expect(
        parent.get_by_text("Prélèvement prévu le %s" % dates.courte(echeance)).first
    ).to_be_visible()
    expect(
        parent.get_by_role("link", name="Payer en ligne la facture %s" % factures[-1])
    ).to_have_count(0)

    # After the due date: done, then the bank's reject of DUPONT's debit.
    monkeypatch.setattr(dates, "today", lambda: echeance)
    regisseur.get_by_role("link", name="Marquer comme effectué").click()
    expect(
        regisseur.get_by_text("Un règlement par prélèvement, daté de l'échéance")
    ).to_be_visible()
    regisseur.get_by_role("button", name="Confirmer").click()
    une_passe(portail.wsgi)  # the workers record the payments
    expect(regisseur.locator("#etat-travail")).to_have_text("Terminé", timeout=15_000)
    regisseur.get_by_role("link", name="Retour").click()
    expect(regisseur.locator(".etat")).to_have_text("Effectué")
    regisseur.get_by_role("link", name="Enregistrer un rejet").click()
    expect(regisseur.locator(".effets")).to_contain_text("redevient due")
    regisseur.get_by_role("button", name="Confirmer le rejet").click()
    expect(regisseur.locator("#code-erreur")).to_have_text("Choisissez le code de rejet.")
    regisseur.get_by_label("Code de rejet").select_option("AM04")
    regisseur.get_by_label("Motif").fill("Solde insuffisant")
    regisseur.get_by_role("button", name="Confirmer le rejet").click()
    expect(
        regisseur.get_by_text("Rejet du prélèvement de JEAN DUPONT enregistré (AM04)")
    ).to_be_visible()
    expect(regisseur.locator("#debits")).to_contain_text("AM04 – Provision insuffisante")

    parent.goto(portail.url("/familles/%s/boite-de-reception" % DUPONT["numero"]))
    expect(parent.get_by_text("Prélèvement rejeté : factures").first).to_be_visible()
    parent.goto(portail.url("/familles/%s/releve-de-compte?onglet=factures" % DUPONT["numero"]))
    expect(
        parent.get_by_role("link", name="Payer en ligne la facture %s" % factures[-1])
    ).to_be_visible()
