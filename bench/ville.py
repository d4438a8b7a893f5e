"""The generated city of the load bench (bench/ouverture.py): 10,000
families, 20,000 children, a school year of planning, the invoices of every
month over, their payments, and messages; written into a FileStorage with
blobs (``DIR/Data.fs``, ``DIR/blobs``) that a ZEO server then serves.

    .venv/bin/python bench/ville.py DIR [--familles 10000]

It reuses the other benches' generators, through the real model:

- bench/planning.py's ``generer``: the families (numbers 4000000000000 +
  i), one parent account each (``parent%05d``, password
  ``planning.PASSWORD``, ONE hash shared by all, computed once at the
  application's cost, Argon2id at OWASP's parameters: each login pays the
  real price), two
  children each enrolled in the seven demo prestations with a year of cells
  (planning/cells), the day counters (planning/places);
  the first LIBRES Wednesdays afternoons ("Mercredi après-midi") from a week
  ahead are left free for every child, and the prestation's capacity set
  so that they have places: the days the virtual parents reserve;
- the invoices: ``campagne.valider`` of every régie for each month over of
  the school year (the real invoicing run, a commit every 250 families);
- the payments: ``service.enregistrer_reglement`` of PAID of the invoices
  but the last month's (modes in turn), a commit every BATCH families;
- bench/messagerie.py's ``ecrire_messages``: MESSAGES per family;
- the object of the foundation's trivial view (bench/home.py,
  ``root["message"]``), so that trivial processes can run on the same ZEO.

Each step's time is printed and kept in ``DIR/info.json`` with what the
load scenario needs.
"""

import argparse
import datetime
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (the application on a FileStorage in a directory)
import messagerie  # noqa: E402  (the messages' writer)
import planning  # noqa: E402  (families, accounts, children, planning)

LIBRES = 3  # days each virtual parent reserves
MESSAGES = 2  # per family
PAID = 0.8  # share of the invoices paid (but the last month's)
BATCH = 250
MODES = ("cheque", "carte", "prelevement", "especes")


def mois_passes(annee, today):
    """[(first day, last day)] of the school year's months over."""
    found = []
    debut = annee.debut.replace(day=1)
    while True:
        suivant = (debut + datetime.timedelta(days=32)).replace(day=1)
        fin = suivant - datetime.timedelta(days=1)
        if fin >= today or debut > annee.fin:
            return found
        found.append((max(debut, annee.debut), fin))
        debut = suivant


def facturer(root, registry, annee, today):
    """Every régie's invoicing run for each month over; [(month, régie,
    invoices, seconds)]."""
    import transaction

    from portail_famille.facturation import campagne, regies, service

    runs = []
    for debut, fin in mois_passes(annee, today):
        for regie in regies.regies(root):
            t0 = time.perf_counter()
            try:
                run = campagne.valider(
                    root,
                    regie,
                    debut,
                    fin,
                    fin + datetime.timedelta(days=1),
                    par="bench",
                    tm=transaction.manager,
                    registry=registry,
                )
            except service.FacturationError as error:  # a régie without tariffs
                runs.append((debut.strftime("%Y-%m"), regie.title, 0, 0.0, str(error)))
                continue
            seconds = time.perf_counter() - t0
            runs.append((debut.strftime("%Y-%m"), regie.title, run.factures, seconds, ""))
            print(
                "  invoices %s %s: %d in %.1f s"
                % (debut.strftime("%Y-%m"), regie.title, run.factures, seconds),
                flush=True,
            )
    return runs


def payer(root, registry, numeros, dernier_mois, rng):
    """Payments of PAID of the invoices issued before ``dernier_mois``."""
    import transaction

    from portail_famille.facturation import regies, service
    from portail_famille.facturation.resources import Facture

    cache, n = {}, 0
    for i, numero in enumerate(numeros):
        famille = root["familles"][numero]
        for facture in list(service.factures(famille).values()):
            if not isinstance(facture, Facture) or facture.debut >= dernier_mois:
                continue
            if facture.reste <= 0 or rng.random() >= PAID:
                continue
            regie = cache.get(facture.regie_oid) or regies.regie_de(facture)
            cache[facture.regie_oid] = regie
            service.enregistrer_reglement(
                famille,
                regie,
                facture.date + datetime.timedelta(days=rng.randint(1, 20)),
                facture.reste,
                MODES[n % len(MODES)],
                numeros=[facture.numero],
                par="bench",
                registry=registry,
            )
            n += 1
        if i % BATCH == BATCH - 1:
            transaction.commit()
    transaction.commit()
    return n


def generer(directory, familles, seed=2015):
    """The city in ``directory`` (run in its own process); its info."""
    import warnings

    import transaction
    from pyramid.scripting import prepare

    from portail_famille import dates, mots_de_passe
    from portail_famille.util import close_databases

    warnings.simplefilter("ignore")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    timings = {}
    t0 = time.perf_counter()
    app = home.home_app(directory, planning.SETTINGS)
    timings["app_and_demo"] = time.perf_counter() - t0
    env = prepare(registry=app.registry)
    root, registry = env["root"], env["registry"]
    try:
        t = time.perf_counter()
        info = planning.generer(root, registry, familles, course=0, seed=seed, libres=LIBRES)
        prestation = root["structures"][planning.COURSE_PRESTATION[0]]
        prestation = prestation[planning.COURSE_PRESTATION[1]]
        prestation.capacite = max(prestation.capacite or 0, 2 * familles + 100)
        root._p_jar.root()["message"] = home.Message(home.TRIVIAL_TEXT)
        transaction.commit()
        timings["planning"] = time.perf_counter() - t
        print(
            "  families, accounts, children, planning: %.1f s (%d cells)"
            % (timings["planning"], info["cellules"]),
            flush=True,
        )
        numeros = [str(planning.NUMERO + i) for i in range(familles)]
        t = time.perf_counter()
        annee = root["calendrier"][info["annee"]]
        today = dates.today()
        runs = facturer(root, registry, annee, today)
        timings["invoices"] = time.perf_counter() - t
        t = time.perf_counter()
        mois = mois_passes(annee, today)
        paid = payer(root, registry, numeros, mois[-1][0] if mois else today, rng) if mois else 0
        timings["payments"] = time.perf_counter() - t
        print("  payments: %d in %.1f s" % (paid, timings["payments"]), flush=True)
        t = time.perf_counter()
        counts = messagerie.ecrire_messages(root, registry, numeros, MESSAGES * familles, rng)
        timings["messages"] = time.perf_counter() - t
        print(
            "  messages: %d in %d conversations, %.1f s"
            % (counts["messages"], counts["conversations"], timings["messages"]),
            flush=True,
        )
    finally:
        transaction.abort()
        env["closer"]()
        try:
            close_databases(app.registry)
        except KeyError:
            # the first request's connection (home_app) is still open under
            # another transaction manager: closing it fails; the storage is
            # closed all the same (its index written)
            for db in app.registry._zodb_databases.values():
                db.storage.close()
    timings["total"] = time.perf_counter() - t0
    timings["cpu"] = time.process_time()  # this process's, from its start
    ville = {
        "familles": familles,
        "enfants": info["enfants"],
        "cellules": info["cellules"],
        "annee": info["annee"],
        "factures": sum(r[2] for r in runs),
        "campagnes": runs,
        "reglements": paid,
        "messages": counts["messages"],
        "conversations": counts["conversations"],
        "numero0": planning.NUMERO,
        "premiers_enfants": info["premiers"],
        "prestation": info["course_prestation"],
        "libres": info["libres"],
        "mois": [d[:7] for d in info["libres"]],
        "password": planning.PASSWORD,
        "hachage": mots_de_passe.decrire(mots_de_passe.hacher(planning.PASSWORD)),
        "timings": timings,
        "data_fs_mb": (directory / "Data.fs").stat().st_size / 1e6,
    }
    (directory / "info.json").write_text(json.dumps(ville, indent=1))
    return ville


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--familles", type=int, default=10000)
    args = parser.parse_args()
    info = generer(args.directory, args.familles)
    print(
        "city: %(familles)d families, %(enfants)d children, %(cellules)d cells, "
        "%(factures)d invoices, %(reglements)d payments, %(messages)d messages; "
        "Data.fs %(data_fs_mb).0f MB" % info
    )
    print(
        "generated in %.0f s (%.0f s of CPU in this process)"
        % (info["timings"]["total"], info["timings"]["cpu"])
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
