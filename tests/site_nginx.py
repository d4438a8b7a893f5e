"""The shipped nginx site (etc/nginx/portail-famille.conf) with this
machine's paths, for the tests that check it (``nginx -t``) or run it in
front of application processes: a self-signed certificate, a main
configuration of its own (pid, logs and temporary files in one
directory), the upstream's processes and ports given."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

RACINE = Path(__file__).parents[1]
SITE = RACINE / "etc" / "nginx" / "portail-famille.conf"
INSTALLATION = "/srv/portail"
# The access log says which process answered (the shipped site logs in
# nginx's "combined" format).
FORMAT_AMONT = "log_format amont '$upstream_addr $status $request_uri';"


def certificat(dossier):
    """A self-signed certificate and its key in ``dossier`` (openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    cert, cle = dossier / "cert.pem", dossier / "key.pem"
    subprocess.run(  # noqa: S603
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=portail.test", "-keyout", str(cle), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, cle


def configuration_nginx(dossier, ports_application, port_https, port_http):
    """The shipped site with this machine's paths, in a main configuration
    of its own (pid, logs and temporary files in ``dossier``)."""
    cert, cle = certificat(dossier)
    site = SITE.read_text()
    amont = "".join("    server 127.0.0.1:%d;\n" % port for port in ports_application)
    site = re.sub(r"(upstream portail_famille \{\n)(    server [^\n]+\n)+", r"\g<1>" + amont, site)
    remplacements = {
        "listen 80;": "listen 127.0.0.1:%d;" % port_http,
        "listen [::]:80;": "",
        "listen 443 ssl http2;": "listen %d ssl http2;" % port_https,
        "listen [::]:443 ssl http2;": "",
        "portail.mairie.example": "portail.test",
        "/etc/ssl/portail-famille/fullchain.pem": str(cert),
        "/etc/ssl/portail-famille/privkey.pem": str(cle),
        "/var/log/nginx/": str(dossier) + "/",
        INSTALLATION + "/portail_famille/": str(RACINE / "portail_famille") + "/",
    }
    for ancien, nouveau in remplacements.items():
        assert ancien in site, ancien
        site = site.replace(ancien, nouveau)
    site = site.replace("portail-famille.access.log;", "portail-famille.access.log amont;")
    (dossier / "portail-famille.conf").write_text(site)
    principal = dossier / "nginx.conf"
    utilisateur = "user root;\n" if os.geteuid() == 0 else ""
    principal.write_text(
        # the test's files are its user's (nginx's workers read them)
        "%(utilisateur)sworker_processes 1;\n"
        "pid %(d)s/nginx.pid;\n"
        "error_log %(d)s/error.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "  include /etc/nginx/mime.types;\n"
        "  client_body_temp_path %(d)s/body;\n"
        "  proxy_temp_path %(d)s/proxy;\n"
        "  access_log %(d)s/access.log;\n"
        "  %(amont)s\n"
        "  include %(d)s/portail-famille.conf;\n"
        "}\n" % {"d": dossier, "utilisateur": utilisateur, "amont": FORMAT_AMONT}
    )
    return principal


def nginx():
    programme = shutil.which("nginx") or (
        Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").exists() else None
    )
    if programme is None:
        pytest.skip(
            "nginx is not installed (Debian package nginx or nginx-light; make test installs it)"
        )
    return str(programme)
