"""make bench (conflits): which objects the opening morning's reservations
conflict on, named.

    .venv/bin/python bench/conflits.py [--familles 100] [--fils 16] [--jours 2]

The cluster of the tests (tests/grappe: a ZEO server, two application
processes of 4 threads, the town of ``outils.ville``: ``--familles``
families of 5 children enrolled on the Wednesday afternoons) and
``--fils`` parents at once asking, over HTTP, for the first ``--jours``
Wednesdays of every child (a French 503 asked again after its
Retry-After, as a parent does).  The processes log each conflict they
retry with its object's oid and class; each oid is then named by what
holds it in the database: an index of a catalog (its forward or reverse
tree, its set of documents not indexed), the objectmap, a prestation's
places, a child's planning...  Printed: the reservations made, the
conflicts per 100 reservations, and the conflicts by holder, most first.

A conflict is named by the first object that conflicted in its attempt:
removing one hot spot moves its conflicts to the next.  Measured
(2026-12-08, 60 families, 12 parents at once, 600 reservations, quiet
machine): with the reservations as SubstanceD content (main until then),
107.8 conflicts per 100 reservations, first the requests' date index
(170), SubstanceD's extent map (125), the objectmap's path index (69):
every request added wrote about twenty shared trees.  Kept in the
families' registers (``demandes.resources.Demandes``), 9.5 per 100: the
site's journal (29), a day's waiting list (15), the day's counter (13).

Figures only; bench/out/conflits.json keeps them.
"""

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.grappe import outils, scenarios  # noqa: E402
from tests.grappe.lanceur import Zeo  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "conflits.json"
CONFLIT = re.compile(r"retried: .*?oid (0x[0-9a-f]+)(?:, class ([\w.]+))?")


def _references(jar, oid):
    from ZODB.serialize import referencesf

    data, _serial = jar._storage.load(oid)
    return referencesf(data)


def detenteurs(root):
    """{oid: name of what holds it} for the catalogs' indexes and the
    objectmap: every persistent object reachable from each of them."""
    from substanced.util import find_objectmap

    jar = root._p_jar
    found = {}

    def walk(obj, nom):
        pile = [obj._p_oid]
        while pile:
            oid = pile.pop()
            if oid in found:
                continue
            found[oid] = nom
            pile.extend(_references(jar, oid))

    for catalogue in root["catalogs"].values():
        catalogue._p_activate()
        for nom_index, index in catalogue.items():
            index._p_activate()
            for attribut in ("_fwd_index", "_rev_index", "_not_indexed", "_num_docs"):
                valeur = index.__dict__.get(attribut)
                if getattr(valeur, "_p_oid", None) is not None:
                    walk(valeur, "%s/%s %s" % (catalogue.__name__, nom_index, attribut))
        objectids = catalogue.__dict__.get("objectids")
        if getattr(objectids, "_p_oid", None) is not None:
            walk(objectids, "%s objectids" % catalogue.__name__)
    objectmap = find_objectmap(root)
    objectmap._p_activate()
    for attribut, valeur in objectmap.__dict__.items():
        # (its ``root`` is the site: everything, named below by its path)
        if attribut != "root" and getattr(valeur, "_p_oid", None) is not None:
            walk(valeur, "objectmap %s" % attribut)
    # the trees the site keeps on its root (the journal, the register's index...)
    root._p_activate()
    for attribut, valeur in root.__dict__.items():
        if attribut.startswith("_portail") and getattr(valeur, "_p_oid", None) is not None:
            walk(valeur, "root %s" % attribut)
    # the trees of the prestations, the families' registers, the children
    from BTrees.OOBTree import OOBTree

    def arbres(obj, nom):
        obj._p_activate()
        for attribut, valeur in obj.__dict__.items():
            if isinstance(valeur, OOBTree):
                walk(valeur, "%s %s" % (nom, attribut))

    for structure in root["structures"].values():
        for prestation in structure.values():
            arbres(prestation, "prestation")
    for famille in root["familles"].values():
        arbres(famille["demandes"], "famille demandes")
        for enfant in famille["enfants"].values():
            arbres(enfant, "enfant")
    return found


def nommer(root, oid_hex, classe, connus):
    from ZODB.utils import p64

    oid = p64(int(oid_hex, 16))
    if oid in connus:
        return connus[oid]
    try:
        obj = root._p_jar.get(oid)
    except Exception:  # noqa: BLE001 (a name, whatever the object)
        return "? %s" % classe
    chemin = []
    courant = obj
    while courant is not None and len(chemin) < 6:
        nom = getattr(courant, "__name__", None)
        if nom:
            chemin.append(str(nom))
        courant = getattr(courant, "__parent__", None)
    return "%s %s" % (type(obj).__name__, "/".join(reversed(chemin)) or "")


def mesurer(familles, fils, nombre_jours):
    from tests.conftest import with_root

    with tempfile.TemporaryDirectory() as tmp:
        dossier = Path(tmp)
        with Zeo(dossier / "zeo") as zeo:
            grappe = scenarios.Grappe(dossier, zeo, familles, 4, **scenarios.ZEO)
            try:
                for login in sorted({login for login, _url in grappe.enfants}):
                    grappe.parent(login)
                avant = sum(len(a.journal().splitlines()) for a in grappe.applications)
                taches = [
                    (
                        lambda n=n, login=login, url=url, day=day: scenarios.comme_un_parent(
                            grappe, n, login, url, day
                        )
                    )
                    for day in grappe.jours[:nombre_jours]
                    for n, (login, url) in enumerate(grappe.enfants)
                ]
                t0 = time.perf_counter()
                resultats = outils.ensemble(taches, fils)
                duree = time.perf_counter() - t0
                reponses = Counter(s for statuts, _h in resultats for s in statuts)
                lignes = [
                    ligne
                    for a in grappe.applications
                    for ligne in a.journal().splitlines()
                    if "retried" in ligne
                ]
                conflits = Counter()
                for ligne in lignes:
                    match = CONFLIT.search(ligne)
                    if match:
                        conflits[(match.group(1), match.group(2) or "")] += 1
                    else:
                        conflits[("-", ligne.split("retried: ", 1)[-1][:60])] += 1

                def nommer_tout(root, registry):
                    connus = detenteurs(root)
                    noms = Counter()
                    for (oid, classe), n in conflits.items():
                        nom = nommer(root, oid, classe, connus) if oid != "-" else classe
                        noms[nom] += n
                    return noms

                noms = with_root(grappe.wsgi, nommer_tout)
            finally:
                grappe.arreter()
    faites = reponses.get(302, 0)
    return {
        "familles": familles,
        "fils": fils,
        "reservations": faites,
        "reponses": dict(reponses),
        "secondes": duree,
        "lignes_avant": avant,
        "conflits": sum(noms.values()),
        "pour_100": 100.0 * sum(noms.values()) / max(faites, 1),
        "par_detenteur": noms.most_common(),
    }


def lancer():
    parser = argparse.ArgumentParser()
    parser.add_argument("--familles", type=int, default=100)
    parser.add_argument("--fils", type=int, default=16)
    parser.add_argument("--jours", type=int, default=2)
    args = parser.parse_args()
    figures = mesurer(args.familles, args.fils, args.jours)
    print(
        "conflits: %d reservations in %.1f s (%s), %d conflicts retried: %.1f per 100"
        % (
            figures["reservations"],
            figures["secondes"],
            figures["reponses"],
            figures["conflits"],
            figures["pour_100"],
        )
    )
    for nom, n in figures["par_detenteur"][:25]:
        print("  %5d  %s" % (n, nom))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    lancer()
