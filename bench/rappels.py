"""Reminders by mail and SMS: the batch ``portail-famille-rappels`` on a
town of ``--familles`` families that all chose them.

    .venv/bin/python bench/rappels.py [--familles 2000]

Each family (through the real model) has a parent whose Autorisation
courriel and Autorisation SMS are Oui with a mobile, chose "Une nouvelle
facture est émise" by mail and SMS and "Une facture arrive à échéance" by
mail, and gets one invoice of the demo's régie due in two days
(``service.emettre_facture``: the subscriber queues its reminder); a
commit every BATCH families, on a FileStorage in a temporary directory.

Measured: the batch's run (two reminders a family: 3 messages, two mails
and an SMS written to files; two commits a reminder) and its rerun
(nothing to send).  Printed: seconds, counts, reminders per second, the
peak resident memory; bench/out/rappels.json keeps them.
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: the application on a temporary FileStorage)

OUT = Path(__file__).resolve().parent / "out" / "rappels.json"
REGIE = "regie-garderie-alsh"
NUMERO = 6000000000000
BATCH = 250


def generer(root, registry, familles):
    import transaction

    from portail_famille import dates
    from portail_famille.facturation import service as facturation
    from portail_famille.rappels import service

    regie = root["regies"][REGIE]
    jour = dates.today()
    folder = root["familles"]
    choix = {
        (service.FACTURE, service.COURRIEL),
        (service.FACTURE, service.SMS),
        (service.ECHEANCE, service.COURRIEL),
    }
    for i in range(familles):
        famille = registry.content.create(
            "Famille",
            responsable={
                "nom": "FAMILLE%d" % i,
                "prenom": "LÉA",
                "email": "famille%d@example.org" % i,
                "mobile": "06.%02d.%02d.%02d.%02d"
                % (i // 1000000 % 100, i // 10000 % 100, i // 100 % 100, i % 100),
                "autorisation_courriel": True,
                "autorisation_sms": True,
            },
        )
        folder.add(str(NUMERO + i), famille, registry=registry)
        service.choisir(famille, choix, "bench")
        ligne = {
            "enfant": "X",
            "montant": Decimal("23.10"),
            "quantite": 1,
            "prix": Decimal("23.10"),
        }
        facturation.emettre_facture(
            famille,
            regie,
            jour,
            jour,
            jour,
            [ligne],
            echeance=jour + datetime.timedelta(days=2),
            registry=registry,
        )
        if (i + 1) % BATCH == 0:
            transaction.commit()
    transaction.commit()


def main():
    import warnings

    import transaction
    from pyramid.scripting import prepare

    from portail_famille.rappels import script
    from portail_famille.util import close_databases

    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--familles", type=int, default=2000)
    args = parser.parse_args()
    figures = {"familles": args.familles}
    with tempfile.TemporaryDirectory(prefix="bench-rappels-") as tmp:
        directory = Path(tmp)
        sms = directory / "sms"
        app = home.home_app(
            directory,
            [
                "pyramid.reload_templates=false",
                "portail.sms.transport=repertoire",
                "portail.sms.directory=%s" % sms,
            ],
        )
        t0 = time.perf_counter()
        env = prepare(registry=app.registry)
        try:
            generer(env["root"], env["registry"], args.familles)
        finally:
            env["closer"]()
        figures["generation_s"] = round(time.perf_counter() - t0, 1)
        env = prepare(registry=app.registry)
        try:
            for db in app.registry._zodb_databases.values():
                db.cacheMinimize()
            t0 = time.perf_counter()
            total = script.envoyer_rappels(env["request"], env["root"], tm=transaction.manager)
            figures["script_s"] = round(time.perf_counter() - t0, 2)
            figures["script"] = total
            t0 = time.perf_counter()
            again = script.envoyer_rappels(env["request"], env["root"], tm=transaction.manager)
            figures["rerun_s"] = round(time.perf_counter() - t0, 2)
            assert again["envoyes"] == 0 and again["calcules"] == 0, again
        finally:
            transaction.abort()
            env["closer"]()
            close_databases(app.registry)
        figures["sms"] = len(os.listdir(sms))
        figures["mails"] = len(os.listdir(directory / "mail"))
    figures["par_seconde"] = round(total["envoyes"] / figures["script_s"])
    figures["maxrss_mb"] = round(home.maxrss_mb())
    print(
        "%(familles)d families: batch %(script_s).1f s (%(par_seconde)d reminders/s), "
        "%(sms)d SMS and %(mails)d mails written; rerun %(rerun_s).1f s; peak %(maxrss_mb)d MB"
        % figures
    )
    print("counts:", total)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
