"""What every page pays (issue 22, item 5): the family's statement, its
invoices tab, the home page, a child's month grid and the staff request
queue, served in this process through WebTest (every tween and view, no
HTTP) on the demo data plus a small generated town (bench/population.py's
families and pending requests, DUPONT's school year as bench/releve.py
makes it), with production's template setting.

    .venv/bin/python bench/profil_pages.py [--familles 200] [--demandes 200]
        [--requetes 200] [--tours 5] [--top 0] [--pages releve,factures]

For each page: the function calls per request (cProfile over
``--requetes`` requests: deterministic, unlike time on a shared machine),
and the CPU per request (``time.process_time``), the minimum over
``--tours`` rounds of ``--requetes`` requests without the profiler; the
trivial view (bench/home.py's, its own database) is measured the same
way, for an in-process ratio.  ``--top N`` prints each page's N
functions by cumulative time, ``--appelants FUNC`` who calls a function.
Figures only.
"""

import argparse
import cProfile
import datetime
import io
import pstats
import re
import shutil
import sys
import tempfile
import time
import warnings
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402
import population  # noqa: E402
import releve  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
AGENT = ("agent", "Enfance2015ej")


def town(directory, familles, demandes, mois):
    """The demo application on ``directory`` with the generated town."""
    import transaction
    from pyramid.scripting import prepare

    app = home.home_app(directory, releve.SETTINGS)
    env = prepare(registry=app.registry)
    try:
        population.populate(env["root"], env["registry"], familles, demandes)
        releve.compte_dupont(env["root"], env["registry"], mois)
        transaction.commit()
        enfant = next(iter(env["root"]["familles"][releve.DUPONT]["enfants"]))
    finally:
        env["closer"]()
    return app, enfant


def client(app, login, password, expect):
    import webtest

    test = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    page = test.get("/connexion")
    form = {"login": login, "password": password, "csrf_token": TOKEN.search(page.text).group(1)}
    response = test.post("/connexion", form, status=302)
    assert expect in response.location, response.location
    return test


def pages(app, enfant):
    parent = client(app, *home.LOGIN, expect=home.HOME_PATH)
    agent = client(app, *AGENT, expect="/manage")
    mois = datetime.date.today().strftime("%Y-%m")
    grille = "%senfants/%s/planning?mois=%s" % (home.HOME_PATH, enfant, mois)
    table = {
        "releve": (parent, releve.RELEVE, b"Solde du Compte pour l"),
        "factures": (parent, releve.RELEVE + "?onglet=factures", b'id="titre-factures"'),
        "reglements": (parent, releve.RELEVE + "?onglet=reglements", b'id="titre-reglements"'),
        "home": (parent, home.HOME_PATH, b"Bienvenue JEAN DUPONT"),
        "grille": (parent, grille, b"planning"),
        "file": (agent, "/manage/@@demandes", b"Page 1 sur"),
    }
    for name, (test, path, marker) in table.items():
        body = test.get(path, status=200).body
        assert marker in body, (name, path)
    return table


def trivial(directory):
    import webtest

    app = home.trivial_app(directory)
    test = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    return (test, "/", home.TRIVIAL_TEXT.encode())


def requete(entry):
    """One GET of ``entry`` straight through the WSGI application, with the
    client's cookies, renewed as a browser does from Set-Cookie (no
    WebTest on the way: its cookie jar and checks would be counted)."""
    test, path, _marker = entry
    script, _sep, query = path.partition("?")
    cookies = {c.name: c.value for c in test.cookiejar}
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": script,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    app = test.app

    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), status
        for name, value in headers:
            if name.lower() == "set-cookie":
                for cle, morsel in SimpleCookie(value).items():
                    cookies[cle] = morsel.value

    def run():
        env = dict(environ, HTTP_COOKIE="; ".join("%s=%s" % kv for kv in cookies.items()))
        env["wsgi.input"] = io.BytesIO()
        return b"".join(app(env, start_response))

    return run


def mesurer(entry, requetes, tours):
    run = requete(entry)
    best = None
    for _ in range(tours):
        t0 = time.process_time()
        for _ in range(requetes):
            run()
        cpu = (time.process_time() - t0) / requetes
        best = cpu if best is None else min(best, cpu)
    return best


def profiler(entry, requetes):
    run = requete(entry)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requetes):
        run()
    profile.disable()
    stats = pstats.Stats(profile)
    return stats, stats.total_calls / requetes


def paquets(stats):
    """[(package, share of the own time)], largest first."""
    totals = {}
    for (filename, _line, _func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        if "site-packages/" in filename:
            paquet = filename.split("site-packages/")[1].split("/")[0]
        elif "/portail_famille/" in filename:
            paquet = "portail_famille." + filename.split("/portail_famille/")[1].split("/")[0]
        elif filename.startswith("~"):
            paquet = "builtins"
        elif "/lib/python3" in filename:
            paquet = "stdlib." + filename.rsplit("/", 1)[1]
        else:
            paquet = "templates" if "_" in Path(filename).stem else filename
        totals[paquet] = totals.get(paquet, 0) + tottime
    total = sum(totals.values())
    return sorted(((k, v / total) for k, v in totals.items()), key=lambda kv: -kv[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=200)
    parser.add_argument("--demandes", type=int, default=200)
    parser.add_argument("--mois", type=int, default=10)
    parser.add_argument("--requetes", type=int, default=200)
    parser.add_argument("--tours", type=int, default=5)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--tri", default="cumulative", help="--top's order (cumulative, tottime)")
    parser.add_argument("--appelants", default="", help="print the callers of this function")
    parser.add_argument("--paquets", action="store_true", help="own time by package")
    parser.add_argument("--appeles", default="", help="print what this function calls")
    parser.add_argument("--pages", default="", help="comma-separated subset of the pages")
    args = parser.parse_args()

    warnings.simplefilter("ignore")
    tmp = Path(tempfile.mkdtemp(prefix="bench-profil-"))
    try:
        (tmp / "portail").mkdir()
        (tmp / "trivial").mkdir()
        app, enfant = town(tmp / "portail", args.familles, args.demandes, args.mois)
        table = pages(app, enfant)
        if args.pages:
            table = {k: v for k, v in table.items() if k in args.pages.split(",")}
        table["trivial"] = trivial(tmp / "trivial")
        for entry in table.values():  # warm: templates compiled, caches filled
            run = requete(entry)
            assert entry[2] in run()
            for _ in range(20):
                run()
        print(
            "%d families, %d requests; %d requests a round, min over %d rounds"
            % (args.familles, args.demandes, args.requetes, args.tours)
        )
        print("%-10s %10s %10s %8s" % ("page", "calls/req", "CPU ms", "ratio"))
        results = {}
        for name, entry in table.items():
            stats, calls = profiler(entry, args.requetes)
            cpu = mesurer(entry, args.requetes, args.tours)
            results[name] = (calls, cpu, stats)
        trivial_cpu = results["trivial"][1]
        for name, (calls, cpu, _stats) in results.items():
            print("%-10s %10.0f %10.3f %8.3f" % (name, calls, cpu * 1000, trivial_cpu / cpu))
        for name, (_calls, _cpu, stats) in results.items():
            if args.top and name != "trivial":
                out = io.StringIO()
                stats.stream = out
                stats.sort_stats(args.tri).print_stats(args.top)
                print("\n=== %s ===" % name)
                print(out.getvalue())
            if args.paquets:
                print("\n=== %s: own time by package ===" % name)
                for paquet, part in paquets(stats):
                    print("%-28s %5.1f %%" % (paquet, part * 100))
            if args.appeles and name != "trivial":
                out = io.StringIO()
                stats.stream = out
                stats.print_callees(args.appeles)
                print("\n=== %s: called by %s ===" % (name, args.appeles))
                print(out.getvalue())
            if args.appelants and name != "trivial":
                out = io.StringIO()
                stats.stream = out
                stats.print_callers(args.appelants)
                print("\n=== %s: callers of %s ===" % (name, args.appelants))
                print(out.getvalue())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
