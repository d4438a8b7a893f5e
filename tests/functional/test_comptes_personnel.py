"""Staff see only what their role needs of other staff (issue 15): under
``/manage/principals`` an agent, a régisseur or an editor reads and edits
his own account only (never the accounts' listing, another account's email
or groups, a group's members); administrators manage them all."""

import pytest
from substanced.util import find_service

from portail_famille.demo import COMPTES

from ..conftest import ADMIN, login, with_root
from .conftest import client, french_error

USERS = "/manage/principals/users/"
AUTRES = (
    "/manage/principals/@@contents",
    USERS + "@@contents",
    "/manage/principals/groups/@@contents",
    "/manage/principals/groups/agents/@@properties",
    "/manage/principals/groups/admins/@@properties",
    USERS + "jean.dupont/@@properties",
    USERS + "admin/@@properties",
    USERS + "admin/@@properties/Preferences",
    USERS + "admin/@@properties/Groups",
    USERS + "jean.dupont/@@change_password",
    USERS + "jean.dupont/@@acces",
)


def emails(app):
    def read(root, registry):
        users = find_service(root, "principals", "users")
        return {name: user.email for name, user in users.items()}

    return with_root(app.app, read)


def browser(app, role):
    found = client(app)
    login(found, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return found


def _properties(found, login_name):
    url = USERS + "%s/@@properties/Preferences" % login_name
    return url, found.get(url, expect_errors=True)


@pytest.mark.parametrize("role", ["agent", "regisseur", "editeur"])
def test_staff_reach_no_other_account(app, role):
    staff = browser(app, role)
    before = emails(app)
    for url in AUTRES + tuple(
        USERS + "%s/@@properties" % other for other in COMPTES if other != role
    ):
        response = staff.get(url, expect_errors=True)
        assert response.status_int == 403, url
        assert french_error(response.text) == "Vous n'avez pas accès à cette page."
        assert "@" not in french_error(response.text)
    # a forged POST on another account's sheet
    own_url, own = _properties(staff, role)
    token = own.forms["deform"]["_csrf_token_"].value
    for other in ("jean.dupont", "admin", "agent" if role != "agent" else "editeur"):
        response = staff.post(
            USERS + "%s/@@properties/Preferences" % other,
            {
                "_csrf_token_": token,
                "name": other,
                "email": "pirate@example.org",
                "tzname": "Europe/Paris",
                "locale": "fr",
                "save": "save",
            },
            expect_errors=True,
        )
        assert response.status_int == 403, other
    assert emails(app) == before


@pytest.mark.parametrize("role", ["agent", "regisseur"])
def test_staff_see_and_edit_their_own_account(app, role):
    staff = browser(app, role)
    url, page = _properties(staff, role)
    assert page.status_int == 200
    form = page.forms["deform"]
    assert form["email"].value == COMPTES[role][1]
    form["email"] = "%s@example.org" % role
    form.submit("save", status=302)
    assert emails(app)[role] == "%s@example.org" % role
    assert staff.get(USERS + role + "/@@change_password").status_int == 200
    # his own groups: shown to administrators only (SubstanceD shows the
    # sheet he may see instead)
    page = staff.get(url.replace("Preferences", "Groups"))
    assert "groupids" not in page.text and 'name="email"' in page.text


def test_administrators_manage_every_account(app):
    admin = browser(app, "admin")
    listing = admin.get(USERS + "@@contents")
    for login_name in COMPTES:
        assert login_name in listing.text
    assert "agent" in admin.get("/manage/principals/groups/agents/@@properties").text
    _url, page = _properties(admin, "agent")
    form = page.forms["deform"]
    form["email"] = "nouvel.agent@mairie-biviers.fr"
    form.submit("save", status=302)
    assert emails(app)["agent"] == "nouvel.agent@mairie-biviers.fr"


def test_step15_closes_the_accounts_of_an_old_database(app):
    from pyramid.security import Allow, Everyone
    from substanced.util import get_acl, set_acl

    from portail_famille.evolve import STEPS, step15

    assert "step15" in STEPS

    def old(root, registry):
        set_acl(root["principals"], [(Allow, Everyone, ())])

    with_root(app.app, old)
    staff = browser(app, "agent")
    assert staff.get(USERS + "@@contents").status_int == 200  # as before the change
    with_root(app.app, step15.evolve)
    assert staff.get(USERS + "@@contents", expect_errors=True).status_int == 403
    assert with_root(app.app, lambda root, registry: get_acl(root["principals"])[-1][0]) == "Deny"
