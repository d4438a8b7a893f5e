"""make bench (prelevement): the monthly direct-debit batch of the régie
over a town of 10,000 families, 40 % of them with an active mandate.

    .venv/bin/python bench/prelevement.py [--familles 10000] [--mandats 0.4] [--factures 1]
                                          [--tracemalloc]

A first process generates the town on a FileStorage in a temporary
directory (the demo data, ``population.populate``'s families, one or more
unpaid invoices each of the demo's régie, a signed mandate for the given
share of them) and exits; this process opens it (connection cache of
development.ini) and measures, each step from an emptied connection cache:

- ``apercu``: the preview (``prelevement.lots.apercu``): every family's
  unpaid invoices and mandate;
- ``construire``: the inline build (``lots.construire``: the preview
  again, its digest checked, the pain.008 file made with sepaxml and
  validated with lxml against its XSD, the invoices marked, the mandates
  used), aborted: the reference the workers' file is compared with;
- ``requete_lot``: what the confirmation's request does besides the
  preview since the batch is a long job (``lots.ouvrir``: numbered, "en
  préparation"; ``preparation.mettre_en_preparation``: queued) and its
  commit;
- ``travail_lot``: one worker (``travaux.service.Travailleur``) running
  that job to its end, chunk by chunk, the file written by its last
  chunk; the file is checked equal to the inline one but for its
  creation time;
- ``requete_effectuer`` and ``effectuer``: the batch done by the workers
  (one payment per invoice and its receipt frozen, per chunk).

Printed: seconds per step, debits, invoices, total, the file's size and
the process's peak resident memory after each step (``ru_maxrss``);
``--tracemalloc`` also measures the peak of Python allocations during
each step (about three times slower: the seconds are then not the
target's).  Target: the preview and
the batch under 60 s on 2 cores.  Figures only; bench/out/prelevement.json
keeps them.
"""

import argparse
import datetime
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: the application on a temporary FileStorage)
import population  # noqa: E402  (bench/population.py: the generated families)

REGIE = "regie-garderie-alsh"
OUT = Path(__file__).resolve().parent / "out" / "prelevement.json"
LOT = 500  # families per commit while generating
OBJECTIF = 60.0


def generer(directory, familles, part, factures):
    """The town (run as --generer, in its own process)."""
    import warnings

    import transaction
    from pyramid.scripting import prepare
    from schwifty import IBAN

    from portail_famille import dates
    from portail_famille.facturation import service
    from portail_famille.prelevement import mandats
    from portail_famille.util import close_databases

    warnings.simplefilter("ignore")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    app = home.home_app(directory, ["portail.travaux.dans_le_processus=false"])
    env = prepare(registry=app.registry)
    rng = random.Random(2026)
    try:
        root, registry = env["root"], env["registry"]
        numeros = population.populate(root, registry, familles, 0)
        regie = root["regies"][REGIE]
        jour = dates.today() - datetime.timedelta(days=20)
        signe = dates.today() - datetime.timedelta(days=200)
        avec = 0
        for i, numero in enumerate(numeros):
            famille = root["familles"][numero]
            for _n in range(factures):
                montant = Decimal(rng.randrange(500, 25000)) / 100
                ligne = {"enfant": "X", "montant": montant, "quantite": 1, "prix": montant}
                service.emettre_facture(
                    famille, regie, jour, jour, jour, [ligne], registry=registry
                )
            if rng.random() < part:
                iban = IBAN.generate("FR", bank_code="30006", account_code="%011d" % i)
                mandats.signer(famille, famille.nom_complet, str(iban), "AGRIFRPPXXX", signe)
                avec += 1
            if i % LOT == LOT - 1:
                transaction.commit()
        transaction.commit()
    finally:
        env["closer"]()
        close_databases(app.registry)
    info = {"familles": familles, "mandats": avec, "generation": time.perf_counter() - t0}
    (directory / "info.json").write_text(json.dumps(info))


def _mesure(nom, figures, func, traces, garder=True):
    """Run ``func`` and commit (abort unless ``garder``); its seconds, the
    peak RSS after it and, with ``traces`` (tracemalloc: about three times
    slower), the peak of Python allocations during it."""
    import transaction

    if traces:
        tracemalloc.start()
    t0 = time.perf_counter()
    try:
        result = func()
        if garder:
            transaction.commit()
        else:
            transaction.abort()
    finally:
        secondes = time.perf_counter() - t0
        pic = tracemalloc.get_traced_memory()[1] if traces else None
        if traces:
            tracemalloc.stop()
    figures[nom] = {
        "secondes": round(secondes, 2),
        "pic_python_mo": round(pic / 1024 / 1024, 1) if pic is not None else None,
        "maxrss_mo": round(home.maxrss_mb(), 1),
    }
    return result


def mesurer(directory, traces=False):
    import warnings

    import transaction
    from pyramid.paster import get_appsettings
    from pyramid.scripting import prepare

    from portail_famille import dates, main
    from portail_famille.prelevement import creancier as prelevement_creancier
    from portail_famille.prelevement import lots as service
    from portail_famille.prelevement import preparation
    from portail_famille.travaux.service import Travailleur
    from portail_famille.util import close_databases

    def _en_file(request, regie, lot):
        preparation.mettre_en_preparation(request, regie, lot, "bench")
        return lot

    warnings.simplefilter("ignore")
    # development.ini's settings on the generated database
    settings = dict(get_appsettings(str(home.INI)))
    var = str(home.ROOT / "var")
    for key in [k for k in settings if k.startswith("zodbconn.uri")]:
        settings[key] = settings[key].replace(var, str(directory))
    settings["portail.mail_directory"] = str(directory / "mail")
    # no worker thread of development.ini: the bench runs its own worker
    settings["portail.travaux.dans_le_processus"] = "false"
    app = main({}, **settings)
    figures = {}
    echeance = dates.today() + datetime.timedelta(days=3)
    while not service.jour_ouvre(echeance):
        echeance += datetime.timedelta(days=1)
    creancier = prelevement_creancier(app.registry.settings)
    env = prepare(registry=app.registry)
    request = env["request"]
    try:
        root = env["root"]
        regie = root["regies"][REGIE]
        root._p_jar.cacheMinimize()
        apercu = _mesure("apercu", figures, lambda: service.apercu(root, regie, echeance), traces)
        root._p_jar.cacheMinimize()
        # the inline build (the reference the workers' file is compared
        # with), aborted: its number given back
        reference = _mesure(
            "construire",
            figures,
            lambda: service.construire(
                root, regie, echeance, apercu["empreinte"], creancier, par="bench"
            ).fichier.contenu(),
            traces,
            garder=False,
        )
        root._p_jar.cacheMinimize()
        # what the SDI does: the request numbers the batch and queues it...
        lot = _mesure(
            "requete_lot",
            figures,
            lambda: _en_file(
                request,
                regie,
                service.ouvrir(root, regie, echeance, apercu["empreinte"], creancier, par="bench"),
            ),
            traces,
        )
        root._p_jar.cacheMinimize()
        # ... and the workers prepare it, chunk by chunk (one worker here)
        _mesure("travail_lot", figures, lambda: Travailleur(request, root).passe(), traces)
        lot = service.lots(regie)[lot.numero]
        figures["lot"] = {
            "numero": lot.numero,
            "debits": lot.nombre,
            "factures": sum(len(d["factures"]) for d in lot.debits),
            "exclues": len(apercu["exclues"]),
            "total": str(lot.total),
            "fichier_ko": round(lot.fichier.taille / 1024, 1),
            "identique": _normaliser(lot.fichier.contenu()) == _normaliser(reference),
        }
        lot.changer("transmis", "bench")
        transaction.commit()
        root._p_jar.cacheMinimize()
        with patch.object(dates, "today", lambda: echeance):
            _mesure(
                "requete_effectuer",
                figures,
                lambda: preparation.mettre_en_paiement(request, regie, lot, "bench"),
                traces,
            )
            root._p_jar.cacheMinimize()
            _mesure("effectuer", figures, lambda: Travailleur(request, root).passe(), traces)
        figures["lot"]["etat"] = service.lots(regie)[lot.numero].etat
    finally:
        env["closer"]()
        close_databases(app.registry)
    return figures


def _normaliser(data):
    """A pain.008 file without its creation time."""
    return re.sub(rb"<CreDtTm>[^<]+</CreDtTm>", b"<CreDtTm/>", data)


def rapport(info, figures):
    print(
        "Town: %d families, %d with an active mandate (generated in %.0f s)"
        % (info["familles"], info["mandats"], info["generation"])
    )
    lot = figures["lot"]
    print(
        "Batch %s: %d debits, %d invoices, %s EUR; %d invoices left out; file %.1f kB"
        % (
            lot["numero"],
            lot["debits"],
            lot["factures"],
            lot["total"],
            lot["exclues"],
            lot["fichier_ko"],
        )
    )
    print(
        "The workers' file is the inline build's (but its creation time): %s; batch %s"
        % ("yes" if lot["identique"] else "NO", lot["etat"])
    )
    for nom, quoi in (
        ("apercu", "preview (each confirmation does it again)"),
        ("construire", "inline build, for reference (aborted)"),
        ("requete_lot", "the confirmation's request: preview checked again, numbered, queued"),
        ("travail_lot", "the workers' preparation (one worker)"),
        ("requete_effectuer", "'effectuer' queued"),
        ("effectuer", "the workers' payments and their receipts' PDFs (one worker)"),
    ):
        f = figures[nom]
        pic = f["pic_python_mo"]
        print(
            "  %-17s %7.2f s   peak RSS %7.1f MB%s   %s"
            % (
                nom,
                f["secondes"],
                f["maxrss_mo"],
                "" if pic is None else "   peak Python allocations %.1f MB" % pic,
                quoi,
            )
        )
    duree = figures["apercu"]["secondes"] + figures["construire"]["secondes"]
    if figures["apercu"]["pic_python_mo"] is not None:
        print("Preview + batch: %.2f s under tracemalloc (no verdict: run without)" % duree)
        return None
    verdict = "PASS" if duree < OBJECTIF else "FAIL"
    print("Preview + batch: %.2f s (target < %.0f s): %s" % (duree, OBJECTIF, verdict))
    return verdict


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--mandats", type=float, default=0.4)
    parser.add_argument("--factures", type=int, default=1)
    parser.add_argument(
        "--tracemalloc", action="store_true", help="peak Python allocations (slower)"
    )
    parser.add_argument("--generer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generer:
        generer(args.generer, args.familles, args.mandats, args.factures)
        return
    directory = Path(tempfile.mkdtemp(prefix="bench-prelevement-"))
    try:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generer",
                str(directory),
                "--familles",
                str(args.familles),
                "--mandats",
                str(args.mandats),
                "--factures",
                str(args.factures),
            ],
            check=True,
        )
        info = json.loads((directory / "info.json").read_text())
        figures = mesurer(directory, args.tracemalloc)
        verdict = rapport(info, figures)
        OUT.parent.mkdir(exist_ok=True)
        OUT.write_text(json.dumps({"ville": info, **figures, "verdict": verdict}, indent=2))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
