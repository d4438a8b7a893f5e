"""The opening morning, for locust (run by bench/ouverture.py, headless, in
its own process).  Each virtual parent, once, on one application process
(the processes in turn):

    GET  /connexion                        (the form's CSRF token)
    POST /connexion                        (the real account, Argon2id, OWASP)
    GET  /familles/N/enfants/E/planning?mois=...   (the month, its CSRF token)
    POST /familles/N/enfants/E/demande-de-reservation   x 3 days with places
    GET  /familles/N/releve-de-compte      (the statement)
    GET  /familles/N/factures/NUM/pdf      (its latest invoice)

then stops.  In ``trivial`` mode, the same number of users do as many
``GET /`` of the trivial view.  A 503 is counted apart (step name + " 503")
and the parent tries again after its Retry-After (as a person would), up to
RETRIES times.  Every request's latency goes to ``OUVERTURE_OUT`` (JSON) at
the end; the run ends when every parent is done.

Environment: OUVERTURE_INFO (the city's info.json), OUVERTURE_HOSTS
(comma-separated base URLs), OUVERTURE_MODE (portail | trivial),
OUVERTURE_PARENTS, OUVERTURE_CADENCE, OUVERTURE_OUT, OUVERTURE_PREMIER (the
first parent's index: each step of a run takes families of its own, whose
days are still free and whose invoice is frozen), OUVERTURE_PAS and
OUVERTURE_DECALAGE (parent k is the family (k * PAS + DECALAGE) modulo the
town's: spread over the town).  Each parent's whole
journey (arrival to last answer) is kept under ``parcours``.
"""

import itertools
import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, events, task
from locust.exception import StopUser

INFO = json.loads(Path(os.environ["OUVERTURE_INFO"]).read_text())
HOSTS = os.environ["OUVERTURE_HOSTS"].split(",")
MODE = os.environ.get("OUVERTURE_MODE", "portail")
PARENTS = int(os.environ["OUVERTURE_PARENTS"])
CADENCE = float(os.environ["OUVERTURE_CADENCE"])
PREMIER = int(os.environ.get("OUVERTURE_PREMIER", "0"))
PAS = int(os.environ.get("OUVERTURE_PAS", "1"))
DECALAGE = int(os.environ.get("OUVERTURE_DECALAGE", "0"))
OUT = os.environ["OUVERTURE_OUT"]
RETRIES = 3
RETRY_AFTER_MAX = 10.0
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
FACTURE = re.compile(r'href="([^"]*/factures/[^"/?]+/)(?:pdf)?"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

COUNTER = itertools.count()
RESULTS = {
    "latencies": {},
    "parcours": [],
    "done": 0,
    "failed": 0,
    "started": 0,
    "t0": None,
    "t1": None,
}


@events.request.add_listener
def note(name, response_time, exception, **_kw):
    key = name if exception is None or name.endswith(" 503") else name + " erreur"
    RESULTS["latencies"].setdefault(key, []).append(response_time / 1000.0)


@events.quitting.add_listener
def write(environment, **_kw):
    Path(OUT).write_text(json.dumps(RESULTS))


class Echec(Exception):
    pass


class Parent(FastHttpUser):
    host = HOSTS[0]
    network_timeout = 120.0
    connection_timeout = 30.0

    def on_start(self):
        self.n = next(COUNTER)
        if self.n >= PARENTS:  # locust replaces a stopped user: not a parent more
            gevent.sleep(3600)
        self.base = HOSTS[self.n % len(HOSTS)]
        # one address a parent, as the reverse proxy tells the application
        k = ((PREMIER + self.n) * PAS + DECALAGE) % INFO["familles"]
        self.adresse = {"X-Forwarded-For": "10.%d.%d.%d" % (k >> 16 & 255, k >> 8 & 255, k & 255)}
        # Parent n arrives at t0 + n / CADENCE (the users locust starts in
        # place of the parents done would come early otherwise).
        if RESULTS["t0"] is None:
            RESULTS["t0"] = time.time()
        gevent.sleep(max(0.0, RESULTS["t0"] + self.n / CADENCE - time.time()))
        RESULTS["started"] += 1

    def call(self, method, path, name, expected, check=None, **kw):
        """The request (again after a 503, as told by Retry-After); the
        response, or Echec."""
        kw["headers"] = dict(kw.get("headers") or {}, **self.adresse)
        for _attempt in range(RETRIES + 1):
            with self.client.request(
                method,
                self.base + path,
                name=name,
                catch_response=True,
                allow_redirects=False,
                **kw,
            ) as r:
                if r.status_code == 503:
                    r.request_meta["name"] = name + " 503"
                    r.failure("503")
                    wait = float(r.headers.get("Retry-After") or 1)
                elif r.status_code != expected or (check and not check(r)):
                    r.failure("HTTP %s" % r.status_code)
                    raise Echec(name)
                else:
                    r.success()
                    return r
            gevent.sleep(min(wait, RETRY_AFTER_MAX))
        raise Echec(name + " 503")

    def journee(self):
        i = ((PREMIER + self.n) * PAS + DECALAGE) % INFO["familles"]
        numero = str(INFO["numero0"] + i)
        login = "parent%05d" % i
        famille = "/familles/%s/" % numero
        enfant = famille + "enfants/%s/" % INFO["premiers_enfants"][i]
        page = self.call("GET", "/connexion", "connexion (formulaire)", 200)
        token = TOKEN.search(page.text).group(1)
        self.call(
            "POST",
            "/connexion",
            "connexion",
            302,
            data=urlencode({"login": login, "password": INFO["password"], "csrf_token": token}),
            headers=FORM,
        )
        page = self.call("GET", enfant + "planning?mois=" + INFO["mois"][0], "planning", 200)
        token = TOKEN.search(page.text).group(1)
        for day in INFO["libres"]:
            self.call(
                "POST",
                enfant + "demande-de-reservation",
                "reserver",
                302,
                check=lambda r: "/planning?mois=" in (r.headers.get("Location") or ""),
                data=urlencode(
                    {"prestation": INFO["prestation"], "date": day, "csrf_token": token}
                ),
                headers=FORM,
            )
        self.call("GET", famille + "releve-de-compte", "releve", 200)
        page = self.call(
            "GET", famille + "releve-de-compte?onglet=factures", "releve (factures)", 200
        )
        liens = FACTURE.findall(page.text)
        if not liens:
            raise Echec("releve: no invoice")
        self.call(
            "GET",
            liens[0] + "pdf",
            "facture_pdf",
            200,
            check=lambda r: r.content[:5] == b"%PDF-",
        )

    def trivial(self):
        for _n in range(9):
            self.call("GET", "/", "trivial", 200, check=lambda r: b"trivial ok" in r.content)

    @task
    def once(self):
        debut = time.perf_counter()
        try:
            self.journee() if MODE == "portail" else self.trivial()
            RESULTS["done"] += 1
            RESULTS["parcours"].append(time.perf_counter() - debut)
        except Echec:
            RESULTS["failed"] += 1
        except Exception:  # noqa: BLE001  (a broken page: counted, the run goes on)
            RESULTS["failed"] += 1
        RESULTS["t1"] = time.time()
        if RESULTS["done"] + RESULTS["failed"] >= PARENTS:
            gevent.spawn_later(0.1, self.environment.runner.quit)
        raise StopUser()
