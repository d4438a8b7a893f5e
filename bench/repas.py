"""make bench (kitchen): the kitchen's order ("Commande des repas", next
week, every site) on bench/planning.py's town (10,000 families, 20,000
children enrolled in the seven demo prestations, a year of cells), against
the trivial view, served by the same waitress configuration in the same
run; and, in the server process, the order computed from the tally
(``planning.repas.commande``) against the way before it (every enrolled
child's cells read, ``avant`` below, kept here for the comparison only),
and the CAF's statistics of one month.

    .venv/bin/python bench/repas.py [--familles 10000] [--regimes 0.15]

- ``portail`` server: the application (production's template setting),
  demo data plus the town of bench/planning.py's ``generer`` (which writes
  the cells directly, as data stored before the tally), a diet or a PAI
  for a share ``--regimes`` of the children, then ``repas.reconstruire``
  (what evolve step30 runs; timed) and ``journees.reconstruire`` (step33,
  the store the statistics read: bench/statistiques.py);
- ``trivial`` server: bench/home.py's trivial view;
- this process: the load generator (bench/home.py's run_load), alternating
  trivial and the order page, logged in as the demo's agent.
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
import planning  # noqa: E402  (bench/planning.py: the town)

SETTINGS = ["pyramid.reload_templates=false"]
ORDER_PATH = "/manage/structures/@@commande-repas"
MARQUE = b'class="table table-striped comptes"'
AGENT = ("agent", "Enfance2015ej")
REGIMES = ("Sans porc", "Sans viande", "Végétarien")
ESSAIS = 5


def avant(structures, debut, fin):
    """The order as computed before the tally: every enrolled child of the
    meal prestations loaded, his cells of the period read, his diet read."""
    from substanced.util import find_objectmap, get_oid

    from portail_famille.inscriptions import annees
    from portail_famille.planning import cells, repas
    from portail_famille.structures.resources import IStructure

    objectmap = find_objectmap(structures)
    servis, enfants = {}, {}
    for structure in structures.values():
        if not IStructure.providedBy(structure):
            continue
        for prestation in structure.prestations():
            if not repas.sert_un_repas(prestation):
                continue
            oid = get_oid(prestation)
            for annee in annees(prestation):
                du, au = max(debut, annee.debut), min(fin, annee.fin)
                if du > au:
                    continue
                for eoid, enfant, _i in repas.enfants_inscrits(
                    prestation, annee, objectmap, enfants
                ):
                    tree = cells.cellules(enfant)
                    for (_o, day), etat in tree.items(min=(oid, du), max=(oid, au)) if tree else ():
                        if etat in repas.REPAS:
                            servis.setdefault((day, structure), set()).add(eoid)
    found = {}
    for key, oids in servis.items():
        compte = dict.fromkeys((*repas.REGIMES, repas.PAI), 0)
        for oid in oids:
            diet, pai = repas.regime(enfants[oid])
            compte[diet] += 1
            compte[repas.PAI] += pai
        compte[repas.TOTAL] = len(oids)
        found[key] = compte
    return found


def serve(directory, familles, part):
    """The portail server with the town (run as --serve)."""

    def generate(root, registry):
        import random

        import transaction

        from portail_famille import dates
        from portail_famille.planning import journees, repas, statistiques
        from portail_famille.planning.sdi.listes import semaine_prochaine

        info = planning.generer(root, registry, familles, 0)
        rng = random.Random(2015)
        t0 = time.perf_counter()
        speciaux = 0
        for n, famille in enumerate(root["familles"].values()):
            for enfant in famille["enfants"].values():
                if rng.random() < part:
                    sanitaires = enfant.section_modifiable("sanitaires")
                    sanitaires["regime_alimentaire"] = rng.choice(REGIMES)
                    sanitaires["pai"] = "Oui" if rng.random() < 0.1 else "Non"
                    speciaux += 1
            if n % 500 == 499:
                transaction.commit()
        transaction.commit()
        info["timings"]["regimes"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        repas.reconstruire(root)
        transaction.commit()
        info["timings"]["reconstruire"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        journees.reconstruire(root)  # the statistics' store (evolve step33)
        transaction.commit()
        info["timings"]["journees"] = time.perf_counter() - t0
        info["regimes"] = speciaux
        structures = root["structures"]
        debut, fin = semaine_prochaine(dates.today())
        froid, chaud, apres = home.froid_puis_chaud(
            root, ESSAIS, repas.commande, structures, debut, fin
        )
        froid_avant, chaud_avant, attendu = home.froid_puis_chaud(
            root, ESSAIS, avant, structures, debut, fin
        )
        assert apres == attendu, "the tally and the cells disagree"
        info["commande"] = {
            "semaine": debut.isoformat(),
            "jours_sites": len(apres),
            "repas": sum(c[repas.TOTAL] for c in apres.values()),
            "tally_ms": [froid, chaud],
            "avant_ms": [froid_avant, chaud_avant],
        }
        mois = dates.today().replace(day=1)
        t0 = time.perf_counter()
        root._p_jar.cacheMinimize()
        figures = statistiques.Statistiques(structures, mois, statistiques.fin_de_mois(mois))
        info["statistiques"] = {
            "mois": mois.isoformat(),
            "lignes": len(figures.enfants),
            "ms": 1000 * (time.perf_counter() - t0),
        }
        return info

    home.serve_town(directory, generate, SETTINGS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--regimes", type=float, default=0.15, help="children with a diet (0.15)")
    home.load_options(parser)
    args = parser.parse_args()
    if args.serve:
        return home.serve_town_or_trivial(args, serve, args.familles, args.regimes)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-repas-"))
    processes = {}
    try:
        extra = ["--familles", str(args.familles), "--regimes", str(args.regimes)]
        processes.update(home.start_town_servers(__file__, tmp, extra))
        ports = {name: home.wait_port(p, name) for name, p in processes.items()}
        info = json.loads((tmp / "portail" / "info.json").read_text())
        agent = demandes.log_in(ports["portail"], *AGENT, expect="/manage")
        size = demandes.check(ports["portail"], agent, ORDER_PATH, MARQUE)
        targets = {
            "trivial": {"path": "/", "cookies": {}, "marker": home.TRIVIAL_TEXT.encode()},
            "commande": {"path": ORDER_PATH, "cookies": agent, "marker": MARQUE},
        }
        for name, target in targets.items():
            server = "trivial" if name == "trivial" else "portail"
            target.update(port=ports[server], pid=processes[server].pid)
        t = info["timings"]
        print(
            "%d families, %d children (%d with a diet), %d cells; generation %.0f s, "
            "reconstruire (evolve step30) %.1f s; Data.fs %.0f MB"
            % (
                info["familles"],
                info["enfants"],
                info["regimes"],
                info["cellules"],
                t["total"],
                t["reconstruire"],
                info["data_fs_bytes"] / 1e6,
            )
        )
        c = info["commande"]
        print(
            "order of the week of %s: %d days × sites, %d meals; in-process, cold / warm: "
            "tally %.1f / %.1f ms, before (every child's cells) %.0f / %.0f ms"
            % (c["semaine"], c["jours_sites"], c["repas"], *c["tally_ms"], *c["avant_ms"])
        )
        s = info["statistiques"]
        print(
            "CAF statistics of %s: %d rows per child, %.0f ms (cold)"
            % (s["mois"], s["lignes"], s["ms"])
        )
        print("page: GET %s as agent (%d bytes)" % (ORDER_PATH, size))
        print()
        runs, rps, cpu_ms = home.rounds(targets, ("trivial", "commande"), args)
    finally:
        home.arreter(processes)
    ratio = rps["commande"] / rps["trivial"]
    print()
    print(
        "trivial  %8.1f requests/s, %.1f ms server CPU a request"
        % (rps["trivial"], cpu_ms["trivial"])
    )
    print(
        "commande %8.1f requests/s, %.1f ms server CPU a request; ratio to trivial %.3f"
        % (rps["commande"], cpu_ms["commande"], ratio)
    )
    print("total time: %.0f s" % (time.monotonic() - began))
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with open(out / "repas.json", "w") as fp:
        json.dump(
            {"info": info, "rps": rps, "cpu_ms": cpu_ms, "ratio": ratio, "runs": runs}, fp, indent=2
        )


if __name__ == "__main__":
    sys.exit(main())
