"""A small cluster on one machine: a ZEO server, a PostgreSQL cluster, and
application processes on them.  For the tests of several processes and for
the bench (test tooling: not part of the installed package); every server
listens on 127.0.0.1 only, on a free port.

    from tests.grappe.lanceur import Application, Postgres, Zeo, demarrer, initialiser

    zeo = Zeo(dossier).demarrer()        # runzeo: FileStorage + blobs in dossier
    zeo.port                              # its port (kept by redemarrer)
    uri = zeo.uri(cache, **params)        # zeo://127.0.0.1:port?blob_dir=cache&...
    zeo.arreter(); zeo.redemarrer()       # stop; start again on the same port

    pg = Postgres(dossier).demarrer()    # initdb + pg_ctl + createdb (as postgres)
    uri = pg.uri(cache, **params)         # postgres://...?keep_history=true&blob_dir=cache
    pg.arreter(); pg.redemarrer(); pg.effacer()   # effacer: stop and remove its files

    initialiser(uri, dossier, **settings) # the database's root, by one process
    app = Application(uri, dossier, port=None, **settings).demarrer()
    app.url                               # http://127.0.0.1:port
    app.journal()                         # its output (portail_famille logs at INFO)
    app.arreter()
    apps = demarrer(Application(...), Application(...))   # started at once

- ``cache`` is the directory of ONE client's blob cache: give each
  application process its own (``shared_blob_dir=false``).
- ``params`` are added to the URI's query, e.g. ``connection_cache_size=5000``
  (objects per connection), ``connection_cache_size_bytes="200MB"``,
  ``connection_pool_size=8``, ``cache_size="100MB"`` (ZEO client cache),
  ``wait_timeout=2`` (ZEO: seconds a request waits for a lost server),
  ``cache_local_mb=50`` (RelStorage).
- ``settings`` are the application's .ini settings (``portail.demo="true"``,
  ...), written over ``TEST_SETTINGS``; ``Application(..., threads=4)`` sets
  waitress' threads.  Each application is ``pserve`` on a generated .ini,
  a separate OS process; its output goes to ``dossier/<name>.log``.
- ``initialiser`` runs ``portail-famille-init`` (a separate process) on a
  generated .ini: start it once before the applications on a new database.
- ``Postgres`` runs as root (``runuser -u postgres``: PostgreSQL refuses
  root) with Debian's ``postgresql`` binaries; its data lives in a new
  directory of the system's temp directory (the user ``postgres`` must
  reach it), removed by ``effacer()`` (and on leaving ``with``).
- Every class is also a context manager (``with Zeo(d) as zeo:`` starts and
  stops it).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def _pg_bin():
    """Debian's PostgreSQL binaries (initdb, pg_ctl), its newest version."""
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()),
        key=lambda p: int(p.parent.name),
    )
    return versions[-1] if versions else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
HOTE = "127.0.0.1"

# What an application of the tests and the bench needs besides its URI.
TEST_SETTINGS = {
    "tm.annotate_user": "false",
    "substanced.secret": "grappe-secret-not-for-production",
    "substanced.initial_login": "admin",
    "substanced.initial_password": "Mairie2015pf",
    "substanced.initial_email": "admin@example.org",
    "substanced.autosync_catalogs": "true",
    "substanced.statsd.enabled": "false",
    "pyramid.includes": "pyramid_tm",
    "pyramid.reload_templates": "false",
    "portail.site_commune": "https://www.mairie-biviers.fr",
    # Production checks the Host: the processes are reached on 127.0.0.1.
    "portail.url": "http://127.0.0.1",
    "portail.demo": "false",
}


def port_libre():
    """A free TCP port of 127.0.0.1."""
    with socket.socket() as s:
        s.bind((HOTE, 0))
        return s.getsockname()[1]


def attendre_port(port, delai=60, processus=None):
    """Wait until something accepts connections on ``port``."""
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if processus is not None and processus.poll() is not None:
            raise RuntimeError("process ended (%s) before listening" % processus.returncode)
        try:
            with socket.create_connection((HOTE, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("nothing listens on %s:%s after %ss" % (HOTE, port, delai))


def requete(params):
    return urllib.parse.urlencode({k: str(v) for k, v in params.items()})


class _Serveur:
    def __enter__(self):
        return self.demarrer()

    def __exit__(self, *exc):
        self.arreter()


class Zeo(_Serveur):
    """A ZEO server (runzeo) on a FileStorage with blobs in ``dossier``."""

    def __init__(self, dossier, port=None):
        self.dossier = Path(dossier)
        self.port = port
        self.processus = None

    def demarrer(self):
        self.dossier.mkdir(parents=True, exist_ok=True)
        self.port = self.port or port_libre()
        conf = self.dossier / "zeo.conf"
        conf.write_text(
            "<zeo>\n  address %s:%s\n</zeo>\n"
            "<filestorage>\n  path %s\n  blob-dir %s\n</filestorage>\n"
            % (HOTE, self.port, self.dossier / "Data.fs", self.dossier / "blobs")
        )
        with open(self.dossier / "zeo.log", "ab") as log:
            self.processus = subprocess.Popen(  # noqa: S603 (our own commands)
                [str(BIN / "runzeo"), "-C", str(conf)], stdout=log, stderr=subprocess.STDOUT
            )
        attendre_port(self.port, processus=self.processus)
        return self

    def uri(self, cache, **params):
        query = {"blob_dir": cache, "shared_blob_dir": "false"}
        query.update(params)
        return "zeo://%s:%s?%s" % (HOTE, self.port, requete(query))

    def arreter(self):
        if self.processus is not None:
            terminer(self.processus)
            self.processus = None

    def redemarrer(self):
        self.arreter()
        return self.demarrer()


class Postgres(_Serveur):
    """A PostgreSQL cluster run by the user ``postgres`` (it refuses root),
    trusting 127.0.0.1, with one database ``base``.  Its files live in a new
    directory of the system's temp directory (``postgres`` must reach them);
    ``dossier`` keeps its log."""

    def __init__(self, dossier, base="portail", port=None):
        self.dossier = Path(dossier)
        self.base = base
        self.port = port
        self.donnees = None

    def _postgres(self, *commande, **kw):
        return subprocess.run(  # noqa: S603 (our own commands)
            ["/usr/sbin/runuser", "-u", "postgres", "--", *map(str, commande)],
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            **kw,
        )

    def demarrer(self):
        self.dossier.mkdir(parents=True, exist_ok=True)
        self.port = self.port or port_libre()
        nouveau = self.donnees is None
        if nouveau:
            self.donnees = Path(tempfile.mkdtemp(prefix="grappe-pg-"))
            shutil.chown(self.donnees, "postgres", "postgres")
            self._postgres(
                PG_BIN / "initdb", "-D", self.donnees / "data", "-A", "trust", "-U", "postgres"
            )
        options = "-c listen_addresses=%s -p %s -k %s -c fsync=off -c full_page_writes=off" % (
            HOTE,
            self.port,
            self.donnees,
        )
        self._postgres(
            PG_BIN / "pg_ctl",
            "-D",
            self.donnees / "data",
            "-l",
            self.donnees / "postgres.log",
            "-o",
            options,
            "-w",
            "start",
        )
        if nouveau:
            self._postgres(PG_BIN / "createdb", "-h", HOTE, "-p", self.port, self.base)
        return self

    def uri(self, cache, **params):
        query = {"keep_history": "true", "blob_dir": cache, "shared_blob_dir": "false"}
        query.update(params)
        return "postgres://postgres@%s:%s/%s?%s" % (HOTE, self.port, self.base, requete(query))

    def arreter(self):
        if self.donnees is not None and (self.donnees / "data" / "postmaster.pid").exists():
            self._postgres(
                PG_BIN / "pg_ctl", "-D", self.donnees / "data", "-m", "fast", "-w", "stop"
            )

    def redemarrer(self):
        self.arreter()
        return self.demarrer()

    def effacer(self):
        self.arreter()
        if self.donnees is not None:
            log = self.donnees / "postgres.log"
            if log.exists():
                shutil.copy(log, self.dossier / "postgres.log")
            shutil.rmtree(self.donnees, ignore_errors=True)
            self.donnees = None

    def __exit__(self, *exc):
        self.effacer()


def ecrire_ini(chemin, uri, port=None, threads=4, **settings):
    """An .ini of the application: TEST_SETTINGS, ``settings``, the URI,
    and waitress on 127.0.0.1:port."""
    reglages = dict(TEST_SETTINGS, **settings)
    reglages["zodbconn.uri"] = uri
    lignes = ["[app:main]", "use = egg:portail_famille"]
    lignes += ["%s = %s" % (k, str(v).replace("%", "%%")) for k, v in reglages.items()]
    lignes += [
        "",
        "[server:main]",
        "use = egg:waitress#main",
        "listen = %s:%s" % (HOTE, port or port_libre()),
        "threads = %s" % threads,
        "",
        "[loggers]\nkeys = root, portail_famille\n\n[handlers]\nkeys = console",
        "\n[formatters]\nkeys = generic",
        "",
        "[logger_root]\nlevel = WARN\nhandlers = console",
        "",
        "[logger_portail_famille]\nlevel = INFO\nhandlers =\nqualname = portail_famille",
        "",
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET",
        "formatter = generic",
        "",
        "[formatter_generic]\nformat = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s",
        "",
    ]
    Path(chemin).write_text("\n".join(lignes))
    return Path(chemin)


def _environnement():
    # The settings are ours: none taken from the environment.
    env = dict(os.environ)
    for variable in ("PORTAIL_FAMILLE_ZODB_URI", "PORTAIL_FAMILLE_SECRET"):
        env.pop(variable, None)
    return env


def initialiser(uri, dossier, **settings):
    """Create the database's root with one process (portail-famille-init)."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    ini = ecrire_ini(dossier / "init.ini", uri, **settings)
    with open(dossier / "init.log", "ab") as log:
        subprocess.run(  # noqa: S603 (our own commands)
            [str(BIN / "portail-famille-init"), str(ini)],
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_environnement(),
            timeout=300,
        )


class Application(_Serveur):
    """One application process: ``pserve`` on a generated .ini."""

    compteur = 0

    def __init__(self, uri, dossier, port=None, threads=4, nom=None, **settings):
        Application.compteur += 1
        self.uri = uri
        self.dossier = Path(dossier)
        self.port = port
        self.threads = threads
        self.nom = nom or "app%s" % Application.compteur
        self.settings = settings
        self.processus = None

    @property
    def url(self):
        return "http://%s:%s" % (HOTE, self.port)

    def demarrer(self, delai=120):
        self.lancer()
        return self.attendre(delai)

    def lancer(self):
        """Start the process without waiting for it (see ``attendre``)."""
        self.dossier.mkdir(parents=True, exist_ok=True)
        self.port = self.port or port_libre()
        ini = ecrire_ini(
            self.dossier / ("%s.ini" % self.nom),
            self.uri,
            self.port,
            self.threads,
            **self.settings,
        )
        with open(self.dossier / ("%s.log" % self.nom), "ab") as log:
            self.processus = subprocess.Popen(  # noqa: S603 (our own commands)
                [str(BIN / "pserve"), str(ini)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_environnement(),
            )
        return self

    def attendre(self, delai=120):
        """Wait until the process started by ``lancer`` answers."""
        attendre_port(self.port, delai, self.processus)
        self.attendre_reponse(delai)
        return self

    def attendre_reponse(self, delai=60):
        """Wait until the application answers a request (any HTTP status)."""
        fin = time.monotonic() + delai
        while True:
            try:
                urllib.request.urlopen(self.url + "/connexion", timeout=30).close()  # noqa: S310
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                if time.monotonic() > fin:
                    raise
                time.sleep(0.1)

    def journal(self):
        """What the process wrote (its log: portail_famille at INFO)."""
        chemin = self.dossier / ("%s.log" % self.nom)
        return chemin.read_text(errors="replace") if chemin.exists() else ""

    def arreter(self):
        if self.processus is not None:
            terminer(self.processus)
            self.processus = None


def demarrer(*applications):
    """Start applications at once (in parallel), return them when all answer."""
    for application in applications:
        application.lancer()
    return [application.attendre() for application in applications]


def terminer(processus, delai=15):
    if processus.poll() is None:
        processus.send_signal(signal.SIGTERM)
        try:
            processus.wait(delai)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
