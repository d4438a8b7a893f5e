"""Flash messages never overflow the session cookie: a client that sends
forms without following the redirects gets, for each, the answer of what
was committed (issue 15, item 7), never a 500 after the commit."""

from pyramid.interfaces import ISessionFactory
from pyramid.request import Request, apply_request_extensions
from pyramid.response import Response

from portail_famille.comptes.flashes import FLASHES_PAR_FILE
from portail_famille.demo import COMPTES, DUPONT

from ..conftest import DUPONT_URL, csrf, login, with_root
from .conftest import client

BOITE = DUPONT_URL + "boite-de-reception"
ENVOYE = "Votre message a été envoyé."


def _conversations(app):
    return with_root(
        app.app, lambda root, registry: len(root["familles"][DUPONT["numero"]]["messages"])
    )


def test_28_messages_without_following_the_redirects(app):
    dupont = client(app)
    login(dupont, "jean.dupont", COMPTES["jean.dupont"][0])
    page = dupont.get(BOITE + "?onglet=nouveau")
    token = csrf(page)
    avant = _conversations(app)
    envoyes = 0
    for n in range(28):
        reponse = dupont.post(
            BOITE,
            {"csrf_token": token, "structure": "", "objet": "Question %d" % n, "texte": "Bonjour"},
            expect_errors=True,
        )
        # A message is stored exactly when the answer says so (the
        # service may also refuse too many messages: then nothing is).
        assert reponse.status_int in (302, 400, 429), reponse.status
        envoyes += reponse.status_int == 302
        assert _conversations(app) == avant + envoyes
        assert len(reponse.headers.get("Set-Cookie", "")) < 4096
    assert envoyes >= 1
    page = dupont.get(BOITE + "?onglet=envoyes")
    # The notice once, not 28 times; and then it is gone.
    assert page.text.count(ENVOYE) == 1
    assert ENVOYE not in dupont.get(BOITE + "?onglet=envoyes").text


def _session(app):
    """A session of the application's factory, on a blank request."""
    request = Request.blank("/", base_url="http://localhost")
    request.registry = app.app.registry
    apply_request_extensions(request)
    return request, app.app.registry.getUtility(ISessionFactory)(request)


def test_many_long_flashes_keep_the_latest_and_fit_in_the_cookie(app):
    request, session = _session(app)
    session.get_csrf_token()
    for n in range(60):
        session.flash("Notice numéro %d : %s" % (n, "é" * 150), "portail")
        session.flash("Avis SDI %d : %s" % (n, "x" * 400), "info")
    response = Response()
    request._process_response_callbacks(response)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("pf_session=") and len(cookie) < 4096
    # The cookie read back: the latest notices of each queue, in order.
    suivant = Request.blank("/", base_url="http://localhost", headers={"Cookie": cookie})
    suivant.registry = app.app.registry
    relu = app.app.registry.getUtility(ISessionFactory)(suivant)
    portail = relu.pop_flash("portail")
    info = relu.pop_flash("info")
    assert 0 < len(portail) <= FLASHES_PAR_FILE and 0 < len(info) <= FLASHES_PAR_FILE
    assert portail[-1].startswith("Notice numéro 59 ") and info[-1].startswith("Avis SDI 59 ")
    numeros = [int(f.split()[2]) for f in portail]
    assert numeros == sorted(numeros)
    assert relu.get_csrf_token() == session.get_csrf_token()
