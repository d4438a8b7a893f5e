"""Every absolute URL that leaves the site is built from ``portail.url``,
never from the request's Host (a forged Host must not put the attacker's
server in a victim's reset link); production refuses unknown hosts; and
main() refuses to start in production without ``portail.url``."""

import re
from urllib.parse import urlsplit

import pytest
from pyramid.exceptions import ConfigurationError

from portail_famille import adresses, main
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.paiement.simule import BanqueSimulee

from ..conftest import (
    DUPONT_URL,
    app_du_test,
    csrf,
    login,
    mails,
    make_app,
    settings_for,
    with_root,
)
from .conftest import client
from .test_enfants import lucas_url
from .test_pdf import texte

PIRATE = "portail-pirate.example"
PORTAIL = "https://portail.mairie.example/portail"
AL36 = DUPONT_URL + "factures/AL-36/"


@pytest.fixture
def ville(tmp_path):
    """The portal published under a path of the town's site (the setting
    written with a final slash, as people do)."""
    with app_du_test(tmp_path, **{"portail.url": PORTAIL + "/"}) as app:
        yield app


def pirate(app, compte=None):
    """A browser sending the forged Host, logged in as ``compte``."""
    browser = client(app, HTTP_HOST=PIRATE)
    if compte is not None:
        login(browser, compte, COMPTES[compte][0])
    return browser


def test_the_reset_link_is_the_portal_s_whatever_the_host(ville):
    visiteur = pirate(ville)
    page = visiteur.get("/mot-de-passe-oublie")
    visiteur.post("/mot-de-passe-oublie", {"login": "jean.dupont", "csrf_token": csrf(page)})
    (mail,) = mails(ville)
    assert PIRATE not in mail
    match = re.search(re.escape(PORTAIL) + r"/reinitialiser\?jeton=([A-Za-z0-9_\-]+)", mail)
    assert match, mail
    # The link works (the portal strips its prefix before the application).
    reset = client(ville).get("/reinitialiser?jeton=" + match.group(1))
    assert 'name="jeton"' in reset.text


def test_the_new_message_mail_links_to_the_portal(ville):
    nom = with_root(
        ville.app, lambda root, r: next(iter(root["familles"][DUPONT["numero"]]["messages"]))
    )
    chemin = "/manage%smessages/%s/@@conversation" % (DUPONT_URL, nom)
    agent = pirate(ville, "agent")
    shown = agent.get(chemin)
    done = agent.post(
        chemin, {"texte": "Oui, à 14 h.", "repondre": "1", "csrf_token": csrf(shown)}, status=302
    )
    assert done.location.endswith(chemin)
    (mail,) = mails(ville)
    assert PIRATE not in mail
    assert PORTAIL + DUPONT_URL + "boite-de-reception" in mail


def test_payment_return_and_notification_go_to_the_portal(ville):
    parent = pirate(ville, "jean.dupont")
    page = parent.get(AL36 + "payer")
    depart = parent.post(
        AL36 + "payer", {"email": "recu@example.org", "csrf_token": csrf(page)}, status=302
    )
    assert depart.location.startswith(PORTAIL + "/banque-simulee/")
    token = urlsplit(depart.location).path.rsplit("/", 1)[1]
    secret = ville.app.registry.settings["substanced.secret"]
    ordre = BanqueSimulee(secret).lire_ordre(token)
    assert ordre["retour"].startswith(PORTAIL + AL36 + "retour-paiement/")
    assert ordre["notification"].startswith(PORTAIL + "/notification-paiement/")


def test_the_planning_feed_link_is_the_portal_s(ville):
    parent = pirate(ville, "jean.dupont")
    lucas = lucas_url(ville)
    page = parent.get(lucas + "agenda")
    reponse = parent.post(lucas + "agenda", {"csrf_token": csrf(page)})
    liens = re.findall(r'class="url-agenda" readonly value="([^"]+)"', reponse.text)
    assert liens and all(lien.startswith(PORTAIL + lucas + "planning.ics?jeton=") for lien in liens)
    assert PIRATE not in reponse.text


def test_the_invoice_pdf_prints_the_portal_s_address(ville):
    parent = pirate(ville, "jean.dupont")
    text = texte(parent.get(AL36 + "pdf"))
    assert "sur le Portail Famille : %s/" % PORTAIL in text
    assert PIRATE not in text


def test_production_does_not_start_without_the_portal_s_address(tmp_path):
    settings = settings_for(tmp_path, **{"portail.demo": "false"})
    del settings["portail.url"]
    with pytest.raises(ConfigurationError, match="portail.url is not set"):
        main({}, **settings)
    for faux in ("portail.mairie.example", "ftp://x.example", "https://x.example/?a=1"):
        settings["portail.url"] = faux
        with pytest.raises(ConfigurationError, match="portail.url"):
            main({}, **settings)


def test_development_defaults_to_the_local_server():
    assert adresses.url_du_portail({"portail.demo": "true"}) == "http://127.0.0.1:6543"
    assert (
        adresses.url_du_portail({"portail.url": " https://a.example/p/ "}) == "https://a.example/p"
    )


# A production site (no demo, no online payment) at portail.url's host,
# answering to one more name.
PRODUCTION = {
    "portail.demo": "false",
    "portail.paiement": "",
    "portail.url": "https://localhost/portail",
    "portail.hotes_autorises": "portail.ville.example",
}


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("production"), **PRODUCTION)


@pytest.fixture
def production_neuve(tmp_path):
    """A production site of its own: each case below asks for jean.dupont's
    reset mail, and an account gets 3 an hour (comptes.throttle)."""
    with app_du_test(tmp_path, **PRODUCTION) as app:
        yield app


@pytest.mark.parametrize(
    "hote", [PIRATE, "localhost.evil.example", "evil.example:80", "", "localhost:abc"]
)
def test_production_refuses_an_unknown_host_in_french_and_writes_nothing(production_neuve, hote):
    production = production_neuve
    avant = len(mails(production))
    page = client(production).get("/mot-de-passe-oublie")
    refus = client(production, HTTP_HOST=hote).post(
        "/mot-de-passe-oublie",
        {"login": "jean.dupont", "csrf_token": csrf(page)},
        status=400,
    )
    assert "Adresse inconnue" in refus.text and '<html lang="fr">' in refus.text
    assert "Traceback" not in refus.text and refus.headers["X-Frame-Options"] == "DENY"
    assert len(mails(production)) == avant
    # The same request with the portal's host is served.
    browser = client(production)
    page = browser.get("/mot-de-passe-oublie")
    browser.post("/mot-de-passe-oublie", {"login": "jean.dupont", "csrf_token": csrf(page)})
    assert len(mails(production)) == avant + 1


@pytest.mark.parametrize("hote", ["localhost", "LOCALHOST:6543", "portail.ville.example"])
def test_production_serves_its_own_hosts(production, hote):
    page = client(production, HTTP_HOST=hote).get("/connexion", status=200)
    assert "Identifiant" in page.text


def test_the_health_check_answers_whatever_the_host(production):
    # /sante is not refused for its Host (what it answers is its own view's).
    response = client(production, HTTP_HOST="10.0.0.5:6543").get("/sante", expect_errors=True)
    assert "Adresse inconnue" not in response.text
