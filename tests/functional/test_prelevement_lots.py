"""A régie's monthly direct-debit batch, as a régisseur runs it (tab
"Prélèvements"): the due date checked, the preview (debits per family,
invoices left out with their reason), the confirmation that refuses a
preview gone stale, the pain.008 file (valid, FRST then RCUR), the
invoices marked for the family (statement, no online payment), the
states (préparé → transmis → effectué: payments recorded) and a rejected
debit (payment cancelled, invoice unpaid again, fee, mandate revoked for
the codes that void it, the family told by mail and in its mailbox)."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
import transaction
from lxml import etree

from portail_famille import dates, journal
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.facturation import originaux
from portail_famille.facturation import service as facturation
from portail_famille.prelevement import creancier as prelevement_creancier
from portail_famille.prelevement import lots as prelevement
from portail_famille.prelevement import mandats, resources

from ..conftest import ADMIN, DUPONT_URL, app_du_test, csrf, login, mails, with_root
from ..travaux import une_passe
from .conftest import client
from .test_compte_sdi import jeton

D = Decimal
REGIE_NOM = "regie-garderie-alsh"
REGIE = "/manage/regies/%s/" % REGIE_NOM
LOTS = REGIE + "@@prelevements"
IBAN_DUPONT = "FR7630006000011234567890189"
IBAN_MARTIN = "DE89370400440532013000"
SEPA = {
    "portail.sepa.creancier": "Mairie de Biviers",
    "portail.sepa.ics": "FR72ZZZ123456",
    "portail.sepa.adresse": "1 place de la Mairie, 38330 Biviers",
    "portail.sepa.iban": "FR7630006000011234567890189",
    "portail.sepa.bic": "AGRIFRPPXXX",
    "portail.sepa.frais_rejet": "5,00",
}
NS = {"p": prelevement.NAMESPACE}


def prochaine_echeance(apres=3):
    jour = dates.today() + datetime.timedelta(days=apres)
    while not prelevement.jour_ouvre(jour):
        jour += datetime.timedelta(days=1)
    return jour


@pytest.fixture
def app(tmp_path):
    with app_du_test(tmp_path, **SEPA) as app:
        yield app


def regisseur(app):
    browser = client(app)
    login(browser, "regisseur", COMPTES["regisseur"][0])
    return browser


def preparer(app, signe_le=None):
    """DUPONT signs a mandate; a new unpaid invoice for each family.
    Returns (DUPONT's unpaid invoices, MARTIN's new invoice)."""
    signe_le = signe_le or dates.today() - datetime.timedelta(days=30)

    def make(root, registry):
        regie = root["regies"][REGIE_NOM]
        familles = root["familles"]
        mandats.signer(
            familles[DUPONT["numero"]], "Jean Dupont", IBAN_DUPONT, "AGRIFRPPXXX", signe_le
        )
        found = []
        for numero in (DUPONT["numero"], MARTIN["numero"]):
            ligne = {"enfant": "X", "montant": D("42.50"), "quantite": 1, "prix": D("42.50")}
            jour = dates.today() - datetime.timedelta(days=5)
            found.append(
                facturation.emettre_facture(
                    familles[numero], regie, jour, jour, jour, [ligne], registry=registry
                ).numero
            )
        dupont = [f.numero for f in facturation.impayees(familles[DUPONT["numero"]], regie)]
        return dupont, found[1]

    return with_root(app.app, make)


def rum_dupont(app):
    """The RUM of DUPONT's mandate in force (the demo's, if any, revoked)."""

    def read(root, registry):
        return mandats.mandat_actif(root["familles"][DUPONT["numero"]]).rum

    return with_root(app.app, read)


def etat(app):
    def read(root, registry):
        regie = root["regies"][REGIE_NOM]
        famille = root["familles"][DUPONT["numero"]]
        return {
            "lots": [
                (lot.numero, lot.etat, lot.nombre, lot.total) for lot in resources.tous(regie)
            ],
            "prelevement": {
                f.numero: f.prelevement
                for f in famille["factures"].values()
                if getattr(f, "prelevement", None) is not None
            },
            "reste": {f.numero: f.reste for f in facturation.impayees(famille, regie)},
            "reglements": {
                r.numero: (
                    getattr(r, "mode", ""),
                    r.montant,
                    getattr(r, "reference", ""),
                    getattr(r, "annule_par", ""),
                )
                for r in famille["reglements"].values()
            },
            "mandats": [(x.rum, x.etat(), x.sequence) for x in mandats.mandats(famille)],
        }

    return with_root(app.app, read)


def apercu(browser, echeance, status=200):
    page = browser.get(LOTS)
    return browser.post(
        LOTS, {"echeance": echeance.isoformat(), "csrf_token": csrf(page)}, status=status
    )


def confirmer(browser, page, status=302, executer=True):
    """Confirm the preview.  Accepted, the batch is queued (the answer goes
    to the job's progress page) and, with ``executer``, a worker runs it
    in the test's process: the returned object's ``location`` is then the
    batch's page, ``suivi`` the job's page once done."""
    empreinte = re.search(r'name="empreinte" value="([0-9a-f]{64})"', page.text).group(1)
    echeance = re.search(r'name="echeance" value="([0-9-]+)"', page.text).group(1)
    reponse = browser.post(
        LOTS,
        {
            "echeance": echeance,
            "empreinte": empreinte,
            "confirmer": "1",
            "csrf_token": csrf(page),
        },
        status=status,
    )
    if status != 302 or not executer:
        return reponse
    return executer_travail(browser, reponse)


def executer_travail(browser, reponse):
    """The job ``reponse`` redirected to, run by a worker to its end: its
    page (``suivi``) and the batch's page (``location``)."""
    assert "/manage/@@travail?id=" in reponse.location
    assert une_passe(browser.app) >= 1
    suivi = browser.get(reponse.location)
    assert suivi.html.find(id="etat-travail").get_text(strip=True) == "Terminé"
    retour = re.search(r'href="([^"]*@@prelevement\?lot=[^"]+)"', suivi.text).group(1)
    return SimpleNamespace(location=retour.replace("&amp;", "&"), suivi=suivi)


def erreur(html, champ):
    match = re.search(r'id="%s-erreur" class="help-block" role="alert">([^<]+)<' % champ, html)
    return match.group(1) if match else None


def texte(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def etape(browser, lot_url, vue, status=302):
    page = browser.get(lot_url.replace("@@prelevement?", "@@prelevement-%s?" % vue))
    numero = re.search(r'name="lot" value="([^"]+)"', page.text).group(1)
    reponse = browser.post(
        REGIE + "@@prelevement-%s" % vue,
        {"lot": numero, "confirmer": "1", "csrf_token": csrf(page)},
        status=status,
    )
    if vue == "effectuer" and status == 302:  # queued: the payments by a worker
        return executer_travail(browser, reponse)
    return reponse


def rejet(browser, lot_url, famille, code, status=302, **fields):
    url = lot_url.replace("@@prelevement?", "@@prelevement-rejet?") + "&famille=" + famille
    page = browser.get(url)
    numero = re.search(r'name="lot" value="([^"]+)"', page.text).group(1)
    values = {
        "lot": numero,
        "famille": famille,
        "code": code,
        "motif": "Solde insuffisant",
        "date": dates.today().isoformat(),
        "confirmer": "1",
        "csrf_token": csrf(page),
    }
    values.update(fields)
    return browser.post(REGIE + "@@prelevement-rejet", values, status=status)


# --- The due date ---------------------------------------------------------------------


def test_the_due_date_is_checked_beside_the_field(app):
    browser = regisseur(app)
    demain = dates.today() + datetime.timedelta(days=1)
    page = apercu(browser, demain, status=400)
    assert erreur(page.text, "echeance") == (
        "L'échéance doit être au moins 2 jours après aujourd'hui."
    )
    samedi = prochaine_echeance() + datetime.timedelta(
        days=(5 - prochaine_echeance().weekday()) % 7
    )
    assert samedi.weekday() == 5
    page = apercu(browser, samedi, status=400)
    assert "n'est pas un jour ouvré" in erreur(page.text, "echeance")
    page = browser.get(LOTS)
    page = browser.post(LOTS, {"echeance": "31/02/2027", "csrf_token": csrf(page)}, status=400)
    assert erreur(page.text, "echeance") == "Date invalide (AAAA-MM-JJ ou jj/mm/aaaa)."
    assert etat(app)["lots"] == []


# --- The main flow -----------------------------------------------------------------------


def test_batch_from_preview_to_reject(app, monkeypatch):
    dupont, martin = preparer(app)
    echeance = prochaine_echeance()
    browser = regisseur(app)
    assert "Aucun lot de prélèvement." in browser.get(LOTS).text

    # The preview: DUPONT's unpaid invoices on its mandate, MARTIN's left out.
    page = apercu(browser, echeance)
    debits = page.html.find(id="apercu-debits")
    lignes = [
        " ".join(td.get_text(" ", strip=True) for td in tr.find_all("td"))
        for tr in debits.tbody.find_all("tr")
    ]
    total = sum((facturation_reste(app, n) for n in dupont), D("0"))
    assert len(lignes) == 1
    assert lignes[0].startswith("JEAN DUPONT %s FRST" % rum_dupont(app))
    assert ", ".join(dupont) in lignes[0]
    exclues = texte(str(page.html.find(id="apercu-exclues")))
    assert martin in exclues
    assert "Aucun mandat de prélèvement actif au %s" % dates.courte(echeance) in exclues
    assert etat(app)["lots"] == []  # a preview writes nothing

    # Confirmed: the batch numbered and queued, the request returns at once
    # on the job's page; nothing marked yet, no file to download.
    reponse = confirmer(browser, page, executer=False)
    numero = "PRLV-%d-001" % dates.today().year
    assert "/manage/@@travail?id=" in reponse.location
    suivi = browser.get(reponse.location)
    assert "Lot %s en préparation : 1 prélèvement(s)" % numero in texte(suivi.text)
    assert suivi.html.find(id="etat-travail").get_text(strip=True) == "En attente"
    found = etat(app)
    assert found["lots"] == [(numero, resources.EN_PREPARATION, 1, total)]
    assert found["prelevement"] == {}
    assert found["mandats"][-1][2] == mandats.PREMIER
    lot_url = REGIE + "@@prelevement?lot=%s" % numero
    vue = browser.get(lot_url)
    assert "En préparation" in texte(vue.text)
    assert vue.html.find(id="en-preparation") is not None
    assert vue.html.find(id="telecharger") is None
    browser.get(REGIE + "@@prelevement-fichier?lot=%s" % numero, status=404)
    for vue in ("transmettre", "abandonner"):
        page_etape = browser.get(REGIE + "@@prelevement-%s?lot=%s" % (vue, numero))
        assert "Ce lot est en préparation : attendez qu'il soit prêt." in texte(page_etape.text)
    # another batch waits for this one
    refus = confirmer(browser, apercu(browser, prochaine_echeance(10)), status=400)
    assert "Le lot %s est en préparation" % numero in texte(refus.text)

    # A worker runs it: the invoices marked, the mandate used, the file.
    fait = executer_travail(browser, reponse)
    assert fait.location == lot_url
    vue = browser.get(lot_url)
    assert vue.html.find(id="en-preparation") is None
    assert "Préparé" in texte(vue.text)
    found = etat(app)
    assert found["lots"] == [(numero, resources.PREPARE, 1, total)]
    assert found["prelevement"] == {n: {"lot": numero, "echeance": echeance} for n in dupont}
    assert found["mandats"][-1][2] == mandats.RECURRENT  # the next debit is RCUR

    fichier = browser.get(vue.html.find(id="telecharger")["href"])
    assert fichier.content_type == "application/xml"
    assert "attachment" in fichier.headers["Content-Disposition"]
    assert prelevement.erreurs_schema(fichier.body) == []
    lectures = with_root(app.app, lambda root, r: journal.lire(root, genre=journal.LECTURE)[0])
    assert [(e["qui"], e["quoi"], e["details"]) for e in lectures[:1]] == [
        ("regisseur", "iban", {"lot": numero, "familles": 1})
    ]
    admin = client(app)
    login(admin, ADMIN[0], ADMIN[1])
    assert "@@prelevement-fichier" in admin.get("/manage/@@audit").text
    document = etree.fromstring(fichier.body)
    assert document.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId", namespaces=NS) == numero
    assert [e.text for e in document.iterfind(".//p:SeqTp", NS)] == ["FRST"]
    assert document.findtext(".//p:MndtId", namespaces=NS) == rum_dupont(app)
    assert document.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN_DUPONT
    assert D(document.findtext(".//p:InstdAmt", namespaces=NS)) == total
    assert document.findtext(".//p:ReqdColltnDt", namespaces=NS) == echeance.isoformat()

    # The family: "Prélèvement prévu le …", no online payment.
    parent = client(app)
    login(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    releve = texte(parent.get(DUPONT_URL + "releve-de-compte?onglet=factures").text)
    assert "Prélèvement prévu le %s" % dates.courte(echeance) in releve
    payer = parent.get(DUPONT_URL + "factures/%s/payer" % dupont[-1])
    assert "sera prélevée le %s" % dates.courte(echeance) in texte(payer.text)
    forge = parent.post(
        DUPONT_URL + "factures/%s/payer" % dupont[-1],
        {"email": "jean@example.org", "csrf_token": csrf(parent.get(DUPONT_URL))},
        expect_errors=True,
    )
    assert "banque-simulee" not in (forge.location or "")
    assert etat(app)["prelevement"] == {n: {"lot": numero, "echeance": echeance} for n in dupont}

    # préparé → transmis → effectué (after the due date).
    etape(browser, lot_url, "transmettre")
    assert etat(app)["lots"][0][1] == resources.TRANSMIS
    refus = browser.get(lot_url.replace("@@prelevement?", "@@prelevement-effectuer?"))
    assert "qu'à partir de son échéance" in texte(refus.text)
    monkeypatch.setattr(dates, "today", lambda: echeance)
    etape(browser, lot_url, "effectuer")
    found = etat(app)
    assert found["lots"][0][1] == resources.EFFECTUE
    assert found["reste"] == {}
    prelevements = {n: r for n, r in found["reglements"].items() if r[0] == "prelevement"}
    assert len(prelevements) == len(dupont)
    assert all(r[2] == numero and r[3] == "" for r in prelevements.values())
    # their receipts frozen by the batch itself, never at a first download
    sans_recu = with_root(
        app.app,
        lambda root, registry: [
            n
            for n in prelevements
            if root["familles"][DUPONT["numero"]]["reglements"][n].original is None
        ],
    )
    assert sans_recu == []
    page_journal = browser.get(REGIE + "@@journal").text
    assert all(n in page_journal for n in prelevements)

    # A reject: AM04, the payments cancelled, the invoices due again, a fee.
    vue = browser.get(lot_url)
    assert "Enregistrer un rejet" in vue.text
    page = rejet(browser, lot_url, DUPONT["numero"], "", status=400)
    assert erreur(page.text, "code") == "Choisissez le code de rejet."
    rejet(browser, lot_url, DUPONT["numero"], "AM04")
    found = etat(app)
    assert found["prelevement"] == {}
    frais = [n for n in found["reste"] if n not in dupont]
    assert len(frais) == 1 and found["reste"][frais[0]] == D("5.00")
    assert {n: found["reste"][n] for n in dupont} == {
        n: facturation_montant(app, n) for n in dupont
    }
    assert all(found["reglements"][n][3] for n in prelevements)  # cancelled, kept
    assert found["mandats"][-1][1] == mandats.ACTIF  # AM04 keeps the mandate

    def figes(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        documents = [famille["factures"][frais[0]]] + [
            famille["reglements"][r.annule_par]
            for r in famille["reglements"].values()
            if getattr(r, "mode", "") == "prelevement"
        ]
        return [originaux.original(d) is not None for d in documents]

    assert with_root(app.app, figes) == [True] * (1 + len(dupont))  # frozen as issued
    vue = texte(browser.get(lot_url).text)
    assert "AM04 – Provision insuffisante" in vue
    courriel = mails(app)[-1]
    assert "prélèvement rejeté" in courriel
    assert "AM04 – Provision insuffisante" in courriel
    assert dupont[-1] in courriel
    boite = texte(parent.get(DUPONT_URL + "boite-de-reception").text)
    assert "Prélèvement rejeté : factures %s" % ", ".join(dupont) in boite
    payer = parent.get(DUPONT_URL + "factures/%s/payer" % dupont[-1])
    assert "sera prélevée" not in payer.text  # payable online again
    # Once only.
    page = rejet_sans_formulaire(browser, lot_url, DUPONT["numero"])
    assert "Le rejet de ce prélèvement est déjà enregistré." in texte(page.text)

    # Each step is in the site's journal.
    faits = with_root(app.app, lambda root, r: [e["quoi"] for e in journal.lire(root)[0]])
    assert [q for q in faits if q.startswith("Prelevement")] == [
        "PrelevementRejete",
        "PrelevementLotEffectue",
        "PrelevementLotTransmis",
        "PrelevementLotPrepare",
    ]

    # The next batch: the invoices due again, on the same mandate, RCUR.
    monkeypatch.undo()
    page = apercu(browser, prochaine_echeance(10))
    assert " RCUR " in texte(str(page.html.find(id="apercu-debits")))
    confirmer(browser, page)
    lots = etat(app)["lots"]
    assert [lot[0] for lot in lots] == ["PRLV-%d-002" % dates.today().year, numero]


def facturation_reste(app, numero):
    return with_root(
        app.app, lambda root, r: root["familles"][DUPONT["numero"]]["factures"][numero].reste
    )


def facturation_montant(app, numero):
    return with_root(
        app.app, lambda root, r: root["familles"][DUPONT["numero"]]["factures"][numero].montant
    )


def rejet_sans_formulaire(browser, lot_url, famille):
    url = lot_url.replace("@@prelevement?", "@@prelevement-rejet?") + "&famille=" + famille
    return browser.get(url)


def test_a_stale_preview_is_shown_again_and_nothing_built(app):
    dupont, _martin = preparer(app)
    browser = regisseur(app)
    page = apercu(browser, prochaine_echeance())
    # meanwhile, a cheque pays one of the invoices
    with_root(
        app.app,
        lambda root, r: facturation.enregistrer_reglement(
            root["familles"][DUPONT["numero"]],
            root["regies"][REGIE_NOM],
            dates.today(),
            D("42.50"),
            "cheque",
            numeros=[dupont[-1]],
            registry=r,
        ),
    )
    perime = confirmer(browser, page, status=409)
    assert "ont changé depuis l'aperçu" in texte(perime.text)
    assert etat(app)["lots"] == []
    assert etat(app)["prelevement"] == {}
    assert dupont[-1] not in texte(str(perime.html.find(id="apercu-debits")))
    confirmer(browser, perime)  # the new preview, confirmed
    assert len(etat(app)["lots"]) == 1


def test_a_prepared_batch_never_sent_is_abandoned_with_a_reason(app):
    """A batch built by mistake (the file not sent): abandoned, its invoices
    are due again and may go in the next batch, the mandate's next debit
    is FRST again; the batch, its number and its file are kept."""
    dupont, _martin = preparer(app)
    browser = regisseur(app)
    echeance = prochaine_echeance()
    lot_url = confirmer(browser, apercu(browser, echeance)).location
    numero = "PRLV-%d-001" % dates.today().year
    assert etat(app)["mandats"][-1][2] == mandats.RECURRENT

    page = browser.get(lot_url.replace("@@prelevement?", "@@prelevement-abandonner?"))
    assert "Abandonner le lot %s" % numero in texte(page.text)
    jeton = csrf(page)
    url = REGIE + "@@prelevement-abandonner"
    refus = browser.post(url, {"lot": numero, "motif": "  ", "csrf_token": jeton}, status=400)
    assert erreur(refus.text, "motif") == "Indiquez pourquoi le lot est abandonné."
    assert etat(app)["lots"][0][1] == resources.PREPARE  # nothing changed
    browser.post(url, {"lot": numero, "motif": "<b>Mauvaise échéance</b>", "csrf_token": jeton})

    found = etat(app)
    assert found["lots"][0][:2] == (numero, resources.ABANDONNE)
    assert found["prelevement"] == {}
    assert set(dupont) <= set(found["reste"])  # due again
    assert found["mandats"][-1][2] == mandats.PREMIER  # its first debit is still to come
    vue = browser.get(lot_url)
    assert "Abandonné" in texte(vue.text) and vue.html.find(id="telecharger") is not None
    assert "&lt;b&gt;Mauvaise échéance&lt;/b&gt;" in vue.text  # text, never markup
    assert vue.html.find(id="abandonner") is None and vue.html.find(id="transmettre") is None
    entrees = with_root(
        app.app, lambda root, r: journal.lire(root, quoi="PrelevementLotAbandonne")[0]
    )
    assert [e["qui"] for e in entrees] == ["regisseur"]

    # the next batch takes them again, FRST, under the next number
    page = apercu(browser, echeance)
    assert "FRST" in texte(str(page.html.find(id="apercu-debits")))
    suivant = confirmer(browser, page).location
    assert suivant.endswith("lot=PRLV-%d-002" % dates.today().year)

    # a batch sent to the bank can no longer be abandoned
    etape(browser, suivant, "transmettre")
    page = browser.get(suivant.replace("@@prelevement?", "@@prelevement-abandonner?"))
    assert "ne peut plus être abandonné" in texte(page.text)
    assert page.html.find(id="form-etape") is None


def test_reject_ac04_revokes_the_mandate(app, monkeypatch):
    preparer(app)
    echeance = prochaine_echeance()
    browser = regisseur(app)
    lot_url = confirmer(browser, apercu(browser, echeance)).location
    etape(browser, lot_url, "transmettre")
    monkeypatch.setattr(dates, "today", lambda: echeance)
    etape(browser, lot_url, "effectuer")
    rejet(browser, lot_url, DUPONT["numero"], "AC04")
    assert etat(app)["mandats"][-1][1] == mandats.REVOQUE
    page = apercu(browser, prochaine_echeance(10))
    assert "Aucun mandat de prélèvement actif" in texte(page.text)
    assert page.html.find(id="apercu-debits") is None


def test_missing_settings_are_named_and_block_the_batch(tmp_path):
    with app_du_test(tmp_path) as app:
        preparer(app)
        browser = regisseur(app)
        assert "Paramètres SEPA manquants : portail.sepa.creancier" in texte(browser.get(LOTS).text)
        page = apercu(browser, prochaine_echeance())
        assert page.html.find(id="form-confirmer") is None


def test_who_reaches_the_batches(app):
    preparer(app)
    browser = regisseur(app)
    lot_url = confirmer(browser, apercu(browser, prochaine_echeance())).location
    agent = client(app)
    login(agent, "agent", COMPTES["agent"][0])
    agent.get(LOTS, status=403)
    agent.get(lot_url, status=403)
    agent.post(LOTS, {"echeance": "2030-01-02", "csrf_token": jeton(agent)}, status=403)
    parent = client(app)
    login(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    assert parent.get(LOTS).status_int == 302
    # without the CSRF token nothing is built
    browser.post(LOTS, {"echeance": prochaine_echeance().isoformat(), "confirmer": "1"}, status=400)
    assert len(etat(app)["lots"]) == 1
    browser.get(REGIE + "@@prelevement?lot=PRLV-1999-001", status=404)


def test_evolve_step35_grants_the_batches_on_an_existing_database(app):
    from pyramid.security import Allow
    from substanced.util import set_acl

    from portail_famille.evolve import STEPS, step35
    from portail_famille.security import P

    assert "step35" in STEPS
    nouvelles = {P.PRELEVEMENT_LOT_VOIR, P.PRELEVEMENT_LOT_GERER}

    def older(root, registry):
        regies = root["regies"]
        acl = [
            (action, principal, tuple(p for p in permissions if p not in nouvelles))
            if action == Allow and isinstance(permissions, tuple)
            else (action, principal, permissions)
            for action, principal, permissions in regies.__acl__
        ]
        set_acl(regies, acl, registry=registry)

    with_root(app.app, older)
    browser = regisseur(app)
    browser.get(LOTS, status=403)
    with_root(app.app, step35.evolve)
    browser.get(LOTS, status=200)


def test_done_by_parts_each_committed_never_paid_twice(app, monkeypatch):
    """ "Marquer comme effectué" by the workers, one family per chunk; a
    part paid before (a job stopped with a family passed over, done
    again): it is not paid twice, and its receipts are frozen by the
    chunks."""
    preparer(app)
    echeance = prochaine_echeance()

    def martin_signe(root, registry):
        signe = dates.today() - datetime.timedelta(days=30)
        familles = root["familles"]
        mandats.signer(familles[MARTIN["numero"]], "Marie Martin", IBAN_MARTIN, "", signe)

    with_root(app.app, martin_signe)
    browser = regisseur(app)
    lot_url = confirmer(browser, apercu(browser, echeance)).location
    etape(browser, lot_url, "transmettre")

    def premier(root, registry):
        regie = root["regies"][REGIE_NOM]
        lot = resources.tous(regie)[0]
        assert lot.nombre == 2
        return len(prelevement._payer(root, regie, lot, lot.debits[:1], "regisseur", registry))

    deja = with_root(app.app, premier)
    monkeypatch.setattr(dates, "today", lambda: echeance)
    reglages = app.app.registry.settings
    reglages["portail.travaux.lot"] = "1"
    try:
        fait = etape(browser, lot_url, "effectuer")
    finally:
        del reglages["portail.travaux.lot"]
    assert fait.suivi.html.find(id="faits-travail").get_text(strip=True) == "2 sur 2"

    def verifier(root, registry):
        regie = root["regies"][REGIE_NOM]
        lot = resources.tous(regie)[0]
        assert lot.etat == resources.EFFECTUE
        assert lot.travail is None
        payes = set()
        for debit in lot.debits:
            famille = root["familles"][debit["famille"]]
            for numero, montant in debit["factures"]:
                payes.add(numero)
                assert famille["factures"][numero].reste == D("0.00")
                reglement = famille["reglements"][lot.reglements[numero]]
                assert (reglement.mode, reglement.montant) == ("prelevement", montant)
                if debit is not lot.debits[0]:
                    assert originaux.original(reglement) is not None  # frozen by its chunk
        assert set(lot.reglements) == payes
        return len(payes)

    nombre = with_root(app.app, verifier)
    assert nombre > deja
    found = etat(app)
    assert len([r for r in found["reglements"].values() if r[0] == "prelevement"]) == nombre - 1


def test_hostile_input_is_refused_or_shown_as_text_never_a_500(app, monkeypatch):
    from .. import hostile

    dupont, _martin = preparer(app)
    echeance = prochaine_echeance()
    browser = regisseur(app)
    page = browser.get(LOTS)
    jeton_ = csrf(page)
    # a file, a list, markup where a date or a digest is expected
    for champs in (
        {"echeance": hostile.BALISES[0]},
        {"echeance": "2026-13-45", "confirmer": "1", "empreinte": "x" * 5000},
        {"echeance": echeance.isoformat(), "confirmer": "1", "empreinte": hostile.BALISES[1]},
    ):
        reponse = browser.post(LOTS, dict(champs, csrf_token=jeton_), expect_errors=True)
        assert reponse.status_int in (400, 409), champs
        assert hostile.obeit(reponse.text) == []
    reponse = browser.post(
        LOTS,
        [("csrf_token", jeton_), ("echeance", "x")],
        upload_files=[("echeance", "e.txt", b"2030-01-02")],
        expect_errors=True,
    )
    assert reponse.status_int == 400
    assert etat(app)["lots"] == []

    lot_url = confirmer(browser, apercu(browser, echeance)).location
    etape(browser, lot_url, "transmettre")
    monkeypatch.setattr(dates, "today", lambda: echeance)
    etape(browser, lot_url, "effectuer")
    for champs in (
        {"code": hostile.BALISES[0]},
        {"code": "AM04", "date": hostile.BALISES[2]},
        {"code": "AM04", "motif": "x" * 600},
    ):
        reponse = rejet(browser, lot_url, DUPONT["numero"], status=400, **champs)
        assert hostile.obeit(reponse.text) == []
    numero_lot = lot_url.rsplit("=", 1)[1]
    reponse = browser.post(
        REGIE + "@@prelevement-rejet",
        {
            "lot": numero_lot,
            "famille": hostile.BALISES[1],
            "code": "AM04",
            "date": echeance.isoformat(),
            "csrf_token": csrf(browser.get(rejet_url(lot_url, DUPONT["numero"]))),
        },
        status=400,
    )
    assert "Ce prélèvement n'est pas dans le lot." in texte(reponse.text)
    assert set(etat(app)["prelevement"]) == set(dupont)  # nothing rejected: still paid
    assert all(r[3] == "" for r in etat(app)["reglements"].values() if r[0] == "prelevement")
    rejet(browser, lot_url, DUPONT["numero"], "MS02", motif=hostile.BALISES[3])
    vue = browser.get(lot_url)
    assert hostile.obeit(vue.text) == []
    parent = client(app)
    login(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    boite = parent.get(DUPONT_URL + "boite-de-reception")
    assert hostile.obeit(boite.text) == []


def rejet_url(lot_url, famille):
    return lot_url.replace("@@prelevement?", "@@prelevement-rejet?") + "&famille=" + famille


def _normaliser(data):
    """The file with its creation time blanked (the only part that names
    when it was made)."""
    return re.sub(rb"<CreDtTm>[^<]+</CreDtTm>", b"<CreDtTm/>", data)


def test_the_workers_file_is_the_inline_batchs_file(app):
    """Every demo family debited (one chunk per family): the file the job
    assembles from its chunks is byte for byte the one the inline build
    (``lots.construire``) makes of the same data, but for its creation
    time; every invoice once in it."""
    echeance = prochaine_echeance()
    signe_le = dates.today() - datetime.timedelta(days=30)

    def make(root, registry):
        regie = root["regies"][REGIE_NOM]
        for rang, famille in enumerate(root["familles"].values()):
            if mandats.mandat_actif(famille, echeance) is None:
                iban = IBAN_DUPONT if rang % 2 else IBAN_MARTIN
                mandats.signer(famille, famille.nom_complet, iban, "", signe_le)
            jour = dates.today() - datetime.timedelta(days=5)
            ligne = {"enfant": "X", "montant": D("10.%02d" % rang), "quantite": 1}
            ligne["prix"] = ligne["montant"]
            facturation.emettre_facture(
                famille, regie, jour, jour, jour, [ligne], registry=registry
            )

    with_root(app.app, make)
    browser = regisseur(app)
    page = apercu(browser, echeance)
    empreinte = re.search(r'name="empreinte" value="([0-9a-f]{64})"', page.text).group(1)

    def inline(root, registry):
        regie = root["regies"][REGIE_NOM]
        creancier = prelevement_creancier(registry.settings)
        lot = prelevement.construire(root, regie, echeance, empreinte, creancier, par="regisseur")
        data = lot.fichier.contenu()
        transaction.abort()  # a reference only: nothing kept, its number given back
        return lot.numero, data

    numero, attendu = with_root(app.app, inline)
    debits = [e.text for e in etree.fromstring(attendu).iterfind(".//p:EndToEndId", NS)]
    assert len(debits) == 3  # every demo family, one chunk each

    reglages = app.app.registry.settings
    reglages["portail.travaux.lot"] = "1"
    try:
        fait = confirmer(browser, page)
    finally:
        del reglages["portail.travaux.lot"]
    assert fait.location.endswith("lot=%s" % numero)  # the same number, none skipped
    vue = browser.get(fait.location)
    data = browser.get(vue.html.find(id="telecharger")["href"]).body
    assert _normaliser(data) == _normaliser(attendu)
    assert data.count(b"<CreDtTm>") == attendu.count(b"<CreDtTm>") == 1
    assert prelevement.erreurs_schema(data) == []
    ids = [e.text for e in etree.fromstring(data).iterfind(".//p:EndToEndId", NS)]
    assert sorted(ids) == sorted(debits) and len(ids) == len(set(ids))
    assert fait.suivi.html.find(id="faits-travail").get_text(strip=True) == "%d sur %d" % (
        len(ids),
        len(ids),
    )


def test_an_invoice_paid_while_the_batch_waits_is_left_out(app):
    """Between the confirmation and the workers, DUPONT pays his invoices
    by cheque: his debit is left out (the job's log says why), nothing is
    marked; with no debit left, the batch is abandoned with the reason,
    its number kept, and the next batch takes the next number."""
    dupont, _martin = preparer(app)
    browser = regisseur(app)
    reponse = confirmer(browser, apercu(browser, prochaine_echeance()), executer=False)
    numero = "PRLV-%d-001" % dates.today().year

    def payer(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        regie = root["regies"][REGIE_NOM]
        for facture in facturation.impayees(famille, regie):
            facturation.enregistrer_reglement(
                famille,
                regie,
                dates.today(),
                facture.reste,
                "cheque",
                numeros=[facture.numero],
                registry=registry,
            )

    with_root(app.app, payer)
    fait = executer_travail(browser, reponse)
    journal_du_travail = texte(str(fait.suivi.html.find(class_="erreurs-travail")))
    assert "Famille n° %s : prélèvement écarté" % DUPONT["numero"] in journal_du_travail
    assert "a changé depuis l'aperçu" in journal_du_travail
    found = etat(app)
    assert found["lots"] == [(numero, resources.ABANDONNE, 0, D("0"))]
    assert found["prelevement"] == {}
    assert found["mandats"][-1][2] == mandats.PREMIER  # the mandate not used
    vue = texte(browser.get(fait.location).text)
    assert "Aucun prélèvement n'a pu être préparé" in vue
    faits = with_root(app.app, lambda root, r: [e["quoi"] for e in journal.lire(root)[0]])
    assert "PrelevementLotAbandonne" in faits and "PrelevementLotPrepare" not in faits
