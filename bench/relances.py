"""make bench (relances): the unpaid follow-up on a town of 10,000 families.

    .venv/bin/python bench/relances.py [--familles 10000] [--factures 3]

The town (its own generator: the lists read invoices, not plannings):
``--familles`` families through the real model, each with ``--factures``
monthly invoices of the demo's régie (``service.emettre_facture``, a line
billing a prestation of the demo) due over the last months, paid by
``service.enregistrer_reglement`` but a share of them: the last month's
unpaid for IMPAYES[0] of the families, the month before for IMPAYES[1],
the older ones for IMPAYES[2] (about 2,800 unpaid of 30,000 invoices for
10,000 families): a commit every BATCH families, on a FileStorage in a
temporary directory.

Measured, from emptied connection caches (cold) then again (warm), as a
régisseur uses it (WebTest, logged in): the tab "Impayés" (the first page
of 50 lines, its totals), filtered by a bucket, its CSV and XLSX exports
(every unpaid invoice), the preview of "Envoyer les relances dues"; then
the daily script's run (every reminder due sent, committed by batches;
the mails written to files) and its rerun (nothing to send).  Printed:
milliseconds, the unpaid count, the peak resident memory.  Figures only;
bench/out/relances.json keeps them.
"""

import argparse
import datetime
import json
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: the application on a temporary FileStorage)

OUT = Path(__file__).resolve().parent / "out" / "relances.json"
REGIE = "regie-garderie-alsh"
NUMERO = 5000000000000
BATCH = 250
IMPAYES = (0.2, 0.05, 0.03)  # unpaid share: last month, the month before, older
NOMS = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS")
PRENOMS = ("LÉA", "HUGO", "CHLOÉ", "LOUIS", "EMMA", "JULES", "MANON", "LUCAS")
ESSAIS = 3


def generer(root, registry, familles, factures, seed=2015):
    import transaction
    from substanced.util import get_oid

    from portail_famille import dates
    from portail_famille.facturation import service

    rng = random.Random(seed)
    regie = root["regies"][REGIE]
    prestation = root["structures"]["garderie-periscolaire"]["restauration-scolaire"]
    oid = get_oid(prestation)
    today = dates.today()
    folder = root["familles"]
    impayees = 0
    for i in range(familles):
        numero = str(NUMERO + i)
        famille = registry.content.create(
            "Famille",
            responsable={
                "civilite": "Madame",
                "nom": NOMS[i % len(NOMS)],
                "prenom": PRENOMS[i % len(PRENOMS)],
                "autorisation_courriel": False,
            },
        )
        folder.add(numero, famille, registry=registry)
        for k in range(factures):
            # the oldest first: due 30 * (factures - k) - 20 days ago
            echeance = today - datetime.timedelta(days=30 * (factures - k) - 20 + i % 7)
            jour = echeance - datetime.timedelta(days=22)
            montant = Decimal(rng.randrange(2000, 20000)) / 100
            ligne = {
                "enfant": "ENFANT",
                "structure": prestation.structure.title,
                "prestation": prestation.title,
                "prestation_oid": oid,
                "unite": "jour",
                "quantite": 1,
                "prix": montant,
                "montant": montant,
            }
            facture = service.emettre_facture(
                famille, regie, jour, jour, jour, [ligne], echeance=echeance, registry=registry
            )
            age = factures - 1 - k  # 0: the last month's
            part = IMPAYES[min(age, 2)]
            if rng.random() < part:
                impayees += 1
                continue
            service.enregistrer_reglement(
                famille,
                regie,
                echeance - datetime.timedelta(days=3),
                montant,
                "cheque",
                numeros=[facture.numero],
                registry=registry,
            )
        if (i + 1) % BATCH == 0:
            transaction.commit()
    transaction.commit()
    return impayees


def mesurer(browser, url, databases):
    """Median ms of ``url`` with every connection's cache emptied (cold:
    what a server reads the first time), then again (warm)."""
    froid, chaud = [], []
    reponse = None
    for _n in range(ESSAIS):
        for db in databases:
            db.cacheMinimize()
        t0 = time.perf_counter()
        reponse = browser.get(url)
        froid.append(1000 * (time.perf_counter() - t0))
        t0 = time.perf_counter()
        browser.get(url)
        chaud.append(1000 * (time.perf_counter() - t0))
    return sorted(froid)[len(froid) // 2], sorted(chaud)[len(chaud) // 2], reponse


def main():
    import warnings

    import transaction
    import webtest
    from pyramid.scripting import prepare

    from portail_famille import dates
    from portail_famille.demo import COMPTES
    from portail_famille.relances import script, service
    from portail_famille.util import close_databases

    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--factures", type=int, default=3)
    args = parser.parse_args()
    figures = {"familles": args.familles, "factures": args.familles * args.factures}
    with tempfile.TemporaryDirectory(prefix="bench-relances-") as tmp:
        directory = Path(tmp)
        t0 = time.perf_counter()
        app = home.home_app(directory, ["pyramid.reload_templates=false"])
        env = prepare(registry=app.registry)
        try:
            figures["impayees"] = generer(
                env["root"], env["registry"], args.familles, args.factures
            )
        finally:
            env["closer"]()
        figures["generation_s"] = round(time.perf_counter() - t0, 1)
        print(
            "town: %(familles)d families, %(factures)d invoices, %(impayees)d unpaid "
            "(generated in %(generation_s).0f s)" % figures
        )
        browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
        page = browser.get("/connexion")
        jeton = page.html.find("input", {"name": "csrf_token"})["value"]
        browser.post(
            "/connexion",
            {"login": "regisseur", "password": COMPTES["regisseur"][0], "csrf_token": jeton},
        )
        env = prepare(registry=app.registry)
        root = env["root"]
        databases = list(app.registry._zodb_databases.values())
        try:
            for nom, url in (
                ("liste", "/manage/regies/@@impayes"),
                ("liste_31_60", "/manage/regies/@@impayes?tranche=31-60"),
                ("page_20", "/manage/regies/@@impayes?page=20"),
                ("csv", "/manage/regies/@@impayes-csv"),
                ("xlsx", "/manage/regies/@@impayes-xlsx"),
                ("apercu_relances", "/manage/regies/@@relances-dues"),
            ):
                froid, chaud, reponse = mesurer(browser, url, databases)
                figures[nom] = {"froid_ms": round(froid), "chaud_ms": round(chaud)}
                print("%-16s cold %6.0f ms   warm %6.0f ms" % (nom, froid, chaud))
                if nom == "liste":
                    assert "Factures impayées" in reponse.text
            request = env["request"]
            jour = dates.today()
            t0 = time.perf_counter()
            total = script.relancer(request, root, jour, tm=transaction.manager)
            figures["script_s"] = round(time.perf_counter() - t0, 2)
            figures["script"] = total
            t0 = time.perf_counter()
            again = script.relancer(request, root, jour, tm=transaction.manager)
            figures["script_rerun_s"] = round(time.perf_counter() - t0, 2)
            assert again["envoyees"] == 0, again
            print(
                "script: %d reminders due, %d sent in %.1f s; rerun: %d sent in %.1f s"
                % (
                    total["dues"],
                    total["envoyees"],
                    figures["script_s"],
                    again["envoyees"],
                    figures["script_rerun_s"],
                )
            )
            assert len(service.dues(root, jour, app.registry.settings)) == 0
        finally:
            transaction.abort()
            env["closer"]()
            close_databases(app.registry)
    figures["maxrss_mb"] = round(home.maxrss_mb())
    print("peak resident memory: %d MB" % figures["maxrss_mb"])
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
