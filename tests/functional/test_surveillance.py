"""Watching the portal (issue 23): the health check and the metrics, closed
to the outside; one log line per request, without names; JSON when the
.ini's logging asks for it."""

import configparser
import datetime
import http.client
import json
import logging
import os
import pathlib
import re
import time

import pytest
import transaction
import webtest
from prometheus_client.parser import text_string_to_metric_families
from pyramid.interfaces import IContextFound
from pyramid_retry import BeforeRetry
from substanced.util import get_oid
from ZODB.POSException import ConflictError

from portail_famille import main, surcharge
from portail_famille.demo import COMPTES
from portail_famille.surveillance import ajouter_jauge

from ..conftest import csrf, login, mails, make_app, settings_for, with_root
from ..grappe.lanceur import Zeo
from ..serveur import Serveur

LOCAL = {"REMOTE_ADDR": "127.0.0.1"}
DEHORS = {"REMOTE_ADDR": "203.0.113.9"}
JOURNAL = "portail_famille.requetes"
ROOT = pathlib.Path(__file__).resolve().parents[2]

NOMS = (
    "target_info",
    "portail_requetes",
    "portail_requete_duree_secondes",
    "portail_surcharge_refus",
    "portail_zodb_conflits",
    "portail_reessais",
    "portail_zodb_chargements",
    "portail_zodb_ecritures",
    "portail_zodb_cache_objets",
    "portail_zodb_cache_objets_max",
    "portail_zodb_connexions",
    "portail_courriels",
)


def lire(app, **environ):
    """{name: {frozenset(labels): value}} of /metriques."""
    response = app.get("/metriques", extra_environ={**LOCAL, **environ})
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    found = {}
    for family in text_string_to_metric_families(response.text):
        found.setdefault(family.name, {})
        for sample in family.samples:
            found.setdefault(sample.name, {})[frozenset(sample.labels.items())] = sample.value
    return found


def valeur(found, name, **labels):
    return found.get(name, {}).get(frozenset(labels.items()), 0.0)


def find_user(root):
    return root["principals"]["users"]["jean.dupont"]


def lignes(caplog):
    return [r for r in caplog.records if r.name == JOURNAL]


# --- /sante -----------------------------------------------------------------


def test_the_health_check_reads_the_database_and_writes_nothing(shared, anonymous):
    db = shared.app.registry._zodb_databases[""]
    before = db.lastTransaction()
    response = anonymous.get("/sante", extra_environ=LOCAL)
    assert response.status_int == 200 and response.text == "ok\n"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session
    assert anonymous.get("/sante", extra_environ={"REMOTE_ADDR": "::1"}).text == "ok\n"
    assert anonymous.head("/sante", extra_environ=LOCAL).status_int == 200
    assert db.lastTransaction() == before  # nothing committed


def test_the_health_check_is_closed_to_the_outside(anonymous):
    assert anonymous.get("/sante", extra_environ=DEHORS, status=404)
    assert anonymous.get("/sante", status=404)  # no address at all
    # A client's own X-Forwarded-For is not its address (waitress rewrites
    # REMOTE_ADDR from its trusted proxy only, and drops the header else).
    anonymous.get(
        "/sante", extra_environ=DEHORS, headers={"X-Forwarded-For": "127.0.0.1"}, status=404
    )


def test_a_closed_storage_answers_503_in_french_at_once(tmp_path):
    app = make_app(tmp_path)
    assert app.get("/sante", extra_environ=LOCAL).text == "ok\n"
    transaction.abort()
    app.app.registry._zodb_databases[""].close()
    start = time.monotonic()
    response = app.get("/sante", extra_environ=LOCAL, status=503)
    assert time.monotonic() - start < 2  # no retries (10 for a parent's request)
    assert response.text == "Indisponible : la base de données ne répond pas.\n"
    assert response.headers["Retry-After"] == "5"
    assert "Traceback" not in response.text


@pytest.mark.lent
def test_a_stopped_zeo_server_answers_503_then_ok_when_it_is_back(tmp_path):
    zeo = Zeo(tmp_path / "zeo").demarrer()
    wsgi = None
    try:
        uri = zeo.uri(str(tmp_path / "cache"), wait_timeout=1)
        # The process's port (pserve production.ini http_port=6599).
        wsgi = main({"http_port": "6599"}, **settings_for(tmp_path, **{"zodbconn.uri": uri}))
        app = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost", **LOCAL})
        assert app.get("/sante").text == "ok\n"
        assert valeur(lire(app), "target_info", port="6599", pid=str(os.getpid())) == 1
        zeo.arreter()
        start = time.monotonic()
        response = app.get("/sante", status=503)
        duree = time.monotonic() - start
        assert duree < 8, duree
        assert "la base de données ne répond pas" in response.text
        zeo.demarrer()
        deadline = time.monotonic() + 30
        while app.get("/sante", status="*").status_int != 200:
            assert time.monotonic() < deadline, "the server is back, the check never says so"
            time.sleep(0.5)
    finally:
        zeo.arreter()
        if wsgi is not None:
            for db in wsgi.registry._zodb_databases.values():
                db.close()


# --- /metriques ---------------------------------------------------------------


def test_the_metrics_are_refused_outside_the_allow_list(anonymous):
    anonymous.get("/metriques", extra_environ=DEHORS, status=404)
    anonymous.get("/metriques", status=404)
    anonymous.get(
        "/metriques", extra_environ=DEHORS, headers={"X-Forwarded-For": "::1"}, status=404
    )


def test_behind_the_trusted_proxy_the_forwarded_client_is_the_address(shared):
    """waitress as production.ini runs it, nginx on 127.0.0.1 in front."""
    server = Serveur(
        shared.app,
        host="127.0.0.1",
        port=0,
        threads=2,
        trusted_proxy="127.0.0.1",
        trusted_proxy_headers="x-forwarded-for x-forwarded-proto",
    )
    server.start()

    def get(path, **headers):
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": "localhost", **headers})
            response = connection.getresponse()
            return response.status, response.getheader("X-Request-Id"), response.read()
        finally:
            connection.close()

    try:
        outside = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        assert get("/metriques", **outside)[0] == 404  # a client of nginx
        assert get("/sante", **outside)[0] == 404
        # Even when it sends its own header (nginx appends the address it saw).
        assert get("/sante", **{"X-Forwarded-For": "127.0.0.1, 203.0.113.9"})[0] == 404
        status, rid, body = get("/sante", **{"X-Request-Id": "f" * 32})
        assert (status, rid, body) == (200, "f" * 32, b"ok\n")  # Prometheus, on the machine
        status, _rid, body = get("/metriques", **{"X-Forwarded-For": "::1"})
        assert status == 200 and b"portail_requetes_total" in body
    finally:
        server.stop()


def test_the_allow_list_takes_networks_from_the_settings(tmp_path):
    app = make_app(tmp_path, **{"portail.surveillance.adresses": "10.1.0.0/16 2001:db8::5"})
    try:
        app.get("/metriques", extra_environ={"REMOTE_ADDR": "10.1.2.3"}, status=200)
        app.get("/metriques", extra_environ={"REMOTE_ADDR": "2001:db8::5"}, status=200)
        app.get("/metriques", extra_environ={"REMOTE_ADDR": "10.2.0.1"}, status=404)
        app.get("/metriques", extra_environ=LOCAL, status=404)  # not in the list any more
    finally:
        for db in app.app.registry._zodb_databases.values():
            db.close()


def test_the_metrics_name_what_they_count_and_move_with_the_requests(shared, anonymous):
    found = lire(anonymous)
    for name in NOMS:
        assert name in found, name
    assert valeur(found, "target_info", port="", pid=str(os.getpid())) == 1
    route = dict(route="comptes.views:login_page", methode="GET", statut="200")
    before = valeur(found, "portail_requetes_total", **route)
    for _ in range(3):
        anonymous.get("/connexion")
    anonymous.get("/nimporte-quoi-%d" % time.time_ns(), status=404)
    after = lire(anonymous)
    assert valeur(after, "portail_requetes_total", **route) == before + 3
    assert (
        valeur(after, "portail_requete_duree_secondes_count", route="comptes.views:login_page")
        >= before + 3
    )
    # The label is the view that answered, never the URL (a bounded set).
    routes = {dict(k)["route"] for k in after["portail_requetes_total"]}
    assert not any("nimporte" in r for r in routes), routes
    assert valeur(after, "portail_zodb_chargements_total") > 0
    assert valeur(after, "portail_zodb_cache_objets") > 0


def test_mails_sent_are_counted(app):
    before = valeur(lire(app), "portail_courriels_total", resultat="envoye")
    sent = len(mails(app))
    page = app.get("/mot-de-passe-oublie")
    app.post("/mot-de-passe-oublie", {"login": "jean.dupont", "csrf_token": csrf(page)})
    assert len(mails(app)) == sent + 1
    assert valeur(lire(app), "portail_courriels_total", resultat="envoye") == before + 1


def test_retries_and_conflicts_are_counted(shared, anonymous):
    registry = shared.app.registry
    before = lire(anonymous)
    request = webtest.TestRequest.blank("/")
    request.registry = registry
    registry.notify(BeforeRetry(request, ConflictError()))
    after = lire(anonymous)
    assert (
        valeur(after, "portail_reessais_total", erreur="ConflictError")
        == valeur(before, "portail_reessais_total", erreur="ConflictError") + 1
    )


def test_a_real_conflict_is_counted_retried_and_answered_once(tmp_path, caplog):
    """The request's commit collides with a transaction committed meanwhile
    on the object it changes: ZODB refuses it, pyramid_retry runs it
    again, and the second attempt commits."""
    app = make_app(tmp_path)
    registry = app.app.registry
    db = registry._zodb_databases[""]
    collisions = []

    def collision(event):
        request = event.request
        if request.path_info != "/connexion":
            return
        request.root._p_activate()  # read by this request
        if not collisions:
            manager = transaction.TransactionManager()
            other = db.open(transaction_manager=manager)
            try:
                other.root()["app_root"].essai_conflit = 1
                manager.commit()  # changed meanwhile by another transaction
            finally:
                other.close()
        collisions.append(1)
        request.root.essai_conflit = 2  # this request writes it too

    before = lire(app)
    registry.registerHandler(collision, (IContextFound,))
    try:
        with caplog.at_level(logging.INFO, logger=JOURNAL):
            app.get("/connexion", status=200)
    finally:
        registry.unregisterHandler(collision, (IContextFound,))
    after = lire(app)
    try:
        assert collisions == [1, 1]  # the second attempt commits
        assert (
            valeur(after, "portail_zodb_conflits_total")
            == valeur(before, "portail_zodb_conflits_total") + 1
        )
        assert valeur(after, "portail_reessais_total", erreur="ConflictError") == 1
        route = dict(route="comptes.views:login_page", methode="GET", statut="200")
        assert valeur(after, "portail_requetes_total", **route) == (
            valeur(before, "portail_requetes_total", **route) + 1
        )
        assert [r.statut for r in lignes(caplog)] == [200]  # the retried attempt: no line
        assert valeur(after, "portail_zodb_ecritures_total") > valeur(
            before, "portail_zodb_ecritures_total"
        )
    finally:
        for db in registry._zodb_databases.values():
            db.close()


def test_the_load_shedding_refusals_are_counted_and_logged(shared, caplog):
    wrapped = surcharge.Surcharge(shared.app, 1, retry_after=3)
    client = webtest.TestApp(wrapped, extra_environ={"HTTP_HOST": "localhost", **LOCAL})
    before = valeur(lire(client), "portail_surcharge_refus_total")
    assert wrapped.places.acquire(timeout=5)
    try:
        with caplog.at_level(logging.INFO, logger=JOURNAL):
            client.get("/connexion", status=503)
    finally:
        wrapped.places.release()
    assert valeur(lire(client), "portail_surcharge_refus_total") == before + 1
    (ligne,) = lignes(caplog)
    assert ligne.route == "surcharge" and ligne.statut == 503


def test_the_backups_age_and_the_restore_drill(shared, anonymous, tmp_path):
    settings = shared.app.registry.settings
    data = tmp_path / "backups" / "data"
    data.mkdir(parents=True)
    (data / "2026-12-07-02-00-00.fsz").write_bytes(b"x")
    old = data / "2026-12-06-02-00-00.fsz"
    old.write_bytes(b"x")
    os.utime(data / "2026-12-07-02-00-00.fsz", (time.time() - 3600,) * 2)
    os.utime(old, (time.time() - 90000,) * 2)
    drill = tmp_path / "exercice-restauration.json"
    date = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)
    drill.write_text(json.dumps({"date": date.isoformat(), "ok": True, "familles": 3}))
    try:
        found = lire(anonymous)
        assert "portail_sauvegarde_age_secondes" not in found  # no setting: no sample
        settings["portail.surveillance.sauvegardes"] = str(tmp_path / "backups")
        settings["portail.surveillance.exercice_restauration"] = str(drill)
        found = lire(anonymous)
        assert 3590 < valeur(found, "portail_sauvegarde_age_secondes") < 3700
        assert valeur(found, "portail_exercice_restauration_ok") == 1
        age = valeur(found, "portail_exercice_restauration_age_secondes")
        assert 2 * 86400 - 10 < age < 2 * 86400 + 100
        drill.write_text(json.dumps({"date": date.isoformat(), "ok": False}))
        assert valeur(lire(anonymous), "portail_exercice_restauration_ok") == 0
        drill.write_text("{not json")
        assert "portail_exercice_restauration_ok" not in lire(anonymous)
    finally:
        settings.pop("portail.surveillance.sauvegardes", None)
        settings.pop("portail.surveillance.exercice_restauration", None)


def test_a_package_adds_its_gauge_through_the_hook(shared, anonymous):
    ajouter_jauge(
        shared.app.registry,
        "portail_essai_travaux",
        "Travaux par état.",
        lambda request: {("en_attente",): 2, ("echec",): 1},
        etiquettes=("etat",),
    )
    found = lire(anonymous)
    assert valeur(found, "portail_essai_travaux", etat="en_attente") == 2
    assert valeur(found, "portail_essai_travaux", etat="echec") == 1


# --- The log line -------------------------------------------------------------


def test_one_line_per_request_with_its_id_user_route_status_and_time(shared, dupont, caplog):
    with caplog.at_level(logging.INFO, logger=JOURNAL):
        response = dupont.get("/familles/%s/" % "1001001818331")
    (ligne,) = lignes(caplog)
    assert ligne.id == response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", ligne.id)
    oid = with_root(shared.app, lambda root, registry: get_oid(find_user(root)))
    assert ligne.utilisateur == oid  # the account's oid, never its login
    assert ligne.statut == 200 and ligne.methode == "GET"
    assert ligne.route.startswith("accueil.") or ":" in ligne.route
    assert ligne.duree_ms >= 0
    message = ligne.getMessage()
    assert message.startswith("id=%s utilisateur=%s route=" % (ligne.id, ligne.utilisateur))
    assert "statut=200 duree_ms=" in message


def test_a_login_puts_no_name_in_the_log(shared, caplog):
    browser = webtest.TestApp(shared.app, extra_environ={"HTTP_HOST": "localhost"})
    with caplog.at_level(logging.DEBUG):
        login(browser, "jean.dupont", COMPTES["jean.dupont"][0])
        browser.get("/familles/1001001818331/")
        login(
            webtest.TestApp(shared.app, extra_environ={"HTTP_HOST": "localhost"}),
            "jeanne.dupont",
            "pas le bon",
            status=200,
        )
    assert len(lignes(caplog)) >= 5
    for record in caplog.records:
        text = record.getMessage() + " " + json.dumps(record.__dict__, default=str)
        for secret in ("jean.dupont", "jeanne.dupont", "DUPONT", "JEAN", "pas le bon"):
            assert secret not in text, (record.name, text)


def test_the_proxy_request_id_is_kept_a_forged_one_replaced(anonymous, caplog):
    with caplog.at_level(logging.INFO, logger=JOURNAL):
        kept = anonymous.get("/connexion", headers={"X-Request-Id": "a1b2c3d4-e5f6-7890"})
        forged = anonymous.get("/connexion", headers={"X-Request-Id": "x statut=200\nfaux"})
    assert kept.headers["X-Request-Id"] == "a1b2c3d4-e5f6-7890"
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-Id"])
    assert [r.id for r in lignes(caplog)] == [
        "a1b2c3d4-e5f6-7890",
        forged.headers["X-Request-Id"],
    ]


def _formatter(ini, name):
    """The formatter ``name`` of an .ini's logging sections."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / ini)
    section = parser["formatter_%s" % name]
    module, _, cls = section.get("class", "logging.Formatter").rpartition(".")
    factory = getattr(__import__(module, fromlist=[cls]), cls)
    return factory(section.get("format"))


@pytest.mark.parametrize("ini", ["production.ini", "development.ini"])
def test_the_json_formatter_of_the_ini_gives_one_object_per_line(dupont, caplog, ini):
    with caplog.at_level(logging.INFO, logger=JOURNAL):
        dupont.get("/familles/1001001818331/")
    (ligne,) = lignes(caplog)
    text = _formatter(ini, "json").format(ligne)
    assert "\n" not in text
    data = json.loads(text)
    for key in ("id", "utilisateur", "route", "methode", "statut", "duree_ms"):
        assert data[key] == getattr(ligne, key)
    assert data["name"] == JOURNAL and data["levelname"] == "INFO"
    plain = _formatter(ini, "requetes").format(ligne)
    assert "id=%s utilisateur=%s route=" % (ligne.id, ligne.utilisateur) in plain
