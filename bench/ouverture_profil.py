"""Where a parent's time goes on the opening morning (docs/dimensionnement.md):
the journey of bench/ouverture_locust.py run in this process through
WebTest (every tween and view, no HTTP) on a city of bench/ville.py, each
step's wall and CPU time (``time.process_time``; wkhtmltopdf's CPU from
``RUSAGE_CHILDREN``), bcrypt's cost alone at 10 and 12 rounds, and a
cProfile of the slowest step (functions by own time).  The parents'
issued documents are frozen first, as the invoicing run that issues them
does (the city's are issued by a script): the invoice PDF is a blob read.

    .venv/bin/python bench/ouverture_profil.py [--ville DIR] [--familles 200] [--parents 6]

Without ``--ville`` a city of ``--familles`` families is generated in a
temporary directory first.  Medians over ``--parents`` parents, the first
one left out (templates compiled, caches cold).  Figures only.
"""

import argparse
import cProfile
import io
import json
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (development.ini's settings)

BENCH = Path(__file__).resolve().parent
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
FACTURE = re.compile(r'href="([^"]*/factures/[^"/?]+/)(?:pdf)?"')


def enfants_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def application(directory):
    import webtest
    from pyramid.paster import get_appsettings

    from portail_famille import main

    settings = dict(get_appsettings(str(home.INI)))
    for key in [k for k in settings if k.startswith("zodbconn.uri")]:
        settings[key] = settings[key].replace(str(home.ROOT / "var"), str(directory))
    settings["portail.mail_directory"] = str(directory / "mail")
    settings["pyramid.reload_templates"] = "false"
    return webtest.TestApp(main({}, **settings), extra_environ={"HTTP_HOST": "localhost"})


def journee(app, info, i, mesurer):
    """One parent's journey; ``mesurer(step, func)`` runs each request."""
    app.reset()
    numero = info["numero0"] + i
    famille = "/familles/%d/" % numero
    enfant = famille + "enfants/%s/" % info["premiers_enfants"][i]
    page = mesurer("GET /connexion", lambda: app.get("/connexion"))
    form = {
        "login": "parent%05d" % i,
        "password": info["password"],
        "csrf_token": TOKEN.search(page.text).group(1),
    }
    mesurer("POST /connexion", lambda: app.post("/connexion", form, status=302))
    page = mesurer("planning", lambda: app.get(enfant + "planning?mois=" + info["mois"][0]))
    token = TOKEN.search(page.text).group(1)
    for day in info["libres"]:
        form = {"prestation": str(info["prestation"]), "date": day, "csrf_token": token}
        mesurer(
            "reserver", lambda f=form: app.post(enfant + "demande-de-reservation", f, status=302)
        )
    mesurer("releve", lambda: app.get(famille + "releve-de-compte"))
    page = mesurer(
        "releve (factures)", lambda: app.get(famille + "releve-de-compte?onglet=factures")
    )
    lien = FACTURE.search(page.text).group(1) + "pdf"
    mesurer("facture_pdf", lambda: app.get(lien))


def figer(app, info, parents):
    """The documents of the ``parents``' families frozen as an invoicing
    run freezes them (``facturation.pdf.preparer`` and ``figer``): the
    journey's PDF is then a blob read, as on a town whose runs went
    through the SDI (bench/ville.py issues its invoices without a request:
    they have no original).  Returns how many."""
    import transaction
    from pyramid.scripting import prepare

    from portail_famille.facturation import figer_tout, pdf

    env = prepare(registry=app.app.registry)
    try:
        familles = [str(info["numero0"] + i) for i in parents]
        documents = figer_tout.sans_original(env["root"], familles)
        prepares = pdf.preparer(env["request"], documents)
        transaction.commit()
        return pdf.figer(env["request"], prepares, transaction.manager)
    finally:
        env["request"]._process_finished_callbacks()
        env["closer"]()


def bcrypt_cpu(rounds, n=5):
    import bcrypt

    hashed = bcrypt.hashpw(b"Bench2015pf", bcrypt.gensalt(rounds))
    cpu = []
    for _n in range(n):
        c = time.process_time()
        bcrypt.checkpw(b"Bench2015pf", hashed)
        cpu.append(time.process_time() - c)
    return statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ville", help="a city made by bench/ville.py (a copy is used)")
    parser.add_argument("--familles", type=int, default=200)
    parser.add_argument("--parents", type=int, default=6)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    tmp = Path(tempfile.mkdtemp(prefix="bench-profil-"))
    try:
        directory = tmp / "ville"
        if args.ville:
            shutil.copytree(args.ville, directory)
        else:
            subprocess.run(
                [
                    sys.executable,
                    str(BENCH / "ville.py"),
                    str(directory),
                    "--familles",
                    str(args.familles),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        info = json.loads((directory / "info.json").read_text())
        app = application(directory)
        steps = {}

        def mesurer(name, func):
            t, c, e = time.perf_counter(), time.process_time(), enfants_cpu()
            profile = cProfile.Profile()
            profile.enable()
            try:
                return func()
            finally:
                profile.disable()
                steps.setdefault(name, []).append(
                    (
                        time.perf_counter() - t,
                        time.process_time() - c,
                        enfants_cpu() - e,
                        profile,
                    )
                )

        parents = range(min(args.parents, info["familles"]))
        figes = figer(app, info, parents)
        for i in parents:
            journee(app, info, i, mesurer)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        "%d parents of a %d-family city, in this process (WebTest); medians without the "
        "first parent; their %d documents frozen beforehand, as an invoicing run does"
        % (args.parents, info["familles"], figes)
    )
    print("%-20s %9s %9s %15s" % ("step", "wall ms", "CPU ms", "children CPU ms"))
    per_parent = 0.0
    figures = {}
    for name, values in steps.items():
        values = values[1:] or values
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        children = statistics.median(v[2] for v in values)
        count = len(steps[name]) / args.parents
        per_parent += count * (cpu + children)
        figures[name] = {
            "wall_ms": 1000 * wall,
            "cpu_ms": 1000 * cpu,
            "enfants_ms": 1000 * children,
        }
        print("%-20s %9.0f %9.0f %15.0f" % (name, 1000 * wall, 1000 * cpu, 1000 * children))
    print("CPU per parent (this process + its children): %.0f ms" % (1000 * per_parent))
    b12, b10 = bcrypt_cpu(12), bcrypt_cpu(10)
    print(
        "bcrypt.checkpw alone: %.0f ms of CPU at 12 rounds, %.0f ms at 10"
        % (1000 * b12, 1000 * b10)
    )
    slowest = max(figures, key=lambda n: figures[n]["wall_ms"])
    out = io.StringIO()
    stats = pstats.Stats(steps[slowest][-1][3], stream=out)
    stats.sort_stats("tottime").print_stats(8)
    print("cProfile of the slowest step, %s (the last parent's), by own time:" % slowest)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(k for k, line in enumerate(lines) if "ncalls" in line)
    print("\n".join(lines[start : start + 9]))
    out_file = BENCH / "out" / "ouverture_profil.json"
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(
        json.dumps(
            {
                "etapes": figures,
                "cpu_par_parent_ms": 1000 * per_parent,
                "bcrypt_ms": {"12": 1000 * b12, "10": 1000 * b10},
                "plus_lente": slowest,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
