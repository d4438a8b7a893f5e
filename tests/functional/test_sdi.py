"""The staff's side in the SDI: adding families and children, parent accounts."""

import re

import webtest

from ..conftest import csrf, login, mails


def test_agent_adds_a_family_a_child_and_the_parent_account(app):
    """The arrival flow (tests/functional/test_arrivee.py) makes the family
    and the responsable's account; the child is added after."""
    login(app, "agent", "Enfance2015ej")
    form = app.get("/manage/familles/@@add_famille?nom=DURAND").forms["deform"]
    form["numero"] = "1001001818331"  # DUPONT's: taken
    form.set("prenom", "PAUL", index=0)  # 0: the responsable, 1: the conjoint
    form.set("email", "paul.durand@example.org", index=0)
    refused = form.submit("creer", status=200)
    assert "Ce n° famille existe déjà." in refused.text
    form = refused.forms["deform"]
    form["numero"] = "1001001819000"
    added = form.submit("creer", status=302)
    assert added.location.endswith("/manage/familles/1001001819000/@@comptes")
    assert "paul.durand" in app.get(added.location).text

    form = app.get("/manage/familles/1001001819000/enfants/@@add_enfant").forms["deform"]
    form["nom"] = "DURAND"
    form["prenom"] = "LÉA"
    form["date"] = "2018-03-04"
    assert form.submit("ajouter").status_int == 302

    link = re.search(r"http://localhost/activer\?jeton=\S+", mails(app)[-1]).group(0)
    parent = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    page = parent.get(link)
    token = link.split("jeton=", 1)[1]
    response = parent.post(
        "/activer",
        {
            "jeton": token,
            "new": "Bienvenue-Biviers1",
            "confirm": "Bienvenue-Biviers1",
            "csrf_token": csrf(page),
        },
        status=302,
    )
    assert response.location.endswith("/familles/1001001819000/")
    assert "DURAND" in parent.get("/familles/1001001819000/").text
    # His family only.
    assert parent.get("/familles/1001001818331/", expect_errors=True).status_int in (302, 403, 404)


def test_editeur_cannot_add_or_edit_families(app):
    login(app, "editeur", "Cantine2015m")
    for url in (
        "/manage/familles/@@add_famille",
        "/manage/familles/1001001818331/@@comptes",
        "/manage/familles/1001001818331/@@properties",
    ):
        assert app.get(url, expect_errors=True).status_int in (403, 404)
