"""Online payment with the simulated bank, end to end: the receipt's email,
the bank's page, its server-side notification, the return page, the
Reglement and the receipt; refusal and cancellation; replayed, forged and
duplicated notifications; a paid invoice paid again; isolation and CSRF."""

import html
import http.client
import io
import logging
import threading
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import transaction
import webtest
from pypdf import PdfReader
from pyramid.exceptions import ConfigurationError
from pyramid.renderers import render

from portail_famille import main
from portail_famille.demo import COMPTES, DUPONT, load
from portail_famille.facturation import service as facturation
from portail_famille.paiement.fournisseurs import ANNULE, EN_COURS, PAYE, REFUSE
from portail_famille.paiement.resources import NOM, paiements
from portail_famille.paiement.simule import BanqueSimulee

from ..conftest import DUPONT_URL, csrf, login, mails, make_app, settings_for, with_root
from ..serveur import Serveur
from .conftest import client, french_error, leaked, no_traceback

AL36 = DUPONT_URL + "factures/AL-36/"
PAYER = AL36 + "payer"
EMAIL = "recu.paiement@example.org"
REGIE = "Régie garderie ALSH"
RECU = dict.fromkeys(
    ("site_name", "facture", "montant", "date", "reglement", "regie", "transaction", "credit"), ""
)


def _etat(app):
    """What the tests look at: AL-36's due amount, the family's payments
    (number -> (mode, amount, reference, allocations)), the credit, the
    attempts (reference -> state)."""

    def read(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        reglements = {
            r.numero: (r.mode, r.montant, r.reference, dict(r.affectations))
            for r in famille["reglements"].values()
        }
        tentatives = {k: v.etat for k, v in (root.__dict__.get(NOM) or {}).items()}
        return {
            "reste": famille["factures"]["AL-36"].reste,
            "reglements": reglements,
            "credit": facturation.credit_disponible(famille),
            "tentatives": tentatives,
        }

    return with_root(app.app, read)


def _cartes(etat):
    return {n: r for n, r in etat["reglements"].items() if r[0] == "carte"}


@pytest.fixture
def parent(app):
    login(app, "jean.dupont", COMPTES["jean.dupont"][0])
    return app


def _commencer(app, email=EMAIL):
    """The email form, sent: the redirect to the simulated bank."""
    page = app.get(PAYER)
    reponse = app.post(PAYER, {"email": email, "csrf_token": csrf(page)}, status=302)
    assert reponse.location.startswith("http://localhost/banque-simulee/")
    return reponse.location


def _choisir(app, banque_url, bouton):
    page = app.get(banque_url)
    return app.post(banque_url, {"choix": bouton, "csrf_token": csrf(page)}, status=302)


def _message(location):
    return parse_qs(urlsplit(location).query)["message"][0]


def _reference(location):
    return urlsplit(location).path.rstrip("/").rsplit("/", 1)[1]


def test_dupont_pays_al36_with_the_simulated_bank(parent):
    app = parent
    avant = _etat(app)
    page = app.get(PAYER)
    assert "AL-36" in page.text and "120,60\xa0€" in page.text
    assert "Adresse électronique pour le reçu" in page.text
    # prefilled with the responsable's email
    assert 'value="jean.dupont@wanadoo.fr"' in page.text

    banque_url = _commencer(app)
    banque = app.get(banque_url)
    assert "Banque simulée" in banque.text
    assert "120,60\xa0€" in banque.text and "Facture AL-36" in banque.text
    for bouton in ("Payer", "Refuser", "Annuler"):
        assert ">%s</button>" % bouton in banque.text
    (reference,) = set(_etat(app)["tentatives"]) - set(avant["tentatives"])
    assert reference in banque.text

    retour = _choisir(app, banque_url, "payer")
    # the bank notified the server before sending the browser back
    apres = _etat(app)
    assert apres["reste"] == Decimal("0.00")
    assert apres["tentatives"][reference] == PAYE
    ((numero, (mode, montant, ref_banque, affectations)),) = _cartes(apres).items()
    assert (montant, affectations) == (Decimal("120.60"), {"AL-36": Decimal("120.60")})
    assert ref_banque.startswith("SIM-")
    assert retour.location.startswith("http://localhost" + AL36 + "retour-paiement/" + reference)

    resultat = app.get(retour.location)
    assert "Paiement accepté : la facture AL-36 est réglée." in resultat.text
    assert 'href="%sreleve-de-compte"' % DUPONT_URL in resultat.text
    assert 'href="%s"' % DUPONT_URL in resultat.text
    assert numero in resultat.text and EMAIL in resultat.text

    def reglement(root, registry):
        r = root["familles"][DUPONT["numero"]]["reglements"][numero]
        return r.description, r.regie, r.date, r.original.contenu()

    description, regie, _date, original = with_root(app.app, reglement)
    assert (description, regie) == ("Règlement : Carte bancaire (en ligne)", REGIE)
    # its receipt, frozen as it was recorded, is what the family downloads
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(original)).pages).split()
    )
    assert "Reçu %s" % numero in text and "Mode de règlement Carte bancaire (en ligne)" in text
    assert "Référence %s" % ref_banque in text and "Montant reçu 120,60 €" in text
    assert app.get(DUPONT_URL + "reglements/%s/pdf" % numero).body == original
    (recu,) = [m for m in mails(app) if "To: %s" % EMAIL in m]
    assert "reçu de votre paiement de la facture AL-36" in recu
    assert "120,60" in recu and numero in recu and ref_banque in recu
    assert "crédit" not in recu
    # nothing else changed: AL-36 is no longer due
    assert facturation_impayees(app) == []


def facturation_impayees(app):
    return with_root(
        app.app,
        lambda root, registry: [
            f.numero for f in facturation.impayees(root["familles"][DUPONT["numero"]])
        ],
    )


@pytest.mark.parametrize(
    "bouton, etat, texte",
    [
        ("refuser", REFUSE, "Paiement refusé : la facture AL-36 reste à payer."),
        ("annuler", ANNULE, "Paiement annulé : la facture AL-36 reste à payer."),
    ],
)
def test_refused_or_cancelled_changes_nothing(parent, bouton, etat, texte):
    app = parent
    avant = _etat(app)
    nombre_mails = len(mails(app))
    banque_url = _commencer(app)
    retour = _choisir(app, banque_url, bouton)
    page = app.get(retour.location)
    assert texte in page.text
    assert "Payer à nouveau" in page.text
    apres = _etat(app)
    assert apres["reste"] == Decimal("120.60")
    assert apres["reglements"] == avant["reglements"]
    assert apres["tentatives"][_reference(retour.location)] == etat
    assert len(mails(app)) == nombre_mails
    # a "paid" message can not be made from the refusal's: replaying it
    # over the notification changes nothing either
    notif = client(app).post(
        "/notification-paiement/%s" % _reference(retour.location),
        {"message": _message(retour.location)},
    )
    assert notif.status_int == 200
    assert _etat(app)["reglements"] == avant["reglements"]


def test_replayed_notification_records_once(parent):
    app = parent
    retour = _choisir(app, _commencer(app), "payer")
    reference, message = _reference(retour.location), _message(retour.location)
    une_fois = _etat(app)
    assert len(_cartes(une_fois)) == 1
    banque = client(app)  # the bank's server: no session, no cookie
    for _fois in range(2):
        reponse = banque.post("/notification-paiement/%s" % reference, {"message": message})
        assert reponse.status_int == 200 and reponse.text == "OK"
    # the browser's return, twice (reload)
    for _fois in range(2):
        assert "Paiement accepté" in app.get(retour.location).text
    assert _etat(app) == une_fois
    assert len([m for m in mails(app) if "To: %s" % EMAIL in m]) == 1


def test_forged_notifications_are_refused(parent):
    app = parent
    banque_url = _commencer(app)
    (reference,) = _etat(app)["tentatives"]
    avant = _etat(app)
    secret = app.app.registry.settings["substanced.secret"]
    vraie = BanqueSimulee(secret)
    bon = vraie.signer(reference, Decimal("120.60"), PAYE)
    pirate = client(app)
    url = "/notification-paiement/%s" % reference
    faux = [
        # signed with another secret
        BanqueSimulee("pas-le-secret").signer(reference, Decimal("120.60"), PAYE),
        # one character changed
        bon[:-3] + ("A" if bon[-3] != "A" else "B") + bon[-2:],
        # the bank's signature, but another amount
        vraie.signer(reference, Decimal("1.00"), PAYE),
        # the bank's signature, but another attempt's reference
        vraie.signer("0" * 24, Decimal("120.60"), PAYE),
        "",
        "n'importe quoi",
    ]
    for message in faux:
        reponse = pirate.post(url, {"message": message}, expect_errors=True)
        assert reponse.status_int in (400, 200), message
        if message:
            assert reponse.status_int == 400, message
    # an unknown reference
    reponse = pirate.post("/notification-paiement/%s" % ("f" * 24), {"message": bon}, status=404)
    # a forged return through the parent's browser
    forge = "%sretour-paiement/%s?message=%s" % (AL36, reference, faux[2])
    page = app.get(forge, status=400)
    assert "Paiement accepté" not in page.text and no_traceback(page.text)
    assert _etat(app) == avant
    assert _etat(app)["tentatives"][reference] == EN_COURS
    # the bank's own message still goes through, once
    assert pirate.post(url, {"message": bon}).text == "OK"
    assert len(_cartes(_etat(app))) == 1
    assert app.get(banque_url).status_int == 200


def test_paid_invoice_cannot_be_paid_again(parent):
    app = parent
    # two tabs: both show the form before anything is paid
    premier = app.get(PAYER)
    second = app.get(PAYER)
    retour = _choisir(app, _commencer(app), "payer")
    assert "Paiement accepté" in app.get(retour.location).text
    avant = _etat(app)
    page = app.get(PAYER)
    assert "La facture AL-36 est déjà réglée." in page.text
    assert 'name="email"' not in page.text
    for onglet in (premier, second):
        refus = app.post(PAYER, {"email": EMAIL, "csrf_token": csrf(onglet)}, status=409)
        assert "La facture AL-36 est déjà réglée." in refus.text
    assert _etat(app) == avant


def test_two_payments_started_before_either_is_paid_credit_the_account(parent):
    """Two tabs at the bank at once: the second payment confirmed finds AL-36
    settled; it is recorded, as a credit on the family's account."""
    app = parent
    premiere = _commencer(app)
    seconde = _commencer(app)
    _choisir(app, premiere, "payer")
    retour = _choisir(app, seconde, "payer")
    assert (
        "Paiement accepté : la facture AL-36 était déjà réglée ; 120,60\xa0€ restent en crédit"
        in app.get(retour.location).text
    )
    etat = _etat(app)
    assert etat["reste"] == Decimal("0.00")
    cartes = sorted(_cartes(etat).values(), key=lambda r: sum(r[3].values()), reverse=True)
    assert [r[3] for r in cartes] == [{"AL-36": Decimal("120.60")}, {}]
    assert etat["credit"] == Decimal("120.60")
    recus = [m for m in mails(app) if "To: %s" % EMAIL in m]
    assert len(recus) == 2 and "reste en crédit sur votre compte" in recus[1]


def test_bad_email_is_refused_beside_the_field(parent):
    app = parent
    page = app.get(PAYER)
    for email, message in (
        ("", "Saisissez l'adresse électronique qui recevra le reçu."),
        ("jean.dupont", "Adresse électronique invalide (par exemple jean.dupont@exemple.fr)."),
        (
            "a@b.fr" + "x" * 80,
            "Adresse électronique invalide (par exemple jean.dupont@exemple.fr).",
        ),
    ):
        reponse = app.post(PAYER, {"email": email, "csrf_token": csrf(page)}, status=200)
        beside = '<div id="email-erreur"><p class="erreur">%s</p>' % message
        assert beside in html.unescape(reponse.text)
        assert 'aria-invalid="true"' in reponse.text
    assert _etat(app)["tentatives"] == {}


def test_post_without_csrf_is_400_and_writes_nothing(parent):
    app = parent
    reponse = app.post(PAYER, {"email": EMAIL}, status=400)
    assert french_error(reponse.text)
    banque_url = _commencer(app)
    avant = _etat(app)
    app.post(banque_url, {"choix": "payer"}, status=400)
    assert _etat(app) == avant and len(avant["tentatives"]) == 1


def test_regie_without_online_payment(parent):
    app = parent

    def sans_numcli(root, registry):
        root["regies"]["regie-garderie-alsh"].numcli = ""

    with_root(app.app, sans_numcli)
    page = app.get(PAYER)
    assert "Le paiement en ligne n'est pas disponible pour cette facture." in page.text
    assert 'name="email"' not in page.text
    page = app.post(PAYER, {"email": EMAIL, "csrf_token": csrf(page)}, status=409)
    assert _etat(app)["tentatives"] == {}


def test_martin_cannot_reach_dupont_payment(martin, dupont, shared):
    page = dupont.get(PAYER)
    depart = dupont.post(PAYER, {"email": EMAIL, "csrf_token": csrf(page)}, status=302)
    reference = with_root(shared.app, lambda root, registry: list(paiements(root))[-1])
    for url in (PAYER, AL36 + "retour-paiement/" + reference):
        reponse = martin.get(url, status=404)
        assert not leaked(reponse.text, "dupont", url)
    jeton = csrf(martin.get("/mot-de-passe"))
    reponse = martin.post(PAYER, {"email": EMAIL, "csrf_token": jeton}, status=404)
    assert not leaked(reponse.text, "dupont", PAYER)
    # the bank's page shows no family data: only the order's amount
    assert not leaked(martin.get(depart.location).text, "dupont")


@pytest.mark.parametrize("role", ["agent", "regisseur", "admin"])
def test_staff_cannot_pay(role, request):
    app = request.getfixturevalue(role)
    assert app.get(PAYER, expect_errors=True).status_int in (403, 404)
    jeton = csrf(app.get("/mot-de-passe"))
    reponse = app.post(PAYER, {"email": EMAIL, "csrf_token": jeton}, expect_errors=True)
    assert reponse.status_int in (403, 404)


def test_no_simulated_bank_unless_configured(tmp_path):
    app = make_app(tmp_path, **{"portail.paiement": ""})
    assert app.get("/banque-simulee/abc", status=404)
    login(app, "jean.dupont", COMPTES["jean.dupont"][0])
    page = app.get(PAYER)
    assert "Le paiement en ligne n'est pas disponible pour cette facture." in page.text


def test_simulated_bank_only_on_a_demonstration_site(tmp_path):
    with pytest.raises(ConfigurationError, match="portail.demo"):
        main(
            {}, **settings_for(tmp_path, **{"portail.demo": "false", "portail.paiement": "simule"})
        )
    with pytest.raises(ConfigurationError, match="portail.paiement"):
        main({}, **settings_for(tmp_path, **{"portail.paiement": "paypal"}))


@pytest.fixture
def serveur(tmp_path):
    """The application on a FileStorage (real conflicts) behind waitress."""
    uri = "file://%s?blobstorage_dir=%s" % (tmp_path / "Data.fs", tmp_path / "blobs")
    wsgi = main({}, **settings_for(tmp_path, **{"zodbconn.uri": uri}))
    app = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
    app.get("/")
    with_root(wsgi, load)
    server = Serveur(wsgi, host="127.0.0.1", port=0, threads=8)
    server.start()
    try:
        yield app, int(server.effective_port)
    finally:
        server.stop()
        transaction.abort()
        for db in getattr(wsgi.registry, "_zodb_databases", {}).values():
            db.close()


def test_simultaneous_notifications_record_once(serveur, caplog):
    """The same notification 8 times at the same moment: the attempt's
    record conflicts, the retried ones find it paid; the receipt's mail of
    an attempt that conflicts is dropped without any error logged."""
    caplog.set_level(logging.INFO)
    app, port = serveur
    login(app, "jean.dupont", COMPTES["jean.dupont"][0])
    _commencer(app)
    (reference,) = _etat(app)["tentatives"]
    secret = app.app.registry.settings["substanced.secret"]
    corps = "message=" + BanqueSimulee(secret).signer(reference, Decimal("120.60"), PAYE)
    # The receipt's templates compiled once before the burst: every
    # concurrent attempt renders the receipt before its commit conflicts,
    # and Python 3.11's compile() is not safe in parallel threads.
    with_root(
        app.app,
        lambda root, registry: [
            render("portail_famille.courriels:templates/paiement_recu/%s" % part, RECU)
            for part in ("subject.txt", "body.txt")
        ],
    )
    depart = threading.Barrier(8)
    reponses = []

    def notifier():
        connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        depart.wait()
        connexion.request(
            "POST",
            "/notification-paiement/" + reference,
            body=corps,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Host": "localhost"},
        )
        reponse = connexion.getresponse()
        reponses.append((reponse.status, reponse.read()))
        connexion.close()

    threads = [threading.Thread(target=notifier) for _n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert reponses == [(200, b"OK")] * 8
    etat = _etat(app)
    assert len(_cartes(etat)) == 1 and etat["reste"] == Decimal("0.00")
    assert etat["credit"] == Decimal("0.00")
    assert len([m for m in mails(app) if "To: %s" % EMAIL in m]) == 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
