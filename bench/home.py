"""make bench: requests per second of the family home page against a trivial
Pyramid view that reads one ZODB object, both served by the same waitress
configuration in the same run.

    .venv/bin/python bench/home.py [--clients 8] [--warmup 2] [--duration 8] [--rounds 2]

Two server processes, started from this file (``--serve``), each on its own
FileStorage in a temporary directory and on a free port of 127.0.0.1:

- ``home``: the real application (portail_famille.main with the settings of
  development.ini, the database and the mail directory moved to the
  temporary directory), demo data loaded; the page measured is DUPONT's home
  page, logged in as jean.dupont (cookies pf_auth and pf_session);
- ``trivial``: a Pyramid app with pyramid_tm and pyramid_zodbconn whose
  only view opens the ZODB connection, reads one attribute of one persistent
  object and returns a short text.

Both with development.ini's [server:main] waitress settings (threads = 4 ...),
but listening on 127.0.0.1 and a free port.  This process is the load
generator: ``--clients`` threads, each with one persistent http.client
connection, for ``--warmup`` then ``--duration`` seconds, alternating
trivial, home, trivial, home...  It prints the requests per second of each,
the ratio home / trivial, and PASS/FAIL against the target (0.3): figures
only, nothing asserts on them.  The results also go to bench/out/home.json.
"""

import argparse
import configparser
import http.client
import json
import logging
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings
from http.cookies import SimpleCookie
from pathlib import Path

from persistent import Persistent

ROOT = Path(__file__).resolve().parent.parent
INI = ROOT / "development.ini"
TARGET = 0.3
HOME_PATH = "/familles/1001001818331/"
LOGIN = ("jean.dupont", "Bonbons31400")
TRIVIAL_TEXT = "trivial ok"
# Settings main() would take from the environment instead of ours.
ENVIRONMENT = (
    "PORTAIL_FAMILLE_SECRET",
    "PORTAIL_FAMILLE_ADMIN_PASSWORD",
    "PORTAIL_FAMILLE_ZODB_URI",
)


# --- servers (run in their own process: ``home.py --serve NAME DIR``) ---------


class Message(Persistent):
    """The trivial view's one object (pickled as __main__.Message: only the
    server process that wrote it reads it back)."""

    def __init__(self, text):
        self.text = text


def maxrss_mb():
    """The process's peak resident memory, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def waitress_settings():
    """development.ini's [server:main], but for ``use`` and ``listen``."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(INI)
    return {k: v for k, v in parser["server:main"].items() if k not in ("use", "listen", "here")}


def home_app(directory, overrides=()):
    import transaction
    from pyramid.paster import get_appsettings
    from pyramid.scripting import prepare
    from webob import Request

    from portail_famille import main
    from portail_famille.demo import load

    settings = dict(get_appsettings(str(INI)))
    var = str(ROOT / "var")
    for key in [k for k in settings if k.startswith("zodbconn.uri")]:
        settings[key] = settings[key].replace(var, str(directory))
        assert str(directory) in settings[key], settings[key]
    settings["portail.mail_directory"] = str(directory / "mail")
    # No worker thread (travaux.fil) in a measured process: it holds a
    # connection of its own and would take jobs a bench measures.
    settings["portail.travaux.dans_le_processus"] = "false"
    for item in overrides:
        key, _sep, value = item.partition("=")
        settings[key.strip()] = value.strip()
    app = main({}, **settings)
    # The first request creates the root; then the demo data.
    Request.blank("/", base_url="http://localhost").get_response(app)
    env = prepare(registry=app.registry)
    try:
        load(env["root"], env["registry"])
        transaction.commit()
    finally:
        env["closer"]()
    return app


def trivial_app(directory, uri=None):
    """The trivial view on a new FileStorage in ``directory``, or on the
    database of ``uri`` whose root already holds the message."""
    import transaction
    from pyramid.config import Configurator
    from pyramid.response import Response
    from pyramid_zodbconn import get_connection

    def view(request):
        message = get_connection(request).root()["message"]
        return Response(message.text, content_type="text/plain")

    nouvelle = uri is None
    if nouvelle:
        uri = "file://%s?connection_cache_size=20000" % (directory / "Data.fs")
    config = Configurator(settings={"zodbconn.uri": uri, "tm.annotate_user": "false"})
    config.include("pyramid_tm")
    config.include("pyramid_zodbconn")
    config.add_route("trivial", "/")
    config.add_view(view, route_name="trivial")
    app = config.make_wsgi_app()
    if nouvelle:
        conn = app.registry._zodb_databases[""].open()
        conn.root()["message"] = Message(TRIVIAL_TEXT)
        transaction.commit()
        conn.close()
    return app


def serve(name, directory, overrides=()):
    import waitress

    for variable in ENVIRONMENT:
        os.environ.pop(variable, None)
    warnings.simplefilter("ignore")  # deprecations of dependencies, at start-up
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress").setLevel(logging.ERROR)  # "task queue depth"
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    app = home_app(directory, overrides) if name == "home" else trivial_app(directory)
    server = waitress.create_server(app, host="127.0.0.1", port=0, **waitress_settings())
    print("PORT %s" % server.effective_port, flush=True)
    server.run()


# --- client -----------------------------------------------------------------


class Client:
    """One persistent connection and its cookies."""

    def __init__(self, port, cookies=None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Host"] = "localhost:%d" % self.port
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or ():
            self._set_cookie(value)
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response.status, response.headers, data

    def _set_cookie(self, value):
        for name, morsel in SimpleCookie(value).items():
            expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
            if expired or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def close(self):
        if self.conn is not None:
            self.conn.close()


def log_in(port):
    """jean.dupont's cookies (pf_auth, pf_session)."""
    client = Client(port)
    status, _h, page = client.request("GET", "/connexion")
    assert status == 200, status
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode(
        {"login": LOGIN[0], "password": LOGIN[1], "csrf_token": token}
    ).encode()
    status, headers, _b = client.request(
        "POST", "/connexion", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 302 and headers["Location"].endswith(HOME_PATH), (status, headers)
    assert "pf_auth" in client.cookies and "pf_session" in client.cookies, client.cookies
    status, _h, page = client.request("GET", HOME_PATH)
    text = page.decode("utf-8")
    assert status == 200 and "Bienvenue sur le Portail Famille" in text, (status, text[:500])
    assert "1001001818331" in text and "Bienvenue JEAN DUPONT" in text
    client.close()
    return client.cookies, len(page)


def cpu_seconds(pid):
    """utime + stime of process ``pid`` (and its threads), in seconds."""
    with open("/proc/%d/stat" % pid) as fp:
        fields = fp.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(target, clients, warmup, duration):
    """Hit ``target`` with ``clients`` threads; the figures of the measured
    window (requests completed between warmup and warmup + duration)."""
    barrier = threading.Barrier(clients + 1)
    results = []
    lock = threading.Lock()
    times = {}

    def worker():
        client = Client(target["port"], target["cookies"])
        latencies = []
        errors = 0
        barrier.wait()
        start, end = times["start"], times["end"]
        while True:
            t0 = time.perf_counter()
            if t0 >= end:
                break
            try:
                status, _h, body = client.request("GET", target["path"])
                ok = status == 200 and target["marker"] in body
            except (OSError, http.client.HTTPException):
                ok = False
            t1 = time.perf_counter()
            if start <= t1 < end:
                latencies.append(t1 - t0)
                errors += not ok
        client.close()
        with lock:
            results.append((latencies, errors))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    times["start"] = now + warmup
    times["end"] = now + warmup + duration
    barrier.wait()
    time.sleep(max(0.0, times["start"] - time.perf_counter()))
    server_cpu, client_cpu = cpu_seconds(target["pid"]), time.process_time()
    time.sleep(max(0.0, times["end"] - time.perf_counter()))
    server_cpu = cpu_seconds(target["pid"]) - server_cpu
    client_cpu = time.process_time() - client_cpu
    for thread in threads:
        thread.join()
    latencies = sorted(x for lat, _e in results for x in lat)
    errors = sum(e for _l, e in results)
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": duration,
        "rps": len(latencies) / duration,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else None,
        "server_cpu": server_cpu / duration,
        "client_cpu": client_cpu / duration,
    }


def arreter(processes):
    """Stop the servers ({name: Popen}); kill those that do not stop."""
    for process in processes.values():
        process.terminate()
    for process in processes.values():
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def rounds(targets, names, args):
    """Alternate the loads of ``names`` (``args.rounds`` rounds, each
    ``args.duration`` seconds after ``args.warmup``), printing a row per run.
    Returns the runs and, per name, its requests per second and its server
    CPU milliseconds per request over all rounds."""
    print(
        "%-8s %5s %9s %8s %7s %8s %8s %11s %11s"
        % (
            "run",
            "round",
            "requests",
            "req/s",
            "errors",
            "p50 ms",
            "p95 ms",
            "server CPU",
            "client CPU",
        )
    )
    runs = []
    for round_ in range(1, args.rounds + 1):
        for name in names:
            result = run_load(targets[name], args.clients, args.warmup, args.duration)
            result.update(name=name, round=round_)
            runs.append(result)
            print(
                "%-8s %5d %9d %8.1f %7d %8.1f %8.1f %10.0f%% %10.0f%%"
                % (
                    name,
                    round_,
                    result["requests"],
                    result["rps"],
                    result["errors"],
                    result["p50_ms"] or 0,
                    result["p95_ms"] or 0,
                    100 * result["server_cpu"],
                    100 * result["client_cpu"],
                ),
                flush=True,
            )
    rps, cpu_ms = {}, {}
    for name in names:
        mine = [r for r in runs if r["name"] == name]
        requests = sum(r["requests"] for r in mine)
        rps[name] = requests / sum(r["seconds"] for r in mine)
        cpu = sum(r["server_cpu"] * r["seconds"] for r in mine)
        cpu_ms[name] = 1000 * cpu / requests if requests else 0.0
    return runs, rps, cpu_ms


def serve_town(directory, generate, overrides=(), wrap=None):
    """A portail server on a generated town (a bench's ``--serve portail``):
    the application with the demo data, then ``generate(root, registry)``
    (which commits; it returns a dict, or None), kept in ``info.json`` with
    the set-up time and the Data.fs size; then waitress on a free port,
    printed for the parent process.  ``wrap(app, info)``: a WSGI wrapper."""
    import waitress
    from pyramid.scripting import prepare

    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    app = home_app(directory, overrides)
    setup = time.perf_counter() - t0
    env = prepare(registry=app.registry)
    try:
        info = generate(env["root"], env["registry"])
    finally:
        env["closer"]()
    if info is not None:
        info.setdefault("timings", {})["app_and_demo"] = setup
        info["data_fs_bytes"] = (directory / "Data.fs").stat().st_size
        (directory / "info.json").write_text(json.dumps(info))
    served = wrap(app, info) if wrap is not None else app
    server = waitress.create_server(served, host="127.0.0.1", port=0, **waitress_settings())
    print("PORT %s" % server.effective_port, flush=True)
    server.run()


def start_town_servers(script, tmp, extra):
    """The ``trivial`` and ``portail`` servers of a bench ``script``
    (``script --serve NAME DIR *extra``): {name: Popen}."""
    processes = {}
    for name in ("trivial", "portail"):
        command = [sys.executable, script, "--serve", name, str(tmp / name), *extra]
        processes[name] = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    return processes


def start_server(name, directory, overrides=()):
    command = [sys.executable, __file__, "--serve", name, str(directory)]
    for item in overrides:
        command += ["--set", item]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    return process


def wait_port(process, name):
    line = process.stdout.readline()  # the server prints its port when ready
    if not line.startswith("PORT "):
        process.kill()
        raise SystemExit("the %s server did not start (%r)" % (name, line))
    return int(line.split()[1])


def load_options(parser, duration=6.0):
    """The options of a measured load (the benches against the trivial
    view), and the hidden --serve NAME DIR of their server processes."""
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections (8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring (2)")
    parser.add_argument(
        "--duration", type=float, default=duration, help="seconds measured (%g)" % duration
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each view (2)")
    parser.add_argument("--serve", nargs=2, metavar=("NAME", "DIR"), help=argparse.SUPPRESS)


def froid_puis_chaud(root, essais, fonction, *args):
    """Median wall ms of ``fonction(*args)`` from an emptied connection
    cache (cold: what a server reads the first time), then again (warm);
    and its result."""
    froid, chaud = [], []
    for _n in range(essais):
        root._p_jar.cacheMinimize()
        t0 = time.perf_counter()
        fonction(*args)
        froid.append(1000 * (time.perf_counter() - t0))
        t0 = time.perf_counter()
        result = fonction(*args)
        chaud.append(1000 * (time.perf_counter() - t0))
    return statistics.median(froid), statistics.median(chaud), result


def serve_town_or_trivial(args, serve_town_of, *params):
    """The hidden --serve NAME DIR of a bench's server process: the trivial
    view, or the bench's town (``serve_town_of(directory, *params)``)."""
    name, directory = args.serve
    if name == "trivial":
        return serve("trivial", directory)
    return serve_town_of(directory, *params)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    load_options(parser, duration=8.0)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an application setting of the home server, over development.ini's "
        "(e.g. pyramid.reload_templates=false); repeatable",
    )
    args = parser.parse_args()
    if args.serve:
        return serve(*args.serve, overrides=args.set)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-home-"))
    processes = {}
    try:
        for name in ("trivial", "home"):
            processes[name] = start_server(name, tmp / name, args.set if name == "home" else ())
        ports = {name: wait_port(p, name) for name, p in processes.items()}
        cookies, home_size = log_in(ports["home"])
        status, _h, body = Client(ports["trivial"]).request("GET", "/")
        assert status == 200 and body.decode() == TRIVIAL_TEXT, (status, body)
        targets = {
            "trivial": {"path": "/", "cookies": {}, "marker": TRIVIAL_TEXT.encode()},
            "home": {"path": HOME_PATH, "cookies": cookies, "marker": b"Bienvenue JEAN DUPONT"},
        }
        for name, target in targets.items():
            target.update(port=ports[name], pid=processes[name].pid)
        waitress = ", ".join("%s=%s" % kv for kv in waitress_settings().items())
        print("waitress (development.ini [server:main]): %s" % waitress)
        print(
            "%d client threads (this process, persistent connections), %.0f s warm-up + "
            "%.0f s measured per run, %d CPU(s)"
            % (args.clients, args.warmup, args.duration, os.cpu_count())
        )
        print(
            "home: GET %s as %s (%d bytes); trivial: GET / (%d bytes)"
            % (HOME_PATH, LOGIN[0], home_size, len(body))
        )
        if args.set:
            print("home settings over development.ini: %s" % ", ".join(args.set))
        print()
        runs, rps, _cpu_ms = rounds(targets, ("trivial", "home"), args)
        ratio = rps["home"] / rps["trivial"] if rps["trivial"] else 0.0
        errors = sum(r["errors"] for r in runs)
        verdict = "PASS" if ratio >= TARGET and not errors else "FAIL"
        print()
        print("trivial view: %8.1f requests/s" % rps["trivial"])
        print("home page:    %8.1f requests/s" % rps["home"])
        print("ratio home/trivial: %.3f (target >= %.1f): %s" % (ratio, TARGET, verdict))
        if errors:
            print("%d request(s) failed or gave an unexpected answer" % errors)
        print("total time: %.0f s" % (time.monotonic() - began))
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        with open(out / "home.json", "w") as fp:
            json.dump(
                {
                    "rps": rps,
                    "ratio": ratio,
                    "target": TARGET,
                    "verdict": verdict,
                    "runs": runs,
                    "clients": args.clients,
                    "settings": args.set,
                    "waitress": waitress_settings(),
                },
                fp,
                indent=2,
            )
    finally:
        arreter(processes)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
