"""The units' commands run as systemd would run them, where systemd does
not run (a container, CI): each unit's ExecStart= and WorkingDirectory=
read from etc/systemd, /srv/portail being a directory of the test (its
production.ini, etc/zeo.conf, a var/ holding the previous release's
database), the environment of /etc/portail-famille/environnement.  The ZEO
server of its unit; the database upgraded by portail-famille-init; one
process of the template on its port; then every timer's job in turn (full
backup, incremental backup, retention, unpaid reminders, the families'
reminders, the restore drill), each exiting 0; the worker stopped by
SIGTERM as systemd stops it."""

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .. import version_precedente
from ..smtp import ServeurSmtp
from ..unites import INSTALLATION, RACINE, SYSTEMD, VENV, commandes, reglages, scripts_console
from .lanceur import BIN, attendre_port, port_libre, terminer

pytestmark = pytest.mark.lent

HOTE = "portail.test"


def installation(tmp_path, port_zeo, port_smtp):
    """/srv/portail for the test: production.ini (its mail server the
    test's), etc/zeo.conf (on a free port), var/ with the database."""
    racine = tmp_path / "srv"
    (racine / "etc").mkdir(parents=True)
    production = (RACINE / "production.ini").read_text()
    production = production.replace("mail.host = localhost\n", "mail.host = 127.0.0.1\n")
    production = production.replace("mail.port = 25\n", "mail.port = %d\n" % port_smtp)
    (racine / "production.ini").write_text(production)
    zeo = (RACINE / "etc" / "zeo.conf").read_text()
    assert "address 127.0.0.1:8100\n" in zeo
    (racine / "etc" / "zeo.conf").write_text(
        zeo.replace("127.0.0.1:8100", "127.0.0.1:%d" % port_zeo)
    )
    version_precedente.copie(racine / "var")
    return racine


def commande(unite, racine, instance=None):
    """The unit's ExecStart= as this machine runs it: the virtualenv's
    programs, or for a console script this checkout declares (the shared
    virtualenv may not have installed it yet) its function in this
    interpreter."""
    (argv,) = [c for c in commandes(SYSTEMD / unite)]
    argv = [a.replace("%i", str(instance)) if instance else a for a in argv]
    prefixe = []
    if argv[0] == "/usr/bin/flock":
        prefixe, argv = [shutil.which("flock"), argv[1]], argv[2:]
    programme = argv[0]
    reste = argv[1:]
    if programme.startswith(VENV + "/bin/"):
        nom = programme[len(VENV + "/bin/") :]
        scripts = scripts_console()
        if nom.startswith("portail-famille-"):
            assert nom in scripts, "%s: not a console script of setup.py" % nom
            module, fonction = scripts[nom].split(":")
            programme = sys.executable
            reste = [
                "-c",
                "import sys; from %s import %s as f; sys.exit(f(sys.argv))" % (module, fonction),
                *reste,
            ]
        elif nom == "python":
            programme = sys.executable
        else:
            programme = str(BIN / nom)
    argv = prefixe + [programme, *reste]
    return [a.replace(INSTALLATION, str(racine)) for a in argv]


def environnement(port_zeo):
    """/etc/portail-famille/environnement, and this checkout first on the path."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "PORTAIL_FAMILLE_SECRET": "u" * 64,
        "PORTAIL_FAMILLE_ZODB_URI": "zeo://127.0.0.1:%d?wait_timeout=2" % port_zeo,
        "PORTAIL_FAMILLE_URL": "https://%s" % HOTE,
    }


def repertoire(unite, racine):
    (dossier,) = reglages(SYSTEMD / unite)["WorkingDirectory"]
    return dossier.replace(INSTALLATION, str(racine))


def lancer(unite, racine, env, instance=None):
    argv = commande(unite, racine, instance)
    return subprocess.run(  # noqa: S603 (the unit's own command)
        argv,
        cwd=repertoire(unite, racine),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_unit_command_runs_as_systemd_would(tmp_path):
    port_zeo = port_libre()
    smtp = ServeurSmtp()
    racine = installation(tmp_path, port_zeo, smtp.port)
    env = environnement(port_zeo)
    demarres = []
    try:
        zeo = subprocess.Popen(  # noqa: S603
            commande("portail-famille-zeo.service", racine),
            cwd=repertoire("portail-famille-zeo.service", racine),
            stdout=open(tmp_path / "zeo.log", "ab"),  # noqa: SIM115 (closed with the process)
            stderr=subprocess.STDOUT,
        )
        demarres.append(zeo)
        attendre_port(port_zeo, 60, zeo)

        init = subprocess.run(  # noqa: S603
            [str(BIN / "portail-famille-init"), str(racine / "production.ini")],
            cwd=racine,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert init.returncode == 0, init.stderr
        assert init.stdout.splitlines()[-1].startswith("Database ready")

        # make deploy-check: the configuration as the services get it
        scripts = scripts_console()
        module, fonction = scripts["portail-famille-verifier"].split(":")
        verification = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-c",
                "import sys; from %s import %s as f; sys.exit(f(sys.argv))" % (module, fonction),
                str(racine / "production.ini"),
            ],
            cwd=racine,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert verification.returncode == 0, verification.stdout
        assert "Configuration prête pour la production." in verification.stdout
        assert "Serveur de courriel 127.0.0.1:%d joignable." % smtp.port in verification.stdout

        # One process of the template, on its port
        port = port_libre()
        web = subprocess.Popen(  # noqa: S603
            commande("portail-famille@.service", racine, instance=port),
            cwd=repertoire("portail-famille@.service", racine),
            env=env,
            stdout=open(tmp_path / "web.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        demarres.append(web)
        attendre_port(port, 120, web)
        adresse = "http://127.0.0.1:%d/connexion" % port
        requete = urllib.request.Request(adresse, headers={"Host": HOTE})  # noqa: S310
        with urllib.request.urlopen(requete, timeout=60) as reponse:  # noqa: S310
            assert reponse.status == 200
        assert (racine / "var" / ("blobcache-%d" % port)).is_dir()  # its own blob cache

        # The timers' jobs, in turn
        faits = {}
        for unite in (
            "portail-famille-sauvegarde-complete.service",
            "portail-famille-sauvegarde.service",
            "portail-famille-retention.service",
            "portail-famille-relances.service",
            "portail-famille-rappels.service",
            "portail-famille-exercice-restauration.service",
        ):
            fait = lancer(unite, racine, env)
            assert fait.returncode == 0, (unite, fait.stdout, fait.stderr)
            faits[unite] = fait.stdout
        assert list((racine / "var" / "backups" / "data").glob("*.fs"))
        assert (
            list((racine / "var" / "backups" / "data").glob("*.deltafs"))
            or "backup done" in (faits["portail-famille-sauvegarde.service"])
        )
        assert "Reminders of " in faits["portail-famille-relances.service"]
        etat = json.loads((racine / "var" / "exercice-restauration.json").read_text())
        assert etat["ok"] is True, etat
        assert etat["sauvegarde_comptes"] == etat["base_comptes"] == version_precedente.COMPTES
        assert (
            "Exercice de restauration réussi."
            in faits["portail-famille-exercice-restauration.service"]
        )

        # The worker: started, then stopped by SIGTERM as systemd stops it
        argv = commande("portail-famille-travaux.service", racine)
        travaux = subprocess.Popen(  # noqa: S603
            argv,
            cwd=repertoire("portail-famille-travaux.service", racine),
            env=env,
            stdout=open(tmp_path / "travaux.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        demarres.append(travaux)
        try:
            travaux.wait(10)
        except subprocess.TimeoutExpired:
            pass  # still running: good
        assert travaux.returncode is None, Path(tmp_path / "travaux.log").read_text()
        travaux.send_signal(signal.SIGTERM)
        assert travaux.wait(60) == 0
    finally:
        for processus in reversed(demarres):
            terminer(processus)
        smtp.fermer()
