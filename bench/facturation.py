"""make bench (facturation): the monthly invoicing run of the régie over a
town of 10,000 families (20,000 children, each enrolled in the seven demo
prestations with a year of planning: bench/planning.py's generator).

    .venv/bin/python bench/facturation.py [--familles 10000] [--lot 250] [--mois AAAA-MM] [--sans-pdf]
        [--travail] [--lot-travail 20]

A first process generates the town on a FileStorage in a temporary
directory (the demo data, then ``planning.generer``) and exits; this
process opens it (connection cache of development.ini) and measures, each
step from an emptied connection cache:

- ``lecture`` (the baseline): what any run must read, the régie's
  prestations, the enrolled children (the prestations' index) and each
  child's cells of the month, one range read per prestation;
- ``apercu``: the preview (``campagne.apercu``: rules, prices, lines);
- ``valider``: the run itself (``campagne.valider``), a commit every
  ``--lot`` families, as the SDI runs it: each invoice frozen (its PDF
  rendered and kept, one renderer per core at a time), unless
  ``--sans-pdf`` (the run before frozen documents);
- ``relance``: the preview again, which must find nothing left to bill.

With ``--travail``, the same run is also measured as the SDI now runs it
(issue 22) on a copy of the town: queued, then a worker's pass in this
process (``travaux.service.Travailleur``), by chunks of ``--lot-travail``
families, each chunk's PDFs rendered and sealed in its own transaction
(always: ``--sans-pdf`` concerns the inline run only).

The month is the last one over in the current school year (or the current
month in September).  Printed: seconds, families per second, invoices,
total, the run's cost against the baseline, and the process's peak
resident memory after each step (``ru_maxrss``); ``--tracemalloc`` also
measures the peak of Python allocations during the run (slower).  Figures
only; bench/out/facturation.json keeps them.
"""

import argparse
import datetime
import json
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: the application on a temporary FileStorage)
import planning  # noqa: E402  (bench/planning.py: the town's generator)

REGIE = "regie-garderie-alsh"  # the demo's régie (its name in the régies folder)
OUT = Path(__file__).resolve().parent / "out" / "facturation.json"
# development.ini's, but no worker thread in the process (travaux.fil): it
# would hold a connection of its own, and take the measured job
SETTINGS = tuple(planning.SETTINGS) + ("portail.travaux.dans_le_processus = false",)


def generer(directory, familles):
    """The town (run as --generer, in its own process)."""
    import warnings

    from pyramid.scripting import prepare

    from portail_famille.travaux.fil import fermer
    from portail_famille.util import close_databases

    warnings.simplefilter("ignore")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    app = home.home_app(directory, SETTINGS)
    env = prepare(registry=app.registry)
    try:
        info = planning.generer(env["root"], env["registry"], familles, course=0)
    finally:
        fermer(env)  # the connection too: close_databases closes the rest
        close_databases(app.registry)
    info["timings"]["app_and_demo"] = time.perf_counter() - t0 - info["timings"]["total"]
    (directory / "info.json").write_text(json.dumps(info))


def mois_du_bench(annee, today):
    """The last month over of the school year; its first month when none is."""
    fin = today.replace(day=1) - datetime.timedelta(days=1)
    if fin < annee.debut:
        fin = min(annee.fin, (annee.debut.replace(day=28) + datetime.timedelta(days=4)))
        fin -= datetime.timedelta(days=fin.day)
    return fin.replace(day=1), fin


def lecture(root, regie, debut, fin):
    """The baseline: the plan and every child's cells of the month."""
    from portail_famille.facturation import campagne
    from portail_famille.planning import cells

    plan = campagne.Plan(root, regie, debut, fin)
    n = 0
    for i, (_famille, enfants) in enumerate(plan.familles):
        if i % campagne.LOT == campagne.LOT - 1:
            root._p_jar.cacheGC()  # as the preview does
        for enfant, oids in enfants.values():
            tree = cells.cellules(enfant)
            if tree is None:
                continue
            for oid in oids:
                n += len(tree.items(min=(oid, debut), max=(oid, fin)))
    return len(plan.familles), n


def originaux(root, regie, run):
    """The run's invoices frozen (walking every family, after the
    measure): how many, and their average size."""
    from portail_famille.facturation.originaux import original

    if not run.premier:
        return {"figees": 0, "taille_moyenne": 0}
    bornes = [int(n.removeprefix(regie.prefixe)) for n in (run.premier, run.dernier)]
    numeros = {"%s%d" % (regie.prefixe, n) for n in range(bornes[0], bornes[1] + 1)}
    tailles = []
    for i, famille in enumerate(root["familles"].values()):
        if i % 1000 == 999:
            root._p_jar.cacheGC()
        for numero in numeros.intersection(famille["factures"]):
            found = original(famille["factures"][numero])
            if found is not None:
                tailles.append(found.taille)
    return {"figees": len(tailles), "taille_moyenne": sum(tailles) / max(1, len(tailles))}


def par_le_travailleur(root, regie, debut, fin, date, request, lot):
    """The run as the SDI now runs it (issue 22): queued (``travail.lancer``,
    committed), then a worker's pass (``travaux.service.Travailleur``, in
    this process) issues it by chunks of ``lot`` families, each chunk's
    PDFs rendered and sealed in its transaction."""
    import transaction

    from portail_famille.facturation import campagne, travail
    from portail_famille.travaux.service import Travailleur

    request.registry.settings["portail.facturation_lot"] = str(lot)
    _job, run = travail.lancer(request, root, regie, debut, fin, date, None, "bench")
    cle = run.cle
    transaction.commit()
    Travailleur(request, root, tm=transaction.manager).passe()
    return campagne.campagne_de(regie, cle)


def mesurer(directory, args, par_travailleur=False):
    import warnings

    import transaction
    from pyramid.scripting import prepare

    from portail_famille import dates
    from portail_famille.facturation import campagne
    from portail_famille.montants import euros
    from portail_famille.travaux.fil import fermer
    from portail_famille.util import close_databases

    warnings.simplefilter("ignore")
    app = home.home_app(directory, SETTINGS)
    env = prepare(registry=app.registry)
    root = env["root"]
    figures = {"familles_generees": args.familles, "lot": args.lot}
    try:
        regie = root["regies"][REGIE]
        info = json.loads((directory / "info.json").read_text())
        annee = root["calendrier"][info["annee"]]
        if args.mois:
            year, month = (int(x) for x in args.mois.split("-"))
            from portail_famille.planning.cells import bornes

            debut, fin = bornes(year, month)
        else:
            debut, fin = mois_du_bench(annee, dates.today())
        figures["periode"] = [debut.isoformat(), fin.isoformat()]
        # the first month of a school year just begun is not over: billed
        # as if it were (the régie bills à terme échu; the bench measures
        # the run)
        aujourdhui = max(dates.today(), fin)
        figures["rss_depart_mb"] = home.maxrss_mb()
        jar = root._p_jar

        def step(name, func):
            transaction.abort()
            jar.cacheMinimize()
            t0 = time.perf_counter()
            result = func()
            figures[name] = {"secondes": time.perf_counter() - t0, "rss_mb": home.maxrss_mb()}
            return result

        familles, n_cells = step("lecture", lambda: lecture(root, regie, debut, fin))
        figures["familles"], figures["cellules_lues"] = familles, n_cells
        found = step(
            "apercu",
            lambda: campagne.apercu(root, regie, debut, fin, limite=10, aujourdhui=aujourdhui),
        )
        figures["apercu"].update(factures=found["nombre"], total=str(found["total"]))
        if args.tracemalloc:
            tracemalloc.start()
        run = step(
            "valider",
            lambda: (
                par_le_travailleur(
                    root,
                    regie,
                    debut,
                    fin,
                    fin + datetime.timedelta(days=1),
                    env["request"],
                    args.lot_travail,
                )
                if par_travailleur
                else campagne.valider(
                    root,
                    regie,
                    debut,
                    fin,
                    fin + datetime.timedelta(days=1),
                    par="bench",
                    lot=args.lot,
                    tm=transaction.manager,
                    registry=app.registry,
                    request=None if args.sans_pdf else env["request"],
                    aujourdhui=aujourdhui,
                )
            ),
        )
        if args.tracemalloc:
            figures["valider"]["tracemalloc_pic_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        figures["valider"].update(
            factures=run.factures, total=str(run.total), premier=run.premier, dernier=run.dernier
        )
        figures["valider"]["pdf"] = originaux(root, regie, run)
        again = step(
            "relance",
            lambda: campagne.apercu(root, regie, debut, fin, limite=0, aujourdhui=aujourdhui),
        )
        figures["relance"]["factures"] = again["nombre"]
        transaction.abort()
    finally:
        fermer(env)  # the connection too: close_databases closes the rest
        close_databases(app.registry)
    figures["data_fs_mb"] = (directory / "Data.fs").stat().st_size / 1e6
    figures["generation"] = info["timings"]
    return figures, euros


def rapport(figures, euros):
    f = figures
    print(
        "period %s - %s: %d families enrolled, %d cells read"
        % (f["periode"][0], f["periode"][1], f["familles"], f["cellules_lues"])
    )
    base = f["lecture"]["secondes"]
    for name, label in (
        ("lecture", "baseline: read every child's cells"),
        ("apercu", "preview (campagne.apercu)"),
        ("valider", "run (campagne.valider, lot %d)" % f["lot"]),
        ("relance", "preview again after the run"),
    ):
        step = f[name]
        extra = ""
        if "factures" in step:
            extra = "; %d invoices" % step["factures"]
        if "total" in step:
            extra += ", total %s" % euros(Decimal(step["total"]))
        print(
            "%-44s %7.2f s  %7.0f families/s  %5.1fx baseline  peak RSS %6.0f MB%s"
            % (
                label,
                step["secondes"],
                f["familles"] / step["secondes"],
                step["secondes"] / base,
                step["rss_mb"],
                extra,
            )
        )
    v = f["valider"]
    print(
        "run: numbers %s to %s; invoices per second %.0f; peak RSS %.0f MB (%.0f MB at start)%s"
        % (
            v["premier"],
            v["dernier"],
            v["factures"] / v["secondes"],
            v["rss_mb"],
            f["rss_depart_mb"],
            "; Python allocations peak %.0f MB" % v["tracemalloc_pic_mb"]
            if "tracemalloc_pic_mb" in v
            else "",
        )
    )
    print(
        "frozen invoices: %d of %d, %.0f kB each on average"
        % (v["pdf"]["figees"], v["factures"], v["pdf"]["taille_moyenne"] / 1000)
    )
    ok = f["relance"]["factures"] == 0 and v["factures"] == f["apercu"]["factures"]
    print("second run bills nothing: %s" % ("yes" if ok else "NO"))
    t = f.get("travail")
    if t is not None:
        print(
            "run by the worker (queued, chunks of %d, PDFs in each chunk's transaction): "
            "%.2f s, %d invoices (%s to %s), %d frozen; %.2fx the inline run"
            % (
                t["lot"],
                t["secondes"],
                t["factures"],
                t["premier"],
                t["dernier"],
                t["pdf"]["figees"],
                t["secondes"] / v["secondes"],
            )
        )
        same = (t["factures"], t["total"], t["premier"], t["dernier"]) == (
            v["factures"],
            v["total"],
            v["premier"],
            v["dernier"],
        )
        print("the worker issues what the inline run did: %s" % ("yes" if same else "NO"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--lot", type=int, default=250, help="families per commit (250)")
    parser.add_argument("--mois", help="AAAA-MM (default: the last month over)")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--sans-pdf", action="store_true", help="the run without freezing its invoices"
    )
    parser.add_argument(
        "--travail",
        action="store_true",
        help="also the run through the workers' queue (a copy of the town), as the SDI runs it",
    )
    parser.add_argument(
        "--lot-travail", type=int, default=20, help="families per chunk of the worker (20)"
    )
    parser.add_argument("--generer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generer:
        return generer(args.generer, args.familles)
    tmp = Path(tempfile.mkdtemp(prefix="bench-facturation-"))
    directory = tmp / "ville"
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--generer", str(directory), "--familles", str(args.familles)],
        check=True,
    )
    generation = time.perf_counter() - t0
    if args.travail:  # the same town, for the run by the worker
        shutil.copytree(directory, tmp / "ville-travail")
    figures, euros = mesurer(directory, args)
    figures["generation"]["process"] = generation
    if args.travail:
        figures_travail, _euros = mesurer(tmp / "ville-travail", args, par_travailleur=True)
        figures["travail"] = figures_travail["valider"]
        figures["travail"]["lot"] = args.lot_travail
    print(
        "town: %d families, %d children; generated in %.0f s; Data.fs %.0f MB"
        % (args.familles, 2 * args.familles, generation, figures["data_fs_mb"])
    )
    rapport(figures, euros)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=1) + "\n")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
