"""make bench (CAF statistics): one month of the "Statistiques CAF" on
bench/planning.py's town (10,000 families, 20,000 children enrolled in the
seven demo prestations, a year of cells), read from the store the planning
keeps (``planning.journees``) against the way before it (every enrolled
child's cells and billed cells read, ``avant`` below, kept here for the
comparison only), in this process.

    .venv/bin/python bench/statistiques.py [--familles 10000] [--ville DIR]

- the town: ``--ville DIR``, a directory holding the Data.fs of an earlier
  run's town (bench/repas.py's or bench/tableau.py's ``portail``
  directory; it is copied, never changed), else made here with
  bench/planning.py's ``generer`` (about 16 minutes on the shared machine);
- ``journees.reconstruire`` (what evolve step33 runs; timed);
- the month of today's date, every prestation: the figures
  (``statistiques.Statistiques``) from an emptied connection cache (cold)
  then again (warm), medians of ``--essais`` for the store, one of each
  the way before (they take tens of seconds); both must be equal;
- the page's three tables (``sdi.statistiques.Periode.tableaux``: the
  per-child detail sorted by name, from the children's Fiches), cold;
- the dashboard's health counts of today, every prestation, from the
  store against the way before (``alertes_avant``), one child in 20 given
  an allergy or a PAI when the town has fewer than 500.
Figures only: nothing asserts on them but the equality.
"""

import argparse
import collections
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: the application on a directory)
import planning  # noqa: E402  (bench/planning.py: the town)


def avant(structures, debut, fin):
    """The figures as computed before the store: every enrolled child of
    every prestation loaded, his cells and billed cells of the period read
    ({key: (booked, attended, billed, days)}, {(day, prestation): [r, a]})."""
    from substanced.util import find_objectmap, get_oid

    from portail_famille.inscriptions import annees
    from portail_famille.planning import cells, repas
    from portail_famille.planning import statistiques as stats
    from portail_famille.structures.resources import IStructure

    objectmap = find_objectmap(structures)
    enfants, jours, cache = collections.defaultdict(stats.Compte), {}, {}
    for structure in structures.values():
        if not IStructure.providedBy(structure):
            continue
        for prestation in structure.prestations():
            oid = get_oid(prestation)
            for annee in annees(prestation):
                du, au = max(debut, annee.debut), min(fin, annee.fin)
                if du > au:
                    continue
                for _o, enfant, _i in repas.enfants_inscrits(prestation, annee, objectmap, cache):
                    tree = cells.cellules(enfant)
                    if tree is None:
                        continue
                    facturees = cells.facturees(enfant, oid, du, au)
                    etats = {d: e for (_p, d), e in tree.items(min=(oid, du), max=(oid, au))}
                    for day in set(etats) | set(facturees):
                        etat, facture = etats.get(day), day in facturees
                        if etat not in stats.RESERVEES | stats.REALISEES and not facture:
                            continue
                        cle = (day.replace(day=1), prestation, stats.tranche(enfant, day), enfant)
                        nombre = stats.heures(prestation, enfant, day)
                        enfants[cle].ajouter(etat, facture, nombre)
                        compte = jours.setdefault((day, prestation), [0, 0])
                        compte[0] += etat in stats.RESERVEES
                        compte[1] += etat in stats.REALISEES
    return _valeurs(enfants, jours)


def alertes_avant(root, prestation_oids, day):
    """The dashboard's health counts as computed before the store: every
    child with an alert loaded, one cell of each read per prestation."""
    from substanced.util import find_objectmap

    from portail_famille.accueil import sante
    from portail_famille.familles.resources import IEnfant
    from portail_famille.planning import cells

    found = dict.fromkeys(prestation_oids, 0)
    objectmap = find_objectmap(root)
    for oid in sante.enfants_avec_alerte(root):
        enfant = objectmap.object_for(oid)
        if enfant is None or not IEnfant.providedBy(enfant) or not sante.a_une_alerte(enfant):
            continue
        if enfant.partie_le is not None and day > enfant.partie_le:
            continue
        for prestation_oid in found:
            if cells.etat(enfant, prestation_oid, day) in sante.ATTENDUS:
                found[prestation_oid] += 1
    return found


def donner_des_alertes(root):
    """One child in 20 with an allergy or a PAI (bench/tableau.py's share),
    when the town has fewer: {oid: alert} of the index, reindexed."""
    import transaction
    from substanced.util import find_catalog

    from portail_famille.accueil import sante

    catalog = find_catalog(root, "portail")
    if len(sante.enfants_avec_alerte(root)) >= 500:
        return
    for i, famille in enumerate(root["familles"].values()):
        enfants = list((famille.get("enfants") or {}).values())
        if i % 10 == 0 and enfants:
            sanitaires = enfants[i % len(enfants)].section_modifiable("sanitaires")
            sanitaires.update({"allergies": "arachide"} if i % 3 else {"pai": "Oui"})
            catalog.reindex_resource(famille)
        if i % 500 == 499:
            transaction.commit()
    transaction.commit()


def _valeurs(enfants, jours):
    """Comparable figures: oids for objects, Compte as tuples."""
    from substanced.util import get_oid

    return (
        {
            (m, get_oid(p), b, e.oid if isinstance(e, tuple) else get_oid(e)): (
                c.reservees,
                c.realisees,
                c.facturees,
                c.jours,
            )
            for (m, p, b, e), c in enfants.items()
        },
        {(d, get_oid(p)): tuple(v) for (d, p), v in jours.items()},
    )


def mesurer(root, registry, essais, info):
    """Every measure, printed as it is made, kept in ``info``."""
    import transaction
    from pyramid.testing import DummyRequest
    from substanced.evolution import EvolutionManager
    from substanced.util import get_oid

    from portail_famille import dates
    from portail_famille.accueil import sante
    from portail_famille.planning import journees
    from portail_famille.planning import statistiques as stats
    from portail_famille.planning.sdi.statistiques import Periode
    from portail_famille.structures.resources import IStructure

    structures = root["structures"]
    t0 = time.perf_counter()
    faits = EvolutionManager(root, registry).evolve(commit=True)
    info["evolve"] = {"etapes": [str(f) for f in faits], "s": time.perf_counter() - t0}
    print("evolve steps not done yet on the town: %s, %.1f s" % (faits, info["evolve"]["s"]))
    t0 = time.perf_counter()
    journees.reconstruire(root)
    transaction.commit()
    info["reconstruire_s"] = time.perf_counter() - t0
    info["store_months"] = len(getattr(structures, journees.JOURNEES))
    print(
        "store made from the town's children (journees.reconstruire, evolve step33): %.1f s, "
        "%d (prestation, month)" % (info["reconstruire_s"], info["store_months"]),
        flush=True,
    )
    mois = dates.today().replace(day=1)
    fin = stats.fin_de_mois(mois)

    def apres():
        figures = stats.Statistiques(structures, mois, fin)
        return _valeurs(figures.enfants, figures.jours)

    froid, chaud, nouveau = home.froid_puis_chaud(root, essais, apres)
    froid_avant, chaud_avant, ancien = home.froid_puis_chaud(root, 1, avant, structures, mois, fin)
    assert nouveau == ancien, "the store and the children's cells disagree"
    info.update(
        mois=mois.isoformat(),
        lignes_enfants=len(nouveau[0]),
        enfants=len({key[3] for key in nouveau[0]}),
        jours=len(nouveau[1]),
        heures_reservees=str(sum(v[0] for v in nouveau[0].values())),
        store_ms=[froid, chaud],
        avant_ms=[froid_avant, chaud_avant],
    )
    print(
        "CAF statistics of %s: %d children, %d rows per child, %d days × activities, "
        "%s hours booked (the same both ways)"
        % (mois, info["enfants"], info["lignes_enfants"], info["jours"], info["heures_reservees"])
    )
    print(
        "figures, cold / warm: store %.0f / %.0f ms (median of %d), before (every child's "
        "cells) %.0f / %.0f ms" % (froid, chaud, essais, froid_avant, chaud_avant),
        flush=True,
    )
    root._p_jar.cacheMinimize()
    request = DummyRequest(params={"du": mois.strftime("%Y-%m"), "au": mois.strftime("%Y-%m")})
    t0 = time.perf_counter()
    tableaux = Periode(structures, request).tableaux()
    info["tableaux_froid_ms"] = 1000 * (time.perf_counter() - t0)
    info["tableaux_lignes"] = {name: len(t[2]) for name, t in tableaux.items()}
    print(
        "the page's three tables (the detail sorted by name) from a cold cache: %.0f ms"
        % info["tableaux_froid_ms"],
        flush=True,
    )

    donner_des_alertes(root)
    oids = [
        get_oid(p) for s in structures.values() if IStructure.providedBy(s) for p in s.prestations()
    ]
    jour = dates.today()
    s_froid, s_chaud, compte = home.froid_puis_chaud(
        root, essais, sante.attendus_avec_alerte, root, oids, jour
    )
    a_froid, a_chaud, attendu = home.froid_puis_chaud(root, essais, alertes_avant, root, oids, jour)
    assert compte == attendu, "the dashboard's health counts disagree"
    info.update(
        jour=jour.isoformat(),
        alertes=len(sante.enfants_avec_alerte(root)),
        alertes_attendues=sum(compte.values()),
        alertes_ms=[s_froid, s_chaud],
        alertes_avant_ms=[a_froid, a_chaud],
    )
    print(
        "dashboard's health counts of %s, every prestation (%d children with an alert, %d "
        "expected), cold / warm: store %.0f / %.1f ms, before (every such child loaded) "
        "%.0f / %.1f ms"
        % (jour, info["alertes"], info["alertes_attendues"], s_froid, s_chaud, a_froid, a_chaud)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--essais", type=int, default=5, help="measures of the store (5)")
    parser.add_argument("--ville", metavar="DIR", help="an earlier run's town (copied)")
    args = parser.parse_args()
    from pyramid.scripting import prepare

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-statistiques-"))
    info = {}
    try:
        if args.ville:
            shutil.copy(Path(args.ville) / "Data.fs", tmp / "Data.fs")
            if (Path(args.ville) / "blobs").is_dir():
                shutil.copytree(Path(args.ville) / "blobs", tmp / "blobs")
        app = home.home_app(tmp)
        env = prepare(registry=app.registry)
        try:
            if not args.ville:
                print("making the town (%d families)..." % args.familles, flush=True)
                planning.generer(env["root"], env["registry"], args.familles, 0)
            mesurer(env["root"], env["registry"], args.essais, info)
        finally:
            env["closer"]()
            out = Path(__file__).resolve().parent / "out"
            out.mkdir(exist_ok=True)
            (out / "statistiques.json").write_text(json.dumps(info, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("total time: %.0f s" % (time.monotonic() - began))


if __name__ == "__main__":
    sys.exit(main())
