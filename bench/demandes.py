"""make bench (requests): with 10,000 families and 2,000 pending requests,
the staff queue page and the parent's "Liste des demandes", each against the
trivial view of the foundation benchmark, served by the same waitress
configuration in the same run; then the cost of accepting one request with
100 and with 10,000 families.

    .venv/bin/python bench/demandes.py [--familles 10000] [--demandes 2000]

- ``portail`` server: the real application (development.ini's settings, its
  own FileStorage, template reloading off as in production), demo data plus
  the generated town (bench/population.py);
- ``trivial`` server: bench/home.py's trivial view;
- this process: the load generator (bench/home.py's run_load), alternating
  trivial, queue, list, trivial, queue, list; it prints the requests per
  second of each page and its ratio to the trivial view;
- then, in this process, two databases (100 and 10,000 families, the same
  pending requests): accepting one request + commit, timed over 50 requests,
  with the ZODB objects loaded and stored per acceptance.
Figures only: nothing asserts on them.
"""

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: servers, client, load generator)
import population  # noqa: E402

QUEUE_PATH = "/manage/@@demandes"
LIST_PATH = home.HOME_PATH + "liste-des-demandes"
AGENT = ("agent", "Enfance2015ej")
SETTINGS = ["pyramid.reload_templates=false"]


def serve(directory, familles, demandes):
    """The portail server with the generated town (run as --serve)."""

    def generate(root, registry):
        import transaction

        population.populate(root, registry, familles, demandes)
        # DUPONT's own requests, for his list.
        dupont = root["familles"]["1001001818331"]
        for i in range(3):
            values = dict(dupont.responsable, mobile="06.00.00.00.%02d" % i)
            population.service.deposer(dupont, "responsable", values, "jean.dupont", registry)
        transaction.commit()

    home.serve_town(directory, generate, SETTINGS)


def log_in(port, login, password, expect):
    client = home.Client(port)
    _s, _h, page = client.request("GET", "/connexion")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"login": login, "password": password, "csrf_token": token})
    status, headers, _b = client.request(
        "POST",
        "/connexion",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 302, (status, headers)
    client.close()
    return client.cookies


def check(port, cookies, path, marker):
    status, _h, body = home.Client(port, cookies).request("GET", path)
    assert status == 200 and marker in body, (path, status, body[:300])
    return len(body)


def accept_cost(familles, demandes, sample):
    """Median wall ms (with the commit's fsync), CPU ms, ZODB loads and
    stores of accepting one request (+ commit)."""
    import transaction
    from pyramid.scripting import prepare
    from substanced.util import find_objectmap

    from portail_famille.demandes import service

    directory = Path(tempfile.mkdtemp(prefix="bench-accept-"))
    app = home.home_app(directory, SETTINGS)
    env = prepare(registry=app.registry)
    try:
        root = env["root"]
        population.populate(root, env["registry"], familles, demandes)
        _total, page = service.file_attente(root, limit=sample)
        oids = [find_objectmap(root).objectid_for(d) for d in page]
        conn = root._p_jar
        timings, cpu, loads, stores = [], [], [], []
        # A running server's cache holds the upper levels of the catalog and
        # folders; each request accepted is another family's, loaded anew.
        for oid in oids:
            conn.getTransferCounts(True)  # reset the counters
            t0, c0 = time.perf_counter(), time.process_time()
            demande = find_objectmap(root).object_for(oid)
            service.accepter(demande, "agent", env["request"])
            transaction.commit()
            timings.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.process_time() - c0))
            counts = conn.getTransferCounts(True)
            loads.append(counts[0])
            stores.append(counts[1])
        return (
            statistics.median(timings),
            statistics.median(cpu),
            statistics.median(loads),
            statistics.median(stores),
        )
    finally:
        env["closer"]()
        for db in app.registry._zodb_databases.values():
            db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--demandes", type=int, default=2000)
    home.load_options(parser)
    parser.add_argument("--sample", type=int, default=50, help="acceptances timed per size")
    args = parser.parse_args()
    if args.serve:
        return home.serve_town_or_trivial(args, serve, args.familles, args.demandes)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-demandes-"))
    processes = {}
    try:
        extra = ["--familles", str(args.familles), "--demandes", str(args.demandes)]
        processes.update(home.start_town_servers(__file__, tmp, extra))
        ports = {name: home.wait_port(p, name) for name, p in processes.items()}
        agent = log_in(ports["portail"], *AGENT, expect="/manage")
        parent = log_in(ports["portail"], *home.LOGIN, expect=home.HOME_PATH)
        sizes = {
            "queue": check(ports["portail"], agent, QUEUE_PATH, b"Page 1 sur"),
            "list": check(ports["portail"], parent, LIST_PATH, b"Demandes en attente"),
        }
        targets = {
            "trivial": {"path": "/", "cookies": {}, "marker": home.TRIVIAL_TEXT.encode()},
            "queue": {"path": QUEUE_PATH, "cookies": agent, "marker": b"Page 1 sur"},
            "list": {"path": LIST_PATH, "cookies": parent, "marker": b"Demandes en attente"},
        }
        for name, target in targets.items():
            server = "trivial" if name == "trivial" else "portail"
            target.update(port=ports[server], pid=processes[server].pid)
        print(
            "%d families, %d pending requests; waitress: %s"
            % (
                args.familles,
                args.demandes,
                ", ".join("%s=%s" % kv for kv in home.waitress_settings().items()),
            )
        )
        print(
            "queue: GET %s as agent (%d bytes); list: GET %s as jean.dupont (%d bytes)"
            % (QUEUE_PATH, sizes["queue"], LIST_PATH, sizes["list"])
        )
        print()
        runs, rps, _cpu_ms = home.rounds(targets, ("trivial", "queue", "list"), args)
    finally:
        home.arreter(processes)
    print()
    for name in ("trivial", "queue", "list"):
        ratio = rps[name] / rps["trivial"]
        print("%-8s %8.1f requests/s   ratio to trivial %.3f" % (name, rps[name], ratio))
    print()
    costs = {}
    for size in (100, args.familles):
        pending = min(args.demandes, 2 * size) if size < args.familles else args.demandes
        costs[size] = accept_cost(size, max(pending, args.sample), args.sample)
        print(
            "accept one request with %5d families: %6.1f ms wall, %5.1f ms CPU "
            "(medians of %d), %d loads, %d stores"
            % (size, costs[size][0], costs[size][1], args.sample, costs[size][2], costs[size][3])
        )
    print("total time: %.0f s" % (time.monotonic() - began))
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with open(out / "demandes.json", "w") as fp:
        json.dump(
            {"rps": rps, "runs": runs, "accept": {str(k): v for k, v in costs.items()}},
            fp,
            indent=2,
        )


if __name__ == "__main__":
    sys.exit(main())
