"""The staff's side in the SDI: adding families and children, parent accounts."""

import webtest

from ..conftest import login


def test_agent_adds_a_family_a_child_and_the_parent_account(app):
    login(app, "agent", "Enfance2015ej")
    form = app.get("/manage/familles/@@add_famille").forms["deform"]
    form["numero"] = "1001001818331"  # DUPONT's: taken
    form["nom"] = "DURAND"
    refused = form.submit("ajouter", status=200)
    assert "Ce n° famille existe déjà." in refused.text
    form = refused.forms["deform"]
    form["numero"] = "1001001819000"
    added = form.submit("ajouter", status=302)
    assert added.location.endswith("/manage/familles/1001001819000/@@properties")

    form = app.get("/manage/familles/1001001819000/enfants/@@add_enfant").forms["deform"]
    form["nom"] = "DURAND"
    form["prenom"] = "LÉA"
    form["date"] = "2018-03-04"
    assert form.submit("ajouter").status_int == 302

    page = app.get("/manage/familles/1001001819000/@@comptes")
    assert "Aucun compte" in page.text
    form = page.forms["deform"]
    form["login"] = "jean.dupont"  # taken
    form["email"] = "paul.durand@example.org"
    form["password"] = "faible"
    refused = form.submit("creer", status=200)
    assert "Cet identifiant est déjà pris." in refused.text
    assert "au moins 8 caractères" in refused.text
    form = refused.forms["deform"]
    form["login"] = "paul.durand"
    form["password"] = "Bienvenue-Biviers1"
    assert form.submit("creer").status_int == 302
    assert "paul.durand" in app.get("/manage/familles/1001001819000/@@comptes").text

    parent = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    response = login(parent, "paul.durand", "Bienvenue-Biviers1")
    assert response.location.endswith("/mot-de-passe")  # temporary password
    # His family only.
    assert parent.get("/familles/1001001818331/", expect_errors=True).status_int in (302, 403)


def test_editeur_cannot_add_or_edit_families(app):
    login(app, "editeur", "Cantine2015m")
    for url in (
        "/manage/familles/@@add_famille",
        "/manage/familles/1001001818331/@@comptes",
        "/manage/familles/1001001818331/@@properties",
    ):
        assert app.get(url, expect_errors=True).status_int in (403, 404)
