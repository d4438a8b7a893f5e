"""The last places of a day under concurrency (issue 4): 50 parents' requests
at the same moment for the last 5 places of a Wednesday, through a real
waitress server on a FileStorage (conflict resolution needs a real storage):
exactly 5 booked, 45 on the waiting list, no error."""

import datetime
import http.client
import re
import threading
import urllib.parse

import pytest
import transaction
import webtest
from substanced.util import get_oid

from portail_famille import dates, main
from portail_famille.demandes.resources import ACCEPTEE, LISTE_ATTENTE
from portail_famille.demo import load
from portail_famille.inscriptions import inscrire
from portail_famille.planning import cells, places

from .. import peuplement
from ..conftest import csrf, login, settings_for, with_root
from ..serveur import Serveur
from .test_reservations import ANNEE, MAM, MERCREDI, NOW

FAMILLES = 10
ENFANTS = 5  # per family: 50 children
LIBRES = 5  # places left on the day
PASSWORD = "Concurrence-2026x"


@pytest.fixture
def serveur(tmp_path, monkeypatch):
    monkeypatch.setattr(dates, "now", lambda: NOW)
    monkeypatch.setattr(dates, "horodatage", lambda: NOW.astimezone(datetime.UTC))
    uri = "file://%s?blobstorage_dir=%s" % (tmp_path / "Data.fs", tmp_path / "blobs")
    settings = settings_for(tmp_path, **{"zodbconn.uri": uri, "portail.zone_vacances": "C"})
    wsgi = main({}, **settings)
    webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"}).get("/")
    with_root(wsgi, load)
    children = with_root(wsgi, _town)
    server = Serveur(wsgi, host="127.0.0.1", port=0, threads=8)
    server.start()
    try:
        yield wsgi, int(server.effective_port), children
    finally:
        server.stop()
        transaction.abort()
        for db in getattr(wsgi.registry, "_zodb_databases", {}).values():
            db.close()


def _town(root, registry):
    """FAMILLES families of ENFANTS children enrolled in the Wednesday
    afternoons; the day has LIBRES places left.  Returns
    [(login, child url)]."""
    calendrier = root["calendrier"]
    if ANNEE not in calendrier:
        annee = registry.content.create(
            "AnneeScolaire",
            libelle=ANNEE,
            debut=datetime.date(2026, 9, 1),
            fin=datetime.date(2027, 7, 5),
        )
        calendrier.add(ANNEE, annee, registry=registry)
    prestation = root["structures"][MAM[0]][MAM[1]]
    oid = get_oid(prestation)
    found = []
    for login_name, enfant, url in peuplement.familles(
        root, registry, FAMILLES, ENFANTS, "90000", PASSWORD
    ):
        inscrire(enfant, oid, ANNEE, datetime.date(2026, 9, 1))
        found.append((login_name, url))
    prestation.capacite = 40
    for _n in range(prestation.capacite - LIBRES):
        places.prendre(prestation, MERCREDI, capacite=False)
    return found


def test_fifty_parents_for_the_last_five_places(serveur):
    wsgi, port, children = serveur
    base = "http://localhost:%d" % port
    # One logged-in client per family (cookies kept), one token each.
    clients = {}
    for login_name in {name for name, _url in children}:
        app = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
        login(app, login_name, PASSWORD)
        page = app.get("/").maybe_follow()
        cookie = "; ".join("%s=%s" % (c.name, c.value) for c in app.cookiejar)
        clients[login_name] = (cookie, csrf(page))
    oid = with_root(wsgi, lambda root, registry: get_oid(root["structures"][MAM[0]][MAM[1]]))
    results = []
    barrier = threading.Barrier(len(children))

    def reserve(login_name, url):
        cookie, token = clients[login_name]
        body = urllib.parse.urlencode(
            {"csrf_token": token, "prestation": str(oid), "date": MERCREDI.isoformat()}
        )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        connection.request(
            "POST",
            url + "demande-de-reservation",
            body,
            {
                "Host": "localhost:%d" % port,
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": base,
                "Referer": base + url + "planning",
            },
        )
        response = connection.getresponse()
        results.append((response.status, response.getheader("Location", "")))
        connection.close()

    threads = [threading.Thread(target=reserve, args=child) for child in children]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert len(results) == len(children)
    assert [status for status, _location in results] == [302] * len(children)
    assert all(re.search(r"/planning\?mois=2026-12$", location) for _s, location in results)

    def count(root, registry):
        prestation = root["structures"][MAM[0]][MAM[1]]
        etats, demandes = [], []
        for numero in ("90000%05d" % n for n in range(FAMILLES)):
            famille = root["familles"][numero]
            for enfant in famille["enfants"].values():
                etats.append(cells.etat(enfant, oid, MERCREDI))
            demandes.extend(d.etat for d in famille["demandes"].values())
        return etats, demandes, places.pris(prestation, MERCREDI), prestation.capacite

    etats, demandes, pris, capacite = with_root(wsgi, count)
    assert etats.count(cells.RESERVE) == LIBRES
    assert etats.count(cells.ATTENTE) == len(children) - LIBRES
    assert sorted(demandes) == sorted([ACCEPTEE] * LIBRES + [LISTE_ATTENTE] * 45)
    assert pris == capacite == 40


def _reserver_en_echec(tmp_path, monkeypatch, echec, status):
    """LUCAS's parent asks for a canteen day of the demo's current school
    year while every attempt of ``demander_reservation`` runs ``echec()``;
    (the answer, the number of attempts, the app)."""
    from portail_famille import retry
    from portail_famille.planning import service

    from ..conftest import make_app
    from .test_enfants import browser_for, lucas_url

    app = make_app(tmp_path)
    attempts = []

    def failing(*args, **kw):
        attempts.append(1)
        echec()

    monkeypatch.setattr(service, "demander_reservation", failing)
    monkeypatch.setattr(retry, "BASE", 0.0001)

    def canteen(root, registry):
        # A day of the demo's current school year, when LUCAS is enrolled.
        prestation = root["structures"]["garderie-periscolaire"]["restauration-scolaire"]
        return get_oid(prestation), root["calendrier"].annees()[-1].debut

    oid, day = with_root(app.app, canteen)
    dupont = browser_for(app, "jean.dupont")
    page = dupont.get(lucas_url(app) + "planning")
    response = dupont.post(
        lucas_url(app) + "demande-de-reservation",
        {"csrf_token": csrf(page), "prestation": str(oid), "date": day.isoformat()},
        status=status,
    )
    return response, len(attempts), app


def test_a_conflict_that_outlives_its_retries_is_a_french_503(tmp_path, monkeypatch, caplog):
    """Every attempt conflicts: the request is tried ``retry.attempts``
    times, then the parent reads a French 'try again' page (503,
    Retry-After), never a 500; nothing is stored."""
    from ZODB.POSException import ConflictError

    def conflict():
        raise ConflictError()

    caplog.set_level("INFO", logger="portail_famille.skin.views")
    response, attempts, app = _reserver_en_echec(tmp_path, monkeypatch, conflict, 503)
    assert attempts == int(app.app.registry.settings["retry.attempts"]) == 10
    assert response.headers["Retry-After"] == "2"
    assert "Service très sollicité" in response.text
    assert "Réessayez dans quelques secondes." in response.text
    assert "Traceback" not in response.text
    # The retried conflicts are not logged as errors (no traceback: their
    # formatting would also parse source lines while templates compile).
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert errors == []
    assert sum("retried" in r.getMessage() for r in caplog.records) == 9


def test_the_wait_before_a_retry_grows_and_is_capped():
    from portail_famille.retry import PLAFOND, attente

    waits = [attente(n) for n in range(10)]
    assert waits == sorted(waits) and waits[0] < waits[3] and max(waits) == PLAFOND == 0.5


def _apres_coupure():
    """What RelStorage may raise while PostgreSQL restarts: another error
    raised while it handled the lost connection."""
    import psycopg2

    try:
        raise psycopg2.OperationalError("server closed the connection unexpectedly")
    except psycopg2.OperationalError:
        raise AttributeError("'NoneType' object has no attribute 'cursor'")  # noqa: B904


def _base_nue():
    import psycopg2

    raise psycopg2.DatabaseError("error with status PGRES_TUPLES_OK and no message from the libpq")


def _integrite():
    import psycopg2

    raise psycopg2.IntegrityError("duplicate key value violates unique constraint")


@pytest.mark.parametrize(
    ("echec", "attendu", "essais"),
    [(_apres_coupure, 503, 10), (_base_nue, 503, 10), (_integrite, 500, 1)],
)
def test_an_error_of_the_database_going_away_is_retried_then_a_french_503(
    tmp_path, monkeypatch, caplog, echec, attendu, essais
):
    """An error raised because PostgreSQL went away (raised while handling
    the lost connection, or psycopg2's bare DatabaseError) is retried, then
    the parent reads "try again" (a CI run once answered 500 among the 503s
    of a PostgreSQL restart); a real database error stays a 500, logged,
    and is not retried."""
    from portail_famille.stockage import marquer_deconnexions

    marquer_deconnexions()  # what a process on RelStorage does at start
    caplog.set_level("INFO", logger="portail_famille")
    response, attempts, _app = _reserver_en_echec(tmp_path, monkeypatch, echec, attendu)
    assert attempts == essais
    assert "Traceback" not in response.text
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    if attendu == 503:
        assert response.headers["Retry-After"] == "2"
        assert "Réessayez dans quelques secondes." in response.text
        assert errors == []
    else:
        assert "Erreur du service" in response.text
        assert [r.getMessage().split(" on ")[0] for r in errors] == ["Unexpected error"]
