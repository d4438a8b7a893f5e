"""The operations kit of etc/ checked with the tools that will read it:
every systemd unit by ``systemd-analyze verify``, every command a unit
starts exists (a console script of setup.py, a program of the virtualenv, a
module, a file of the repository), the nginx site by ``nginx -t`` with a
self-signed certificate made here, and logrotate's file by ``logrotate
-d``.  A tool that is not installed skips its test and says which."""

import configparser
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portail_famille.skin import empreinte_statique, tweens

from ..site_nginx import configuration_nginx, nginx
from ..unites import commandes, scripts_console

RACINE = Path(__file__).parents[2]
ETC = RACINE / "etc"
UNITES = sorted((ETC / "systemd").glob("*.service"))
TOUTES = sorted((ETC / "systemd").glob("portail-famille*"))
INSTALLATION = "/srv/portail"
VENV = INSTALLATION + "/.venv"


def probleme(argv):
    """What is wrong with the command ``argv`` (None: it exists)."""
    programme = argv[0]
    if programme == "/usr/bin/flock":
        # flock <lock file> <command...>
        if not Path(programme).exists() and not shutil.which("flock"):
            return "flock (util-linux) is missing"
        assert argv[1].startswith(INSTALLATION + "/var/"), argv
        return probleme(argv[2:])
    for argument in argv[1:]:
        if argument.startswith(INSTALLATION + "/") and not argument.startswith(VENV):
            fichier = RACINE / argument[len(INSTALLATION) + 1 :]
            if not fichier.exists():
                return "%s: no %s in the repository" % (" ".join(argv), fichier)
    if not programme.startswith(VENV + "/bin/"):
        return None if Path(programme).exists() else "%s does not exist" % programme
    nom = programme[len(VENV + "/bin/") :]
    if nom.startswith("portail-famille-"):
        if nom in scripts_console():
            return None
        return "%s is not a console script of setup.py" % nom
    if nom == "python" and argv[1:2] == ["-m"]:
        module = argv[2]
        return None if importlib.util.find_spec(module) else "no module %s" % module
    # runzeo, pserve: programs of the virtualenv's dependencies
    return (
        None if (Path(sys.executable).parent / nom).exists() else "%s not in the virtualenv" % nom
    )


@pytest.mark.parametrize("unite", UNITES, ids=lambda p: p.name)
def test_every_command_a_unit_starts_exists(unite):
    lignes = commandes(unite)
    assert lignes, "%s starts nothing" % unite.name
    for argv in lignes:
        trouve = probleme(argv)
        assert trouve is None, trouve


def test_every_timer_starts_a_service_of_etc():
    timers = sorted((ETC / "systemd").glob("*.timer"))
    assert {t.stem for t in timers} == {
        "portail-famille-sauvegarde",
        "portail-famille-sauvegarde-complete",
        "portail-famille-retention",
        "portail-famille-relances",
        "portail-famille-rappels",
        "portail-famille-exercice-restauration",
    }
    for timer in timers:
        assert (ETC / "systemd" / (timer.stem + ".service")).exists()
        assert "OnCalendar=" in timer.read_text()


def test_every_service_is_hardened_and_writes_only_var():
    for unite in UNITES:
        texte = unite.read_text()
        for ligne in (
            "User=portail",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "ReadWritePaths=%s/var" % INSTALLATION,
        ):
            assert "\n%s\n" % ligne in texte, (unite.name, ligne)


def _venv_de_test(tmp_path):
    """A copy of the virtualenv's bin/ for systemd-analyze: the real
    programs linked, the console scripts this checkout declares but the
    shared virtualenv has not installed made as small executables (that they
    exist in setup.py is the test above's)."""
    binaire = tmp_path / "venv" / "bin"
    binaire.mkdir(parents=True)
    for unite in UNITES:
        for argv in commandes(unite):
            if argv[0] == "/usr/bin/flock":
                argv = argv[2:]
            if not argv[0].startswith(VENV + "/bin/"):
                continue
            nom = argv[0][len(VENV + "/bin/") :]
            reel = Path(sys.executable).parent / nom
            cible = binaire / nom
            if cible.exists():
                continue
            if reel.exists():
                cible.symlink_to(reel)
            else:
                cible.write_text("#!/bin/sh\nexit 0\n")
                cible.chmod(0o755)
    return binaire.parent


def test_systemd_analyze_verifies_every_unit(tmp_path):
    analyse = shutil.which("systemd-analyze")
    if analyse is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    venv = _venv_de_test(tmp_path)
    copies = tmp_path / "unites"
    copies.mkdir()
    for unite in TOUTES:
        texte = unite.read_text().replace(VENV, str(venv)).replace(INSTALLATION, str(RACINE))
        (copies / unite.name).write_text(texte)
    # the template is verified through an instance
    (copies / "portail-famille@.service").rename(copies / "portail-famille@6543.service")
    fait = subprocess.run(  # noqa: S603
        [analyse, "verify", "--man=no", *sorted(str(p) for p in copies.iterdir())],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    # Nothing said about our units (systemd-analyze also speaks of the
    # machine's own units, e.g. a missing default target in a container).
    sur_nos_unites = [ligne for ligne in fait.stderr.splitlines() if "portail-famille" in ligne]
    assert sur_nos_unites == [], fait.stderr
    assert fait.returncode == 0, fait.stderr


def test_the_nginx_body_limit_is_the_portal_upload_limit():
    site = (ETC / "nginx" / "portail-famille.conf").read_text()
    taille = re.search(r"client_max_body_size (\d+)m;", site)
    assert taille, "no client_max_body_size in the site"
    production = configparser.ConfigParser(interpolation=None)
    production.read(RACINE / "production.ini")
    limite = int(production["app:main"].get("portail.max_upload", tweens.DEFAULT_MAX_UPLOAD))
    assert int(taille.group(1)) * 1024 * 1024 == limite
    # waitress takes at least that much
    assert int(production["server:main"]["max_request_body_size"]) >= limite


def test_nginx_sets_the_headers_waitress_trusts_and_no_other():
    site = (ETC / "nginx" / "portail-famille.conf").read_text()
    production = configparser.ConfigParser(interpolation=None)
    production.read(RACINE / "production.ini")
    serveur = production["server:main"]
    assert serveur["trusted_proxy"] == "127.0.0.1"
    confiance = set(serveur["trusted_proxy_headers"].split())
    poses = dict(re.findall(r"proxy_set_header (\S+) (.+);", site))
    transmis = {nom.lower() for nom, valeur in poses.items() if valeur != '""'}
    assert transmis == {"host", *confiance}
    assert poses["X-Forwarded-For"] == "$remote_addr"  # never what the client sent
    assert poses["X-Forwarded-Proto"] == "$scheme"
    assert poses["Host"] == "$host"
    # a client's other forwarding headers are dropped
    for nom in ("X-Forwarded-Host", "X-Forwarded-Port", "Forwarded"):
        assert poses[nom] == '""'


def test_nginx_accepts_the_site(tmp_path):
    programme = nginx()
    conf = configuration_nginx(tmp_path, [6543, 6544], 8443, 8080)
    fait = subprocess.run(  # noqa: S603
        [programme, "-t", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert fait.returncode == 0, fait.stderr
    assert "test is successful" in fait.stderr


def test_logrotate_reads_its_file(tmp_path):
    programme = shutil.which("logrotate") or (
        "/usr/sbin/logrotate" if Path("/usr/sbin/logrotate").exists() else None
    )
    if programme is None:
        pytest.skip("logrotate is not installed (Debian package logrotate)")
    texte = (ETC / "logrotate.d" / "portail-famille").read_text()
    journaux = tmp_path / "log"
    journaux.mkdir()
    (journaux / "web-6543.log").write_text("une ligne\n")
    conf = tmp_path / "portail-famille"
    conf.write_text(texte.replace("/var/log/portail/", str(journaux) + "/"))
    fait = subprocess.run(  # noqa: S603
        [programme, "-d", "-s", str(tmp_path / "etat"), str(conf)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert fait.returncode == 0, fait.stderr
    sortie = fait.stdout + fait.stderr
    assert "error" not in sortie.lower(), sortie
    assert "web-6543.log" in sortie


def test_the_pages_give_static_urls_with_the_files_fingerprint(anonymous):
    """What lets nginx cache them a year (the site's map on ``$arg_v``)."""
    page = anonymous.get("/connexion")
    feuille = re.search(r'href="(/static-portail/portail\.css)\?v=([0-9a-f]{12})"', page.text)
    assert feuille, "no fingerprinted stylesheet in the page"
    assert feuille.group(2) == empreinte_statique()
    servie = anonymous.get(feuille.group(1) + "?v=" + feuille.group(2))
    assert (
        servie.body == (RACINE / "portail_famille" / "skin" / "static" / "portail.css").read_bytes()
    )
    site = (ETC / "nginx" / "portail-famille.conf").read_text()
    assert "map $arg_v $portail_famille_expiration {" in site
    assert "expires $portail_famille_expiration;" in site
