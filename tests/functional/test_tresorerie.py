"""Issue 19 end to end, across the treasury's parts, as a family and the
régie's staff would run them:

- a family signs a direct-debit mandate online, an agent accepts it, the
  month's batch debits its invoices (the pain.008 file valid), the debit
  is rejected: the invoices are unpaid again, in the Impayés list, and
  reminded;
- an invoice left unpaid gets its two reminders from the Impayés tab, then
  goes to the Trésor public in a PES file; the régie no longer reminds nor
  collects it, and the family reads where to pay."""

import datetime

import pytest

from portail_famille import dates
from portail_famille.demo import DUPONT
from portail_famille.pes import controle
from portail_famille.prelevement import lots, mandats

from ..conftest import DUPONT_URL, app_du_test, csrf, login, mails, with_root
from ..travaux import une_passe
from .conftest import client
from .test_compte_sdi import staff, texte
from .test_pes import PES, TRESOR
from .test_pes import confirmer as confirmer_pes
from .test_prelevement_lots import SEPA, apercu, confirmer, etape, prochaine_echeance, rejet
from .test_prelevement_mandats import demander, demandes_de, parent, role

IMPAYES = "/manage/regies/@@impayes"
RELANCES = "/manage/regies/@@relances-dues"


@pytest.fixture
def app(tmp_path):
    with app_du_test(tmp_path, **PES, **SEPA) as app:
        yield app


def _relances(app, numero="AL-36"):
    def read(root, registry):
        return [dict(r) for r in root["familles"][DUPONT["numero"]]["factures"][numero].relances]

    return with_root(app.app, read)


def _reculer_premiere_relance(app, jours, numero="AL-36"):
    """The first reminder sent ``jours`` days ago (the time between the two
    reminders, without waiting for it)."""

    def run(root, registry):
        facture = root["familles"][DUPONT["numero"]]["factures"][numero]
        premiere = dict(facture.relances[0], date=dates.today() - datetime.timedelta(days=jours))
        facture.relances = (premiere,) + tuple(facture.relances[1:])

    with_root(app.app, run)


def _envoyer_les_relances(regisseur):
    apercu = regisseur.get(RELANCES)
    assert "AL-36" in apercu.text
    reponse = regisseur.post(RELANCES, {"confirmer": "1", "csrf_token": csrf(apercu)})
    page = texte(reponse.follow().text)
    une_passe(regisseur.app)  # the workers send them (relances.envoi)
    return page


def test_two_reminders_then_the_tresor_public(app):
    regisseur = staff(app, "regisseur")
    avant = len(mails(app))

    # AL-36 (DUPONT, due on 30/04/2015) is in the unpaid list, over 60 days
    page = regisseur.get(IMPAYES)
    assert "AL-36" in page.text and "Plus de 60 jours" in texte(page.text)
    # not yet a titre: no reminder sent
    assert "titre-AL-36" not in regisseur.get(TRESOR + "?apercu=1").text

    assert "1 relance(s) mise(s) en file d'envoi." in _envoyer_les_relances(regisseur)
    _reculer_premiere_relance(app, 15)
    assert "1 relance(s) mise(s) en file d'envoi." in _envoyer_les_relances(regisseur)
    assert [r["rang"] for r in _relances(app)] == [1, 2]
    envoyes = mails(app)[avant:]
    assert len(envoyes) == 2 and "relance n°2, facture AL-36 impayée" in envoyes[1]

    # the Trésor public's tab proposes it; the file sent is checked
    apercu = regisseur.get(TRESOR + "?apercu=1")
    assert apercu.html.find(id="titre-AL-36") is not None
    confirmer_pes(app, apercu.forms["preparer"].submit())  # queued, run by a worker
    envoye = regisseur.get(TRESOR)
    fichier = "PES-%d-001" % dates.today().year
    ligne = envoye.html.find(id="fichier-%s" % fichier)
    xml = regisseur.get(ligne.find("a")["href"]).body
    assert controle.verifier(xml) == []
    assert b'<NumeroFacture V="AL-36"/>' in xml

    # the régie reminds it no more; the list says where it is
    row = texte(regisseur.get(IMPAYES).text)
    assert "Transmise au Trésor public" in row
    assert "AL-36" not in regisseur.get(RELANCES).text
    _reculer_premiere_relance(app, 60)
    assert "AL-36" not in regisseur.get(RELANCES).text

    # the family: transmitted, not payable online at the régie
    parent = client(app)
    login(parent, "jean.dupont", "Bonbons31400")
    releve = parent.get(
        DUPONT_URL + "releve-de-compte", {"annee": "2014-2015", "onglet": "factures"}
    )
    assert "Transmise au Trésor public" in releve.text
    assert "Relance n°2 envoyée le" in texte(releve.text)


def test_a_mandate_signed_online_its_batch_then_a_reject(app, monkeypatch):
    # the family asks for direct debit, an agent accepts it
    dupont = parent(app)
    assert demander(dupont).status_int == 302
    [(_etat, traiter)] = demandes_de(app, "mandat_sepa")
    role(app, "agent").get(traiter).forms["form-accepter"].submit("accepter")

    def mandat(root, registry):
        actif = mandats.mandat_actif(root["familles"][DUPONT["numero"]])
        return actif.rum, actif.sequence

    rum, sequence = with_root(app.app, mandat)
    assert sequence == mandats.PREMIER

    # the month's batch: AL-36 debited on that mandate, the file valid
    regisseur = staff(app, "regisseur")
    echeance = prochaine_echeance()
    page = apercu(regisseur, echeance)
    ligne = texte(str(page.html.find(id="apercu-debits")))
    assert rum in ligne and "FRST" in ligne and "AL-36" in ligne
    lot_url = confirmer(regisseur, page).location
    vue = regisseur.get(lot_url)
    fichier = regisseur.get(vue.html.find(id="telecharger")["href"]).body
    assert lots.erreurs_schema(fichier) == []
    assert rum.encode() in fichier and b"AL-36" in fichier
    releve = texte(
        dupont.get(
            DUPONT_URL + "releve-de-compte", {"annee": "2014-2015", "onglet": "factures"}
        ).text
    )
    assert "Prélèvement prévu le %s" % dates.courte(echeance) in releve
    # while debited, no reminder
    assert "AL-36" not in regisseur.get(RELANCES).text

    # sent to the bank, done on its due date, then rejected (AM04)
    etape(regisseur, lot_url, "transmettre")
    monkeypatch.setattr(dates, "today", lambda: echeance)
    etape(regisseur, lot_url, "effectuer")
    assert "AL-36" not in texte(regisseur.get(IMPAYES).text)  # paid by the debit
    rejet(regisseur, lot_url, DUPONT["numero"], "AM04")

    # unpaid again: in the list, reminded, payable online again
    assert "AL-36" in regisseur.get(IMPAYES).text
    assert "relance(s) mise(s) en file d'envoi." in _envoyer_les_relances(regisseur)
    assert [r["rang"] for r in _relances(app)] == [1]
    payer = dupont.get(DUPONT_URL + "factures/AL-36/payer")
    assert "sera prélevée" not in payer.text
