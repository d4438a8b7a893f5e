"""make bench (ouverture): the opening morning of the summer places.  A
generated city (bench/ville.py: 10,000 families, 20,000 children, a school
year of planning, invoices, payments, messages) served by a ZEO server and
1, 2 then 4 application processes on this machine; virtual parents
(locust, headless, in its own process: bench/ouverture_locust.py) arrive at
a steady rate, each logs in, opens the planning, reserves 3 days, opens the
statement and one invoice PDF; then the foundation's trivial view
(bench/home.py) under the same load shape, on as many processes on the
same ZEO server.

    .venv/bin/python bench/ouverture.py [--familles 10000] [--parents 120]
        [--cadence 4] [--duree 120] [--processus 1,2,4] [--max-en-cours 4]

Per run (processes x {opening, trivial}): per step the requests, p50 and
p95 latency, requests per second, errors, 503 answers (load shedding:
``portail.max_en_cours`` per process, waitress ``--threads`` above it; a
parent told 503 tries again after Retry-After); the parents done; the CPU
(share of one core, wkhtmltopdf children included) and peak resident
memory of each application process, of the ZEO server and of locust.
``bench/out/ouverture.json`` keeps them.  Figures only: nothing asserts on
them.  The machine's cores are printed: the load generator shares them.
"""

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import home  # noqa: E402  (development.ini, the trivial view)

from tests.grappe import lanceur  # noqa: E402  (ZEO and pserve processes)

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out" / "ouverture.json"
LOCUSTFILE = BENCH / "ouverture_locust.py"
URI_PARAMS = {"connection_cache_size": 20000, "cache_size": "200MB"}
ETAPES = (
    "connexion (formulaire)",
    "connexion",
    "planning",
    "reserver",
    "releve",
    "releve (factures)",
    "facture_pdf",
    "trivial",
)


def reglages_application(tmp, args):
    """development.ini's application settings (the city was generated with
    them), its files moved to ``tmp``, production's template setting, the
    load-shedding limit."""
    from pyramid.paster import get_appsettings

    settings = {
        k: v
        for k, v in get_appsettings(str(home.INI)).items()
        if k.startswith(("portail.", "mail.", "retry.", "substanced."))
    }
    settings["portail.mail_directory"] = str(tmp / "mail")
    settings["substanced.uploads_tempdir"] = str(tmp / "uploads")
    settings["pyramid.reload_templates"] = "false"
    if args.max_en_cours:
        settings["portail.max_en_cours"] = str(args.max_en_cours)
    return settings


class Trivial:
    """The trivial view on the ZEO server, a process of its own."""

    def __init__(self, uri, threads, log):
        self.processus = subprocess.Popen(
            [sys.executable, __file__, "--trivial", uri, "--threads", str(threads)],
            stdout=subprocess.PIPE,
            stderr=open(log, "ab"),  # noqa: SIM115  (the child keeps it)
            text=True,
        )
        self.url = "http://127.0.0.1:%d" % home.wait_port(self.processus, "trivial")

    def arreter(self):
        lanceur.terminer(self.processus)


def servir_trivial(uri, threads):
    import logging
    import warnings

    import waitress

    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    app = home.trivial_app(None, uri=uri)
    settings = dict(home.waitress_settings(), threads=threads)
    server = waitress.create_server(app, host="127.0.0.1", port=0, **settings)
    print("PORT %s" % server.effective_port, flush=True)
    server.run()


class Mesure:
    """CPU and peak RSS of processes {name: pid}, sampled every 0.5 s."""

    def __init__(self, pids):
        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.rss = dict.fromkeys(pids, 0)
        self.dernier = {}  # last CPU seen (a process that ended: locust)
        self.stop = threading.Event()
        self.debut = {name: self._cpu(p) for name, p in self.procs.items()}
        self.t0 = time.perf_counter()
        self.thread = threading.Thread(target=self._echantillons, daemon=True)
        self.thread.start()

    def _cpu(self, proc):
        try:
            t = proc.cpu_times()
            self.dernier[proc.pid] = t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
        return self.dernier.get(proc.pid, 0.0)

    def _echantillons(self):
        while not self.stop.wait(0.5):
            for name, proc in self.procs.items():
                try:
                    self.rss[name] = max(self.rss[name], proc.memory_info().rss)
                except psutil.Error:
                    continue
                self._cpu(proc)

    def fin(self):
        seconds = time.perf_counter() - self.t0
        self.stop.set()
        self.thread.join()
        return {
            name: {
                "cpu_s": self._cpu(proc) - self.debut[name],
                "cpu": (self._cpu(proc) - self.debut[name]) / seconds,
                "rss_max_mb": self.rss[name] / 1e6,
            }
            for name, proc in self.procs.items()
        }


def charger(tmp, info_path, urls, mode, args, pids):
    """One locust run; its figures."""
    out = tmp / ("locust-%s-%d.json" % (mode, len(urls)))
    env = dict(
        os.environ,
        OUVERTURE_INFO=str(info_path),
        OUVERTURE_HOSTS=",".join(urls),
        OUVERTURE_MODE=mode,
        OUVERTURE_PARENTS=str(args.parents),
        OUVERTURE_CADENCE=str(args.cadence),
        OUVERTURE_OUT=str(out),
    )
    command = [
        str(lanceur.BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--loglevel",
        "ERROR",
        "-u",
        str(args.parents),
        "-r",
        str(args.cadence),
        "--run-time",
        "%ds" % args.duree,
        "--stop-timeout",
        "5",
        "--host",
        urls[0],
    ]
    t0 = time.perf_counter()
    locust = subprocess.Popen(
        command,
        env=env,
        cwd=BENCH,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "locust.log", "ab"),  # noqa: SIM115
    )
    mesure = Mesure(dict(pids, locust=locust.pid))
    try:
        locust.wait(args.duree + 60)
    except subprocess.TimeoutExpired:
        locust.kill()
        locust.wait()
    wall = time.perf_counter() - t0
    processes = mesure.fin()
    found = json.loads(out.read_text()) if out.exists() else {"latencies": {}}
    span = (found.get("t1") or 0) - (found.get("t0") or 0) or wall
    steps = {}
    for name, values in sorted(found["latencies"].items()):
        values = sorted(values)
        steps[name] = {
            "requetes": len(values),
            "par_seconde": len(values) / span,
            "p50_ms": 1000 * statistics.median(values),
            "p95_ms": 1000 * values[math.ceil(0.95 * len(values)) - 1],  # nearest rank
        }
    serveurs = sum(p["cpu_s"] for name, p in processes.items() if name != "locust")
    done = found.get("done", 0)
    return {
        "cpu_serveurs_par_parent_s": serveurs / done if done else None,
        "mode": mode,
        "processus": len(urls),
        "parents": args.parents,
        "cadence": args.cadence,
        "termines": done,
        "echoues": found.get("failed", 0),
        "secondes": span,
        "etapes": steps,
        "refus_503": sum(s["requetes"] for n, s in steps.items() if n.endswith(" 503")),
        "erreurs": sum(s["requetes"] for n, s in steps.items() if n.endswith(" erreur")),
        "requetes_par_seconde": sum(s["requetes"] for s in steps.values()) / span,
        "cpu": processes,
    }


def afficher(run):
    print(
        "-- %s, %d process(es): %d/%d parents done (%d failed) in %.1f s; %.1f req/s; "
        "%d answers 503; %d errors"
        % (
            "opening" if run["mode"] == "portail" else "trivial view",
            run["processus"],
            run["termines"],
            run["parents"],
            run["echoues"],
            run["secondes"],
            run["requetes_par_seconde"],
            run["refus_503"],
            run["erreurs"],
        )
    )
    print("   %-30s %8s %8s %9s %9s" % ("step", "requests", "req/s", "p50 ms", "p95 ms"))
    order = {name: i for i, name in enumerate(ETAPES)}

    def rang(item):  # a step, then its 503 answers and its errors
        name = item[0].removesuffix(" 503").removesuffix(" erreur")
        return order.get(name, len(order)), item[0]

    for name, s in sorted(run["etapes"].items(), key=rang):
        print(
            "   %-30s %8d %8.1f %9.0f %9.0f"
            % (name, s["requetes"], s["par_seconde"], s["p50_ms"], s["p95_ms"])
        )
    if run["cpu_serveurs_par_parent_s"] is not None:
        print(
            "   server CPU (applications + ZEO) per %s: %.0f ms"
            % (
                "parent" if run["mode"] == "portail" else "user",
                1000 * run["cpu_serveurs_par_parent_s"],
            )
        )
    print(
        "   CPU (share of one core) / peak RSS: "
        + "; ".join(
            "%s %.0f%% %.0f MB" % (name, 100 * p["cpu"], p["rss_max_mb"])
            for name, p in run["cpu"].items()
        ),
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000, help="the city (10000)")
    parser.add_argument("--parents", type=int, default=120, help="virtual parents a run (120)")
    parser.add_argument("--cadence", type=float, default=4, help="parents arriving a second (4)")
    parser.add_argument("--duree", type=int, default=120, help="longest run, seconds (120)")
    parser.add_argument("--processus", default="1,2,4", help="application processes (1,2,4)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads a process (8)")
    parser.add_argument(
        "--max-en-cours", type=int, default=4, help="portail.max_en_cours a process (4; 0: none)"
    )
    parser.add_argument("--ville", help="an already generated city (a copy is used)")
    parser.add_argument("--trivial", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trivial:
        return servir_trivial(args.trivial, args.threads)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-ouverture-"))
    zeo_dir = tmp / "zeo"
    figures = {"cpus": os.cpu_count(), "runs": [], "args": vars(args)}
    print(
        "%d CPU core(s) on this machine, shared by the servers, ZEO and the load generator"
        % os.cpu_count(),
        flush=True,
    )
    zeo, started = None, []
    try:
        if args.ville:
            shutil.copytree(args.ville, zeo_dir)
            generation = 0.0
        else:
            print("generating the city (%d families)..." % args.familles, flush=True)
            t0 = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    str(BENCH / "ville.py"),
                    str(zeo_dir),
                    "--familles",
                    str(args.familles),
                ],
                check=True,
            )
            generation = time.perf_counter() - t0
        info_path = zeo_dir / "info.json"
        info = json.loads(info_path.read_text())
        figures["ville"] = info
        figures["generation_s"] = generation
        zeo = lanceur.Zeo(zeo_dir).demarrer()
        settings = reglages_application(tmp, args)
        print(
            "ZEO on %s; waitress threads=%d, portail.max_en_cours=%s; %d parents at %.1f/s, "
            "runs of at most %d s"
            % (
                zeo_dir / "Data.fs",
                args.threads,
                args.max_en_cours or "none",
                args.parents,
                args.cadence,
                args.duree,
            ),
            flush=True,
        )
        for n in [int(x) for x in args.processus.split(",")]:
            apps = [
                lanceur.Application(
                    zeo.uri(tmp / ("cache-%d-%d" % (n, k)), **URI_PARAMS),
                    tmp / "apps",
                    threads=args.threads,
                    nom="app-%d-%d" % (n, k),
                    **settings,
                )
                for k in range(n)
            ]
            started = lanceur.demarrer(*apps)
            pids = {"app%d" % k: a.processus.pid for k, a in enumerate(started)}
            pids["zeo"] = zeo.processus.pid
            run = charger(tmp, info_path, [a.url for a in started], "portail", args, pids)
            figures["runs"].append(run)
            afficher(run)
            for app in started:
                app.arreter()
            started = []
            trivials = [
                Trivial(
                    zeo.uri(tmp / ("cache-t-%d-%d" % (n, k)), **URI_PARAMS),
                    args.threads,
                    tmp / "trivial.log",
                )
                for k in range(n)
            ]
            started = trivials
            pids = {"trivial%d" % k: t.processus.pid for k, t in enumerate(trivials)}
            pids["zeo"] = zeo.processus.pid
            run = charger(tmp, info_path, [t.url for t in trivials], "trivial", args, pids)
            figures["runs"].append(run)
            afficher(run)
            for t in trivials:
                t.arreter()
            started = []
    finally:
        for app in started:
            app.arreter()
        if zeo is not None:
            zeo.arreter()
        logs = {p.name: p.read_text()[-2000:] for p in tmp.glob("**/*.log") if p.stat().st_size}
        figures["logs"] = logs
        shutil.rmtree(tmp, ignore_errors=True)
    total = time.monotonic() - began
    figures["total_s"] = total
    print()
    print("== summary (%d cores; the load generator runs on them too) ==" % os.cpu_count())
    print(
        "city of %d families %s in %.0f s (%.0f s of CPU in its process)"
        % (
            info["familles"],
            "reused (--ville), generated" if args.ville else "generated",
            info["timings"]["total"],
            info["timings"].get("cpu", 0),
        )
    )
    for run in figures["runs"]:
        slow = max(
            run["etapes"].items(), key=lambda kv: kv[1]["p95_ms"], default=("-", {"p95_ms": 0})
        )
        print(
            "%-8s %d proc: %3d/%d done, %6.1f req/s, %4d x 503, %3d errors, slowest p95 %s %.0f ms"
            % (
                run["mode"],
                run["processus"],
                run["termines"],
                run["parents"],
                run["requetes_par_seconde"],
                run["refus_503"],
                run["erreurs"],
                slow[0],
                slow[1]["p95_ms"],
            )
        )
    print("total time: %.0f s" % total)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
