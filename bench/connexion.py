"""make bench: a login's CPU, Argon2id against bcrypt's 12 rounds (issue 22).

    .venv/bin/python bench/connexion.py [--logins 9]

The application of development.ini (FileStorage in a temporary directory,
demo data, production's template setting and password parameters: Argon2id,
19 MiB, 2 passes, 1 lane) answers ``POST /connexion`` for jean.dupont
through WebTest, in this process (every tween, the throttle, the session,
the device cookie).  In turn, ``--logins`` times each:

- **argon2id**: the account's hash is Argon2id at the application's
  parameters (what every account has after its first login);
- **bcrypt-12**: the account's hash is set back to bcrypt at 12 rounds
  (SubstanceD's, before) first; that login checks it and stores the
  account's Argon2id hash (the upgrade, once per account: its cost
  included);
- **unknown**: a login that does not exist (its check of the dummy hash);
- and the hashes alone: ``argon2.verify`` at those parameters and
  ``bcrypt.checkpw`` at 12 rounds.

Printed: the median CPU (``time.process_time``) and wall time of each.
Target: a login (argon2id) at most 40 ms of CPU.  Figures only;
bench/out/connexion.json keeps them.  About 30 s.
"""

import argparse
import json
import re
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
CPU_MAX = 0.040  # seconds of CPU per login (issue 22)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def mesurer(func):
    """(wall, CPU of this process) seconds of one call."""
    start, start_cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - start, time.process_time() - start_cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logins", type=int, default=9)
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sys.path.insert(0, str(ROOT))
    import bcrypt
    import transaction
    import webtest
    from pyramid.scripting import prepare
    from substanced.util import find_service

    from portail_famille import mots_de_passe

    login, password = home.LOGIN
    overrides = ["pyramid.reload_templates=false", *args.overrides]
    tmp = Path(tempfile.mkdtemp(prefix="bench-connexion-"))
    try:
        wsgi = home.home_app(tmp, overrides)
        hacheur = mots_de_passe.hacheur()
        bcrypt12 = bcrypt.hashpw(password.encode(), bcrypt.gensalt(12))

        def compte(func):
            env = prepare(registry=wsgi.registry)
            try:
                result = func(find_service(env["root"], "principals", "users")[login])
                transaction.commit()
                return result
            finally:
                env["request"]._process_finished_callbacks()  # its ZODB connection
                env["closer"]()

        def poser(hashed):
            def poser(user):
                user.password = hashed

            compte(poser)

        def connexion(nom, attendu):
            app = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
            token = TOKEN.search(app.get("/connexion").text).group(1)
            data = {"login": nom, "password": password, "csrf_token": token}
            result = {}

            def poster():
                result["response"] = app.post("/connexion", data, status=attendu)

            return mesurer(poster)

        # a first login of each kind (templates compiled, caches warm)
        connexion(login, 302)
        connexion("personne.inconnue", 200)  # each time another (the throttle)
        argon2_hash = compte(lambda user: user.password)
        assert argon2_hash.startswith("$argon2id$"), argon2_hash
        print(
            "Login bench: %s (the application's), against bcrypt 12; %d logins of each"
            % (mots_de_passe.decrire(argon2_hash), args.logins)
        )
        runs = {
            "argon2id": [],
            "bcrypt-12": [],
            "unknown": [],
            "argon2 alone": [],
            "bcrypt alone": [],
        }
        for n in range(args.logins):
            runs["argon2id"].append(connexion(login, 302))
            poser(bcrypt12)
            runs["bcrypt-12"].append(connexion(login, 302))
            after = compte(lambda user: user.password)
            assert after.startswith("$argon2id$"), "not upgraded"
            runs["unknown"].append(connexion("personne.inconnue%d" % n, 200))
            runs["argon2 alone"].append(
                mesurer(lambda after=after: hacheur.verifier(after, password))
            )
            runs["bcrypt alone"].append(
                mesurer(lambda: bcrypt.checkpw(password.encode(), bcrypt12))
            )
        figures = {}
        for name, values in runs.items():
            wall = statistics.median(v[0] for v in values)
            cpu = statistics.median(v[1] for v in values)
            figures[name] = {"cpu_ms": 1000 * cpu, "wall_ms": 1000 * wall}
            print("  %-13s median CPU %6.1f ms, wall %6.1f ms" % (name, 1000 * cpu, 1000 * wall))
        cpu = figures["argon2id"]["cpu_ms"] / 1000
        print(
            "login (argon2id) %.1f ms of CPU (target <= %.0f) %s; bcrypt-12's login (upgraded "
            "then) %.1f ms: %.1fx; unknown login %.1f ms"
            % (
                1000 * cpu,
                1000 * CPU_MAX,
                "PASS" if cpu <= CPU_MAX else "FAIL",
                figures["bcrypt-12"]["cpu_ms"],
                figures["bcrypt-12"]["cpu_ms"] / figures["argon2id"]["cpu_ms"],
                figures["unknown"]["cpu_ms"],
            )
        )
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        with open(out / "connexion.json", "w") as fp:
            json.dump(
                {
                    "hachage": mots_de_passe.decrire(argon2_hash),
                    "logins": args.logins,
                    "figures": figures,
                    "cpu_target_ms": 1000 * CPU_MAX,
                },
                fp,
                indent=2,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
