"""A new, empty database and several processes starting at the same moment
(issue 7): they do not crash each other.  On ZEO, two application
processes started together with no initialisation; on PostgreSQL, two
``portail-famille-init`` at once (the documented way), then two processes
together.  Each answers, the administrator logs in on each, nothing is
logged as an unexpected error."""

import subprocess
import time

import pytest

from .lanceur import (
    BIN,
    TEST_SETTINGS,
    Application,
    Postgres,
    Zeo,
    demarrer,
    ecrire_ini,
)
from .outils import Navigateur, ensemble, jeton
from .scenarios import RELSTORAGE, ZEO

pytestmark = pytest.mark.lent  # started first: tests/conftest.py

ADMIN = (TEST_SETTINGS["substanced.initial_login"], TEST_SETTINGS["substanced.initial_password"])


def _verifier(applications):
    for application in applications:
        assert application.processus.poll() is None  # still running
    # the first requests of both, at the same moment
    resultats = ensemble(
        [
            (lambda url=a.url: Navigateur(url).get("/connexion")[0])
            for a in applications
            for _n in range(4)
        ],
        8,
    )
    assert resultats == [200] * 8
    for application in applications:
        Navigateur(application.url).connecter(*ADMIN)
        journal = application.journal()
        assert "Unexpected error" not in journal and "Exception while serving" not in journal


def test_two_processes_on_an_empty_zeo_storage(tmp_path):
    with Zeo(tmp_path / "zeo") as zeo:
        applications = [
            Application(zeo.uri(tmp_path / ("cache-%d" % n), **ZEO), tmp_path, nom="z%d" % n)
            for n in range(2)
        ]
        try:
            demarrer(*applications)
            _verifier(applications)
        finally:
            for application in applications:
                application.arreter()


def test_two_inits_then_two_processes_on_an_empty_postgresql(tmp_path):
    with Postgres(tmp_path / "pg") as pg:
        inits = []
        for n in range(2):
            ini = ecrire_ini(tmp_path / ("init%d.ini" % n), pg.uri(tmp_path / "c", **RELSTORAGE))
            commande = [str(BIN / "portail-famille-init"), str(ini)]
            inits.append(
                subprocess.Popen(commande, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            )
        sorties = [p.communicate(timeout=180)[0].decode() for p in inits]
        assert [p.returncode for p in inits] == [0, 0], sorties
        assert all("Database ready" in sortie for sortie in sorties), sorties
        applications = [
            Application(pg.uri(tmp_path / ("cache-%d" % n), **RELSTORAGE), tmp_path, nom="p%d" % n)
            for n in range(2)
        ]
        try:
            demarrer(*applications)
            _verifier(applications)
        finally:
            for application in applications:
                application.arreter()


def test_a_write_while_zeo_is_down_gets_a_french_503_then_the_process_reconnects(tmp_path):
    """The ZEO server stopped: a login (it writes its session) waits
    ``wait_timeout`` at each attempt, then is answered 503 with Retry-After
    and the French "try again" page, not left hanging; the server back on
    the same port, the same process logs in without being restarted."""
    with Zeo(tmp_path / "zeo") as zeo:
        uri = zeo.uri(tmp_path / "cache", wait_timeout=1)
        application = Application(uri, tmp_path, nom="panne", **{"retry.attempts": "2"})
        try:
            application.demarrer()
            navigateur = Navigateur(application.url)
            status, _headers, page = navigateur.get("/connexion")
            assert status == 200
            zeo.arreter()
            donnees = {"login": ADMIN[0], "password": ADMIN[1], "csrf_token": jeton(page)}
            status, headers, text = navigateur.requete("POST", "/connexion", donnees, timeout=60)
            assert status == 503, text[-500:]
            assert headers["Retry-After"] == "2"
            assert "Réessayez dans quelques secondes." in text
            zeo.demarrer()
            # ZEO's client reconnects in the background with its own backoff:
            # like a browser honouring Retry-After, try again until it has
            # (CI saw one 503 right after the restart).
            echeance = time.monotonic() + 30
            while True:
                status, headers, page = navigateur.get("/connexion")
                if status == 200:
                    donnees = {"login": ADMIN[0], "password": ADMIN[1], "csrf_token": jeton(page)}
                    status, headers, text = navigateur.requete("POST", "/connexion", donnees)
                if status != 503 or time.monotonic() > echeance:
                    break
                time.sleep(int(headers.get("Retry-After", "1")))
            assert status == 302, (status, text[-500:])
            assert application.processus.poll() is None
        finally:
            application.arreter()
