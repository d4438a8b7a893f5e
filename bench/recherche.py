"""make bench (search): the staff's search by name (/manage/@@recherche,
logged in as an agent) on a town of 10,000 families and 20,000 children,
against the trivial view of the foundation benchmark, served by the same
waitress configuration in the same run.  Target: each query answers
within 100 ms (p95), i.e. the search at no less than 0.1 of the trivial
view.

    .venv/bin/python bench/recherche.py [--familles 10000] [--clients 1]

- ``portail`` server: the real application (its own FileStorage, template
  reloading off as in production), demo data plus the generated town
  (bench/population.py) and two children per family (first names of
  population.PRENOMS), one family LEFÈVRE;
- ``trivial`` server: bench/home.py's trivial view;
- this process: the load generator (bench/home.py's run_load), alternating
  trivial and the typical queries: a name's beginning ("dup"), an accented
  name typed without accent ("lefev"), a family name and a child's first
  name shared by a thousand families ("martin lucas": 20 shown), a phone
  with spaces, a N° famille's beginning.
Figures only: nothing asserts on them.
"""

import argparse
import json
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import demandes  # noqa: E402  (bench/demandes.py: log_in, check)
import home  # noqa: E402  (bench/home.py: servers, client, load generator)
import population  # noqa: E402

SETTINGS = ["pyramid.reload_templates=false"]
REQUETES = {
    "dup": "dup",
    "lefev": "lefev",
    "martin": "martin lucas",
    "phone": "04 76 00 12",
    "numero": "200000000123",
}
MARQUE = b"resultats-recherche"


def serve(directory, familles):
    """The portail server with the generated town (run as --serve)."""

    def generate(root, registry):
        import datetime

        import transaction

        numeros = population.populate(root, registry, familles, 500)
        for i, numero in enumerate(numeros):
            famille = root["familles"][numero]
            for j in range(2):
                enfant = registry.content.create(
                    "Enfant",
                    nom=famille.responsable["nom"],
                    prenom=population.PRENOMS[(i + 3 * j) % len(population.PRENOMS)],
                    date_naissance=datetime.date(2012 + (i + j) % 10, 1 + i % 12, 1 + j),
                )
                famille["enfants"].add_next(enfant, registry=registry)
            if i % 500 == 499:
                transaction.commit()
        lefevre = root["familles"][numeros[-1]]
        lefevre.responsable["nom"] = "LEFÈVRE"
        from substanced.util import find_catalog

        find_catalog(lefevre, "portail").reindex_resource(lefevre)
        transaction.commit()

    home.serve_town(directory, generate, SETTINGS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    home.load_options(parser)
    args = parser.parse_args()
    if args.serve:
        return home.serve_town_or_trivial(args, serve, args.familles)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-recherche-"))
    processes = {}
    try:
        extra = ["--familles", str(args.familles)]
        processes.update(home.start_town_servers(__file__, tmp, extra))
        ports = {name: home.wait_port(p, name) for name, p in processes.items()}
        agent = demandes.log_in(ports["portail"], *demandes.AGENT, expect="/manage")
        targets = {"trivial": {"path": "/", "cookies": {}, "marker": home.TRIVIAL_TEXT.encode()}}
        for name, requete in REQUETES.items():
            path = "/manage/@@recherche?" + urllib.parse.urlencode({"q": requete})
            size = demandes.check(ports["portail"], agent, path, MARQUE)
            print("%-8s GET %s as agent (%d bytes)" % (name, path, size))
            targets[name] = {"path": path, "cookies": agent, "marker": MARQUE}
        for name, target in targets.items():
            server = "trivial" if name == "trivial" else "portail"
            target.update(port=ports[server], pid=processes[server].pid)
        print("%d families, %d children" % (args.familles, 2 * args.familles))
        print()
        runs, rps, _cpu_ms = home.rounds(targets, ("trivial", *REQUETES), args)
    finally:
        home.arreter(processes)
    print()
    for name in ("trivial", *REQUETES):
        mine = [r for r in runs if r["name"] == name]
        p95 = max(r["p95_ms"] or 0 for r in mine)
        verdict = "" if name == "trivial" else ("PASS" if p95 <= 100 else "FAIL")
        print(
            "%-8s %8.1f requests/s   ratio to trivial %.3f   p95 %.1f ms %s"
            % (name, rps[name], rps[name] / rps["trivial"], p95, verdict)
        )
    print("total time: %.0f s" % (time.monotonic() - began))
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with open(out / "recherche.json", "w") as fp:
        json.dump({"rps": rps, "runs": runs}, fp, indent=2)


if __name__ == "__main__":
    sys.exit(main())
