"""make bench (releve): the family's money pages on a town of 10,000
families, each against the trivial view of the foundation benchmark, served
by the same waitress configuration in the same run (issue 22, item 5:
target >= 0.3 of the trivial view, the home page beside them).

    .venv/bin/python bench/releve.py [--familles 10000] [--mois 10]

- ``portail`` server: the real application (development.ini's settings, its
  own FileStorage, template reloading off as in production), demo data plus
  the generated town: bench/population.py's families, one invoice each of
  the demo's régie (``service.emettre_facture``, as bench/prelevement.py);
  and DUPONT's account of the current school year, ``--mois`` months (the
  school year's first ones, up to today): each month an invoice of the two
  children, a payment of it (modes in turn) but the last two months', and
  one credit note on the first invoice;
- ``trivial`` server: bench/home.py's trivial view;
- this process: the load generator (bench/home.py's run_load), logged in as
  jean.dupont, alternating trivial, home, statement ("Relevé des
  opérations", ``releve-de-compte``), its invoices tab ("Mes factures",
  ``?onglet=factures``: the invoice list) and its payments tab ("Mes
  règlements"); it prints the requests per second of each page, its server
  CPU per request and its ratio to the trivial view.
Figures only: nothing asserts on them (bench/out/releve.json keeps them).
"""

import argparse
import datetime
import json
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: servers, client, load generator)
import population  # noqa: E402

REGIE = "regie-garderie-alsh"  # the demo's régie (its name in the régies folder)
DUPONT = "1001001818331"
SETTINGS = ["pyramid.reload_templates=false"]
TARGET = 0.3
RELEVE = home.HOME_PATH + "releve-de-compte"
PAGES = {
    "home": (home.HOME_PATH, b"Bienvenue JEAN DUPONT"),
    "releve": (RELEVE, b"Solde du Compte pour l"),
    "factures": (RELEVE + "?onglet=factures", b'id="titre-factures"'),
    "reglements": (RELEVE + "?onglet=reglements", b'id="titre-reglements"'),
}
MODES = ("cheque", "especes", "carte", "prelevement")


def compte_dupont(root, registry, mois):
    """DUPONT's account of the current school year (see the docstring)."""
    from portail_famille import dates
    from portail_famille.facturation import compte, service

    famille = root["familles"][DUPONT]
    regie = root["regies"][REGIE]
    enfants = [e.title for e in famille["enfants"].values()] or ["X"]
    today = dates.today()
    debut, _fin = compte.annee_scolaire(today)
    factures = []
    for n in range(mois):
        premier = (debut.replace(day=28) + datetime.timedelta(days=31 * n)).replace(day=1)
        dernier = (premier.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        dernier -= datetime.timedelta(days=1)
        emise = min(dernier + datetime.timedelta(days=1), today)
        if premier > today:
            break
        lignes = []
        for k, enfant in enumerate(enfants):
            prix = Decimal("3.40") + k
            quantite = 12 + n % 5
            lignes.append(
                {
                    "enfant": enfant,
                    "structure": "Garderie périscolaire",
                    "prestation": "Restauration scolaire",
                    "quantite": quantite,
                    "prix": prix,
                    "montant": prix * quantite,
                }
            )
        factures.append(
            service.emettre_facture(
                famille, regie, emise, premier, dernier, lignes, registry=registry
            )
        )
    for n, facture in enumerate(factures[:-2]):
        jour = min(facture.echeance - datetime.timedelta(days=3), today)
        service.enregistrer_reglement(
            famille,
            regie,
            jour,
            facture.reste,
            MODES[n % len(MODES)],
            [facture.numero],
            registry=registry,
        )
    if factures:
        service.emettre_avoir(
            factures[0],
            regie,
            factures[0].date,
            "Absence justifiée",
            Decimal("6.80"),
            registry=registry,
        )
    return len(factures)


def serve(directory, familles, mois):
    """The portail server with the generated town (run as --serve)."""

    def generate(root, registry):
        import transaction

        from portail_famille import dates
        from portail_famille.facturation import service

        t0 = time.perf_counter()
        numeros = population.populate(root, registry, familles, 0)
        regie = root["regies"][REGIE]
        jour = dates.today() - datetime.timedelta(days=20)
        for i, numero in enumerate(numeros):
            montant = Decimal(500 + (i * 7919) % 24500) / 100
            ligne = {"enfant": "X", "montant": montant, "quantite": 1, "prix": montant}
            service.emettre_facture(
                root["familles"][numero], regie, jour, jour, jour, [ligne], registry=registry
            )
            if i % 500 == 499:
                transaction.commit()
        factures = compte_dupont(root, registry, mois)
        transaction.commit()
        return {
            "familles": familles,
            "factures_dupont": factures,
            "generation": time.perf_counter() - t0,
        }

    home.serve_town(directory, generate, SETTINGS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--mois", type=int, default=10, help="months of DUPONT's account (10)")
    home.load_options(parser)
    args = parser.parse_args()
    if args.serve:
        return home.serve_town_or_trivial(args, serve, args.familles, args.mois)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-releve-"))
    processes = {}
    try:
        extra = ["--familles", str(args.familles), "--mois", str(args.mois)]
        processes.update(home.start_town_servers(__file__, tmp, extra))
        ports = {name: home.wait_port(p, name) for name, p in processes.items()}
        info = json.loads((tmp / "portail" / "info.json").read_text())
        cookies, _size = home.log_in(ports["portail"])
        targets = {
            "trivial": {"path": "/", "cookies": {}, "marker": home.TRIVIAL_TEXT.encode()},
        }
        sizes = {}
        for name, (path, marker) in PAGES.items():
            client = home.Client(ports["portail"], cookies)
            status, _h, body = client.request("GET", path)
            client.close()
            if status != 200 or marker not in body:
                raise SystemExit("%s: status %s, marker %r missing" % (path, status, marker))
            sizes[name] = len(body)
            targets[name] = {"path": path, "cookies": cookies, "marker": marker}
        for name, target in targets.items():
            server = "trivial" if name == "trivial" else "portail"
            target.update(port=ports[server], pid=processes[server].pid)
        print(
            "%d families (one invoice each), DUPONT's school year: %d invoices; "
            "town generated in %.0f s; waitress: %s"
            % (
                args.familles,
                info["factures_dupont"],
                info["generation"],
                ", ".join("%s=%s" % kv for kv in home.waitress_settings().items()),
            )
        )
        for name, (path, _marker) in PAGES.items():
            print("%-10s GET %s as jean.dupont (%d bytes)" % (name, path, sizes[name]))
        print()
        names = ("trivial", *PAGES)
        runs, rps, cpu_ms = home.rounds(targets, names, args)
    finally:
        home.arreter(processes)
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    ratios = {}
    for name in names:
        ratios[name] = rps[name] / rps["trivial"]
        print(
            "%-10s %8.1f requests/s  %5.2f ms server CPU/request   ratio to trivial %.3f%s"
            % (
                name,
                rps[name],
                cpu_ms[name],
                ratios[name],
                "" if name in ("trivial", "home") else "  (target %.1f)" % TARGET,
            )
        )
    print("total time: %.0f s" % (time.monotonic() - began))
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with open(out / "releve.json", "w") as fp:
        json.dump(
            {"rps": rps, "cpu_ms": cpu_ms, "ratios": ratios, "runs": runs, "info": info},
            fp,
            indent=2,
        )


if __name__ == "__main__":
    sys.exit(main())
