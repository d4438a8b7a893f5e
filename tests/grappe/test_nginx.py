"""What the units start, as they start it, behind the shipped nginx site:
a ZEO server, the database initialised by ``portail-famille-init``, two
processes of production.ini itself (``pserve production.ini
http_port=<port>``, their secrets in the environment as
/etc/portail-famille/environnement gives them), and nginx with the site of
etc/ and a self-signed certificate.  Through nginx, in HTTP/2: both
processes answer, the portal knows it is in HTTPS (X-Forwarded-Proto
trusted: its redirections and Secure cookies), an administrator logs in,
static files come from nginx itself (cached a week, still served when every
process is down), a body over the upload limit is refused, HTTP goes to
HTTPS, and the health and metrics paths answer 127.0.0.1 only."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..site_nginx import RACINE, configuration_nginx, nginx
from .lanceur import BIN, Zeo, attendre_port, port_libre, terminer

pytestmark = pytest.mark.lent

HOTE = "portail.test"
MOT_DE_PASSE = "Mairie-Biviers-2026"


def environnement(uri):
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "PORTAIL_FAMILLE_SECRET": "n" * 64,
        "PORTAIL_FAMILLE_ADMIN_PASSWORD": MOT_DE_PASSE,
        "PORTAIL_FAMILLE_ZODB_URI": uri,
        "PORTAIL_FAMILLE_URL": "https://%s" % HOTE,
    }


class Curl:
    """curl through nginx, at https://portail.test:<port> (resolved to
    127.0.0.1, the self-signed certificate accepted), with a cookie jar."""

    def __init__(self, port, dossier):
        self.port = port
        self.cookies = dossier / "cookies.txt"
        self.programme = shutil.which("curl")

    def __call__(self, chemin, *options, interface=None, schema="https", port=None):
        port = port or self.port
        commande = [
            self.programme,
            "-sk",
            "--http2",
            "-D",
            "-",
            "--resolve",
            "%s:%d:127.0.0.1" % (HOTE, port),
            "-c",
            str(self.cookies),
            "-b",
            str(self.cookies),
            *options,
        ]
        if interface:
            commande += ["--interface", interface]
        commande.append("%s://%s:%d%s" % (schema, HOTE, port, chemin))
        fait = subprocess.run(commande, capture_output=True, check=True, timeout=60)  # noqa: S603
        sortie = fait.stdout.decode("utf-8", "replace")
        entete, _, corps = sortie.partition("\r\n\r\n")
        statut = entete.split("\r\n")[0].strip()
        entetes = {}
        for ligne in entete.split("\r\n")[1:]:
            nom, _, valeur = ligne.partition(":")
            entetes[nom.strip().lower()] = valeur.strip()
        return statut, entetes, corps


def test_two_processes_on_zeo_behind_the_shipped_nginx_site(tmp_path):
    programme = nginx()
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed (it speaks HTTP/2 to nginx here)")
    processus = []
    zeo = Zeo(tmp_path / "zeo").demarrer()
    try:
        ini = tmp_path / "production.ini"
        shutil.copy(RACINE / "production.ini", ini)
        env = environnement("zeo://127.0.0.1:%d?wait_timeout=2" % zeo.port)
        init = subprocess.run(  # noqa: S603
            [str(BIN / "portail-famille-init"), str(ini)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert init.returncode == 0, init.stderr
        assert init.stdout.splitlines()[-1].startswith("Database ready")
        ports = [port_libre(), port_libre()]
        for port in ports:
            with open(tmp_path / ("web-%d.log" % port), "ab") as journal:
                processus.append(
                    subprocess.Popen(  # noqa: S603
                        [str(BIN / "pserve"), str(ini), "http_port=%d" % port],
                        env=env,
                        stdout=journal,
                        stderr=subprocess.STDOUT,
                    )
                )
        for port, process in zip(ports, processus, strict=True):
            attendre_port(port, 120, process)
        dossier = tmp_path / "nginx"
        dossier.mkdir()
        https, http = port_libre(), port_libre()
        conf = configuration_nginx(dossier, ports, https, http)
        processus.append(
            subprocess.Popen(  # noqa: S603
                [programme, "-c", str(conf), "-p", str(dossier), "-e", str(dossier / "error.log")]
                + ["-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
            )
        )
        attendre_port(https, 30, processus[-1])
        curl = Curl(https, tmp_path)

        # HTTP/2 and TLS; the portal's own page, in French
        statut, entetes, corps = curl("/connexion")
        assert statut == "HTTP/2 200", (statut, corps[:500])
        assert 'lang="fr"' in corps
        feuille = re.search(r'href="(/static-portail/portail\.css\?v=[0-9a-f]{12})"', corps).group(
            1
        )
        assert "content-security-policy" in entetes  # the portal's answer
        assert "strict-transport-security" in entetes

        # Both processes answer (round robin), told by nginx's log
        for _ in range(6):
            assert curl("/connexion")[0] == "HTTP/2 200"
        journal = (dossier / "portail-famille.access.log").read_text()
        amonts = {ligne.split()[0] for ligne in journal.splitlines() if "/connexion" in ligne}
        assert amonts == {"127.0.0.1:%d" % port for port in ports}, journal

        # An administrator logs in (Secure cookies over HTTPS, CSRF), her
        # requests spread over both processes (no affinity)
        _, _, page = curl("/connexion")
        jeton = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        statut, entetes, reponse = curl(
            "/connexion",
            "--data-urlencode",
            "login=admin",
            "--data-urlencode",
            "password=%s" % MOT_DE_PASSE,
            "--data-urlencode",
            "csrf_token=%s" % jeton,
            # (what a browser sends on 443: nginx passes the Host without
            # the test's port, and an HTTPS form's origin is checked)
            "-H",
            "Origin: https://%s" % HOTE,
            "-H",
            "Referer: https://%s/connexion" % HOTE,
        )
        assert statut.startswith("HTTP/2 30"), (statut, reponse[:2000])
        # X-Forwarded-Proto trusted: the portal knows it is in HTTPS
        assert entetes["location"].startswith("https://%s/" % HOTE), entetes
        assert "secure" in entetes["set-cookie"].lower()
        statut, entetes, _ = curl("/manage/")  # logged in: the staff's dashboard
        assert entetes["location"] == "https://%s/manage/@@tableau" % HOTE, (statut, entetes)
        statut, _, corps = curl("/manage/@@tableau")
        assert statut == "HTTP/2 200", statut
        assert "admin" in corps

        # A body over the upload limit never reaches a process
        gros = tmp_path / "gros.bin"
        gros.write_bytes(b"x" * (6 * 1024 * 1024 + 1))
        statut, entetes, corps = curl(
            "/connexion",
            "-H",
            "Content-Type: application/octet-stream",
            "--data-binary",
            "@%s" % gros,
        )
        assert statut == "HTTP/2 413", statut
        assert entetes["content-type"] == "text/html; charset=utf-8"  # nginx's own
        assert "<h1>Envoi trop volumineux</h1>" in corps and 'lang="fr"' in corps
        derniere = (dossier / "portail-famille.access.log").read_text().splitlines()[-1]
        assert derniere == "- 413 /connexion"  # no process was asked

        # HTTP goes to HTTPS
        statut, entetes, _ = curl("/connexion", schema="http", port=http)
        assert statut == "HTTP/1.1 301 Moved Permanently", statut
        assert entetes["location"] == "https://%s/connexion" % HOTE

        # Health and metrics: proxied for 127.0.0.1, 403 for another address
        for chemin in ("/sante", "/metriques"):
            statut, entetes, _ = curl(chemin)
            assert statut != "HTTP/2 403", (chemin, statut)
            assert "content-security-policy" in entetes, (chemin, entetes)  # the portal answered
            statut, _, _ = curl(chemin, interface="127.0.0.2")
            assert statut == "HTTP/2 403", (chemin, statut)

        # Static files: nginx's own, cached a week, even with every process down
        statut, entetes, corps = curl("/static-portail/portail.css")
        assert statut == "HTTP/2 200"
        assert entetes["cache-control"] == "max-age=604800"
        assert "expires" in entetes
        assert entetes["x-content-type-options"] == "nosniff"
        assert corps == (RACINE / "portail_famille" / "skin" / "static" / "portail.css").read_text()
        # the URL the pages give carries the files' fingerprint: a year
        statut, entetes, _ = curl(feuille)
        assert statut == "HTTP/2 200"
        assert entetes["cache-control"] == "max-age=31536000"
        for process in processus[:2]:
            terminer(process)
        debut = time.monotonic()
        assert curl("/static-portail/portail.css")[0] == "HTTP/2 200"
        # no process answers: nginx's French 503 "try again"
        statut, entetes, corps = curl("/connexion")
        assert statut == "HTTP/2 503", statut
        assert entetes["retry-after"] == "30"
        assert "<h1>Service momentanément indisponible</h1>" in corps
        assert time.monotonic() - debut < 30
    finally:
        for process in reversed(processus):
            terminer(process)
        zeo.arreter()
    assert Path(tmp_path / "nginx" / "error.log").exists()
