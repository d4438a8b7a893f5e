"""The cash desk's ledger (``portail_famille.caisse.registre``): the
opening balance of a day on a régie with years of figures, cold (a fresh
connection: every bucket read from the FileStorage) and warm.

    .venv/bin/python bench/caisse.py [years]

Prints, for the same ledger, the baseline (summing every day before the
day) and the ledger's way (the months before the day's month, then its
days): seconds and objects loaded."""

import datetime
import sys
import tempfile
import time
from decimal import Decimal

import transaction
import ZODB
import ZODB.FileStorage

from portail_famille.caisse import registre

FIGURES = (
    (registre.REGLEMENT, "cheque"),
    (registre.REGLEMENT, "especes"),
    (registre.REGLEMENT, "carte"),
    (registre.REGLEMENT, "cesu"),
    (registre.REGLEMENT, "prelevement"),
    (registre.FACTURE, ""),
    (registre.AVOIR, ""),
    (registre.ANNULATION, "cheque"),
    (registre.REMISE, "cheque"),
    (registre.REMISE, "especes"),
)


class Regie:
    def __init__(self, caisse):
        self.caisse = caisse


def par_jours(regie, jour):
    """The baseline: every day's figures before ``jour``."""
    found = {}
    items = regie.caisse.totaux.items(max=(jour,), excludemax=True)
    return registre.sommer(found, items)


def mesurer(path, fonction, jour):
    db = ZODB.DB(ZODB.FileStorage.FileStorage(path, read_only=True))
    conn = db.open()
    regie = Regie(conn.root()["caisse"])
    debut = time.perf_counter()
    froid = fonction(regie, jour)
    t_froid = time.perf_counter() - debut
    objets = conn._cache.cache_non_ghost_count
    debut = time.perf_counter()
    chaud = fonction(regie, jour)
    t_chaud = time.perf_counter() - debut
    assert froid == chaud
    conn.close()
    db.close()
    return t_froid, t_chaud, objets, froid


def main(argv=sys.argv):
    annees = int(argv[1]) if len(argv) > 1 else 11
    path = tempfile.mkdtemp(prefix="bench-caisse-") + "/Data.fs"
    db = ZODB.DB(ZODB.FileStorage.FileStorage(path))
    fin = datetime.date(2026, 12, 31)
    jour = fin - datetime.timedelta(days=365 * annees)
    cles = 0
    with db.transaction() as conn:
        conn.root()["caisse"] = caisse = registre.Caisse()
        while jour <= fin:
            for rubrique, mode in FIGURES:
                registre.ajouter(caisse, jour, rubrique, mode, Decimal("123.45"), 3)
                cles += 1
            jour += datetime.timedelta(days=1)
    transaction.commit()
    db.close()
    jour = datetime.date(2026, 12, 7)
    base = mesurer(path, par_jours, jour)
    registre_ = mesurer(path, registre.totaux_avant, jour)
    assert base[3] == registre_[3]
    for nom, (froid, chaud, objets, _t) in (("days", base), ("months then days", registre_)):
        print(
            "caisse, opening balance over %d years (%d keys), %s: %.3f s cold, %.3f s warm, "
            "%d objects loaded" % (annees, cles, nom, froid, chaud, objets)
        )


if __name__ == "__main__":
    main()
