"""Inscriptions (issue 4, "Inscriptions"): agents enrol a child in the SDI
(tab Inscriptions of the Enfant), the parent reads them on the child's file,
the demo's enrolments, evolve step5."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from portail_famille.demo import annees_scolaires, load
from portail_famille.evolve import STEPS, step5

from ..conftest import DUPONT_URL, login, with_root
from .test_enfants import NUMERO, enfants

D = datetime.date
JOURS = ("1", "2", "3", "4", "5", "6", "7")
COURANTE = sorted(annees_scolaires())[-1]


def sdi_url(app):
    return "/manage/familles/%s/enfants/%s/@@inscriptions" % (NUMERO, enfants(app)["LUCAS"][0])


def erreur(page, champ):
    soup = BeautifulSoup(page.text, "html.parser")
    item = soup.find(class_="item-%s" % champ)
    assert item is not None, "no field %s" % champ
    message = item.find(class_="help-block", id=lambda i: i and i.startswith("error-"))
    return message.get_text(" ", strip=True) if message else None


def oid_de(app, structure, prestation):
    from substanced.util import get_oid

    return with_root(app.app, lambda root, r: get_oid(root["structures"][structure][prestation]))


def stored(app):
    """{(année, structure title, prestation title): (début, jours)}."""

    def read(root, registry):
        from portail_famille.inscriptions import prestation_de

        enfant = root["familles"][NUMERO]["enfants"][enfants(app)["LUCAS"][0]]
        found = {}
        for i in enfant.inscriptions.values():
            p = prestation_de(enfant, i.prestation)
            found[(i.annee, p.structure.title, p.title)] = (i.debut, set(i.jours))
        return found

    return with_root(app.app, read)


def remplir(form, prestation, annee, debut, jours=()):
    form["prestation"] = str(prestation)
    form["annee"] = annee
    form.set("date", debut)
    for index, value in enumerate(JOURS):
        box = form.get("checkbox", index=index)
        assert box._value == value
        box.checked = value in jours


def rows(page, selector):
    return [
        [c.get_text(" ", strip=True) for c in tr.find_all(["td"])]
        for tr in page.html.select(selector + " tbody tr")
    ]


def test_agent_adds_with_french_errors_then_deletes(app):
    login(app, "agent", "Enfance2015ej")
    url = sdi_url(app)
    before = stored(app)
    cantine = oid_de(app, "garderie-periscolaire", "restauration-scolaire")
    matin = oid_de(app, "garderie-periscolaire", "garderie-matin")
    page = app.get(url)
    options = [o.get_text() for o in page.html.select('select[name="prestation"] option')]
    assert "Garderie périscolaire — Restauration scolaire" in options
    assert "Accueil de Loisirs ALSH — Mercredi après-midi" in options
    form = page.forms["inscription"]

    # Nothing chosen.
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "prestation") == "Ce champ est obligatoire."
    assert erreur(refused, "annee") == "Ce champ est obligatoire."
    # Wednesday is not an opening day of the canteen.
    form = refused.forms["inscription"]
    remplir(form, cantine, COURANTE, "%s-10-01" % COURANTE[:4], ("1", "3"))
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "jours") == (
        "Jours non ouverts par la prestation Restauration scolaire : Mercredi."
    )
    # The start outside the school year.
    form = refused.forms["inscription"]
    remplir(form, matin, "2014-2015", "2015-08-01", ("1",))
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "debut") == (
        "La date de début doit être dans l'année scolaire 2014-2015 (du 01/09/2014 au 05/07/2015)."
    )
    # Already enrolled (the demo's canteen of the current year).
    form = refused.forms["inscription"]
    remplir(form, cantine, COURANTE, "%s-10-01" % COURANTE[:4], ("1",))
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "prestation") == (
        "Cet enfant est déjà inscrit à cette prestation pour l'année scolaire %s." % COURANTE
    )
    assert stored(app) == before

    # Valid: the morning garderie of the current year, Monday and Friday.
    form = refused.forms["inscription"]
    remplir(form, matin, COURANTE, "%s-10-01" % COURANTE[:4], ("1", "5"))
    added = form.submit("ajouter", status=302)
    assert added.location.endswith("/@@inscriptions")
    key = (COURANTE, "Garderie périscolaire", "Garderie matin")
    assert stored(app)[key] == (D(int(COURANTE[:4]), 10, 1), {"1", "5"})
    page = added.follow()
    assert [
        "Garderie périscolaire",
        "Garderie matin",
        COURANTE,
        "01/10/%s" % COURANTE[:4],
        "Lundi, Vendredi",
    ] in [r[:5] for r in rows(page, "table.inscriptions")]

    # Delete it (a POST with the CSRF token), after a confirmation naming
    # it; without the token: refused.
    cle = "%s:%s" % (COURANTE, matin)
    button = page.html.find("button", attrs={"name": "supprimer", "value": cle})
    token = button.find_parent("form").find("input", attrs={"name": "csrf_token"})["value"]
    app.post(url, {"supprimer": cle}, status=400)
    assert key in stored(app)
    confirmation = app.post(url, {"supprimer": cle, "csrf_token": token}, status=200)
    panel = confirmation.html.select_one(".confirmation-suppression")
    assert " ".join(panel.b.get_text().split()) == (
        "Supprimer l'inscription de LUCAS DUPONT à « Garderie matin » "
        "(Garderie périscolaire, %s) ?" % COURANTE
    )
    assert key in stored(app)  # nothing yet
    app.post(url, {"confirmer_suppression": cle}, status=400)
    assert key in stored(app)
    app.post(url, {"confirmer_suppression": cle, "csrf_token": token}, status=302)
    assert key not in stored(app)
    assert len(stored(app)) == len(before)


def test_parent_reads_current_and_next_years(shared, dupont):
    lucas = DUPONT_URL + "enfants/%s/" % enfants(shared)["LUCAS"][0]
    fiche = dupont.get(lucas)
    page = fiche.click("^Inscriptions$", href="enfants/.*/inscriptions")
    main = page.html.find("main")
    assert main.h2.get_text(strip=True) == "Inscriptions"
    current = main.select_one('nav.menu-enfant a[aria-current="page"]')
    assert current.get_text() == "Inscriptions"
    headers = [th.get_text(strip=True) for th in main.select("table.inscriptions th")]
    assert headers == ["Structure", "Prestation", "Année scolaire", "Jours réguliers"]
    assert sorted(rows(page, "table.inscriptions")) == [
        ["Accueil de Loisirs ALSH", "Mercredi après-midi", COURANTE, "—"],
        [
            "Garderie périscolaire",
            "Restauration scolaire",
            COURANTE,
            "Lundi, Mardi, Jeudi, Vendredi",
        ],
    ]
    # Read-only: no form, no button, no 2014-2015.
    assert not main.find("form") and not main.find("button")
    assert "2014-2015" not in main.get_text()
    assert dupont.post(lucas + "inscriptions", {}, expect_errors=True).status_int in (400, 404)


def test_martin_gets_404_on_duponts_child(shared, martin):
    lucas = DUPONT_URL + "enfants/%s/" % enfants(shared)["LUCAS"][0]
    response = martin.get(lucas + "inscriptions", status=404)
    assert "LUCAS" not in response.text and "Restauration" not in response.text


@pytest.mark.parametrize("role", ["regisseur", "editeur", "dupont", "anonymous"])
def test_others_cannot_add_in_the_sdi(request, shared, role):
    client = request.getfixturevalue(role)
    url = sdi_url(shared)
    response = client.get(url, expect_errors=True)
    assert response.status_int in (302, 403, 404), (role, response.status)
    assert 'id="inscription"' not in response.text
    before = stored(shared)
    response = client.post(
        url,
        {"prestation": "1", "annee": COURANTE, "date": "2020-01-01", "ajouter": "ajouter"},
        expect_errors=True,
    )
    assert response.status_int in (302, 400, 403, 404)
    assert stored(shared) == before


def test_agent_sees_the_tab(shared, agent):
    page = agent.get(sdi_url(shared).replace("@@inscriptions", "@@properties"))
    assert re.search(r'href="[^"]*@@inscriptions"', page.text)


def test_demo_enrolments(shared):
    found = stored(shared)
    premier = {k: v for k, v in found.items() if k[0] == "2014-2015"}
    assert len(premier) == 7
    assert premier[("2014-2015", "Garderie périscolaire", "Restauration scolaire")] == (
        D(2014, 9, 1),
        {"1", "2", "4", "5"},
    )
    assert all(
        jours == set() for k, (_d, jours) in premier.items() if k[2] != "Restauration scolaire"
    )
    courants = {k[1:]: v[1] for k, v in found.items() if k[0] == COURANTE}
    assert courants == {
        ("Garderie périscolaire", "Restauration scolaire"): {"1", "2", "4", "5"},
        ("Accueil de Loisirs ALSH", "Mercredi après-midi"): set(),
    }
    assert len(found) == 9


def test_demo_enrolments_are_idempotent(app):
    before = stored(app)
    with_root(app.app, load)
    assert stored(app) == before


def test_evolve_step5_on_a_child_without_inscriptions(app):
    assert "step5" in STEPS

    def old_child(root, registry):
        enfant = root["familles"][NUMERO]["enfants"][enfants(app)["LUCAS"][0]]
        del enfant.inscriptions  # as stored before step5
        assert dict(enfant.inscriptions) == {}  # read empty
        step5.evolve(root, registry)
        step5.evolve(root, registry)  # again: nothing breaks
        return "inscriptions" in enfant.__dict__, dict(type(enfant).inscriptions)

    assert with_root(app.app, old_child) == (True, {})
    # The demo enrols the child again.
    with_root(app.app, load)
    assert len(stored(app)) == 9
