"""make bench (planning): a town of 10,000 families and 20,000 children,
each enrolled in the seven demo prestations for the current school year with
a full year of planning cells; the month grid of one child against the
trivial view, the same grid on a 100-family town, and a race of 500 parents
for the last 20 places of a day.

    .venv/bin/python bench/planning.py [--familles 10000] [--petite 100] [--course 500]

Three server processes, each on its own FileStorage in a temporary directory
(bench/home.py's waitress settings, production template setting,
``retry.attempts`` = RETRY_ATTEMPTS):

- ``trivial``: bench/home.py's trivial view;
- ``grande``: the application with the demo data plus the generated town
  (``--familles`` families of two children, one parent account each);
- ``petite``: the same with ``--petite`` families.

The generation writes the BTrees directly (``planning.cells`` trees, the
prestations' ``places`` counters, the inscriptions), commits every
BATCH families, and reports its time.  Each child has the regular
Mon/Tue/Thu/Fri contract of "Restauration scolaire" (every day of the
school year) and cells scattered over the six other prestations (Wednesdays
of school time, mornings, holidays), so that every month has cells.

Then this process (the load generator, bench/home.py's run_load) measures,
alternating trivial, grid (large town), grid (small town): the requests per
second of ``/familles/<n>/enfants/<id>/planning?mois=AAAA-MM`` (seven rows)
logged in as the family's parent, its ratio to the trivial view (target
>= 0.2) and the large/small cost ratio (target <= 1.2).

Last, the race, on the large town: "Mercredi après-midi" (automatic
validation) on a Wednesday far enough ahead for the deadline, its capacity
set to the places taken + COURSE_RESTANTES; ``--course`` parents of
different families, logged in beforehand (their accounts share one
Argon2id hash computed once, at the application's parameters), each post
``demande-de-reservation`` at the same moment.  The database is then read
(a route of the bench's own WSGI wrapper, /_bench/course): cells
"reserve" and "attente" of that day, the requests made, the counter
``places.pris``; with the HTTP statuses.  Figures only: nothing asserts on
them but sanity.
"""

import argparse
import datetime
import json
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: servers, client, load generator)

RETRY_ATTEMPTS = 10
SETTINGS = ["pyramid.reload_templates=false", "retry.attempts=%d" % RETRY_ATTEMPTS]
PASSWORD = "Bench2015pf"  # noqa: S105  (the generated accounts)
BATCH = 250
NUMERO = 4000000000000
COURSE_PRESTATION = ("accueil-de-loisirs-alsh", "mercredi-apres-midi")
COURSE_RESTANTES = 20
TARGET_GRID = 0.2
TARGET_COST = 1.2
# (structure, prestation) -> share of its opening days a child has a cell
# on (restauration-scolaire: the regular contract, every day).
SEMAINE = ("1", "2", "4", "5")
PARTS = {
    ("garderie-periscolaire", "restauration-scolaire"): 1.0,
    ("garderie-periscolaire", "garderie-matin"): 0.25,
    ("accueil-de-loisirs-alsh", "mercredi-apres-midi"): 0.3,
    ("accueil-de-loisirs-alsh", "mercredi-journee"): 0.1,
    ("accueil-de-loisirs-alsh", "vacances-matin"): 0.1,
    ("accueil-de-loisirs-alsh", "vacances-apres-midi"): 0.1,
    ("accueil-de-loisirs-alsh", "vacances-journee"): 0.1,
}
PRENOMS = ("LÉA", "HUGO", "CHLOÉ", "LOUIS", "EMMA", "JULES", "MANON", "LUCAS")
NOMS = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS")


def login_of(i):
    return "parent%05d" % i


# --- generation (in the server process) ----------------------------------------


def jour_de_course(calendrier, prestation, zone, today):
    """The first day, a week ahead or more, the race's prestation opens."""
    from portail_famille.calendrier.jours import jour
    from portail_famille.planning import regles

    day = today + datetime.timedelta(days=7)
    for _n in range(400):
        if regles.ouvre(prestation, day, jour(calendrier, day, prestation.structure, zone)):
            return day
        day += datetime.timedelta(days=1)
    raise SystemExit("no opening day of %s in the year ahead" % prestation.title)


def ouverts_de(calendrier, prestation, zone, annee):
    """[(oid, day)] of the days ``prestation`` opens in the school year."""
    from substanced.util import get_oid

    from portail_famille.calendrier.jours import jour
    from portail_famille.planning import regles

    oid, found, day = get_oid(prestation), [], annee.debut
    while day <= annee.fin:
        if regles.ouvre(prestation, day, jour(calendrier, day, prestation.structure, zone)):
            found.append((oid, day))
        day += datetime.timedelta(days=1)
    return found


def generer(root, registry, familles, course, seed=2015, libres=0):
    """The town; returns what the load generator needs (info.json).  The
    accounts share one hash of PASSWORD (Argon2id at the application's
    parameters: each login pays the real price); the first
    ``libres`` opening days of the race's prestation from a week ahead are
    left free for every child (``info["libres"]``)."""
    import transaction
    from substanced.util import find_service, get_oid

    from portail_famille import dates, inscriptions, mots_de_passe
    from portail_famille.calendrier.jours import zone_vacances
    from portail_famille.demo import annees_scolaires
    from portail_famille.planning import cells, places

    timings = {}
    t0 = time.perf_counter()
    rng = random.Random(seed)
    zone = zone_vacances(registry.settings)
    calendrier = root["calendrier"]
    libelle = sorted(annees_scolaires())[-1]
    annee = calendrier[libelle]
    today = dates.today()
    prestations = {
        key: root["structures"][key[0]][key[1]] for key in PARTS
    }  # (structure, name) -> Prestation
    oids = {key: get_oid(p) for key, p in prestations.items()}
    course_prestation = prestations[COURSE_PRESTATION]
    course_jour = jour_de_course(calendrier, course_prestation, zone, today)
    course_cle = (oids[COURSE_PRESTATION], course_jour)
    a_liberer = [
        (oid, d)
        for oid, d in ouverts_de(calendrier, course_prestation, zone, annee)
        if d >= course_jour
    ][:libres]
    # The opening days of each prestation in the school year, once.
    ouverts = {key: ouverts_de(calendrier, p, zone, annee) for key, p in prestations.items()}
    passe = {k: [(o, d) for o, d in v if d < today] for k, v in ouverts.items()}
    futur = {k: [(o, d) for o, d in v if d >= today] for k, v in ouverts.items()}
    timings["calendar"] = time.perf_counter() - t0

    password = mots_de_passe.hacher(PASSWORD)
    principals = find_service(root, "principals")
    groupe = principals["groups"]["familles"]
    folder = root["familles"]
    compteurs = {}  # (oid, day) -> places taken
    n_cells = 0
    t_objects = t_cells = t_commit = 0.0
    race = []
    grid = None
    premiers = []  # each family's first child's name
    for i in range(familles):
        ta = time.perf_counter()
        numero = str(NUMERO + i)
        famille = registry.content.create(
            "Famille",
            responsable={
                "civilite": "Madame",
                "nom": NOMS[i % len(NOMS)],
                "prenom": PRENOMS[i % len(PRENOMS)],
                "telephone_domicile": "04.76.00.%02d.%02d" % (i // 100 % 100, i % 100),
                "autorisation_courriel": False,
            },
        )
        folder.add(numero, famille, registry=registry)
        user = principals.add_user(login_of(i), registry=registry)
        user.password = password
        user.must_change_password = False
        groupe.memberids.connect([user])
        famille.rattacher_parent(user)
        enfants = []
        for k in range(2):
            enfant = registry.content.create(
                "Enfant",
                nom=famille.responsable["nom"],
                prenom=PRENOMS[(i + k + 3) % len(PRENOMS)],
                sexe="MF"[k],
                date_naissance=datetime.date(2012 + k, 1 + i % 12, 1 + i % 28),
            )
            famille["enfants"].add_next(enfant, registry=registry)
            mapping = enfant.inscriptions_modifiables()
            for key, oid in oids.items():
                jours = SEMAINE if key[1] == "restauration-scolaire" else ()
                inscription = inscriptions.Inscription(libelle, oid, annee.debut, jours)
                mapping[inscription.cle] = inscription
                prestations[key].inscrits[(libelle, get_oid(enfant))] = True
            enfants.append(enfant)
        premiers.append(enfants[0].__name__)
        tb = time.perf_counter()
        t_objects += tb - ta
        for k, enfant in enumerate(enfants):
            en_course = k == 0 and i < course
            valeurs = {}
            for key, part in PARTS.items():
                for cle in passe[key]:
                    if part >= 1.0 or rng.random() < part:
                        r = rng.random()
                        valeurs[cle] = (
                            cells.ABSENT_EXCUSE
                            if r < 0.03
                            else cells.ABSENT_FACTURE
                            if r < 0.04
                            else cells.PRESENT_RESERVE
                        )
                for cle in futur[key]:
                    if part >= 1.0 or rng.random() < part:
                        valeurs[cle] = cells.RESERVE
            if en_course:
                valeurs.pop(course_cle, None)
            for cle in a_liberer:
                valeurs.pop(cle, None)
            cells.cellules_modifiables(enfant).update(valeurs)
            n_cells += len(valeurs)
            for cle, etat in valeurs.items():
                if etat in cells.OCCUPANTS:
                    compteurs[cle] = compteurs.get(cle, 0) + 1
            if en_course:
                race.append({"numero": numero, "enfant": enfant.__name__, "login": login_of(i)})
            if grid is None:
                grid = {"numero": numero, "enfant": enfant.__name__, "login": login_of(i)}
        tc = time.perf_counter()
        t_cells += tc - tb
        if i % BATCH == BATCH - 1:
            transaction.commit()
            t_commit += time.perf_counter() - tc
    tc = time.perf_counter()
    transaction.commit()
    t_commit += time.perf_counter() - tc
    # The day counters, written once per (prestation, day).
    tc = time.perf_counter()
    par_oid = {oid: p for key, p in prestations.items() for oid in (oids[key],)}
    for n, ((oid, day), pris) in enumerate(sorted(compteurs.items())):
        counter = places._compteur(par_oid[oid], day)
        counter.pris += pris
        if n % 2000 == 1999:
            transaction.savepoint(True)
    pris_course = places.pris(course_prestation, course_jour)
    course_prestation.capacite = pris_course + COURSE_RESTANTES
    transaction.commit()
    timings["counters"] = time.perf_counter() - tc
    timings.update(objects=t_objects, cells=t_cells, commits=t_commit)
    timings["total"] = time.perf_counter() - t0
    return {
        "familles": familles,
        "enfants": 2 * familles,
        "cellules": n_cells,
        "compteurs": len(compteurs),
        "annee": libelle,
        "timings": timings,
        "grid": grid,
        "mois": course_jour.strftime("%Y-%m"),
        "course": race,
        "course_jour": course_jour.isoformat(),
        "course_prestation": oids[COURSE_PRESTATION],
        "course_capacite": course_prestation.capacite,
        "course_pris_avant": pris_course,
        "libres": [d.isoformat() for _oid, d in a_liberer],
        "premiers": premiers,
    }


def _cle_erreur(exc):
    cls = getattr(exc, "class_name", None)
    if cls:
        return "%s on %s" % (type(exc).__name__, cls)
    if getattr(exc, "oid", None) is not None:
        return "%s on oid 0x%x" % (type(exc).__name__, int.from_bytes(exc.oid, "big"))
    return "%s: %s" % (type(exc).__name__, exc)


def observer(registry):
    """Count the retries (pyramid_retry's BeforeRetry: the exception that
    made it retry) and the exceptions behind 5xx answers."""
    from pyramid.interfaces import INewResponse
    from pyramid_retry import IBeforeRetry, is_error_retryable

    lock = threading.Lock()
    seen = {"retries": {}, "5xx": {}, "oids": {}}

    def note(kind, exc):
        with lock:
            key = _cle_erreur(exc)
            seen[kind][key] = seen[kind].get(key, 0) + 1
            oid = getattr(exc, "oid", None)
            if oid is not None:
                seen["oids"][oid] = seen["oids"].get(oid, 0) + 1

    def on_retry(event):
        note("retries", event.exception)

    def on_response(event):
        # The last attempt's answer only (each attempt that fails renders one).
        request = event.request
        exc = getattr(request, "exception", None)
        environ = request.environ
        last = environ.get("retry.attempt", 0) + 1 >= environ.get("retry.attempts", 1)
        if event.response.status_code >= 500 and (last or not is_error_retryable(request, exc)):
            with lock:
                key = _cle_erreur(exc) if exc is not None else "no exception"
                seen["5xx"][key] = seen["5xx"].get(key, 0) + 1

    registry.registerHandler(on_retry, (IBeforeRetry,))
    registry.registerHandler(on_response, (INewResponse,))
    return seen


def _buckets(tree):
    """The oids of a BTree's buckets (and the tree's own)."""
    found = {tree._p_oid}
    bucket = getattr(tree, "_firstbucket", None)
    while bucket is not None:
        found.add(bucket._p_oid)
        bucket = bucket._next
    return found


def _nommer(known, name, obj, depth=0):
    """Note the oids of ``obj`` (a BTree: with its buckets) and of the
    persistent objects in its attributes, under ``name``."""
    if getattr(obj, "_p_oid", None) is None or obj._p_oid in known or depth > 2:
        return
    if hasattr(obj, "_firstbucket"):
        for oid in _buckets(obj):
            known.setdefault(oid, name)
        return
    known[obj._p_oid] = name
    obj._p_activate()
    for attr, value in list(getattr(obj, "__dict__", {}).items()):
        if attr not in ("__parent__",) and hasattr(value, "_p_oid"):
            _nommer(known, "%s.%s" % (name, attr), value, depth + 1)


def coupables(root, oids):
    """{where: conflicts} for the conflicting oids: the objectmap's trees,
    the catalogs' indexes, the families folder, the race's prestation."""
    known = {}
    _nommer(known, "objectmap", root.__objectmap__)
    for name, catalog in root["catalogs"].items():
        for index_name, index in catalog.items():
            _nommer(known, "catalog %s/%s" % (name, index_name), index)
    _nommer(known, "familles folder", root["familles"])
    _nommer(known, "prestation", root["structures"][COURSE_PRESTATION[0]][COURSE_PRESTATION[1]])
    found = {}
    for oid, n in oids.items():
        where = known.get(oid, "elsewhere")
        found[where] = found.get(where, 0) + n
    return found


def compter(app, info):
    """The race, read from the database: a WSGI app for /_bench/course."""
    import transaction

    seen = observer(app.registry)

    from portail_famille.planning import cells, places

    def view(environ, start_response):
        tm = transaction.TransactionManager()
        conn = app.registry._zodb_databases[""].open(tm)
        try:
            root = conn.root()["app_root"]
            oid, day = info["course_prestation"], datetime.date.fromisoformat(info["course_jour"])
            etats, demandes = {}, {}
            for entry in info["course"]:
                famille = root["familles"][entry["numero"]]
                enfant = famille["enfants"][entry["enfant"]]
                etat = cells.etat(enfant, oid, day)
                etats[str(etat)] = etats.get(str(etat), 0) + 1
                for demande in famille["demandes"].values():
                    if getattr(demande, "jour", None) == day:
                        demandes[demande.etat] = demandes.get(demande.etat, 0) + 1
            prestation = root["structures"][COURSE_PRESTATION[0]][COURSE_PRESTATION[1]]
            counter = prestation.places.get(day)
            body = {
                "etats": etats,
                "demandes": demandes,
                "pris": places.pris(prestation, day),
                "limite": getattr(counter, "limite", None),
                "capacite": prestation.capacite,
                "retries": seen["retries"],
                "5xx": seen["5xx"],
                "where": coupables(root, dict(seen["oids"])),
            }
        finally:
            tm.abort()
            conn.close()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    def wrapper(environ, start_response):
        if environ.get("PATH_INFO") == "/_bench/course":
            return view(environ, start_response)
        return app(environ, start_response)

    return wrapper


def serve(directory, familles, course):
    """A portail server with a generated town (run as --serve)."""
    home.serve_town(
        directory,
        lambda root, registry: generer(root, registry, familles, course),
        SETTINGS,
        wrap=compter,
    )


# --- client -------------------------------------------------------------------


def log_in(port, login, password=PASSWORD):
    client = home.Client(port)
    _s, _h, page = client.request("GET", "/connexion")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"login": login, "password": password, "csrf_token": token})
    status, headers, _b = client.request(
        "POST", "/connexion", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 302 and "pf_auth" in client.cookies, (login, status, headers)
    return client


def grid_path(info):
    return "/familles/%s/enfants/%s/planning?mois=%s" % (
        info["grid"]["numero"],
        info["grid"]["enfant"],
        info["mois"],
    )


def check_grid(port, info):
    """The parent's cookies, and the grid's size (sanity: seven rows)."""
    client = log_in(port, info["grid"]["login"])
    status, _h, body = client.request("GET", grid_path(info))
    client.close()
    text = body.decode("utf-8")
    rows = text.count('<th scope="row">')
    assert status == 200 and rows == 7, (status, rows, text[:500])
    assert "etat-reserve" in text or "etat-present_reserve" in text, "no cell in the grid"
    return client.cookies, len(body)


def race(port, info, concurrency):
    """Log the parents in (``concurrency`` at a time), fetch each one's
    planning page for its csrf token, then post all the reservations at
    once.  Returns (statuses, failures, seconds of the burst, login seconds)."""
    entries = info["course"]
    prepared = [None] * len(entries)
    problems = []
    t0 = time.perf_counter()
    lock = threading.Lock()
    queue = list(range(len(entries)))

    def prepare():
        while True:
            with lock:
                if not queue:
                    return
                n = queue.pop()
            entry = entries[n]
            try:
                client = log_in(port, entry["login"])
                path = "/familles/%s/enfants/%s/planning?mois=%s" % (
                    entry["numero"],
                    entry["enfant"],
                    info["mois"],
                )
                status, _h, page = client.request("GET", path)
                token = re.search(rb'name="csrf_token" value="([^"]+)"', page)
                assert status == 200 and token, (status, page[:300])
                client.close()
                client.conn = None
                prepared[n] = (client, token.group(1).decode())
            except Exception as error:  # noqa: BLE001  (counted and shown)
                with lock:
                    problems.append("login/csrf %s: %r" % (entry["login"], error))

    threads = [threading.Thread(target=prepare) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    login_seconds = time.perf_counter() - t0
    ready = [(n, p) for n, p in enumerate(prepared) if p is not None]
    barrier = threading.Barrier(len(ready) + 1)
    results = {}

    def post(n, client, token):
        entry = entries[n]
        client.conn = home.http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        client.conn.connect()  # connected before the start (waitress queues the rest)
        form = urllib.parse.urlencode(
            {
                "prestation": str(info["course_prestation"]),
                "date": info["course_jour"],
                "csrf_token": token,
            }
        ).encode()
        path = "/familles/%s/enfants/%s/demande-de-reservation" % (
            entry["numero"],
            entry["enfant"],
        )
        barrier.wait()
        headers = {
            "Host": "localhost:%d" % port,
            "Cookie": "; ".join("%s=%s" % kv for kv in client.cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
            "Connection": "close",
        }
        t = time.perf_counter()
        try:  # one attempt: a POST is not sent twice
            client.conn.request("POST", path, body=form, headers=headers)
            response = client.conn.getresponse()
            body = response.read()
            location = response.headers.get("Location") or ""
            ok_location = response.status == 302 and "/planning?mois=" in location
            results[n] = (response.status, ok_location, time.perf_counter() - t, body[:200])
        except Exception as error:  # noqa: BLE001  (counted and shown)
            results[n] = (None, False, time.perf_counter() - t, repr(error))
        finally:
            client.close()

    threads = [threading.Thread(target=post, args=(n, c, tok)) for n, (c, tok) in ready]
    for thread in threads:
        thread.start()
    barrier.wait()
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, problems, time.perf_counter() - t0, login_seconds


# --- main ---------------------------------------------------------------------


def start(name, directory, args):
    command = [
        sys.executable,
        __file__,
        "--serve",
        name,
        str(directory),
        "--familles",
        str(args.familles if name == "grande" else args.petite),
        "--course",
        str(args.course if name == "grande" else 0),
    ]
    directory.mkdir(parents=True)
    log = open(directory.parent / ("%s.log" % name), "w")
    return home.subprocess.Popen(command, stdout=home.subprocess.PIPE, stderr=log, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000, help="large town (10000)")
    parser.add_argument("--petite", type=int, default=100, help="small town (100)")
    parser.add_argument("--course", type=int, default=500, help="parents in the race (500)")
    home.load_options(parser)
    parser.add_argument("--logins", type=int, default=8, help="parents logging in at once (8)")
    args = parser.parse_args()
    if args.serve:
        return home.serve_town_or_trivial(args, serve, args.familles, args.course)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-planning-"))
    processes = {}
    try:
        for name in ("trivial", "petite", "grande"):
            processes[name] = start(name, tmp / name, args)
        try:
            ports = {name: home.wait_port(p, name) for name, p in processes.items()}
        except SystemExit:
            for name in processes:
                print("--- %s.log:\n%s" % (name, (tmp / ("%s.log" % name)).read_text()[-3000:]))
            raise
        infos = {n: json.loads((tmp / n / "info.json").read_text()) for n in ("petite", "grande")}
        ready = time.monotonic() - began
        print(
            "waitress: %s; retry.attempts=%d; %d CPU(s)"
            % (
                ", ".join("%s=%s" % kv for kv in home.waitress_settings().items()),
                RETRY_ATTEMPTS,
                home.os.cpu_count(),
            )
        )
        print("school year %s; servers ready after %.0f s" % (infos["grande"]["annee"], ready))
        for name in ("grande", "petite"):
            info, t = infos[name], infos[name]["timings"]
            print(
                "generation %-6s %6d families %6d children %8d cells %5d counters: "
                "%5.1f s (objects %.1f, cells %.1f, commits %.1f, counters %.1f; "
                "app+demo %.1f); Data.fs %.0f MB"
                % (
                    name,
                    info["familles"],
                    info["enfants"],
                    info["cellules"],
                    info["compteurs"],
                    t["total"],
                    t["objects"],
                    t["cells"],
                    t["commits"],
                    t["counters"],
                    t["app_and_demo"],
                    info["data_fs_bytes"] / 1e6,
                )
            )
        targets = {"trivial": {"path": "/", "cookies": {}, "marker": home.TRIVIAL_TEXT.encode()}}
        sizes = {}
        for name in ("grande", "petite"):
            cookies, sizes[name] = check_grid(ports[name], infos[name])
            targets[name] = {
                "path": grid_path(infos[name]),
                "cookies": cookies,
                "marker": b'<table class="planning-grille">',
            }
        for name, target in targets.items():
            target.update(port=ports[name], pid=processes[name].pid)
        print(
            "grid: GET %s as %s (%d bytes, 7 rows); small town: %d bytes"
            % (
                targets["grande"]["path"],
                infos["grande"]["grid"]["login"],
                sizes["grande"],
                sizes["petite"],
            )
        )
        print()
        runs, rps, cpu_ms = home.rounds(targets, ("trivial", "grande", "petite"), args)
        errors = sum(r["errors"] for r in runs)
        grid_ratio = rps["grande"] / rps["trivial"]
        cost_ratio = rps["petite"] / rps["grande"]
        cpu_ratio = cpu_ms["grande"] / cpu_ms["petite"] if cpu_ms["petite"] else 0.0

        print()
        info = infos["grande"]
        print(
            "race: %d parents, %s on %s, capacity %d, %d places taken before (%d left)"
            % (
                len(info["course"]),
                "/".join(COURSE_PRESTATION),
                info["course_jour"],
                info["course_capacite"],
                info["course_pris_avant"],
                info["course_capacite"] - info["course_pris_avant"],
            ),
            flush=True,
        )
        results, problems, burst, login_seconds = race(ports["grande"], info, args.logins)
        client = home.Client(ports["grande"])
        _s, _h, body = client.request("GET", "/_bench/course")
        client.close()
        counted = json.loads(body)
        statuses = {}
        for status, ok_location, _t, _b in results.values():
            key = "%s%s" % (status, "" if ok_location or status != 302 else " (elsewhere)")
            statuses[key] = statuses.get(key, 0) + 1
        failed = [(n, r) for n, r in results.items() if r[0] != 302 or not r[1]]
        latencies = sorted(r[2] for r in results.values())
        accepted = counted["etats"].get("reserve", 0)
        waiting = counted["etats"].get("attente", 0)
        print(
            "logins + csrf tokens: %.1f s (%d at a time); burst: %d posts in %.1f s "
            "(%.0f req/s; latency p50 %.2f s, max %.2f s)"
            % (
                login_seconds,
                args.logins,
                len(results),
                burst,
                len(results) / burst if burst else 0,
                latencies[len(latencies) // 2] if latencies else 0,
                latencies[-1] if latencies else 0,
            )
        )
        print("HTTP statuses: %s" % ", ".join("%s: %d" % kv for kv in sorted(statuses.items())))
        for line in problems[:10]:
            print("  failed before the race: %s" % line)
        for n, (status, _ok, _t, body) in failed[:5]:
            title = re.search(rb"<title>([^<]*)</title>", body) if isinstance(body, bytes) else None
            detail = title.group(1).decode() if title else body[:120]
            print("  failed: %s -> %s %s" % (info["course"][n]["login"], status, detail))
        if len(failed) > 5:
            print("  ... %d failed in all" % len(failed))
        print(
            "database: cells %s; requests %s; places.pris %d (capacity %d, limite %s)"
            % (
                json.dumps(counted["etats"], sort_keys=True),
                json.dumps(counted["demandes"], sort_keys=True),
                counted["pris"],
                counted["capacite"],
                counted["limite"],
            )
        )
        print("server: retries (pyramid_retry BeforeRetry), by cause:")
        for key, n in sorted(counted["retries"].items(), key=lambda kv: -kv[1]):
            print("  %5d %s" % (n, key))
        print("  the objects they conflicted on:")
        for key, n in sorted(counted["where"].items(), key=lambda kv: -kv[1]):
            print("  %5d %s" % (n, key))
        print(
            "server: exceptions behind the final 5xx answers: %s"
            % json.dumps(counted["5xx"], sort_keys=True)
        )
        errors_race = len(failed) + len(problems)
    finally:
        home.arreter(processes)
        home.shutil.rmtree(tmp, ignore_errors=True)

    print()
    print("== summary ==")
    g = infos["grande"]["timings"]["total"]
    print("generation of the %d-family town (in its server): %.0f s" % (args.familles, g))
    print("trivial view:          %8.1f req/s" % rps["trivial"])
    print(
        "grid, %5d families:   %8.1f req/s  (%.1f ms server CPU/request)"
        % (args.familles, rps["grande"], cpu_ms["grande"])
    )
    print(
        "grid, %5d families:   %8.1f req/s  (%.1f ms server CPU/request)"
        % (args.petite, rps["petite"], cpu_ms["petite"])
    )
    print(
        "ratio grid/trivial: %.3f (target >= %.1f): %s"
        % (grid_ratio, TARGET_GRID, "PASS" if grid_ratio >= TARGET_GRID else "FAIL")
    )
    print(
        "cost large/small: %.3f by req/s, %.3f by server CPU (target <= %.1f): %s"
        % (cost_ratio, cpu_ratio, TARGET_COST, "PASS" if cost_ratio <= TARGET_COST else "FAIL")
    )
    if errors:
        print("%d grid/trivial request(s) failed or gave an unexpected answer" % errors)
    expected = (COURSE_RESTANTES, len(infos["grande"]["course"]) - COURSE_RESTANTES, 0)
    got = (accepted, waiting, errors_race)
    print(
        "race: %d accepted, %d waiting, %d errors, places.pris %d -> %d "
        "(expected %d, %d, 0, +%d): %s"
        % (
            accepted,
            waiting,
            errors_race,
            infos["grande"]["course_pris_avant"],
            counted["pris"],
            expected[0],
            expected[1],
            COURSE_RESTANTES,
            "PASS" if got == expected else "FAIL",
        )
    )
    print("total time: %.0f s" % (time.monotonic() - began))
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with open(out / "planning.json", "w") as fp:
        json.dump(
            {
                "generation": {n: i["timings"] for n, i in infos.items()},
                "rps": rps,
                "cpu_ms": cpu_ms,
                "grid_ratio": grid_ratio,
                "cost_ratio": cost_ratio,
                "runs": runs,
                "race": {
                    "statuses": statuses,
                    "database": counted,
                    "failed": len(failed),
                    "problems": problems,
                    "retry_attempts": RETRY_ATTEMPTS,
                },
            },
            fp,
            indent=2,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
