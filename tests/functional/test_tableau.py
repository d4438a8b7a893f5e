"""The staff's dashboard of the day (issue 18, item 1; item 9's landing):
staff land on /manage/@@tableau after login; each role sees the blocks of
the lists it may open, and not the others; each figure links to its list
and follows what was just created (a request, a message, a place taken, a
health alert); evolve step26 gives an older database the index and the
permission."""

import datetime
import re
import time
import types

import pytest
import webtest
from substanced.util import find_service, get_oid

from portail_famille import dates
from portail_famille.accueil import sante
from portail_famille.demandes.cycle import signaler_modification
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.evolve import step26
from portail_famille.security import GROUPE_EDITEURS, P, group_oid

from ..conftest import ADMIN, login, make_app, with_root
from .test_demandes_parent import demander
from .test_effectifs import COURANTE, _cantine, _enfant, lucas
from .test_messagerie import ecrire

TABLEAU = "/manage/@@tableau"
BLOCS = (
    "bloc-demandes",
    "bloc-messages",
    "bloc-journee",
    "bloc-fermetures",
    "bloc-regie",
    "bloc-publications",
)


def navigateur(app, qui):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    password = ADMIN[1] if qui == ADMIN[0] else COMPTES[qui][0]
    return browser, login(browser, qui, password)


def blocs(page):
    return {b for b in BLOCS if page.html.select_one("section." + b) is not None}


def texte(node):
    return " ".join(node.get_text(" ").split())


def type_row(page, titre):
    """(count, age, link) of the requests of type ``titre``, or None."""
    for tr in page.html.select("section.bloc-demandes tbody tr"):
        cells = tr.find_all("td")
        if texte(cells[0]) == titre:
            return int(texte(cells[1])), texte(cells[2]), cells[0].a["href"]
    return None


def prestation_row(page, structure, titre):
    """The cells' texts of ``titre`` in the table of ``structure``."""
    for table in page.html.select("section.bloc-journee table.journee"):
        if texte(table.caption) != structure:
            continue
        for tr in table.select("tbody tr"):
            if texte(tr.th) == titre:
                return [texte(td) for td in tr.find_all("td")], tr.th.a["href"]
    return None


def non_lus(page):
    return int(texte(page.html.select_one("section.bloc-messages .non-lus")))


def test_each_staff_role_lands_on_the_dashboard(app):
    for qui in ("agent", "regisseur", "editeur", ADMIN[0]):
        browser, response = navigateur(app, qui)
        assert response.location == "http://localhost" + TABLEAU, qui
        page = browser.get(TABLEAU)
        assert page.html.select_one("h1").get_text(strip=True) == "Tableau de bord"
        # the root sends a logged-in staff member there too
        assert browser.get("/").location.endswith(TABLEAU), qui
        if qui != "editeur":  # the SDI's own home: its first tab
            assert browser.get("/manage/").location.endswith(TABLEAU), qui
    # a parent still lands on his family's home page, and never here
    browser, response = navigateur(app, "jean.dupont")
    assert response.location.endswith("/familles/%s/" % DUPONT["numero"])
    refused = browser.get(TABLEAU, expect_errors=True)
    assert refused.status_int in (302, 403) and "Tableau de bord" not in refused.text


def test_what_the_agent_sees(shared, agent):
    page = agent.get(TABLEAU)
    assert blocs(page) == set(BLOCS) - {"bloc-regie"}
    # the search box, its tab bar, its links
    assert page.html.select_one("form.recherche-familles input[name=q]") is not None
    onglets = [texte(a) for a in page.html.select(".onglets-personnel a")]
    assert onglets[:4] == ["Tableau de bord", "Recherche", "Demandes", "Messagerie"]
    assert "Journal" not in onglets and "Audit RGPD" not in onglets
    assert page.html.select_one(".onglets-personnel li.active a")["href"].endswith("@@tableau")
    demandes = page.html.select_one("section.bloc-demandes h2 a")
    assert demandes["href"].endswith("/manage/@@demandes")
    assert page.html.select_one("section.bloc-messages a")["href"].endswith("/manage/@@messagerie")
    # a new family comes in from here (``arrivee``)
    nouvelle = next(a for a in page.html.select("a") if texte(a) == "Nouvelle famille")
    assert nouvelle["href"].endswith("/manage/familles/@@add_famille")
    assert agent.get(nouvelle["href"]).status_int == 200
    # today, per structure: each prestation linked to its day's list
    _cells, href = prestation_row(page, "Garderie périscolaire", "Restauration scolaire")
    assert href.endswith(
        "/manage/structures/garderie-periscolaire/restauration-scolaire/@@liste-du-jour?date="
        + dates.today().isoformat()
    )
    assert page.html.select_one(".alertes-sante") is not None
    publications = page.html.select_one("section.bloc-publications")
    assert publications.find("a", string="Actualités")["href"].endswith(
        "/manage/actualites/@@contents"
    )
    # no English, no raw placeholder, no comment of the template
    for word in ("${", "Save", "Contents", "Its own tab bar"):
        assert word not in page.text


def test_what_the_regisseur_sees(shared, regisseur):
    page = regisseur.get(TABLEAU)
    # requests, messaging (issue 18 item 9: a régisseur has a messaging
    # tab), closures, régies; no day's list, no health, no news to publish
    assert blocs(page) == {"bloc-demandes", "bloc-messages", "bloc-fermetures", "bloc-regie"}
    assert page.html.select_one(".alertes-sante") is None
    regie = page.html.select_one("section.bloc-regie")
    assert regie.h2.get_text(strip=True)  # the régie's title
    liens = [a["href"] for a in regie.select("a")]
    assert any(href.endswith("/@@journal") for href in liens)
    assert any(href.endswith("/@@facturation") for href in liens)
    onglets = [texte(a) for a in page.html.select(".onglets-personnel a")]
    assert "Messagerie" in onglets
    assert "Nouvelle famille" not in [texte(a) for a in page.html.select("a")]
    # the inbox opens for him now
    assert regisseur.get("/manage/@@messagerie").status_int == 200


def test_what_the_editor_sees(app):
    def brouillon(root, registry):
        item = registry.content.create("Actualite", titre="Fête de l'école", texte="Le 20 juin.")
        root["actualites"].add("fete-de-l-ecole", item)

    with_root(app.app, brouillon)
    editeur, _response = navigateur(app, "editeur")
    page = editeur.get(TABLEAU)
    assert blocs(page) == {"bloc-publications"}
    assert page.html.select_one("form.recherche-familles") is None
    publications = page.html.select_one("section.bloc-publications")
    drafts = {texte(a): a["href"] for a in publications.select("h3 + ul a")}
    assert drafts["Fête de l'école"].endswith("/manage/actualites/fete-de-l-ecole/@@publication")
    nombre = int(texte(publications.select_one(".brouillons")))
    assert nombre == len(drafts) and nombre >= 1
    assert publications.find("a", string="Infos/Documents - Formulaires")["href"].endswith(
        "/manage/documents/@@contents"
    )
    assert [texte(a) for a in page.html.select(".onglets-personnel a")] == ["Tableau de bord"]
    # nothing else of the root opens for her
    for url in ("/manage/@@demandes", "/manage/@@messagerie", "/manage/@@recherche"):
        assert editeur.get(url, expect_errors=True).status_int == 403, url
    assert DUPONT["numero"] not in page.text


def test_requests_and_messages_counted_as_they_come(app):
    agent, _response = navigateur(app, "agent")
    before = agent.get(TABLEAU)
    total = int(texte(before.html.select_one("section.bloc-demandes h2 .nombre")))
    assert type_row(before, "Infos Responsable") is None
    messages = non_lus(before)

    dupont, _response = navigateur(app, "jean.dupont")
    demander(dupont, "responsable", mobile="06.12.34.56.78")
    ecrire(dupont, {"objet": "Cantine", "texte": "Lucas mangera jeudi."})

    after = agent.get(TABLEAU)
    assert int(texte(after.html.select_one("section.bloc-demandes h2 .nombre"))) == total + 1
    nombre, age, href = type_row(after, "Infos Responsable")
    assert (nombre, age) == (1, "depuis moins d'une heure")
    assert href.endswith("/manage/@@demandes?type=responsable")
    # the link is the queue filtered by that type, holding that request
    queue = agent.get(href)
    assert "1 demande(s) en attente" in queue.text and "06.12.34.56.78" in queue.text
    assert non_lus(after) == messages + 1


def test_age_of_the_oldest_request(app, monkeypatch):
    dupont, _response = navigateur(app, "jean.dupont")
    demander(dupont, "caf", numero_allocataire="7654321")
    later = dates.horodatage() + datetime.timedelta(days=3, hours=2)
    monkeypatch.setattr(dates, "horodatage", lambda: later)
    agent, _response = navigateur(app, "agent")
    assert type_row(agent.get(TABLEAU), "Infos Caf")[:2] == (1, "depuis 3 jour(s)")


def test_places_and_health_alerts_of_the_day(tmp_path, monkeypatch):
    """On a day of LUCAS's canteen contract: CHLOÉ (MARTIN) comes without a
    reservation (the pointage's walk-in), one place more is taken; LUCAS
    gets an allergy (the record changed, as accepting a request does): one
    alert more (counts not kept: test_health_counts_are_kept_a_while)."""
    from portail_famille.inscriptions import inscrire

    app = make_app(tmp_path, **{"portail.alertes_sante_secondes": "0"})
    _oid, (day, _second) = lucas(app)
    monkeypatch.setattr(dates, "today", lambda: day)
    agent, _response = navigateur(app, "agent")
    cells, _href = prestation_row(
        agent.get(TABLEAU), "Garderie périscolaire", "Restauration scolaire"
    )
    pris, capacite = (int(n) for n in cells[0].split(" / "))
    restantes, alertes = int(cells[1]), int(cells[2])
    assert restantes == capacite - pris and pris >= 1

    def walk_in(root, registry):
        chloe = _enfant(root, MARTIN["numero"])
        inscrire(chloe, get_oid(_cantine(root)), COURANTE, root["calendrier"][COURANTE].debut)
        return get_oid(chloe)

    chloe = with_root(app.app, walk_in)
    pointage = agent.get(
        "/manage/structures/garderie-periscolaire/restauration-scolaire/@@pointage?date="
        + day.isoformat()
    )
    form = pointage.forms["pointage"]
    form["ajout"] = str(chloe)
    form.submit("enregistrer", status=302)

    def allergie(root, registry):
        enfant = _enfant(root)
        enfant.section_modifiable("sanitaires").update({"allergies": "arachide"})
        signaler_modification(registry, enfant)

    with_root(app.app, allergie)
    page = agent.get(TABLEAU)
    cells, _href = prestation_row(page, "Garderie périscolaire", "Restauration scolaire")
    assert cells[:3] == ["%d / %d" % (pris + 1, capacite), str(restantes - 1), str(alertes + 1)]
    total = page.html.select_one(".alertes-sante strong").get_text(strip=True)
    assert int(total) >= alertes + 1
    # the allergy itself is on the day's list, not here
    assert "arachide" not in page.text

    # no longer expected (an excused absence): no longer counted
    def absent(root, registry):
        from portail_famille.planning import cells as cellules
        from portail_famille.planning.service import changer

        changer(_enfant(root), _cantine(root), day, cellules.ABSENT_EXCUSE)

    with_root(app.app, absent)
    cells, _href = prestation_row(
        agent.get(TABLEAU), "Garderie périscolaire", "Restauration scolaire"
    )
    assert cells[2] == str(alertes)


def test_health_counts_are_kept_a_while(app, monkeypatch):
    """By default a process keeps the day's counts 5 minutes (their cost on
    a large town: accueil/sante.py); the page says when they were made."""
    _oid, (day, _second) = lucas(app)
    monkeypatch.setattr(dates, "today", lambda: day)
    agent, _response = navigateur(app, "agent")

    def compte(page):
        cells, _href = prestation_row(page, "Garderie périscolaire", "Restauration scolaire")
        return int(cells[2])

    page = agent.get(TABLEAU)
    avant = compte(page)
    assert re.search(r"compté à \d\d:\d\d", texte(page.html.select_one(".alertes-sante")))

    def allergie(root, registry):
        enfant = _enfant(root)
        enfant.section_modifiable("sanitaires").update({"allergies": "arachide"})
        signaler_modification(registry, enfant)

    with_root(app.app, allergie)
    assert compte(agent.get(TABLEAU)) == avant  # kept
    plus_tard = time.time() + sante.DUREE + 1
    monkeypatch.setattr(sante, "time", types.SimpleNamespace(time=lambda: plus_tard))
    assert compte(agent.get(TABLEAU)) == avant + 1


def test_health_counts_follow_the_planning(tmp_path, monkeypatch):
    """The counts read who is expected from the planning's store of days
    (planning.journees): a reservation being processed holds the day (the
    child is expected), an excused or billed absence frees it (counts not
    kept: test_health_counts_are_kept_a_while)."""
    from portail_famille.planning import cells as cellules

    app = make_app(tmp_path, **{"portail.alertes_sante_secondes": "0"})
    _oid, (day, _second) = lucas(app)
    monkeypatch.setattr(dates, "today", lambda: day)
    agent, _response = navigateur(app, "agent")

    def compte():
        page = agent.get(TABLEAU)
        cells, _href = prestation_row(page, "Garderie périscolaire", "Restauration scolaire")
        return int(cells[2])

    def lucas_le_jour(etat, allergies=None):
        def change(root, registry):
            enfant = _enfant(root)
            if allergies is not None:
                enfant.section_modifiable("sanitaires").update({"allergies": allergies})
                signaler_modification(registry, enfant)
            cellules.set_cell(enfant, get_oid(_cantine(root)), day, etat)

        with_root(app.app, change)

    lucas_le_jour(cellules.ABSENT_EXCUSE, allergies="arachide")
    sans = compte()
    lucas_le_jour(cellules.RESERVATION_TRAITEMENT)
    assert compte() == sans + 1
    lucas_le_jour(cellules.RESERVE)
    assert compte() == sans + 1
    lucas_le_jour(cellules.ABSENT_FACTURE)  # billed, not expected
    assert compte() == sans


def test_closures_ahead(app):
    day = dates.today() + datetime.timedelta(days=10)

    def fermer(root, registry):
        fermeture = registry.content.create("Fermeture", day, day, "Pont de l'Ascension")
        root["calendrier"].add("fermeture-pont", fermeture)

    with_root(app.app, fermer)
    agent, _response = navigateur(app, "agent")
    bloc = agent.get(TABLEAU).html.select_one("section.bloc-fermetures")
    ligne = next(li for li in bloc.select("li") if "Pont de l'Ascension" in texte(li))
    assert texte(ligne.a) == "Du %s au %s" % (dates.courte(day), dates.courte(day))
    assert ligne.a["href"].endswith("/manage/calendrier/fermeture-pont/@@properties")


def test_regisseur_sees_the_payments_of_the_week(app):
    regisseur, _response = navigateur(app, "regisseur")
    page = regisseur.get(TABLEAU)
    before = {
        texte(s.h2): int(texte(s.select_one(".reglements")))
        for s in page.html.select(".bloc-regie")
    }
    form = regisseur.get("/manage/familles/%s/@@compte" % DUPONT["numero"]).forms
    form = next(f for f in form.values() if "montant" in f.fields)
    form["montant"] = "12,50"
    form["mode"] = "especes"
    if "date" in form.fields:
        form["date"] = dates.courte(dates.today())
    form.submit("enregistrer", status=302)
    page = regisseur.get(TABLEAU)
    after = {
        texte(s.h2): int(texte(s.select_one(".reglements")))
        for s in page.html.select(".bloc-regie")
    }
    assert sum(after.values()) == sum(before.values()) + 1
    assert "12,50" in page.text


def test_evolve_step26(app):
    """An older database: editors without the permission, no index."""

    def older(root, registry):
        catalog = find_service(root, "catalogs")["portail"]
        catalog.remove("famille_sante")
        acl = [ace for ace in root.__acl__ if ace[1] != group_oid(root, GROUPE_EDITEURS)]
        root.__acl__ = acl
        enfant = _enfant(root)
        enfant.section_modifiable("sanitaires").update({"pai": "Oui"})
        return get_oid(enfant)

    oid = with_root(app.app, older)
    editeur, response = navigateur(app, "editeur")
    assert not response.location.endswith(TABLEAU)

    def evolve(root, registry):
        step26.evolve(root, registry)
        step26.evolve(root, registry)  # idempotent
        catalog = find_service(root, "catalogs")["portail"]
        return list(catalog["famille_sante"]._fwd_index.keys())

    assert with_root(app.app, evolve) == [oid]
    editeur, response = navigateur(app, "editeur")
    assert response.location.endswith(TABLEAU)
    assert P.TABLEAU_VOIR in re.sub(r"\s", "", str(with_root(app.app, lambda r, g: r.__acl__)))


@pytest.mark.parametrize("qui", ["anonymous", "dupont"])
def test_families_and_anonymous_never_see_it(request, qui):
    browser = request.getfixturevalue(qui)
    response = browser.get(TABLEAU, expect_errors=True)
    assert response.status_int in (302, 403)
    assert "Tableau de bord" not in response.text
