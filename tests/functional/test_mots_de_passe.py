"""Argon2id password hashes (portail_famille.mots_de_passe, issue 22): an
account still hashed with bcrypt logs in and leaves its login with an
Argon2id hash, a parent on the portal's login as a staff member coming
from SubstanceD's; a wrong password is refused with either hash; an
unknown login costs a check all the same."""

import bcrypt
import pytest
from substanced.util import find_service

from portail_famille import mots_de_passe
from portail_famille.demo import COMPTES

from ..conftest import csrf, login, with_root

ERREUR = "Identifiant ou mot de passe incorrect."


def _compte(root, nom):
    return find_service(root, "principals", "users")[nom]


def hacher_en_bcrypt(app, nom):
    """The account's password hashed as before Argon2id (bcrypt, cost 4:
    the hash says its cost, the check follows it)."""
    password = COMPTES[nom][0].encode("utf-8")

    def hacher(root, registry):
        _compte(root, nom).password = bcrypt.hashpw(password, bcrypt.gensalt(4))

    with_root(app.app, hacher)


def hash_de(app, nom):
    return with_root(app.app, lambda root, registry: _compte(root, nom).password)


class Espion:
    """Counts the calls to ``mots_de_passe.verifier`` and keeps the hash
    each was given; the real function does the work."""

    def __init__(self, monkeypatch):
        self.hashes = []
        reel = mots_de_passe.verifier

        def verifier(hashed, password):
            self.hashes.append(hashed)
            return reel(hashed, password)

        monkeypatch.setattr(mots_de_passe, "verifier", verifier)


def test_a_parent_with_a_bcrypt_hash_logs_in_and_leaves_with_argon2id(app):
    hacher_en_bcrypt(app, "jean.dupont")
    assert hash_de(app, "jean.dupont").startswith(b"$2b$04$")
    login(app, "jean.dupont", COMPTES["jean.dupont"][0])
    hashed = hash_de(app, "jean.dupont")
    assert hashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")  # the tests' parameters
    assert mots_de_passe.verifier(hashed, COMPTES["jean.dupont"][0])
    # the new hash logs in again, unchanged
    app.post("/deconnexion", {"csrf_token": csrf(app.get("/familles/1001001818331/"))})
    login(app, "jean.dupont", COMPTES["jean.dupont"][0])
    assert hash_de(app, "jean.dupont") == hashed


def test_a_staff_member_from_the_sdi_with_a_bcrypt_hash_is_upgraded(app):
    hacher_en_bcrypt(app, "agent")
    # SubstanceD's login sends to the portal's, which brings back to the SDI
    page = app.get("/manage/@@login").follow()
    assert page.request.path == "/connexion"
    (form,) = [f for f in page.forms.values() if f.action == "/connexion"]
    assert form["came_from"].value.startswith("/manage/")
    form["login"] = "agent"
    form["password"] = COMPTES["agent"][0]
    response = form.submit(status=302)
    assert response.location.startswith("http://localhost/manage/")
    assert hash_de(app, "agent").startswith("$argon2id$")
    assert app.get("/manage/@@tableau").status_int == 200  # logged in


@pytest.mark.parametrize("ancien", [True, False], ids=["bcrypt", "argon2id"])
def test_a_wrong_password_is_refused_with_either_hash(app, ancien):
    if ancien:
        hacher_en_bcrypt(app, "jean.dupont")
    avant = hash_de(app, "jean.dupont")
    assert avant.startswith(b"$2b$" if ancien else "$argon2id$")
    page = login(app, "jean.dupont", "Bonbons31401", status=200)
    assert ERREUR in page.text
    assert app.get("/familles/1001001818331/", status=302)  # not logged in
    assert hash_de(app, "jean.dupont") == avant  # nothing upgraded


def test_an_unknown_login_runs_one_check_at_the_accounts_cost(app, monkeypatch):
    espion = Espion(monkeypatch)
    page = login(app, "personne.inconnue", "Bonbons31400", status=200)
    assert ERREUR in page.text
    # one Argon2id check, at the parameters a real account's hash has
    assert len(espion.hashes) == 1
    fictif = espion.hashes[0]
    assert fictif.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    login(app, "jean.dupont", "Bonbons31401", status=200)
    assert len(espion.hashes) == 2
    reel = espion.hashes[1]
    assert mots_de_passe.decrire(reel) == mots_de_passe.decrire(fictif)


def test_an_account_without_password_costs_a_check_too(app, monkeypatch):
    def sans_mot_de_passe(root, registry):
        _compte(root, "jean.dupont").password = None

    with_root(app.app, sans_mot_de_passe)
    espion = Espion(monkeypatch)
    page = login(app, "jean.dupont", "Bonbons31400", status=200)
    assert ERREUR in page.text
    assert len(espion.hashes) == 1
