"""What the authentication policy remembers (comptes.auth), on one request
only: the logged-in userid and the groupfinder's answer are computed once
a request, never handed to another request, of the same person or not,
and asked again after a login or a logout within the request."""

import transaction
import webtest
from pyramid.interfaces import IAuthenticationPolicy
from pyramid.request import Request
from pyramid.scripting import prepare
from substanced.util import find_service, get_oid

from portail_famille.demo import COMPTES, DUPONT
from portail_famille.documents import visibilite

from ..conftest import login, with_root


def navigateur(app, username):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(browser, username, COMPTES[username][0])
    return browser


class Requete:
    """A request of ``browser`` (its cookies) prepared as the router does,
    its transaction and connection ended on exit."""

    def __init__(self, app, browser, path="/"):
        cookies = "; ".join("%s=%s" % (c.name, c.value) for c in browser.cookiejar)
        request = Request.blank(path, headers={"Cookie": cookies, "Host": "localhost"})
        self.env = prepare(request=request, registry=app.app.registry)
        self.request = self.env["request"]

    def __enter__(self):
        return self.request

    def __exit__(self, *exc):
        transaction.abort()
        self.request._process_finished_callbacks()
        self.env["closer"]()


def groupes(root, login):
    user = find_service(root, "principals", "users")[login]
    return user, find_service(root, "principals", "groups")


def oid_du_groupe(app, name):
    return with_root(app.app, lambda root, _r: get_oid(groupes(root, "agent")[1][name]))


def test_groups_of_another_request_are_read_again(app):
    agent = navigateur(app, "agent")
    agents, regisseurs = oid_du_groupe(app, "agents"), oid_du_groupe(app, "regisseurs")
    with Requete(app, agent) as request:
        first = request.effective_principals
        assert agents in first and regisseurs not in first
        # the same answer all along the request, read once
        assert request.effective_principals == first
        assert request.__dict__["_portail_groups"][2] is request.__dict__["_portail_account"][2]

    def changer(root, _registry):
        user, groups = groupes(root, "agent")
        groups["agents"].memberids.disconnect([user])
        groups["regisseurs"].memberids.connect([user])

    with_root(app.app, changer)
    with Requete(app, agent) as request:
        principals = request.effective_principals
        assert regisseurs in principals and agents not in principals


def test_a_disabled_account_is_refused_at_its_next_request(app):
    agent = navigateur(app, "agent")
    with Requete(app, agent) as request:
        assert request.authenticated_userid is not None

    def desactiver(root, _registry):
        groupes(root, "agent")[0].disabled = True

    with_root(app.app, desactiver)
    with Requete(app, agent) as request:
        assert request.authenticated_userid is None
        assert request.effective_principals == ["system.Everyone"]


def test_requests_of_two_people_in_one_thread_keep_their_own_answers(app):
    dupont, agent = navigateur(app, "jean.dupont"), navigateur(app, "agent")
    answers = {}
    for name, browser in (("dupont", dupont), ("agent", agent), ("dupont2", dupont)):
        with Requete(app, browser) as request:
            answers[name] = (
                request.authenticated_userid,
                request.effective_principals,
                request.user.__name__,
            )
    assert answers["dupont"] == answers["dupont2"]
    assert answers["dupont"][2] == "jean.dupont" and answers["agent"][2] == "agent"
    assert answers["dupont"][0] != answers["agent"][0]
    assert not set(answers["dupont"][1][2:]) & set(answers["agent"][1][2:])


def test_logout_within_a_request_forgets_its_answers(app):
    agent = navigateur(app, "agent")
    with Requete(app, agent) as request:
        assert request.authenticated_userid is not None
        policy = request.registry.getUtility(IAuthenticationPolicy)
        policy.forget(request)
        # the session is closed: the request's cookie no longer opens it
        assert request.authenticated_userid is None
        assert policy.account(request) is None
        transaction.commit()
    with Requete(app, agent) as request:
        assert request.authenticated_userid is None


def test_documents_principals_once_traversal_says_they_matter(app):
    """The groupfinder's answer depends on what traversal found (the
    documents' extra principals): remembered per answer, not per request."""
    dupont = navigateur(app, "jean.dupont")
    path = "/familles/%s/documents" % DUPONT["numero"]
    with Requete(app, dupont, path) as request:
        before = request.effective_principals
        assert not [p for p in before if str(p).startswith(visibilite.PREFIXE)]
        request.view_name = visibilite.VUE  # as traversal leaves it
        after = request.effective_principals
        extra = visibilite.principaux(request, request.user)
        assert extra, "DUPONT's children are enrolled this school year"
        assert after == before + extra
        del request.view_name
        assert request.effective_principals == before
