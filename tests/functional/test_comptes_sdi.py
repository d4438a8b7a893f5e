"""Accounts in the SDI: SubstanceD's reset screens go to ours; staff
disable an account or change its password, and every session of that
account ends on the server."""

import webtest
from substanced.util import find_service

from portail_famille.demo import COMPTES

from ..conftest import ADMIN, DUPONT_URL, csrf, login, mails, with_root

JEAN = ("jean.dupont", COMPTES["jean.dupont"][0])
USER = "/manage/principals/users/jean.dupont/"


def new_client(app, **environ):
    return webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost", **environ})


def logged_out(response):
    return response.status_int == 302 and response.location.startswith("http://localhost/connexion")


def jean(app, *names):
    """Attributes of jean.dupont's account, read in a transaction."""

    def read(root, registry):
        user = find_service(root, "principals", "users")[JEAN[0]]
        return [getattr(user, name, None) for name in names]

    return with_root(app.app, read)


def two_browsers_of_jean(app):
    first, second = new_client(app), new_client(app)
    login(first, *JEAN)
    login(second, *JEAN)
    copy = new_client(app)
    copy.set_cookie("pf_auth", second.cookies["pf_auth"])
    assert copy.get(DUPONT_URL).status_int == 200
    return first, second, copy


def test_substanced_reset_screens_go_to_the_portal_one(app):
    anonymous = new_client(app)
    response = anonymous.get("/manage/@@resetpassword")
    assert response.location == "http://localhost/mot-de-passe-oublie"
    anonymous.post("/manage/@@resetpassword", {"login": JEAN[0], "send": "send"}, status=400)
    assert mails(app) == []

    # A link SubstanceD would have mailed cannot set a password either.
    def add_reset(root, registry):
        principals = find_service(root, "principals")
        reset = principals.add_reset(principals["users"][JEAN[0]])
        return reset.__name__

    name = with_root(app.app, add_reset)
    link = "/manage/principals/resets/%s/" % name
    assert anonymous.get(link).location == "http://localhost/mot-de-passe-oublie"
    token = csrf(anonymous.get("/mot-de-passe-oublie"))
    response = anonymous.post(link, {"new_password": "abc", "reset": "reset", "csrf_token": token})
    assert response.location == "http://localhost/mot-de-passe-oublie"
    assert login(new_client(app), *JEAN).location.endswith(DUPONT_URL)


def test_staff_disable_an_account_and_every_session_ends(app):
    first, second, copy = two_browsers_of_jean(app)
    admin = new_client(app)
    login(admin, *ADMIN)
    page = admin.get(USER + "@@acces")
    assert "Compte actif." in page.text
    done = page.forms["deform"].submit("desactiver").follow()
    assert "toutes ses sessions sont terminées" in done.text
    disabled, open_sessions = jean(app, "disabled", "_portail_sessions")
    assert disabled is True
    for browser in (first, second, copy):
        assert logged_out(browser.get(DUPONT_URL))
    assert len(open_sessions) == 0
    page = login(new_client(app), *JEAN, status=200)
    assert "Identifiant ou mot de passe incorrect." in page.text

    # Enabled again: the person logs in anew, the old cookies stay dead.
    again = admin.get(USER + "@@acces").forms["deform"].submit("reactiver").follow()
    assert "Compte réactivé." in again.text
    assert logged_out(copy.get(DUPONT_URL))
    assert login(new_client(app), *JEAN).location.endswith(DUPONT_URL)


def test_staff_cannot_disable_their_own_account(app):
    admin = new_client(app)
    login(admin, *ADMIN)
    page = admin.get("/manage/principals/users/admin/@@acces")
    page.forms["deform"].submit("desactiver").follow()
    assert (
        getattr(
            with_root(app.app, lambda root, r: find_service(root, "principals", "users")["admin"]),
            "disabled",
            False,
        )
        is False
    )


def test_agents_reach_neither_tab(agent):
    for view in ("@@acces", "@@change_password"):
        assert agent.get(USER + view, expect_errors=True).status_int in (403, 404)


def _sdi_change(admin, current, new, confirm=None):
    form = admin.get(USER + "@@change_password").forms["deform"]
    form["current"] = current
    form["password"] = new
    form["password-confirm"] = new if confirm is None else confirm
    return form.submit("changer")


def test_staff_change_a_password_under_the_policy_and_sessions_end(app):
    first, second, copy = two_browsers_of_jean(app)
    admin = new_client(app)
    login(admin, *ADMIN)
    weak = _sdi_change(admin, ADMIN[1], "abc")
    assert weak.status_int == 200 and "au moins 8 caractères" in weak.text
    assert copy.get(DUPONT_URL).status_int == 200
    wrong = _sdi_change(admin, "Pas-le-bon-1", "Guimauve-Rose77").follow()
    assert "Mot de passe actuel incorrect." in wrong.text
    assert copy.get(DUPONT_URL).status_int == 200

    done = _sdi_change(admin, ADMIN[1], "Guimauve-Rose77").follow()
    assert "les sessions du compte sont terminées" in done.text
    for browser in (first, second, copy):
        assert logged_out(browser.get(DUPONT_URL))
    login(new_client(app), *JEAN, status=200)
    # A password set by staff is a temporary one.
    assert login(new_client(app), JEAN[0], "Guimauve-Rose77").location.endswith("/mot-de-passe")
    # The staff member's own session goes on.
    assert admin.get(USER + "@@change_password").status_int == 200


def test_staff_current_password_counts_against_the_browser_as_a_login(app):
    admin = new_client(app, REMOTE_ADDR="10.9.8.7")
    login(admin, *ADMIN)
    for _ in range(10):
        page = _sdi_change(admin, "Pas-le-bon-1", "Guimauve-Rose77").follow()
        assert "Mot de passe actuel incorrect." in page.text
    # Now even the right one is refused in this browser, and nothing changes...
    page = _sdi_change(admin, ADMIN[1], "Guimauve-Rose77").follow()
    assert "Trop de tentatives : réessayez dans" in page.text
    assert login(new_client(app), *JEAN).location.endswith(DUPONT_URL)
    # ...but the administrator's other browsers log in at once.
    assert login(new_client(app, REMOTE_ADDR="10.1.1.1"), *ADMIN).status_int == 302
