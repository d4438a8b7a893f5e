"""A new, empty database and several processes starting at the same moment
(issue 7): they do not crash each other.  On ZEO, two application
processes started together with no initialisation; on PostgreSQL, two
``portail-famille-init`` at once (the documented way), then two processes
together.  Each answers, the administrator logs in on each, nothing is
logged as an unexpected error."""

import subprocess

from portail_famille.grappe import (
    BIN,
    TEST_SETTINGS,
    Application,
    Postgres,
    Zeo,
    demarrer,
    ecrire_ini,
)

from .outils import Navigateur, ensemble
from .scenarios import RELSTORAGE, ZEO

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
