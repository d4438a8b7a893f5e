"""make bench: the invoice PDF.

    .venv/bin/python bench/pdf.py [--requests 30] [--batch 200] [--workers 2] [--chunks 4]

(a) The download against the raw renderer.  The application of
    development.ini (FileStorage in a temporary directory, demo data,
    production's template setting) answers ``GET .../factures/AL-36/pdf``
    for jean.dupont through WebTest, in this process: every tween,
    traversal, the security check, and the frozen original (issue 16:
    AL-36, issued by the demo's script without original, is frozen first
    by ``portail-famille-figer``'s batch, timed; every download reads its
    blob and checks its SHA-256).  The raw renderer
    (``portail_famille.pdf.rendre``) gets the very HTML that view renders.
    ``--requests`` of each, one of each in turn; printed: the first
    download, the median wall and CPU seconds per download (CPU of this
    process, WebTest's client included) and per render (this process's
    CPU and wkhtmltopdf's, ``RUSAGE_CHILDREN``); targets (issue 22): a
    download <= 20 ms wall, <= 5 ms CPU.
(b) A batch of ``--batch`` invoices (AL-36's HTML, each with its own
    number) through ``portail_famille.pdf.rendre_plusieurs``, in ``--chunks``
    parts, each one at a time then ``--workers`` at a time (wkhtmltopdf
    runs as a subprocess: threads render in parallel); printed: both times
    and the speed-up (target >= 1.7 with 2 workers on 2 cores): what an
    invoicing run pays to freeze its invoices.

Figures only: nothing asserts on them; bench/out/pdf.json keeps them.
``--set KEY=VALUE`` overrides a setting of the application (for instance
``--set portail.pdf=weasyprint``).  About 2 minutes with the defaults.
"""

import argparse
import io
import json
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: the application of development.ini)

ROOT = Path(__file__).resolve().parent.parent
URL = "/familles/1001001818331/factures/AL-36/pdf"
MUR_MAX = 0.020  # seconds of wall time per download (issue 22)
CPU_MAX = 0.005  # seconds of CPU per download
SPEEDUP_MIN = 1.7


def log_in(app):
    from tests.conftest import login

    login(app, *home.LOGIN)


def html_of(wsgi):
    """The HTML the view renders for AL-36 (same request URL and host)."""
    from pyramid.request import Request
    from pyramid.scripting import prepare

    from portail_famille.facturation.pdf import html_facture

    request = Request.blank(URL, base_url="http://localhost")
    env = prepare(request=request, registry=wsgi.registry)
    try:
        famille = env["root"]["familles"]["1001001818331"]
        return html_facture(env["request"], famille["factures"]["AL-36"])
    finally:
        env["closer"]()


def texte(data):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def timed(func, count):
    start = time.perf_counter()
    for _ in range(count):
        func()
    return (time.perf_counter() - start) / count


def cpu(func):
    """(wall, CPU of this process and of its children: wkhtmltopdf)
    seconds of one call."""
    start, start_cpu, start_children = time.perf_counter(), time.process_time(), enfants()
    func()
    used = time.process_time() - start_cpu + enfants() - start_children
    return time.perf_counter() - start, used


def enfants():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def figer_en_lot(wsgi):
    """``portail-famille-figer``'s work on the demo: every issued document
    without original (AL-36 among them) frozen in a batch; (count, wall
    seconds)."""
    import transaction
    from pyramid.scripting import prepare

    from portail_famille.facturation import figer_tout

    env = prepare(registry=wsgi.registry)
    try:
        start = time.perf_counter()
        total = figer_tout.figer_tout(env["request"], env["root"], tm=transaction.manager)
        return total["figes"], time.perf_counter() - start
    finally:
        env["request"]._process_finished_callbacks()
        env["closer"]()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunks", type=int, default=4)
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sys.path.insert(0, str(ROOT))
    import webtest

    from portail_famille import pdf

    overrides = ["pyramid.reload_templates=false", *args.overrides]
    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    try:
        wsgi = home.home_app(tmp, overrides)
        settings = wsgi.registry.settings
        moteur = type(pdf.moteur(settings)).__name__
        print(
            "PDF bench: backend %s, %d cores, %d requests and %d raw renders, batch of %d"
            % (moteur, os.cpu_count(), args.requests, args.requests, args.batch)
        )
        app = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
        log_in(app)
        html = html_of(wsgi)

        def request():
            response = app.get(URL)
            assert response.content_type == "application/pdf", response.status

        def raw():
            pdf.rendre(html, settings)

        # AL-36 (issued by the demo's script, without original) frozen in
        # a batch, as portail-famille-figer does: no download renders
        figes, lot_s = figer_en_lot(wsgi)
        print(
            "  batch job: %d documents frozen in %.2f s (%.3f s per document)"
            % (figes, lot_s, lot_s / max(figes, 1))
        )
        # both make the same document
        start = time.perf_counter()
        first = app.get(URL).body
        premier = time.perf_counter() - start
        assert texte(first) == texte(pdf.rendre(html, settings)), "not the same PDF"
        assert "Reste à payer 120,60 €" in texte(first)
        # One of each in turn (the order swapped every time): a machine
        # shared with other work slows both alike; medians of each.
        runs = {"request": [], "renderer": []}
        cpus = {"request": [], "renderer": []}
        pair = (("renderer", raw), ("request", request))
        for n in range(args.requests):
            for name, func in pair if n % 2 else pair[::-1]:
                wall, used = cpu(func)
                runs[name].append(wall)
                cpus[name].append(used)
        assert app.get(URL).body == first, "the frozen invoice changed"
        per_request = statistics.median(runs["request"])
        per_raw = statistics.median(runs["renderer"])
        cpu_request = statistics.median(cpus["request"])
        ratio = per_request / per_raw
        print("  first download (a blob read: frozen by the batch) %.3f s" % premier)
        for name in ("renderer", "request"):
            print(
                "  %-9s median %.4f s (CPU %.4f s), min %.4f s, max %.4f s per PDF"
                % (
                    name,
                    statistics.median(runs[name]),
                    statistics.median(cpus[name]),
                    min(runs[name]),
                    max(runs[name]),
                )
            )
        ok = per_request <= MUR_MAX and cpu_request <= CPU_MAX
        print(
            "(a) download %.1f ms wall, %.1f ms CPU (targets <= %.0f, <= %.0f); raw renderer "
            "%.3f s: ratio %.3f %s"
            % (
                per_request * 1000,
                cpu_request * 1000,
                MUR_MAX * 1000,
                CPU_MAX * 1000,
                per_raw,
                ratio,
                "PASS" if ok else "FAIL",
            )
        )

        htmls = [re.sub(r"\bAL-36\b", "AL-%d" % (10000 + i), html) for i in range(args.batch)]
        # The batch in --chunks parts, each rendered one at a time then
        # --workers at a time, so that both see the same machine.
        sequential = parallel = 0.0
        size = -(-args.batch // args.chunks)
        for start_at in range(0, args.batch, size):
            part = htmls[start_at : start_at + size]
            start = time.perf_counter()
            seul = pdf.rendre_plusieurs(part, settings, workers=1)
            sequential += time.perf_counter() - start
            start = time.perf_counter()
            ensemble = pdf.rendre_plusieurs(part, settings, workers=args.workers)
            parallel += time.perf_counter() - start
            assert len(seul) == len(ensemble) == len(part)
        assert "AL-%d" % (10000 + args.batch - 1) in texte(ensemble[-1])
        print("  one at a time     %.1f s (%.3f s per PDF)" % (sequential, sequential / args.batch))
        print(
            "  %d at a time       %.1f s (%.3f s per PDF)"
            % (args.workers, parallel, parallel / args.batch)
        )
        speedup = sequential / parallel
        print(
            "(b) batch of %d: %.1f s one at a time, %.1f s %d at a time: speed-up %.2f "
            "(target >= %.1f) %s"
            % (
                args.batch,
                sequential,
                parallel,
                args.workers,
                speedup,
                SPEEDUP_MIN,
                "PASS" if speedup >= SPEEDUP_MIN else "FAIL",
            )
        )
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        with open(out / "pdf.json", "w") as fp:
            json.dump(
                {
                    "backend": moteur,
                    "cores": os.cpu_count(),
                    "first_download_s": premier,
                    "batch_frozen": figes,
                    "batch_s": lot_s,
                    "renderer_cpu_s": statistics.median(cpus["renderer"]),
                    "request_s": per_request,
                    "request_cpu_s": cpu_request,
                    "request_wall_target_s": MUR_MAX,
                    "request_cpu_target_s": CPU_MAX,
                    "renderer_s": per_raw,
                    "ratio": ratio,
                    "requests": args.requests,
                    "batch": args.batch,
                    "workers": args.workers,
                    "sequential_s": sequential,
                    "parallel_s": parallel,
                    "speedup": speedup,
                    "speedup_target": SPEEDUP_MIN,
                },
                fp,
                indent=2,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
