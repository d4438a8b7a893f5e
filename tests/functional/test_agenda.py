"""A child's planning as an iCalendar feed private to the family: the
parent's "agenda" page makes the secret link (shown once), a calendar app
reads the feed without a session, with the family's token only."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import icalendar
import webtest
from substanced.util import get_oid

from portail_famille import dates
from portail_famille.demo import DUPONT, MARTIN
from portail_famille.planning import cells, ical

from ..conftest import DUPONT_URL, csrf, with_root
from .test_enfants import browser_for, enfants, lucas_url, main

RESTAURATION = "Garderie périscolaire Restauration scolaire"


def anonyme(app):
    return webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})


def generer(browser, app):
    """POST the agenda page's form; returns (answer, {prénom: feed URL})."""
    page = browser.get(lucas_url(app) + "agenda")
    reponse = browser.post(lucas_url(app) + "agenda", {"csrf_token": csrf(page)})
    liens = {}
    for field in main(reponse).select("input.url-agenda"):
        label = main(reponse).select_one('label[for="%s"]' % field["id"])
        liens[label.get_text(" ", strip=True).split()[-1]] = field["value"]
    return reponse, liens


def chemin(url):
    parts = urlsplit(url)
    return parts.path + "?" + parts.query


def jeton_de(url):
    return parse_qs(urlsplit(url).query)["jeton"][0]


def cellules_lucas(app):
    """{(prestation oid, date): state} of LUCAS in the feed's period, and
    the oids of the child and of the canteen."""

    def read(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        lucas = next(e for e in famille["enfants"].values() if e.prenom == "LUCAS")
        debut, fin = ical.periode(lucas, dates.today())
        found = {
            key: etat
            for key, etat in cells.cellules(lucas).items()
            if debut <= key[1] <= fin and etat in ical.ETATS_FLUX
        }
        cantine = root["structures"]["garderie-periscolaire"]["restauration-scolaire"]
        return found, get_oid(lucas), get_oid(cantine), (debut, fin)

    return with_root(app.app, read)


def test_agenda_page_and_feed(app):
    dupont = browser_for(app, "jean.dupont")
    planning = dupont.get(lucas_url(app) + "planning")
    lien = main(planning).select_one("p.lien-agenda a")
    assert lien.get_text() == "S'abonner au planning (agenda)"
    page = planning.click(href=r"/agenda$")
    assert "Aucun lien d'abonnement" in page.text
    assert "iPhone" in page.text and "Google Agenda" in page.text
    assert not main(page).select("input.url-agenda")

    reponse, liens = generer(dupont, app)
    assert "no-store" in reponse.headers["Cache-Control"]
    assert list(liens) == ["LUCAS"]
    url = liens["LUCAS"]
    assert url.startswith("http://localhost" + lucas_url(app) + "planning.ics?jeton=")
    jeton = jeton_de(url)
    assert len(jeton) == 43  # 256 bits
    webcal = main(reponse).select_one("a.abonnement")["href"]
    assert webcal == "webcal://" + url.split("://", 1)[1]

    # Only the token's SHA-256 is stored; the page no longer shows it.
    def stored(root, registry):
        return getattr(root["familles"][DUPONT["numero"]], ical.ATTRIBUT)[0]

    empreinte = with_root(app.app, stored)
    assert jeton not in empreinte and len(empreinte) == 64
    again = dupont.get(lucas_url(app) + "agenda")
    assert jeton not in again.text and "Un lien d'abonnement existe depuis le" in again.text

    # The feed, without any session.
    feed = anonyme(app).get(chemin(url))
    assert feed.content_type == "text/calendar" and feed.charset == "utf-8"
    assert "no-store" in feed.headers["Cache-Control"]
    assert feed.headers["Content-Disposition"].startswith("inline; filename=")
    cal = icalendar.Calendar.from_ical(feed.body)
    assert str(cal["X-WR-CALNAME"]) == "Planning de LUCAS"
    events = cal.walk("VEVENT")
    attendues, lucas_oid, cantine_oid, (debut, fin) = cellules_lucas(app)
    assert debut == dates.today() - datetime.timedelta(days=31) and fin >= dates.today()
    # The demo books the canteen days of the contract in the current year.
    reserves = [k for k, e in attendues.items() if k[0] == cantine_oid and e == cells.RESERVE]
    assert len(reserves) > 20
    assert len(events) == len(attendues)
    par_uid = {str(e["UID"]): e for e in events}
    assert len(par_uid) == len(events)
    for oid, day in reserves:
        event = par_uid["%d-%d-%s@portail-famille" % (lucas_oid, oid, day)]
        assert event.decoded("DTSTART") == day
        assert event.decoded("DTEND") == day + datetime.timedelta(days=1)
        assert str(event["SUMMARY"]) == "LUCAS — %s (Réservé)" % RESTAURATION
        assert "DTSTAMP" in event
    # No health data, nothing of the family's record.
    text = feed.body.decode("utf-8")
    for secret in ("BONBONS", "JEANNE", "31400", DUPONT["numero"]):
        assert secret not in text
    # The same UIDs on the next read: a calendar app updates, not duplicates.
    again = icalendar.Calendar.from_ical(anonyme(app).get(chemin(url)).body)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(par_uid)


def test_wrong_or_missing_token_is_a_404(app):
    dupont = browser_for(app, "jean.dupont")
    base = lucas_url(app) + "planning.ics"
    visiteur = anonyme(app)
    # No token made yet: nothing opens.
    visiteur.get(base, status=404)
    visiteur.get(base + "?jeton=", status=404)
    _reponse, liens = generer(dupont, app)
    jeton = jeton_de(liens["LUCAS"])
    inconnu = visiteur.get(DUPONT_URL + "enfants/inconnu/planning.ics?jeton=" + jeton, status=404)
    # (the altered token's last character differs from the real one's)
    autre = jeton[:-1] + ("B" if jeton.endswith("A") else "A")
    for query in ("", "?jeton=", "?jeton=" + autre, "?jeton=" + "x" * 5000):
        response = visiteur.get(base + query, status=404)
        assert response.text == inconnu.text
        assert "LUCAS" not in response.text
    # The logged-in parent needs the token as well.
    dupont.get(base, status=404)
    visiteur.post(base + "?jeton=" + jeton, status=404)
    visiteur.get(base + "?jeton=" + jeton, status=200)


def test_a_family_token_opens_only_its_children(app):
    dupont = browser_for(app, "jean.dupont")
    _reponse, liens = generer(dupont, app)
    jeton = jeton_de(liens["LUCAS"])
    chloe = enfants(app, MARTIN["numero"])
    (nom,) = [name for name, *_rest in chloe.values()]
    url = "/familles/%s/enfants/%s/planning.ics?jeton=%s" % (MARTIN["numero"], nom, jeton)
    response = anonyme(app).get(url, status=404)
    assert "CHLOÉ" not in response.text and "MARTIN" not in response.text
    dupont.get(url, status=404)


def test_a_new_token_kills_the_old_one(app):
    dupont = browser_for(app, "jean.dupont")
    _reponse, premiers = generer(dupont, app)
    visiteur = anonyme(app)
    visiteur.get(chemin(premiers["LUCAS"]), status=200)
    page = dupont.get(lucas_url(app) + "agenda")
    assert "Générer un nouveau lien" in page.text
    _reponse, seconds = generer(dupont, app)
    assert seconds["LUCAS"] != premiers["LUCAS"]
    visiteur.get(chemin(premiers["LUCAS"]), status=404)
    visiteur.get(chemin(seconds["LUCAS"]), status=200)


def test_the_token_needs_the_csrf_token(app):
    dupont = browser_for(app, "jean.dupont")
    url = lucas_url(app) + "agenda"
    for data in ({}, {"csrf_token": "faux"}):
        response = dupont.post(url, data, status=400)
        assert "Formulaire expiré" in response.text
        assert "planning.ics?jeton=" not in response.text

    def stored(root, registry):
        return getattr(root["familles"][DUPONT["numero"]], ical.ATTRIBUT, None)

    assert with_root(app.app, stored) is None


def test_another_family_cannot_open_the_agenda_page(shared, martin, anonymous):
    url = lucas_url(shared) + "agenda"
    response = martin.get(url, status=404)
    assert "LUCAS" not in response.text
    token = csrf(martin.get("/mot-de-passe"))
    response = martin.post(url, {"csrf_token": token}, status=404)
    assert "planning.ics" not in response.text

    def stored(root, registry):
        return getattr(root["familles"][DUPONT["numero"]], ical.ATTRIBUT, None)

    assert with_root(shared.app, stored) is None
    # Anonymous: the login page, then back.
    assert anonymous.get(url, status=302).location.startswith("http://localhost/connexion")


def test_staff_sees_the_page_but_makes_no_token(shared, agent):
    url = lucas_url(shared) + "agenda"
    page = agent.get(url)
    assert not re.search(r"<form[^>]+agenda", page.text)
    token = csrf(agent.get("/mot-de-passe"))
    agent.post(url, {"csrf_token": token}, status=403)

    def stored(root, registry):
        return getattr(root["familles"][DUPONT["numero"]], ical.ATTRIBUT, None)

    assert with_root(shared.app, stored) is None
