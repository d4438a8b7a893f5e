"""make bench (pes): the régie's file of titres de recettes to the Trésor
public (PES V2 ORMC) over a town of 10,000 families.

    .venv/bin/python bench/pes.py [--familles 10000] [--candidates 2000] [--factures 3] [--garder]

A first process builds the town on a FileStorage in a temporary directory
(development.ini's settings, the demo data, then ``--familles`` families
with ``--factures`` invoices each, issued by the régie's service, the
earlier ones paid (one payment a family: the latest invoice is due, a
third of the régie's invoices unpaid); the latest invoice of ``--candidates`` families has two reminders, of a tenth
of them with a SEPA mandate; 5 % of the others one reminder; 50 more
candidates have no address, left out) and exits; this process opens it
and measures, each step from an emptied connection cache:

- ``parcours_journal`` (the baseline) and ``candidates``: the invoices
  to send, found by a pass over every number of the régie (what the
  preview did until issue 22's last step) and from the régie's unpaid
  invoices (``relances.index``: what it does now); the same list, and
  the ratio of their times;
- ``apercu``: the preview (``pes.service.apercu``: the candidates, their
  families and mandates);
- ``fichier``: the inline issue (the preview again, the file written,
  checked and kept, each invoice marked and journaled:
  ``pes.service.emettre``), aborted: the reference the workers' file is
  compared with (byte for byte);
- ``requete``: what "Confirmer l'envoi au Trésor public" does since the
  file is a long job: the preview again, the bordereau numbered, the job
  queued (``service.ouvrir``, ``preparation.mettre_en_file_fichier``),
  its commit;
- ``travail``: one worker (``travaux.service.Travailleur``) running the
  job to its end: chunks of invoices numbered, marked and journaled, the
  file written and checked by the last;
- ``apercu_apres``: the preview again, which must find only the excluded.

Printed: seconds, the file's size, titres and total, and the process's
peak resident memory (``ru_maxrss``); ``--tracemalloc`` also measures the
peak of Python allocations during the file (slower: not for the times).  Target: under 60 s on 2 cores.  Figures
only; bench/out/pes.json keeps them.
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

REGIE = "regie-garderie-alsh"
OUT = Path(__file__).resolve().parent / "out" / "pes.json"
NUMERO = 2026000000000
NOMS = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS")
PRENOMS = ("Léa", "Hugo", "Chloé", "Louis", "Emma", "Jules", "Inès", "Gabriel")
LOT = 500


def generer(directory, familles, candidates, factures):
    """The town (run as --generer, in its own process)."""
    import warnings

    import transaction
    from pyramid.scripting import prepare

    from portail_famille.facturation import service
    from portail_famille.prelevement import mandats
    from portail_famille.util import close_databases

    warnings.simplefilter("ignore")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    app = home.home_app(directory, ["portail.travaux.dans_le_processus=false"])
    env = prepare(registry=app.registry)
    root, registry = env["root"], env["registry"]
    try:
        regie = root["regies"][REGIE]
        folder = root["familles"]
        ligne = {
            "enfant": "ENFANT",
            "structure": "Accueil de Loisirs ALSH",
            "prestation": "Mercredi après-midi",
            "prestation_oid": 0,
            "unite": "journee",
            "quantite": 4,
            "prix": Decimal("12.35"),
            "montant": Decimal("49.40"),
        }
        sans_adresse = 50
        for i in range(familles):
            numero = str(NUMERO + i)
            adresse = i >= candidates or i < candidates - sans_adresse
            famille = registry.content.create(
                "Famille",
                responsable={
                    "civilite": ("Madame", "Monsieur")[i % 2],
                    "nom": NOMS[i % len(NOMS)],
                    "prenom": PRENOMS[i % len(PRENOMS)],
                    "adresse": "%d rue des Écoles" % (1 + i % 120) if adresse else "",
                    "code_postal": "38330" if adresse else "",
                    "ville": "Biviers" if adresse else "",
                },
            )
            folder.add(numero, famille, registry=registry)
            for m in range(factures):
                debut = datetime.date(2026, 9 + m, 1)
                fin = (debut + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(
                    days=1
                )
                facture = service.emettre_facture(
                    famille, regie, fin, debut, fin, [ligne], registry=registry
                )
            if factures > 1:
                # as most families do: the earlier months paid (one payment
                # allocated to the oldest), the latest invoice due
                service.enregistrer_reglement(
                    famille,
                    regie,
                    datetime.date(2026, 11, 5),
                    ligne["montant"] * (factures - 1),
                    "especes",
                    registry=registry,
                )
            rang = 2 if i < candidates else (1 if i % 20 == 0 else 0)
            facture.relances = tuple(
                {"rang": r + 1, "date": datetime.date(2026, 11, 1 + 14 * r), "par": "bench"}
                for r in range(rang)
            )
            if i < candidates and i % 10 == 0:
                mandats.signer(
                    famille,
                    "%s %s" % (PRENOMS[i % len(PRENOMS)], NOMS[i % len(NOMS)]),
                    "FR7630006000011234567890189",
                    "AGRIFRPP",
                    datetime.date(2026, 9, 1),
                )
            if i % LOT == LOT - 1:
                transaction.commit()
        transaction.commit()
    finally:
        env["closer"]()
        close_databases(app.registry)
    info = {"familles": familles, "generation_secondes": time.perf_counter() - t0}
    (directory / "info.json").write_text(json.dumps(info))


def mesurer(directory, args):
    import warnings

    import transaction
    from pyramid.paster import get_appsettings
    from pyramid.scripting import prepare

    from portail_famille import dates, main
    from portail_famille.facturation import journal_regie
    from portail_famille.facturation.resources import Facture
    from portail_famille.pes import preparation, resources, service
    from portail_famille.travaux.service import Travailleur
    from portail_famille.util import close_databases

    warnings.simplefilter("ignore")

    settings = dict(get_appsettings(str(home.INI)))
    var = str(home.ROOT / "var")
    for key in [k for k in settings if k.startswith("zodbconn.uri")]:
        settings[key] = settings[key].replace(var, str(directory))
    settings["portail.mail_directory"] = str(directory / "mail")
    # no worker thread of development.ini: the bench runs its own worker
    settings["portail.travaux.dans_le_processus"] = "false"
    app = main({}, **settings)
    env = prepare(registry=app.registry)
    root = env["root"]
    request = env["request"]
    figures = json.loads((directory / "info.json").read_text())
    try:
        regie = root["regies"][REGIE]
        valeurs, erreurs = service.reglages(app.registry.settings)
        assert not erreurs, erreurs
        jour = dates.today()
        figures["rss_depart_mb"] = home.maxrss_mb()
        jar = root._p_jar

        def step(name, func):
            transaction.abort()
            jar.cacheMinimize()
            t0 = time.perf_counter()
            result = func()
            figures[name] = {"secondes": time.perf_counter() - t0, "rss_mb": home.maxrss_mb()}
            return result

        def parcours_journal():
            """The baseline, same run: the pass the candidates used to be,
            over every number of the régie (each invoice loaded)."""
            numeros = journal_regie.index(regie)
            return [
                d.numero
                for d in numeros.values()
                if isinstance(d, Facture) and service.est_candidate(d, valeurs["relances"])
            ]

        anciennes = step("parcours_journal", parcours_journal)
        nouvelles = step(
            "candidates",
            lambda: [f.numero for f in service.candidates(regie, valeurs["relances"])],
        )
        assert nouvelles == anciennes, "the unpaid index must give the same candidates"
        figures["candidates"].update(
            titres=len(nouvelles),
            rapport=figures["candidates"]["secondes"] / figures["parcours_journal"]["secondes"],
        )
        found = step("apercu", lambda: service.apercu(regie, valeurs, jour))
        figures["apercu"].update(
            titres=found["nombre"], exclues=len(found["exclues"]), total=str(found["total"])
        )
        if args.tracemalloc:
            tracemalloc.start()

        def fichier():
            """The inline issue (the reference the workers' file is
            compared with), aborted: its numbers given back."""
            apercu = service.apercu(regie, valeurs, jour)
            t0 = time.perf_counter()
            made = service.emettre(regie, valeurs, jour, apercu["retenues"], "bench")
            data = made.fichier.contenu()
            t1 = time.perf_counter()
            transaction.abort()
            return data, t1 - t0, 0.0

        reference, ecriture, commit = step("fichier", fichier)

        def requete():
            """What "Confirmer l'envoi au Trésor public" does now: the
            preview again, the file numbered and queued, committed."""
            apercu = service.apercu(regie, valeurs, jour)
            made = service.ouvrir(regie, jour, apercu["retenues"], "bench")
            preparation.mettre_en_file_fichier(
                request, regie, made, valeurs, apercu["retenues"], "bench"
            )
            transaction.commit()
            return made.numero

        numero = step("requete", requete)
        # the workers write it, chunk by chunk (one worker here)
        step("travail", lambda: Travailleur(request, root).passe())
        made = resources.fichiers_de(regie)[numero]
        figures["fichier"].update(
            numero=made.numero,
            titres=made.nombre,
            total=str(made.total),
            octets=made.fichier.taille,
            emettre_secondes=ecriture,
            commit_secondes=commit,
            identique=made.fichier.contenu() == reference,
        )
        if args.tracemalloc:
            figures["fichier"]["tracemalloc_pic_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        apres = step("apercu_apres", lambda: service.apercu(regie, valeurs, jour))
        figures["apercu_apres"].update(titres=apres["nombre"], exclues=len(apres["exclues"]))
    finally:
        transaction.abort()
        env["closer"]()
        close_databases(app.registry)
    return figures


def lancer():
    parser = argparse.ArgumentParser()
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--factures", type=int, default=3)
    parser.add_argument("--generer", help=argparse.SUPPRESS)
    parser.add_argument("--garder", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="the peak of Python allocations (slower)"
    )
    args = parser.parse_args()
    if args.generer:
        generer(args.generer, args.familles, args.candidates, args.factures)
        return
    directory = Path(tempfile.mkdtemp(prefix="bench-pes-"))
    try:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generer",
                str(directory),
                "--familles",
                str(args.familles),
                "--candidates",
                str(args.candidates),
                "--factures",
                str(args.factures),
            ],
            check=True,
        )
        figures = mesurer(directory, args)
    finally:
        if not args.garder:
            shutil.rmtree(directory, ignore_errors=True)
    total = figures["apercu"]["secondes"] + figures["fichier"]["secondes"]
    print(
        "pes: %d families (generated in %.0f s); preview %.2f s (%d titres, %d left out, "
        "total %s); inline file (reference, aborted) %.2f s (write+check+mark %.2f s); "
        "preview + inline file %.1f s (target < 60 s)"
        % (
            figures["familles"],
            figures["generation_secondes"],
            figures["apercu"]["secondes"],
            figures["apercu"]["titres"],
            figures["apercu"]["exclues"],
            figures["apercu"]["total"],
            figures["fichier"]["secondes"],
            figures["fichier"]["emettre_secondes"],
            total,
        )
    )
    print(
        "     confirmation's request (preview again, numbered, queued) %.2f s; the workers' "
        "file (one worker) %.2f s: %s, %d titres, %.1f MB, identical to the inline one: %s; "
        "preview after %.2f s (%d titres); peak RSS %.0f MB%s"
        % (
            figures["requete"]["secondes"],
            figures["travail"]["secondes"],
            figures["fichier"]["numero"],
            figures["fichier"]["titres"],
            figures["fichier"]["octets"] / 1e6,
            "yes" if figures["fichier"]["identique"] else "NO",
            figures["apercu_apres"]["secondes"],
            figures["apercu_apres"]["titres"],
            figures["apercu_apres"]["rss_mb"],
            ", Python peak during the inline file %.0f MB"
            % figures["fichier"]["tracemalloc_pic_mb"]
            if args.tracemalloc
            else "",
        )
    )
    print(
        "     the %d candidates from the unpaid invoices %.2f s; the former pass over every "
        "number, same run (baseline) %.2f s: %.2f of it"
        % (
            figures["candidates"]["titres"],
            figures["candidates"]["secondes"],
            figures["parcours_journal"]["secondes"],
            figures["candidates"]["rapport"],
        )
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    lancer()
