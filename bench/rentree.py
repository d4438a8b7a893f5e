"""The next school year on the bench town: bench/planning.py's town
(10,000 families, 20,000 children each enrolled in the seven demo
prestations for the current school year, the canteen with a Mon/Tue/Thu/Fri
contract, a year of cells) gets the next school year, then an agent
re-enrols every family through the SDI tab "Réinscriptions", in this
process through WebTest (every tween, traversal, the security check):

- the preview of the whole town (``apercu``): its time;
- the confirmation (the first batch, the whole preview checked), then
  "Continuer" batch after batch (``planning.rentree.LOT`` children a
  request, one transaction each, only the children left read again),
  until nothing is left: each batch's time, the total, the enrolments and
  days made;
- the preview again (it must make nothing: idempotence), and a last
  confirmation (nothing made).

    .venv/bin/python bench/rentree.py [--familles 10000] [--lot 2000]

The town's children were born in 2012-2013: the bench lifts the age limit
(``portail.reinscription.age_max``) so that all of them stay.  Figures
only, printed and kept in ``bench/out/rentree.json``.
"""

import argparse
import datetime
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import home  # noqa: E402  (the application on a FileStorage in a directory)
import planning  # noqa: E402  (the town's generator)

URL = "/manage/familles/@@reinscriptions"
OUT = Path(__file__).resolve().parent / "out" / "rentree.json"


def ville(directory, familles):
    """The app on a new town with the next school year; (app, libellé)."""
    import transaction
    from pyramid.scripting import prepare

    settings = planning.SETTINGS + ["portail.reinscription.age_max=99"]
    app = home.home_app(directory, settings)
    env = prepare(registry=app.registry)
    try:
        root, registry = env["root"], env["registry"]
        t = time.perf_counter()
        info = planning.generer(root, registry, familles, course=0)
        print("town: %d families in %.0f s" % (familles, time.perf_counter() - t), flush=True)
        annee = root["calendrier"][info["annee"]]
        debut = datetime.date(annee.debut.year + 1, 9, 1)
        libelle = "%d-%d" % (debut.year, debut.year + 1)
        suivante = registry.content.create(
            "AnneeScolaire", libelle=libelle, debut=debut, fin=datetime.date(debut.year + 1, 7, 5)
        )
        root["calendrier"].add(libelle, suivante, registry=registry)
        transaction.commit()
    finally:
        transaction.abort()
        env["closer"]()
    return app, libelle


def texte(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def main():
    import webtest

    from portail_famille.demo import COMPTES
    from portail_famille.planning import rentree
    from tests.conftest import csrf, login

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--lot", type=int, default=rentree.LOT)
    args = parser.parse_args()
    rentree.LOT = args.lot
    with tempfile.TemporaryDirectory(prefix="bench-rentree-") as directory:
        wsgi, libelle = ville(Path(directory), args.familles)
        agent = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
        login(agent, "agent", COMPTES["agent"][0])
        token = csrf(agent.get(URL))
        data = {"csrf_token": token, "annee": libelle, "familles": ""}

        t = time.perf_counter()
        page = agent.post(URL, dict(data, apercu="1"))
        apercu_s = time.perf_counter() - t
        annonce = re.search(r"Réinscrire en [^:]+: ([^.]+)\.", texte(page)).group(1)
        print("preview: %.1f s (%s)" % (apercu_s, annonce), flush=True)
        signature = page.html.select_one("input[name=signature]")["value"]

        lots = []
        made = {"enfants": 0, "inscriptions": 0, "journees": 0}
        bouton = {"signature": signature, "confirmer": "1"}  # the first batch
        while True:
            t = time.perf_counter()
            page = agent.post(URL, dict(data, **bouton))
            lots.append(time.perf_counter() - t)
            found = re.search(
                r"(\d+) enfant\(s\) réinscrit\(s\), (\d+) inscription\(s\) créée\(s\), "
                r"(\d+) journée\(s\)",
                texte(page),
            )
            for key, value in zip(made, found.groups(), strict=True):
                made[key] += int(value)
            print("  batch %d: %.1f s (%s)" % (len(lots), lots[-1], found.group(0)), flush=True)
            if "restent à réinscrire" not in texte(page):
                break
            # the next batches: the button "Continuer" (the children left only)
            suite = page.html.select_one("form.suite-reinscription input[name=signature]")
            bouton = {"signature": suite["value"], "continuer": "1"}

        t = time.perf_counter()
        again = agent.post(URL, dict(data, apercu="1"))
        second_s = time.perf_counter() - t
        second = re.search(r"Réinscrire en [^:]+: ([^.]+)\.", texte(again)).group(1)
        t = time.perf_counter()
        last = agent.post(URL, dict(data, signature=signature, confirmer="1"))
        last_s = time.perf_counter() - t
        rien = re.search(r"\d+ enfant\(s\) réinscrit\(s\)[^.]*", texte(last)).group(0)
        print(
            "second preview: %.1f s (%s); confirmed again: %.1f s (%s)"
            % (second_s, second, last_s, rien)
        )
        result = {
            "familles": args.familles,
            "lot": args.lot,
            "apercu_s": round(apercu_s, 2),
            "apercu": annonce,
            "lots_s": [round(x, 2) for x in lots],
            "total_s": round(sum(lots), 1),
            "cree": made,
            "second_apercu_s": round(second_s, 2),
            "second_apercu": second,
            "seconde_confirmation": rien,
        }
        print(
            "re-enrolment of %(familles)d families: %(total_s).0f s in %(n)d batch(es) of "
            "%(lot)d children" % dict(result, n=len(lots))
        )
        OUT.parent.mkdir(exist_ok=True)
        OUT.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        from portail_famille.util import close_databases

        close_databases(wsgi.registry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
