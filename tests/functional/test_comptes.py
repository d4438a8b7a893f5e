"""Login, first login, logout, padlock, throttling, reset links."""

import re
import time

import webtest
from substanced.util import find_service

from portail_famille.comptes import reset
from portail_famille.demo import COMPTES

from ..conftest import DUPONT_URL, MARTIN_URL, csrf, login, mails, with_root

JEAN = ("jean.dupont", COMPTES["jean.dupont"][0])


def new_client(app):
    return webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})


def change_password(app, current, new, confirm=None, status=302):
    page = app.get("/mot-de-passe")
    return app.post(
        "/mot-de-passe",
        {
            "current": current,
            "new": new,
            "confirm": new if confirm is None else confirm,
            "csrf_token": csrf(page),
        },
        status=status,
    )


def test_login_page_has_the_manual_texts(anonymous):
    page = anonymous.get("/")
    assert "COMPTE FAMILLE" in page.text
    assert "Afin d'accéder à notre service, veuillez vous identifier." in page.text
    assert "Identifiant" in page.text and "Mot de passe" in page.text
    assert "Mot de passe oublié ?" in page.text
    assert "fournis par le service enfance jeunesse" in page.text


def test_parent_lands_on_the_family_home_page(app):
    response = login(app, *JEAN)
    assert response.location == "http://localhost" + DUPONT_URL
    home = response.follow()
    text = home.text
    assert "Bienvenue sur le Portail Famille" in text
    assert "Bienvenue JEAN DUPONT, vous avez" in text
    assert "Nouveau(x) Message(s)" in text
    for label, value in (("Civilité", "Monsieur"), ("Nom", "DUPONT"), ("Prénom", "JEAN")):
        assert re.search(r"<dt>%s :</dt><dd>%s</dd>" % (label, value), text)
    assert "<dt>N° Famille :</dt><dd>1001001818331</dd>" in text
    # Today's date written the manual's way: "Mercredi 8 Avril 2015".
    assert re.search(
        r'class="date">(Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi|Dimanche) \d{1,2} [A-ZÉÛ][a-zéû]+ \d{4}<',
        text,
    )
    # The menu: only pages that exist, plus the padlock and Déconnexion.
    assert 'href="/mot-de-passe"' in text and "Déconnexion" in text
    assert 'href="/familles/1001001818331/releve-de-compte">Relevé de compte<' in text
    assert 'href="/familles/1001001818331/boite-de-reception">Boîte de réception<' in text


def test_root_sends_a_logged_in_parent_home(dupont):
    assert dupont.get("/").location.endswith(DUPONT_URL)


def test_staff_land_in_the_management_interface(app):
    """On the dashboard of the day (tests/functional/test_tableau.py)."""
    for login_name in ("agent", "regisseur", "editeur"):
        client = new_client(app)
        response = login(client, login_name, COMPTES[login_name][0])
        assert response.location == "http://localhost/manage/@@tableau"
        assert client.get("/manage/@@tableau").status_int == 200


def test_sdi_login_goes_to_the_portal_login(anonymous):
    response = anonymous.get("/manage/")
    assert response.status_int == 302
    assert "/connexion?came_from=" in response.location


def test_first_login_forces_a_new_password(app):
    response = login(app, "marie.martin", COMPTES["marie.martin"][0])
    assert response.location.endswith("/mot-de-passe")
    # Every other page sends back to the password form.
    assert app.get(MARTIN_URL).location.endswith("/mot-de-passe")
    assert app.get("/manage/").location.endswith("/mot-de-passe")
    form = app.get("/mot-de-passe")
    assert "Première connexion" in form.text
    assert "8 caractères minimum" in form.text
    # Bad choices are explained next to the field, nothing is saved.
    weak = change_password(app, "Provisoire12", "faible", status=200)
    assert "au moins 8 caractères" in weak.text
    assert "1 majuscule" in weak.text and "1 caractère numérique" in weak.text
    common = change_password(app, "Provisoire12", "Password1", status=200)
    assert "trop courant" in common.text
    with_login = change_password(app, "Provisoire12", "Marie.Martin2026", status=200)
    assert "ne doit pas contenir votre identifiant" in with_login.text
    mismatch = change_password(
        app, "Provisoire12", "Biviers-Chloe38", "Biviers-Chloe39", status=200
    )
    assert "ne sont pas identiques" in mismatch.text
    assert app.get(MARTIN_URL).status_int == 302
    done = change_password(app, "Provisoire12", "Biviers-Chloe38")
    assert done.location.endswith(MARTIN_URL)
    assert "MARTIN" in app.get(MARTIN_URL).text
    # The new password is the one that works now.
    other = new_client(app)
    login(other, "marie.martin", "Provisoire12", status=200)
    assert login(other, "marie.martin", "Biviers-Chloe38").location.endswith(MARTIN_URL)


def test_logout_ends_the_session_on_the_server(app):
    login(app, *JEAN)
    cookie = app.cookies["pf_auth"]
    home = app.get(DUPONT_URL)
    response = app.post("/deconnexion", {"csrf_token": csrf(home)})
    assert response.location == "https://www.mairie-biviers.fr"
    replay = new_client(app)
    replay.set_cookie("pf_auth", cookie)
    assert replay.get(DUPONT_URL).location.startswith("http://localhost/connexion")


def test_login_rotates_the_session(app):
    first = app.get("/connexion")
    before = app.cookies.get("pf_session")
    app.post(
        "/connexion",
        {"login": JEAN[0], "password": JEAN[1], "csrf_token": csrf(first)},
        status=302,
    )
    assert app.cookies.get("pf_session") != before
    assert csrf(app.get(DUPONT_URL)) != csrf(first)


def test_password_change_ends_the_other_sessions(app):
    login(app, *JEAN)
    other = new_client(app)
    login(other, *JEAN)
    change_password(app, JEAN[1], "Caramel-Mou2026")
    # This session goes on, and says so once.
    assert "Votre mot de passe a été modifié." in app.get(DUPONT_URL).text
    assert "Votre mot de passe a été modifié." not in app.get(DUPONT_URL).text
    assert other.get(DUPONT_URL).location.startswith("http://localhost/connexion")


def test_padlock_requires_the_current_password(app):
    login(app, *JEAN)
    page = change_password(app, "Mauvais1234", "Caramel-Mou2026", status=200)
    assert "Mot de passe actuel incorrect." in page.text
    assert login(new_client(app), *JEAN).location.endswith(DUPONT_URL)


def test_unknown_identifier_has_the_same_answer(anonymous):
    page = login(anonymous, "personne.inconnue", "Mauvais-mot-2", status=200)
    assert "Identifiant ou mot de passe incorrect." in page.text


def _request_reset(app, login_name):
    page = app.get("/mot-de-passe-oublie")
    return app.post("/mot-de-passe-oublie", {"login": login_name, "csrf_token": csrf(page)})


def _reset_link(mail):
    match = re.search(r"http://localhost/reinitialiser\?jeton=([A-Za-z0-9_\-]+)", mail)
    assert match, mail
    return match.group(0), match.group(1)


def _use_link(app, link, new, status=302):
    page = app.get(link)
    return app.post(
        "/reinitialiser",
        {"jeton": page.form["jeton"].value, "new": new, "confirm": new, "csrf_token": csrf(page)},
        status=status,
    )


def test_reset_link_by_mail_single_use(app):
    known = _request_reset(app, JEAN[0])
    unknown = _request_reset(new_client(app), "personne.inconnue")
    message = "Si cet identifiant correspond à un compte"
    assert message in known.text and message in unknown.text
    sent = mails(app)
    assert len(sent) == 1
    assert "To: jean.dupont@wanadoo.fr" in sent[0]
    link, token = _reset_link(sent[0])
    assert len(token) >= 43  # 256 random bits, url-safe base64
    done = _use_link(app, link, "Guimauve-Rose77")
    assert done.location == "http://localhost/"
    assert "vous pouvez vous connecter" in done.follow().text
    assert login(new_client(app), JEAN[0], "Guimauve-Rose77").location.endswith(DUPONT_URL)
    # Used once: dead.
    again = app.get(link)
    assert "Ce lien n'est plus valable" in again.text
    assert 'name="new"' not in again.text


def test_reset_link_expires(app):
    _request_reset(app, JEAN[0])
    link, token = _reset_link(mails(app)[0])

    def expire(root, registry):
        store = reset._store(root)
        for key, (userid, _expires, fingerprint) in list(store.items()):
            store[key] = (userid, time.time() - 1, fingerprint)

    with_root(app.app, expire)
    assert "Ce lien n'est plus valable" in app.get(link).text


def test_reset_link_dies_when_the_password_changes(app):
    _request_reset(app, JEAN[0])
    link, token = _reset_link(mails(app)[0])
    login(app, *JEAN)
    change_password(app, JEAN[1], "Caramel-Mou2026")
    assert "Ce lien n'est plus valable" in new_client(app).get(link).text


def test_reset_applies_the_password_policy(app):
    _request_reset(app, JEAN[0])
    link, token = _reset_link(mails(app)[0])
    page = _use_link(app, link, "court", status=200)
    assert "au moins 8 caractères" in page.text
    # A refused choice does not use up the link.
    assert _use_link(app, link, "Guimauve-Rose77").status_int == 302


def test_password_minimum_is_a_setting(tmp_path):
    from ..conftest import make_app

    app = make_app(tmp_path, **{"portail.password_min_length": "12"})
    login(app, *JEAN)
    assert "12 caractères minimum" in app.get("/mot-de-passe").text
    page = change_password(app, JEAN[1], "Caramel-Mo1", status=200)
    assert "au moins 12 caractères" in page.text


def test_account_made_in_the_sdi_must_change_its_password(app):
    def add(root, registry):
        principals = find_service(root, "principals")
        user = principals.add_user("nouveau.parent", "Temporaire2026", "n@example.org")
        return user.must_change_password, user.locale

    assert with_root(app.app, add) == (True, "fr")
    response = login(new_client(app), "nouveau.parent", "Temporaire2026")
    assert response.location.endswith("/mot-de-passe")


def test_disabled_account_loses_its_sessions(app):
    login(app, *JEAN)

    def disable(root, registry):
        find_service(root, "principals", "users")[JEAN[0]].disabled = True

    with_root(app.app, disable)
    assert app.get(DUPONT_URL).location.startswith("http://localhost/connexion")
    login(new_client(app), *JEAN, status=200)


def test_idle_and_absolute_session_limits_are_settings(tmp_path):
    from ..conftest import make_app

    idle = make_app(
        tmp_path / "idle",
        **{"portail.session_idle": "1", "portail.session_reissue": "0"},
    )
    login(idle, *JEAN)
    assert idle.get(DUPONT_URL).status_int == 200
    time.sleep(2.2)
    assert idle.get(DUPONT_URL).location.startswith("http://localhost/connexion")

    absolute = make_app(tmp_path / "absolute", **{"portail.session_absolute": "1"})
    login(absolute, *JEAN)
    assert absolute.get(DUPONT_URL).status_int == 200
    time.sleep(1.5)
    # Active all along, but past the absolute limit: logged out.
    assert absolute.get(DUPONT_URL).location.startswith("http://localhost/connexion")
