"""Lighthouse on a parent's phone (issue 20's "How we will check").

Serves the demo application (bench/home.py's ``home`` server, its own
FileStorage in a temporary directory), logs in as jean.dupont over HTTP,
then runs Lighthouse (npm package ``lighthouse``, its default mobile
configuration: a phone's screen, simulated slow 4G and CPU) in headless
Chromium with the session cookie (``--extra-headers``) on the login page,
the home page, LUCAS's planning and the statement.  Prints the
accessibility and performance scores of each page and the audits that
fail below the targets (accessibility 100, performance 95).
``bench/out/lighthouse.json`` keeps the figures.  Nothing asserts.

    python bench/lighthouse.py [--lighthouse PATH] [--chrome /usr/bin/chromium]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: servers, client, log in)

OUT = home.ROOT / "bench" / "out"
CIBLES = {"accessibility": 100, "performance": 95}
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def pages(port, cookies):
    """(name, path) of the pages to audit; the planning's path is read from
    "Mes enfants" (LUCAS's link, then its "Planning")."""
    client = home.Client(port, cookies)
    famille = home.HOME_PATH
    _s, _h, html = client.request("GET", famille + "mes-enfants")
    enfant = re.search(rb'href="[^"]*(/familles/\d+/enfants/[^/"]+)/?"[^>]*>\s*LUCAS', html)
    client.close()
    planning = enfant.group(1).decode() + "/planning" if enfant else None
    found = [("connexion", "/connexion"), ("accueil", famille)]
    if planning:
        found.append(("planning", planning))
    found.append(("relevé", famille + "releve-de-compte"))
    return found


def lighthouse(binary, chrome, url, headers, out):
    env = dict(os.environ, CHROME_PATH=chrome)
    command = [
        binary,
        url,
        "--quiet",
        "--output=json",
        "--output-path=%s" % out,
        "--only-categories=accessibility,performance",
        "--form-factor=mobile",  # the default configuration's, said aloud
        "--chrome-flags=%s" % FLAGS,
        "--locale=fr",
    ]
    if headers:
        command.append("--extra-headers=%s" % headers)
    subprocess.run(command, env=env, check=True, timeout=300)
    with open(out) as fp:
        return json.load(fp)


def echecs(report, categorie):
    """The titles of the category's audits that do not pass (weighted ones
    first; an informative audit of weight 0 is left out)."""
    found = []
    for ref in report["categories"][categorie]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        score = audit.get("score")
        if score is None or score >= 1 or audit.get("scoreDisplayMode") in ("notApplicable",):
            continue
        if ref.get("weight", 0) == 0 and categorie == "performance":
            continue
        detail = audit.get("displayValue") or ""
        items = (audit.get("details") or {}).get("items") or []
        noeuds = [
            (i.get("node") or {}).get("snippet", "")[:100] for i in items[:3] if i.get("node")
        ]
        found.append(
            {
                "id": ref["id"],
                "titre": audit["title"],
                "score": score,
                "valeur": detail,
                "noeuds": noeuds,
            }
        )
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lighthouse",
        default=os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse") or "lighthouse",
    )
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
    process = home.start_server("home", tmp / "home", ["pyramid.reload_templates=false"])
    resultats = {}
    try:
        port = home.wait_port(process, "home")
        cookies, _size = home.log_in(port)
        entete = tmp / "entetes.json"
        entete.write_text(json.dumps({"Cookie": "; ".join("%s=%s" % kv for kv in cookies.items())}))
        for nom, path in pages(port, cookies):
            url = "http://127.0.0.1:%d%s" % (port, path)
            # the login page is audited without the session (a parent's first visit)
            headers = None if nom == "connexion" else str(entete)
            report = lighthouse(args.lighthouse, args.chrome, url, headers, tmp / "r.json")
            final = report.get("finalDisplayedUrl", url)
            reglages = report.get("configSettings", {})
            ligne = {
                "url": path,
                "final": final,
                "lighthouse": report.get("lighthouseVersion"),
                "appareil": reglages.get("formFactor"),
                "ecran": reglages.get("screenEmulation"),
            }
            if final.split("?")[0] != url.split("?")[0]:
                # e.g. the login page: the session was not taken
                print("%s: redirected to %s" % (nom, final))
                ligne["redirige"] = True
            for categorie, cible in CIBLES.items():
                score = round(100 * (report["categories"][categorie]["score"] or 0))
                ligne[categorie] = score
                ligne[categorie + "_echecs"] = echecs(report, categorie) if score < cible else []
            ligne["metriques"] = {
                k: report["audits"][k].get("displayValue")
                for k in (
                    "first-contentful-paint",
                    "largest-contentful-paint",
                    "total-blocking-time",
                    "cumulative-layout-shift",
                    "speed-index",
                )
                if k in report["audits"]
            }
            resultats[nom] = ligne
            print(
                "%-10s accessibility %3d  performance %3d  %s"
                % (nom, ligne["accessibility"], ligne["performance"], path)
            )
            print("           " + ", ".join("%s %s" % kv for kv in ligne["metriques"].items()))
            for categorie in CIBLES:
                for echec in ligne[categorie + "_echecs"]:
                    print(
                        "           %s below target: %s (%s) %s %s"
                        % (
                            categorie,
                            echec["titre"],
                            echec["id"],
                            echec["valeur"],
                            " | ".join(echec["noeuds"]),
                        )
                    )
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    ok = all(
        not r.get("redirige")
        and r["accessibility"] >= CIBLES["accessibility"]
        and r["performance"] >= CIBLES["performance"]
        for r in resultats.values()
    )
    print("PASS" if ok and resultats else "FAIL")
    OUT.mkdir(exist_ok=True)
    (OUT / "lighthouse.json").write_text(json.dumps(resultats, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
