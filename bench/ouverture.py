"""make bench (ouverture): the opening morning of the summer places, through
HTTP, on ZEO and on RelStorage/PostgreSQL.  A generated city (bench/ville.py:
10,000 families, 20,000 children, a school year of planning, invoices,
payments, messages), made once and kept in ``bench/out/villes/`` with the
PDFs of the invoices the journey downloads frozen, and its copy converted to
RelStorage (``zodbconvert``) kept beside it.  For each storage, ``--processus``
application processes (pserve, waitress) serve a copy of it; virtual parents
(locust, headless, in its own process: bench/ouverture_locust.py) arrive at a
steady rate, each logs in, opens the planning, reserves 3 days, opens the
statement, its invoices tab and one invoice PDF; the rate is stepped up
(``--cadences``) until a step is not held; then the foundation's trivial view
(bench/home.py) on as many processes on the same storage, at the highest rate
held, is the baseline of the same run.

    .venv/bin/python bench/ouverture.py [--familles 10000] [--stockages zeo,relstorage]
        [--processus 2] [--cadences 2,4,6,8,10,12,14] [--palier 20] [--max-en-cours 4]

A step is held when every parent is done, with no error, no 503 answer, and
every kind of request at a p95 under 1 s (``--p95-max``).  Per step: the
arrival rate, the parents done, p50/p95/p99 of every request of the journeys
(and the p95 of the slowest kind), of the whole journey, the errors and 503
answers, the server CPU (application processes, wkhtmltopdf children included,
plus ZEO or every PostgreSQL process, read from /proc) per journey, the load
average, and the PDFs rendered during the step (``pdf.servir`` logs each first
download that renders: it must stay 0).  ``bench/out/ouverture.json`` keeps
them.  Figures only: nothing asserts on them.  The machine's cores are
printed: the load generator shares them.
"""

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import home  # noqa: E402  (development.ini, the trivial view)

from tests.grappe import lanceur  # noqa: E402  (ZEO, PostgreSQL and pserve processes)

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out" / "ouverture.json"
VILLES = BENCH / "out" / "villes"
LOCUSTFILE = BENCH / "ouverture_locust.py"
PARAMS = {
    "zeo": {"connection_cache_size": 20000, "cache_size": "200MB"},
    "relstorage": {"connection_cache_size": 20000, "cache_local_mb": 100},
}
RENDU = "frozen at its first download"  # pdf.servir's log line: a render
ECHAUFFEMENT_CADENCE = 3.0
# The k-th parent of a run is family (k * PAS + shift) % families: parents
# spread over the whole town, as on a real morning (consecutive families
# would write next to each other in the objectmap's path trees, whose
# bucket splits then conflict with every reservation beside them); the
# warm-up's parents are shifted by PAS // 2 (families of their own).
PAS = 8
# waitress as behind production's reverse proxy (production.ini): the
# client's address from X-Forwarded-For, which locust sets to one address
# a parent (the login's throttle counts attempts per address: parents of
# one address would queue on it)
PROXY = ("trusted_proxy = 127.0.0.1", "trusted_proxy_headers = x-forwarded-for")
ETAPES = (
    "connexion (formulaire)",
    "connexion",
    "planning",
    "reserver",
    "releve",
    "releve (factures)",
    "facture_pdf",
    "trivial",
)


# -- the city, made once ----------------------------------------------------


def ville_en_cache(familles):
    """The directory of the cached city of ``familles`` families
    (bench/ville.py in a process of its own, the first time)."""
    final = VILLES / ("ville-%d" % familles)
    if (final / "info.json").exists():
        return final
    partiel = VILLES / (".gen-ville-%d" % familles)
    shutil.rmtree(partiel, ignore_errors=True)
    print("generating the city (%d families), kept in %s..." % (familles, final), flush=True)
    subprocess.run(
        [sys.executable, str(BENCH / "ville.py"), str(partiel), "--familles", str(familles)],
        check=True,
    )
    partiel.rename(final)
    return final


def famille(info, k, decalage=0):
    """The number of the family of the run's ``k``-th parent."""
    return str(info["numero0"] + (k * PAS + decalage) % info["familles"])


def lire_info(ville):
    return json.loads((ville / "info.json").read_text())


def ecrire_info(ville, info):
    chemin = ville / "info.json"
    provisoire = chemin.with_suffix(".tmp")
    provisoire.write_text(json.dumps(info, indent=1))
    provisoire.replace(chemin)


def application_fichier(directory):
    """The application of development.ini on the city's FileStorage (no
    HTTP), for the freezing."""
    from pyramid.paster import get_appsettings

    from portail_famille import main

    settings = dict(get_appsettings(str(home.INI)))
    var = str(home.ROOT / "var")
    for key in [k for k in settings if k.startswith("zodbconn.uri")]:
        settings[key] = settings[key].replace(var, str(directory))
    settings["portail.mail_directory"] = str(directory / "mail")
    return main({}, **settings)


def facture_du_parcours(famille, jour):
    """The document whose PDF the journey downloads: the first row of the
    statement's invoices tab of the current school year (views.releve_de_compte)."""
    from portail_famille.facturation import compte, views
    from portail_famille.facturation.resources import Avoir, Facture

    toutes = compte.operations(famille)
    _annees, (debut, fin) = views.annee_choisie(famille, jour, None, toutes)
    for operation in compte.releve(famille, debut, fin, toutes)["operations"]:
        if isinstance(operation, (Facture, Avoir)):
            return operation
    return None


def figer(directory, jusqua, lot=50):
    """(In a process of its own) the PDFs of the journey's invoices of the
    families [info's ``pdf_figes``, ``jusqua``) frozen as
    ``portail-famille-figer`` freezes them (``pdf.preparer``, ``pdf.figer``:
    wkhtmltopdf, several at a time, a transaction a batch); the count kept
    in info.json after each batch (stopped midway, it goes on from there)."""
    import warnings

    import transaction
    from pyramid.scripting import prepare

    from portail_famille import dates
    from portail_famille.facturation import originaux, pdf
    from portail_famille.util import close_databases

    warnings.simplefilter("ignore")
    directory = Path(directory)
    info = lire_info(directory)
    app = application_fichier(directory)
    env = prepare(registry=app.registry)
    root, request = env["root"], env["request"]
    jour = dates.today()
    t0, c0, rendus = time.perf_counter(), time.process_time(), 0
    try:
        debut = info.get("figes_parents", 0)
        for premier in range(debut, jusqua, lot):
            documents = []
            for k in range(premier, min(premier + lot, jusqua)):
                document = facture_du_parcours(root["familles"][famille(info, k)], jour)
                if document is not None and originaux.original(document) is None:
                    documents.append(document)
            prepares = pdf.preparer(request, documents)
            transaction.commit()
            rendus += pdf.figer(request, prepares, transaction.manager)
            info["figes_parents"] = min(premier + lot, jusqua)
            ecrire_info(directory, info)
            print(
                "  frozen: parents up to %d, %d PDFs rendered in %.0f s"
                % (info["figes_parents"], rendus, time.perf_counter() - t0),
                flush=True,
            )
    finally:
        transaction.abort()
        request._process_finished_callbacks()
        env["closer"]()
        try:
            close_databases(app.registry)
        except KeyError:  # as in bench/ville.py: a connection of another manager
            for db in app.registry._zodb_databases.values():
                db.storage.close()
    info.setdefault("figement", []).append(
        {
            "familles": [debut, jusqua],
            "rendus": rendus,
            "secondes": time.perf_counter() - t0,
            "cpu_processus_s": time.process_time() - c0,
        }
    )
    ecrire_info(directory, info)
    return 0


def assurer_figes(ville, jusqua):
    """The journey's PDFs of the first ``jusqua`` families frozen (a
    process of its own, ``--figer``), once: kept in the cached city."""
    info = lire_info(ville)
    if info.get("figes_parents", 0) >= jusqua:
        return
    print(
        "freezing the journey's invoice PDFs of parents %d to %d (wkhtmltopdf, once)..."
        % (info.get("figes_parents", 0), jusqua),
        flush=True,
    )
    subprocess.run(
        [sys.executable, __file__, "--figer", str(ville), "--jusqua", str(jusqua)],
        check=True,
    )


# -- RelStorage: the city converted once ------------------------------------


def copier_pg(source):
    """A copy of a stopped PostgreSQL cluster's directory (``donnees`` of
    lanceur.Postgres) in the system's temp directory, owned by postgres."""
    copie = Path(tempfile.mkdtemp(prefix="bench-ouverture-pg-"))
    shutil.rmtree(copie)
    subprocess.run(["cp", "-a", str(source), str(copie)], check=True)
    shutil.chown(copie, "postgres", "postgres")
    return copie


def etat_pg(ville):
    """The kept cluster's state (``ville/pg.json``: written apart from
    info.json, which the freezing process writes meanwhile)."""
    chemin = ville / "pg.json"
    return json.loads(chemin.read_text()) if chemin.exists() else {}


def copier_fichier(ville, tmp):
    """A copy of the city's FileStorage as it is now (the freezing may
    write to it meanwhile), and the count of its frozen families."""
    copie = tmp / "conversion"
    copie.mkdir()
    figes = lire_info(ville).get("figes_parents", 0)
    shutil.copy(ville / "Data.fs", copie / "Data.fs")
    shutil.copytree(ville / "blobs", copie / "blobs")
    return copie, figes


def convertir(ville, tmp, copie=None, figes=None):
    """``ville/pg``: a PostgreSQL cluster holding the city in RelStorage,
    made by ``zodbconvert`` of a copy of its FileStorage (history kept,
    blobs in the database: shared_blob_dir=false), stopped and kept; the
    journey's PDFs it holds in ``pg.json``."""
    if copie is None:
        copie, figes = copier_fichier(ville, tmp)
    print("converting the city to RelStorage/PostgreSQL (zodbconvert, once)...", flush=True)
    pg = lanceur.Postgres(tmp / "pg-conversion").demarrer()
    try:
        conf = tmp / "zodbconvert.conf"
        conf.write_text(
            "%%import relstorage\n"
            "<filestorage source>\n  path %s\n  blob-dir %s\n  read-only true\n"
            "</filestorage>\n"
            "<relstorage destination>\n  keep-history true\n  blob-dir %s\n"
            "  shared-blob-dir false\n  <postgresql>\n"
            "    dsn host=%s port=%s dbname=%s user=postgres\n  </postgresql>\n"
            "</relstorage>\n"
            % (
                copie / "Data.fs",
                copie / "blobs",
                tmp / "conversion-blobs",
                lanceur.HOTE,
                pg.port,
                pg.base,
            )
        )
        t0 = time.perf_counter()
        with open(tmp / "zodbconvert.log", "ab") as log:
            subprocess.run(
                [str(lanceur.BIN / "zodbconvert"), str(conf)],
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        secondes = time.perf_counter() - t0
        pg.arreter()
        partiel = ville / ".pg-partiel"
        shutil.rmtree(partiel, ignore_errors=True)
        subprocess.run(["cp", "-a", str(pg.donnees), str(partiel)], check=True)
        partiel.rename(ville / "pg")
    finally:
        pg.effacer()
        shutil.rmtree(copie, ignore_errors=True)
    (ville / "pg.json").write_text(json.dumps({"figes_parents": figes, "zodbconvert_s": secondes}))
    print("  converted in %.0f s" % secondes, flush=True)


def ouvrir(uri):
    """A ZODB.DB on ``uri`` (zodburi: file://, zeo://, postgres://)."""
    import ZODB
    from zodburi import resolve_uri

    factory, dbkw = resolve_uri(uri)
    return ZODB.DB(factory(), **dbkw)


def originaux_du_parcours(ville, de, a):
    """{family number: (document number, PDF, file name, renderer)} of the
    journey's frozen invoices of the families [de, a), read from the
    city's FileStorage."""
    from portail_famille import dates
    from portail_famille.facturation import originaux

    info = lire_info(ville)
    db = ouvrir(
        "file://%s?blobstorage_dir=%s&blobstorage_layout=bushy&read_only=true"
        % (ville / "Data.fs", ville / "blobs")
    )
    found = {}
    try:
        conn = db.open()
        root = conn.root()["app_root"]
        jour = dates.today()
        for k in range(de, a):
            numero = famille(info, k)
            document = facture_du_parcours(root["familles"][numero], jour)
            original = None if document is None else originaux.original(document)
            if original is not None:
                found[numero] = (document.numero, original.contenu(), original.nom, original.moteur)
        conn.close()
    finally:
        db.close()
    return found


def copier_originaux(ville, tmp):
    """The journey's originals frozen since the conversion copied from the
    FileStorage into the kept cluster (no render: the same PDFs, sealed by
    ``originaux.sceller``, 50 a transaction)."""
    import transaction

    from portail_famille import dates
    from portail_famille.facturation import originaux

    etat = etat_pg(ville)
    de, a = etat.get("figes_parents", 0), lire_info(ville).get("figes_parents", 0)
    if de >= a:
        return
    print("copying the frozen PDFs of parents %d to %d into PostgreSQL..." % (de, a), flush=True)
    found = originaux_du_parcours(ville, de, a)
    pg = lanceur.Postgres(tmp / "pg-copie")
    pg.donnees = copier_pg(ville / "pg")
    pg.demarrer()
    try:
        db = ouvrir(pg.uri(tmp / "pg-copie-blobs"))
        try:
            conn = db.open()
            root = conn.root()["app_root"]
            jour = dates.today()
            for n, (numero, (document_numero, data, nom, moteur)) in enumerate(found.items()):
                document = facture_du_parcours(root["familles"][numero], jour)
                assert document.numero == document_numero, (numero, document.numero)
                originaux.sceller(document, data, nom, moteur)
                if n % 50 == 49:
                    transaction.commit()
            transaction.commit()
            conn.close()
        finally:
            db.close()
        pg.arreter()
        partiel = ville / ".pg-partiel"
        shutil.rmtree(partiel, ignore_errors=True)
        subprocess.run(["cp", "-a", str(pg.donnees), str(partiel)], check=True)
        shutil.rmtree(ville / "pg")
        partiel.rename(ville / "pg")
    finally:
        pg.effacer()
    etat["figes_parents"] = a
    (ville / "pg.json").write_text(json.dumps(etat))
    print("  %d PDFs copied" % len(found), flush=True)


def relstorage_en_cache(ville, tmp):
    """The city's kept PostgreSQL cluster (``ville/pg``), made the first
    time, with every journey's PDF frozen in the FileStorage."""
    if not (ville / "pg").exists():
        convertir(ville, tmp)
    copier_originaux(ville, tmp)
    return ville / "pg"


class Stockage:
    """A copy of the city served by ZEO or by PostgreSQL (RelStorage)."""

    def __init__(self, nom, ville, tmp):
        self.nom = nom
        self.tmp = tmp / nom
        self.tmp.mkdir(parents=True)
        if nom == "zeo":
            dossier = self.tmp / "zeo"
            dossier.mkdir()
            for name in ("Data.fs", "Data.fs.index", "info.json"):
                shutil.copy(ville / name, dossier / name)
            shutil.copytree(ville / "blobs", dossier / "blobs")
            self.serveur = lanceur.Zeo(dossier).demarrer()
            self.racine = self.serveur.processus.pid
        else:
            garde = relstorage_en_cache(ville, tmp)
            self.serveur = lanceur.Postgres(self.tmp / "pg")
            self.serveur.donnees = copier_pg(garde)
            self.serveur.demarrer()
            pid = (self.serveur.donnees / "data" / "postmaster.pid").read_text().split()[0]
            self.racine = int(pid)

    def uri(self, cache):
        return self.serveur.uri(cache, **PARAMS[self.nom])

    def arreter(self):
        if self.nom == "zeo":
            self.serveur.arreter()
        else:
            self.serveur.effacer()


class Application(lanceur.Application):
    """lanceur's application process, its waitress trusting the local
    proxy's X-Forwarded-For (``PROXY``)."""

    def lancer(self):
        self.dossier.mkdir(parents=True, exist_ok=True)
        self.port = self.port or lanceur.port_libre()
        ini = lanceur.ecrire_ini(
            self.dossier / ("%s.ini" % self.nom), self.uri, self.port, self.threads, **self.settings
        )
        lignes = ini.read_text().split("\n")
        k = next(i for i, line in enumerate(lignes) if line.startswith("threads = "))
        ini.write_text("\n".join(lignes[: k + 1] + list(PROXY) + lignes[k + 1 :]))
        with open(self.dossier / ("%s.log" % self.nom), "ab") as log:
            self.processus = subprocess.Popen(  # noqa: S603 (our own command)
                [str(lanceur.BIN / "pserve"), str(ini)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=lanceur._environnement(),
            )
        return self


# -- the trivial view --------------------------------------------------------


def reglages_application(tmp, args):
    """development.ini's application settings (the city was generated with
    them), its files moved to ``tmp``, production's template setting, the
    load-shedding limit."""
    from pyramid.paster import get_appsettings

    settings = {
        k: v
        for k, v in get_appsettings(str(home.INI)).items()
        if k.startswith(("portail.", "mail.", "retry.", "substanced."))
    }
    settings["portail.mail_directory"] = str(tmp / "mail")
    settings["substanced.uploads_tempdir"] = str(tmp / "uploads")
    settings["pyramid.reload_templates"] = "false"
    if args.max_en_cours:
        settings["portail.max_en_cours"] = str(args.max_en_cours)
    return settings


class Trivial:
    """The trivial view on the storage server, a process of its own."""

    def __init__(self, uri, threads, log):
        self.processus = subprocess.Popen(
            [sys.executable, __file__, "--trivial", uri, "--threads", str(threads)],
            stdout=subprocess.PIPE,
            stderr=open(log, "ab"),  # noqa: SIM115  (the child keeps it)
            text=True,
        )
        self.url = "http://127.0.0.1:%d" % home.wait_port(self.processus, "trivial")

    def arreter(self):
        lanceur.terminer(self.processus)


def servir_trivial(uri, threads):
    import logging
    import warnings

    import waitress

    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    app = home.trivial_app(None, uri=uri)
    settings = dict(home.waitress_settings(), threads=threads)
    server = waitress.create_server(app, host="127.0.0.1", port=0, **settings)
    print("PORT %s" % server.effective_port, flush=True)
    server.run()


# -- measures ----------------------------------------------------------------


def cpu_arbre(proc, garder):
    """CPU seconds of ``proc`` (its waited children's included) plus its
    live children's (PostgreSQL's backends); ``garder`` {pid: last seen}
    keeps a child's last figure."""
    total = 0.0
    t = proc.cpu_times()
    total += t.user + t.system + t.children_user + t.children_system
    for enfant in proc.children(recursive=True):
        try:
            e = enfant.cpu_times()
            garder[enfant.pid] = e.user + e.system
        except psutil.Error:
            continue
    # a child that ended is in its parent's children times once waited for
    vivants = {p.pid for p in proc.children(recursive=True)}
    for pid in list(garder):
        if pid not in vivants:
            del garder[pid]
    return total + sum(garder.values())


class Mesure:
    """CPU and peak RSS of processes {name: pid} (with their children),
    sampled every 0.5 s from /proc."""

    def __init__(self, pids):
        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.rss = dict.fromkeys(pids, 0)
        self.dernier = {}
        self.enfants = {name: {} for name in pids}
        self.stop = threading.Event()
        self.debut = {name: self._cpu(name) for name in self.procs}
        self.t0 = time.perf_counter()
        self.thread = threading.Thread(target=self._echantillons, daemon=True)
        self.thread.start()

    def _cpu(self, name):
        proc = self.procs[name]
        try:
            self.dernier[name] = cpu_arbre(proc, self.enfants[name])
        except psutil.Error:  # ended (locust): its last figure
            pass
        return self.dernier.get(name, 0.0)

    def _echantillons(self):
        while not self.stop.wait(0.5):
            for name, proc in self.procs.items():
                try:
                    rss = proc.memory_info().rss
                    rss += sum(e.memory_info().rss for e in proc.children(recursive=True))
                    self.rss[name] = max(self.rss[name], rss)
                except psutil.Error:
                    continue
                self._cpu(name)

    def fin(self):
        seconds = time.perf_counter() - self.t0
        self.stop.set()
        self.thread.join()
        found = {}
        for name in self.procs:
            cpu = self._cpu(name) - self.debut[name]
            found[name] = {"cpu_s": cpu, "cpu": cpu / seconds, "rss_max_mb": self.rss[name] / 1e6}
        return found


def centile(values, q):
    """Nearest-rank percentile of sorted ``values``."""
    return values[max(0, math.ceil(q * len(values)) - 1)] if values else float("nan")


COMPTEURS = {
    "portail_zodb_conflits_total": "conflits",
    "portail_reessais_total": "reessais",
    "portail_surcharge_refus_total": "refus",
    "portail_zodb_chargements_total": "chargements",
    "portail_zodb_ecritures_total": "ecritures",
}


def compteurs(urls):
    """The applications' counters (``GET /metriques``, Prometheus's text),
    summed over the processes and the labels."""
    import urllib.request

    found = dict.fromkeys(COMPTEURS.values(), 0.0)
    for url in urls:
        with urllib.request.urlopen(url + "/metriques", timeout=30) as response:  # noqa: S310
            text = response.read().decode()
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            name, _sep, value = line.rpartition(" ")
            name = name.split("{")[0]
            if name in COMPTEURS:
                found[COMPTEURS[name]] += float(value)
    return found


def rendus(apps):
    """First downloads that rendered a PDF, in the application logs."""
    return sum(app.journal().count(RENDU) for app in apps)


def charger(tmp, info_path, urls, mode, parents, cadence, premier, args, pids, decalage=0):
    """One locust run of ``parents`` arriving ``cadence`` a second from
    the family ``premier``; its figures."""
    out = tmp / ("locust-%s-%d-%g.json" % (mode, premier, cadence))
    env = dict(
        os.environ,
        OUVERTURE_INFO=str(info_path),
        OUVERTURE_HOSTS=",".join(urls),
        OUVERTURE_MODE=mode,
        OUVERTURE_PARENTS=str(parents),
        OUVERTURE_CADENCE=str(cadence),
        OUVERTURE_PREMIER=str(premier),
        OUVERTURE_PAS=str(PAS),
        OUVERTURE_DECALAGE=str(decalage),
        OUVERTURE_OUT=str(out),
    )
    duree = int(parents / cadence) + args.delai
    command = [
        str(lanceur.BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--loglevel",
        "ERROR",
        "-u",
        str(parents),
        "-r",
        str(cadence),
        "--run-time",
        "%ds" % duree,
        "--stop-timeout",
        "5",
        "--host",
        urls[0],
    ]
    charge0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    locust = subprocess.Popen(
        command,
        env=env,
        cwd=BENCH,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "locust.log", "ab"),  # noqa: SIM115
    )
    mesure = Mesure(dict(pids, locust=locust.pid))
    try:
        locust.wait(duree + 60)
    except subprocess.TimeoutExpired:
        locust.kill()
        locust.wait()
    wall = time.perf_counter() - t0
    processes = mesure.fin()
    found = json.loads(out.read_text()) if out.exists() else {"latencies": {}}
    span = (found.get("t1") or 0) - (found.get("t0") or 0) or wall
    steps, toutes = {}, []
    for name, values in sorted(found["latencies"].items()):
        values = sorted(values)
        if not name.endswith((" 503", " erreur")):
            toutes += values
        steps[name] = {
            "requetes": len(values),
            "par_seconde": len(values) / span,
            "p50_ms": 1000 * statistics.median(values),
            "p95_ms": 1000 * centile(values, 0.95),
            "p99_ms": 1000 * centile(values, 0.99),
        }
    toutes.sort()
    parcours = sorted(found.get("parcours", []))
    serveurs = sum(p["cpu_s"] for name, p in processes.items() if name != "locust")
    done = found.get("done", 0)
    kinds = {n: s for n, s in steps.items() if not n.endswith((" 503", " erreur"))}
    slowest = max(kinds.items(), key=lambda kv: kv[1]["p95_ms"], default=("-", {"p95_ms": 0}))
    run = {
        "mode": mode,
        "processus": len(urls),
        "parents": parents,
        "cadence": cadence,
        "premiere_famille": premier,
        "termines": done,
        "echoues": found.get("failed", 0),
        "secondes": span,
        "etapes": steps,
        "p50_ms": 1000 * centile(toutes, 0.50),
        "p95_ms": 1000 * centile(toutes, 0.95),
        "p99_ms": 1000 * centile(toutes, 0.99),
        "plus_lente": [slowest[0], slowest[1]["p95_ms"]],
        "parcours_p50_s": centile(parcours, 0.50),
        "parcours_p95_s": centile(parcours, 0.95),
        "refus_503": sum(s["requetes"] for n, s in steps.items() if n.endswith(" 503")),
        "erreurs": sum(s["requetes"] for n, s in steps.items() if n.endswith(" erreur")),
        "requetes_par_seconde": sum(s["requetes"] for s in steps.values()) / span,
        "cpu_serveurs_par_parcours_s": serveurs / done if done else None,
        "cpu_serveurs_cores": serveurs / wall,
        "cpu": processes,
        "charge": [charge0, os.getloadavg()[0]],
    }
    run["tenu"] = (
        done == parents
        and run["echoues"] == 0
        and run["erreurs"] == 0
        and run["refus_503"] == 0
        and slowest[1]["p95_ms"] < args.p95_max
    )
    return run


def afficher(run, stockage, detail=True):
    quoi = {"portail": "journeys", "trivial": "trivial view", "echauffement": "warm-up"}
    print(
        "-- %s, %s, %d process(es), %g/s: %d/%d done (%d failed) in %.1f s; "
        "p50/p95/p99 %.0f/%.0f/%.0f ms (slowest %s p95 %.0f ms); journey p50/p95 "
        "%.2f/%.2f s; %d x 503, %d errors; server CPU %.0f ms a %s (%.2f cores); "
        "load %.1f -> %.1f; %s"
        % (
            stockage,
            quoi[run["mode"]],
            run["processus"],
            run["cadence"],
            run["termines"],
            run["parents"],
            run["echoues"],
            run["secondes"],
            run["p50_ms"],
            run["p95_ms"],
            run["p99_ms"],
            run["plus_lente"][0],
            run["plus_lente"][1],
            run["parcours_p50_s"],
            run["parcours_p95_s"],
            run["refus_503"],
            run["erreurs"],
            1000 * (run["cpu_serveurs_par_parcours_s"] or 0),
            "user" if run["mode"] == "trivial" else "journey",
            run["cpu_serveurs_cores"],
            run["charge"][0],
            run["charge"][1],
            "HELD" if run["tenu"] else "not held",
        )
        + ("; %d PDF(s) rendered" % run["pdf_rendus"] if "pdf_rendus" in run else ""),
        flush=True,
    )
    if run.get("compteurs") and run["termines"]:
        c = run["compteurs"]
        print(
            "   a journey: %.0f objects loaded, %.0f written; in the step %d write conflicts, "
            "%d retries, %d refused (max_en_cours)"
            % (
                c["chargements"] / run["termines"],
                c["ecritures"] / run["termines"],
                c["conflits"],
                c["reessais"],
                c["refus"],
            ),
            flush=True,
        )
    if not detail:
        return
    print("   %-30s %8s %8s %8s %8s %8s" % ("step", "requests", "req/s", "p50", "p95", "p99"))
    order = {name: i for i, name in enumerate(ETAPES)}

    def rang(item):  # a step, then its 503 answers and its errors
        name = item[0].removesuffix(" 503").removesuffix(" erreur")
        return order.get(name, len(order)), item[0]

    for name, s in sorted(run["etapes"].items(), key=rang):
        print(
            "   %-30s %8d %8.1f %8.0f %8.0f %8.0f"
            % (name, s["requetes"], s["par_seconde"], s["p50_ms"], s["p95_ms"], s["p99_ms"])
        )
    print(
        "   CPU (share of one core) / peak RSS: "
        + "; ".join(
            "%s %.0f%% %.0f MB" % (name, 100 * p["cpu"], p["rss_max_mb"])
            for name, p in run["cpu"].items()
        ),
        flush=True,
    )


def mesurer_stockage(nom, ville, info, tmp, args, cadences):
    """The warm-up, the steps, then the trivial view, on ``nom``."""
    stockage, apps, trivials, runs = None, [], [], []
    try:
        t0 = time.perf_counter()
        stockage = Stockage(nom, ville, tmp)
        info_path = tmp / "info.json"
        settings = reglages_application(tmp, args)
        apps = lanceur.demarrer(
            *[
                Application(
                    stockage.uri(tmp / nom / ("cache-%d" % k)),
                    tmp / nom / "apps",
                    threads=args.threads,
                    nom="app-%d" % k,
                    **settings,
                )
                for k in range(args.processus)
            ]
        )
        print(
            "== %s: %d application process(es) up in %.0f s (waitress threads=%d, "
            "portail.max_en_cours=%s)"
            % (
                nom,
                len(apps),
                time.perf_counter() - t0,
                args.threads,
                args.max_en_cours or "none",
            ),
            flush=True,
        )
        pids = {"app%d" % k: a.processus.pid for k, a in enumerate(apps)}
        pids[nom] = stockage.racine
        urls = [a.url for a in apps]
        premier = 0
        plan = [("echauffement", args.echauffement, ECHAUFFEMENT_CADENCE)]
        plan += [("portail", round(c * args.palier), c) for c in cadences]
        tenue = derniere = None
        for mode, parents, cadence in plan:
            if not parents:
                continue
            # the warm-up's families are shifted (their PDFs may be rendered
            # then: not measured); the steps' parents start at 0
            decalage = PAS // 2 if mode == "echauffement" else 0
            avant, comptes = rendus(apps), compteurs(urls)
            run = charger(
                tmp, info_path, urls, "portail", parents, cadence, premier, args, pids, decalage
            )
            run["mode"] = mode
            run["stockage"] = nom
            run["pdf_rendus"] = rendus(apps) - avant
            apres = compteurs(urls)
            run["compteurs"] = {k: apres[k] - comptes[k] for k in apres}
            premier = 0 if mode == "echauffement" else premier + parents
            runs.append(run)
            afficher(run, nom, detail=mode == "portail")
            if mode != "portail":
                continue
            derniere = cadence
            if run["tenu"]:
                tenue = cadence
            elif not args.suite:
                break
        for app in apps:
            app.arreter()
        apps = []
        cadence = tenue or derniere or ECHAUFFEMENT_CADENCE
        trivials = [
            Trivial(stockage.uri(tmp / nom / ("cache-t-%d" % k)), args.threads, tmp / "triv.log")
            for k in range(args.processus)
        ]
        pids = {"trivial%d" % k: t.processus.pid for k, t in enumerate(trivials)}
        pids[nom] = stockage.racine
        run = charger(
            tmp,
            info_path,
            [t.url for t in trivials],
            "trivial",
            round(cadence * args.palier),
            cadence,
            0,
            args,
            pids,
        )
        run["stockage"] = nom
        runs.append(run)
        afficher(run, nom)
        return runs, tenue
    finally:
        for server in apps + trivials:
            server.arreter()
        if stockage is not None:
            stockage.arreter()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000, help="the city (10000)")
    parser.add_argument("--ville", help="a city made by bench/ville.py (else the cached one)")
    parser.add_argument("--stockages", default="zeo,relstorage", help="zeo,relstorage")
    parser.add_argument("--processus", type=int, default=2, help="application processes (2)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads a process (8)")
    parser.add_argument(
        "--max-en-cours", type=int, default=4, help="portail.max_en_cours a process (4; 0: none)"
    )
    parser.add_argument(
        "--cadences", default="2,4,6,8,10,12,14", help="arrival rates, parents a second"
    )
    parser.add_argument("--palier", type=float, default=20, help="seconds of arrivals a step")
    parser.add_argument(
        "--echauffement", type=int, default=150, help="warm-up parents at 3/s, not counted"
    )
    parser.add_argument("--p95-max", type=float, default=1000, help="held: every p95 under (ms)")
    parser.add_argument("--suite", action="store_true", help="go on after a step not held")
    parser.add_argument("--delai", type=int, default=60, help="seconds a step may run over")
    parser.add_argument(
        "--preparer",
        action="store_true",
        help="only make the city, freeze its PDFs and convert it for RelStorage",
    )
    parser.add_argument("--trivial", help=argparse.SUPPRESS)
    parser.add_argument("--figer", help=argparse.SUPPRESS)
    parser.add_argument("--jusqua", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trivial:
        return servir_trivial(args.trivial, args.threads)
    if args.figer:
        return figer(args.figer, args.jusqua)

    began = time.monotonic()
    cadences = [float(x) for x in args.cadences.split(",")]
    print(
        "%d CPU core(s) on this machine, shared by the servers and the load generator; "
        "load average %.2f %.2f %.2f" % ((os.cpu_count(),) + os.getloadavg()),
        flush=True,
    )
    ville = Path(args.ville) if args.ville else ville_en_cache(args.familles)
    info = lire_info(ville)
    besoin = min(info["familles"], sum(round(c * args.palier) for c in cadences))
    preparation = Path(tempfile.mkdtemp(prefix="bench-ouverture-prep-"))
    try:
        conversion = None
        if "relstorage" in args.stockages.split(",") and not (ville / "pg").exists():
            # converted while the PDFs are frozen; those copied after
            copie, figes = copier_fichier(ville, preparation)
            conversion = threading.Thread(target=convertir, args=(ville, preparation, copie, figes))
            conversion.start()
        assurer_figes(ville, besoin)
        if conversion is not None:
            conversion.join()
        if "relstorage" in args.stockages.split(","):
            relstorage_en_cache(ville, preparation)
    finally:
        shutil.rmtree(preparation, ignore_errors=True)
    info = lire_info(ville)
    if args.preparer:
        print("city ready: %s" % ville)
        return 0
    figures = {"cpus": os.cpu_count(), "runs": [], "args": vars(args), "ville": info}
    tmp = Path(tempfile.mkdtemp(prefix="bench-ouverture-"))
    tenues = {}
    try:
        shutil.copy(ville / "info.json", tmp / "info.json")
        for nom in args.stockages.split(","):
            runs, tenues[nom] = mesurer_stockage(nom, ville, info, tmp, args, cadences)
            figures["runs"] += runs
    finally:
        logs = {
            str(p.relative_to(tmp)): p.read_text(errors="replace")[-2000:]
            for p in tmp.glob("**/*.log")
            if p.stat().st_size
        }
        figures["logs"] = logs
        shutil.rmtree(tmp, ignore_errors=True)
        figures["total_s"] = time.monotonic() - began
        OUT.parent.mkdir(exist_ok=True)
        OUT.write_text(json.dumps(figures, indent=1) + "\n")
    print()
    print("== summary (%d cores; the load generator runs on them too) ==" % os.cpu_count())
    print(
        "city of %d families, %d invoices; the journey's PDFs of %d families frozen"
        % (info["familles"], info["factures"], info.get("figes_parents", 0))
    )
    print(
        "%-10s %-12s %6s %5s %6s %6s %6s %5s %5s %9s %7s %6s"
        % (
            "storage",
            "run",
            "rate/s",
            "done",
            "p50",
            "p95",
            "p99",
            "503",
            "err",
            "CPU/j ms",
            "load",
            "held",
        )
    )
    for run in figures["runs"]:
        print(
            "%-10s %-12s %6g %5d %6.0f %6.0f %6.0f %5d %5d %9.0f %7.1f %6s"
            % (
                run["stockage"],
                run["mode"],
                run["cadence"],
                run["termines"],
                run["p50_ms"],
                run["p95_ms"],
                run["p99_ms"],
                run["refus_503"],
                run["erreurs"],
                1000 * (run["cpu_serveurs_par_parcours_s"] or 0),
                run["charge"][1],
                "yes" if run["tenu"] else "no",
            )
        )
    for nom, cadence in tenues.items():
        print("%s: highest rate held %s parents a second" % (nom, cadence or "none"))
    print("total time: %.0f s" % figures["total_s"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
