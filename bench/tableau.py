"""make bench (dashboard): the staff's dashboard of the day
(/manage/@@tableau) on a town of 10,000 families and 20,000 children,
against the trivial view of the foundation benchmark, served by the same
waitress configuration in the same run.  Target: the dashboard at no less
than 0.1 of the trivial view.

    .venv/bin/python bench/tableau.py [--familles 10000] [--demandes 2000] [--messages 20000]

- ``portail`` server: the real application (its own FileStorage, template
  reloading off as in production), demo data plus bench/planning.py's town
  (``--familles`` families of two children enrolled in the seven demo
  prestations, a school year of cells, the prestations' day counters), one
  child in ALERTES with an allergy or a PAI, ``--demandes`` pending
  requests (bench/population.py's kinds: responsable, conjoint) and
  ``--messages`` messages (bench/messagerie.py's writer);
- ``trivial`` server: bench/home.py's trivial view;
- this process: the load generator (bench/home.py's run_load),
  alternating trivial, the dashboard as an agent (every block but the
  régies', the health alerts included) and as a régisseur (requests,
  messages, closures, the régies' runs and payments).
Figures only: nothing asserts on them.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import demandes  # noqa: E402  (bench/demandes.py: log_in, check)
import home  # noqa: E402  (bench/home.py: servers, client, load generator)
import messagerie  # noqa: E402  (bench/messagerie.py: ecrire_messages)
import planning  # noqa: E402  (bench/planning.py: generer)

SETTINGS = ["pyramid.reload_templates=false"]
TABLEAU_PATH = "/manage/@@tableau"
MARQUE = b"bloc-demandes"
REGISSEUR = ("regisseur", "Regie2015alsh")
ALERTES = 20  # one child in 20 has an allergy or a PAI
NOMS = ("trivial", "agent", "regisseur")


def generer(root, registry, familles, nombre_demandes, messages):
    import random

    import transaction
    from substanced.util import find_catalog

    from portail_famille.demandes import service

    t0 = time.perf_counter()
    info = planning.generer(root, registry, familles, 0)
    t1 = time.perf_counter()
    folder = root["familles"]
    numeros = [str(planning.NUMERO + i) for i in range(familles)]
    catalog = find_catalog(root, "portail")
    alertes = 0
    for i, numero in enumerate(numeros):
        famille = folder[numero]
        enfants = list(famille["enfants"].values())
        if i % (ALERTES // 2) == 0:
            sanitaires = enfants[i % 2].section_modifiable("sanitaires")
            if i % 3:
                sanitaires.update({"allergies": "arachide"})
            else:
                sanitaires.update({"pai": "Oui", "pai_precisions": "asthme"})
            catalog.reindex_resource(famille)
            alertes += 1
        if i % planning.BATCH == planning.BATCH - 1:
            transaction.commit()
    transaction.commit()
    for j in range(nombre_demandes):
        famille = folder[numeros[(j * 7919) % len(numeros)]]
        valeurs = dict(
            famille.responsable,
            mobile="06.00.%02d.%02d.%02d" % (j // 10000, j // 100 % 100, j % 100),
        )
        service.deposer(famille, "conjoint" if j % 2 else "responsable", valeurs, "bench", registry)
        if j % planning.BATCH == planning.BATCH - 1:
            transaction.commit()
    transaction.commit()
    t2 = time.perf_counter()
    counts = messagerie.ecrire_messages(root, registry, numeros, messages, random.Random(2015))
    t3 = time.perf_counter()
    return {
        "familles": familles,
        "enfants": info["enfants"],
        "cellules": info["cellules"],
        "alertes": alertes,
        "demandes": nombre_demandes,
        **counts,
        "timings": {
            "planning": t1 - t0,
            "alertes_demandes": t2 - t1,
            "messages": t3 - t2,
        },
    }


def serve(directory, familles, nombre_demandes, messages):
    """The portail server with the generated town (run as --serve)."""
    home.serve_town(
        directory,
        lambda root, registry: generer(root, registry, familles, nombre_demandes, messages),
        SETTINGS,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--demandes", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=20000)
    home.load_options(parser)
    args = parser.parse_args()
    if args.serve:
        name, directory = args.serve
        if name == "trivial":
            return home.serve("trivial", directory)
        return serve(directory, args.familles, args.demandes, args.messages)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-tableau-"))
    processes = {}
    try:
        extra = [
            "--familles",
            str(args.familles),
            "--demandes",
            str(args.demandes),
            "--messages",
            str(args.messages),
        ]
        processes.update(home.start_town_servers(__file__, tmp, extra))
        ports = {name: home.wait_port(p, name) for name, p in processes.items()}
        info = json.loads((tmp / "portail" / "info.json").read_text())
        print(
            "town: %(familles)d families, %(enfants)d children, %(cellules)d cells, "
            "%(alertes)d children with a health alert, %(demandes)d requests, "
            "%(conversations)d conversations (%(non_lus_service)d unread by the service)" % info
        )
        print("set-up: %s" % json.dumps(info.get("timings", {})))
        port = ports["portail"]
        cookies = {
            "agent": demandes.log_in(port, *demandes.AGENT, expect="/manage"),
            "regisseur": demandes.log_in(port, *REGISSEUR, expect="/manage"),
        }
        targets = {"trivial": {"path": "/", "cookies": {}, "marker": home.TRIVIAL_TEXT.encode()}}
        for name, jar in cookies.items():
            size = demandes.check(port, jar, TABLEAU_PATH, MARQUE)
            print("%-9s GET %s (%d bytes)" % (name, TABLEAU_PATH, size))
            targets[name] = {"path": TABLEAU_PATH, "cookies": jar, "marker": MARQUE}
        for name, target in targets.items():
            server = "trivial" if name == "trivial" else "portail"
            target.update(port=ports[server], pid=processes[server].pid)
        print()
        runs, rps, cpu_ms = home.rounds(targets, NOMS, args)
    finally:
        home.arreter(processes)
    print()
    for name in NOMS:
        mine = [r for r in runs if r["name"] == name]
        p95 = max(r["p95_ms"] or 0 for r in mine)
        ratio = rps[name] / rps["trivial"]
        verdict = "" if name == "trivial" else ("PASS" if ratio >= 0.1 else "FAIL")
        print(
            "%-9s %8.1f requests/s   ratio to trivial %.3f   p95 %.1f ms   server CPU %.1f ms %s"
            % (name, rps[name], ratio, p95, cpu_ms[name], verdict)
        )
    print("total time: %.0f s" % (time.monotonic() - began))
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with open(out / "tableau.json", "w") as fp:
        json.dump({"town": info, "rps": rps, "cpu_ms": cpu_ms, "runs": runs}, fp, indent=2)


if __name__ == "__main__":
    sys.exit(main())
