"""The site's shape, the role table, and the production configuration."""

import os

import pytest
import transaction
from pyramid.authorization import ACLAuthorizationPolicy
from pyramid.exceptions import ConfigurationError
from pyramid.security import Authenticated, Everyone
from substanced.util import find_service, get_oid

from portail_famille import demo, main
from portail_famille.security import FAMILLE_PERMISSIONS, ROLE_TABLE, P
from portail_famille.site import FOLDERS, ensure_site
from portail_famille.util import close_databases

from ..conftest import settings_for, with_root

HERE = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
policy = ACLAuthorizationPolicy()


def principals_of(root, login):
    user = find_service(root, "principals", "users")[login]
    return [Everyone, Authenticated, get_oid(user)] + list(user.groupids)


def test_root_folders_and_groups(shared):
    def check(root, registry):
        for name in FOLDERS:
            assert name in root, name
        groups = find_service(root, "principals", "groups")
        assert {"familles", "agents", "regisseurs", "editeurs", "admins"} <= set(groups)
        # Idempotent: running the step again adds nothing.
        before = (len(root), len(groups))
        ensure_site(root, registry)
        assert (len(root), len(groups)) == before

    with_root(shared.app, check)


def test_the_role_table_is_what_the_acls_grant(shared):
    def check(root, registry):
        dupont = root["familles"]["1001001818331"]
        martin = root["familles"]["1001001818400"]
        agent = principals_of(root, "agent")
        editeur = principals_of(root, "editeur")
        regisseur = principals_of(root, "regisseur")
        parent = principals_of(root, "jean.dupont")
        assert policy.permits(dupont, agent, P.FAMILLE_MODIFIER)
        assert policy.permits(dupont, regisseur, P.FAMILLE_VOIR)
        assert not policy.permits(dupont, regisseur, P.FAMILLE_MODIFIER)
        assert not policy.permits(dupont, editeur, P.FAMILLE_VOIR)
        assert not policy.permits(root, editeur, P.FAMILLE_VOIR)
        assert not policy.permits(dupont, editeur, P.SDI_VIEW)
        assert policy.permits(root["documents"], editeur, P.SDI_EDIT)
        # A parent: his family only, nothing of the SDI.
        for permission in FAMILLE_PERMISSIONS:
            assert policy.permits(dupont, parent, permission)
            assert not policy.permits(martin, parent, permission)
        assert not policy.permits(root, parent, P.SDI_VIEW)
        assert not policy.permits(dupont, parent, P.SDI_VIEW)
        assert not policy.permits(dupont, parent, P.FAMILLE_MODIFIER)
        for group, places in ROLE_TABLE.items():
            for place, permissions in places.items():
                target = root if place == "" else root[place]
                groupid = get_oid(find_service(root, "principals", "groups")[group])
                for permission in permissions:
                    assert policy.permits(target, [groupid], permission), (group, permission)

    with_root(shared.app, check)


def test_famille_acl_names_only_its_parents(shared):
    def check(root, registry):
        dupont = root["familles"]["1001001818331"]
        jean = find_service(root, "principals", "users")["jean.dupont"]
        assert [u.__name__ for u in dupont.parents()] == ["jean.dupont"]
        assert [ace[1] for ace in dupont.__acl__] == [get_oid(jean)]

    with_root(shared.app, check)


def test_no_secret_no_start(tmp_path):
    settings = settings_for(tmp_path)
    del settings["substanced.secret"]
    with pytest.raises(ConfigurationError):
        main({}, **settings)


def test_production_loads_no_demo_data_and_has_no_default_password(tmp_path, monkeypatch):
    text = open(os.path.join(HERE, "production.ini")).read()
    assert "initial_password" not in text and "substanced.secret" not in text
    assert "portail.demo = false" in text
    assert "portail.password_min_length = 12" in text
    assert "portail.cookie_secure = true" in text
    monkeypatch.setenv("PORTAIL_FAMILLE_SECRET", "s" * 64)
    monkeypatch.setenv("PORTAIL_FAMILLE_ADMIN_PASSWORD", "Premier-Gardien-2026")
    monkeypatch.setenv(
        "PORTAIL_FAMILLE_ZODB_URI",
        "file://%s?blobstorage_dir=%s" % (tmp_path / "Data.fs", tmp_path / "blobs"),
    )
    from pyramid.paster import bootstrap

    # Its public address is required: links never come from the Host.
    with pytest.raises(ConfigurationError, match="PORTAIL_FAMILLE_URL"):
        bootstrap(os.path.join(HERE, "production.ini"))
    monkeypatch.setenv("PORTAIL_FAMILLE_URL", "https://portail.mairie.example")
    assert demo.main(["portail-famille-demo", os.path.join(HERE, "production.ini")]) == 1

    with bootstrap(os.path.join(HERE, "production.ini")) as env:
        users = find_service(env["root"], "principals", "users")
        assert list(users) == ["admin"]
        assert users["admin"].check_password("Premier-Gardien-2026")
        assert "familles" in env["root"] and len(env["root"]["familles"]) == 0
        transaction.abort()
        close_databases(env["registry"])


def test_demo_loader_is_idempotent(tmp_path):
    from ..conftest import make_app

    app = make_app(tmp_path)
    counts = with_root(
        app.app, lambda root, reg: (len(root["familles"]), len(root["principals"]["users"]))
    )
    with_root(app.app, demo.load)
    assert (
        with_root(
            app.app, lambda root, reg: (len(root["familles"]), len(root["principals"]["users"]))
        )
        == counts
        == (3, 7)
    )


def test_family_header_marks_the_page_and_escapes_the_name(app):
    """The header (skin.entete's data, layout.pt's markup): the family's name escaped,
    the count of new messages, the current page marked for screen readers,
    the documents and password links, the logout form with its token."""
    from ..conftest import DUPONT_URL, csrf, login

    def rename(root, registry):
        famille = root["familles"][demo.DUPONT["numero"]]
        famille.responsable["prenom"] = '<img src=x onerror="alert(1)">'
        famille.responsable._p_changed = True

    with_root(app.app, rename)
    login(app, "jean.dupont", "Bonbons31400")
    page = app.get(DUPONT_URL + "releve-de-compte")
    header = page.text.split("<header", 1)[1].split("</header>", 1)[0]
    assert "<img" not in header
    # text content: Chameleon escapes < > & (a quote is harmless there)
    assert 'Bienvenue &lt;img src=x onerror="alert(1)"&gt; DUPONT, vous avez' in header
    assert "Nouveau(x) Message(s)" in header
    assert header.count('aria-current="page"') == 1
    assert '<a href="%sreleve-de-compte" aria-current="page">Relevé de compte</a>' % DUPONT_URL in (
        header
    )
    assert 'href="%sdocuments" class="infos-documents">' % DUPONT_URL in header
    assert 'href="/mot-de-passe" class="cadenas" title="Changer de mot de passe"' in header
    assert 'name="csrf_token" value="%s"' % csrf(page) in header
    home = app.get(DUPONT_URL).text.split("</header>", 1)[0]
    assert '<a href="%s" aria-current="page">Accueil</a>' % DUPONT_URL in home
