"""The journal's store: one tree of months, each month a ``Partition`` of
``PARTS`` trees, so that concurrent writers seldom touch the same tree and
the retention drops a whole month at once.

A key is the negated time in microseconds times ``ALEA`` plus a random
number below ``ALEA``: ascending order is newest first, and the key's
remainder by ``PARTS`` names the tree of its month that holds it (drawn at
random for each entry).  Two staff requests writing at the same moment
then mostly write to different trees; within one tree, BTrees merge
concurrent insertions of distinct keys into a bucket, and only a bucket
split still conflicts (the request is then retried, as any other).
Measured with ``bench/journal.py`` (4 threads committing 1,200 entries as
fast as they can, FileStorage): 2 to 12 conflicts with 16 trees, about 300
with a single one.  Neither the ``Journal`` nor a ``Partition`` is rewritten
by an entry; a month's partition is made ahead of time (the root's
creation, evolve step23, the nightly retention job), else by its first
entry.

Each partition also keeps, per tree, an index of its entries by kind
(``genre``), by what happened (``quoi``) and by family within a kind, so
that a page of the SDI's "Journal" or "Audit RGPD" tab, filtered or not,
costs what it shows, not the size of the history.
"""

import datetime
import heapq
import itertools
import json
import secrets

from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent

PARTS = 16
ALEA = 1024  # a multiple of PARTS


def alea():
    """The random part of a key (a function: a test chooses the tree)."""
    return secrets.randbelow(ALEA)


def mois_de(moment):
    """The month (UTC) of ``moment`` (seconds since the epoch), as 202611."""
    day = datetime.datetime.fromtimestamp(moment, datetime.UTC)
    return day.year * 100 + day.month


def mois_suivant(mois):
    year, month = divmod(mois, 100)
    return mois + 1 if month < 12 else (year + 1) * 100 + 1


def moment_de(cle):
    return (-cle // ALEA) / 1_000_000


def _facettes(genre, quoi, famille):
    """The index entries of an entry (the key is appended)."""
    found = [("genre", genre), ("quoi", quoi)]
    if famille:
        found.append(("famille", genre, famille))
    return found


class Partition(Persistent):
    """One month of entries."""

    def __init__(self):
        # Tree -> {key -> (genre, qui, quoi, famille, objet, enfant, ecran, details)}.
        self.entrees = tuple(LOBTree() for _i in range(PARTS))
        # Tree -> {facet + (key,) -> None}: the same entries, by facet.
        self.index = tuple(OOBTree() for _i in range(PARTS))

    def cles(self, prefixe, apres):
        """The keys after ``apres`` (excluded), ascending (newest first),
        of the facet ``prefixe`` (None: every entry), one iterator per tree."""
        suite = {"excludemin": True} if apres is not None else {}
        if prefixe is None:
            return [tree.keys(min=apres, **suite) for tree in self.entrees]
        low = prefixe + (apres,) if apres is not None else prefixe
        size = len(prefixe)
        return [
            (
                facet[-1]
                for facet in itertools.takewhile(
                    lambda facet: facet[:size] == prefixe, tree.keys(min=low, **suite)
                )
            )
            for tree in self.index
        ]

    def __len__(self):
        return sum(len(tree) for tree in self.entrees)


class Journal(Persistent):
    def __init__(self):
        self.mois = OOBTree()  # month (UTC, 202611) -> Partition

    def preparer(self, moment):
        """Make the partitions of ``moment``'s month and of the next one,
        so that the first entries of a month do not race to make it."""
        mois = mois_de(moment)
        for key in (mois, mois_suivant(mois)):
            if key not in self.mois:
                self.mois[key] = Partition()

    def ajouter(self, moment, genre, qui, quoi, famille, objet, enfant, ecran, details):
        """Store an entry made at ``moment`` (seconds, UTC); its key."""
        mois = mois_de(moment)
        partition = self.mois.get(mois)
        if partition is None:
            partition = self.mois[mois] = Partition()
        micros = int(moment * 1_000_000)
        key = -(micros * ALEA + alea())
        while key in partition.entrees[key % PARTS]:  # the same microsecond
            key = -(micros * ALEA + alea())
        part = key % PARTS
        partition.entrees[part][key] = (
            genre,
            qui,
            quoi,
            famille,
            objet,
            enfant,
            ecran,
            json.dumps(details, sort_keys=True) if details else "",
        )
        for facet in _facettes(genre, quoi, famille):
            partition.index[part][facet + (key,)] = None
        return key

    def page(self, genre=None, quoi=None, famille=None, limite=50, apres=None):
        """(entries, cursor of the next page or None): newest first, after
        the key ``apres`` (excluded), of one kind, one ``quoi``, one
        family within a kind (``famille`` needs ``genre``)."""
        if famille is not None:
            if genre is None:
                raise ValueError("famille needs genre")
            prefixe, seul = ("famille", genre, famille), quoi
        elif quoi is not None:
            prefixe, seul = ("quoi", quoi), None
        elif genre is not None:
            prefixe, seul = ("genre", genre), None
        else:
            prefixe, seul = None, None
        months = self.mois.keys(max=mois_de(moment_de(apres))) if apres is not None else self.mois
        found = []
        for key, partition in self._cles(reversed(list(months)), prefixe, apres):
            entree = _entree(key, partition.entrees[key % PARTS][key])
            if seul is not None and entree["quoi"] != seul:
                continue
            if len(found) == limite:
                return found, found[-1]["cle"]
            found.append(entree)
        return found, None

    def _cles(self, months, prefixe, apres):
        for mois in months:
            partition = self.mois[mois]
            for key in heapq.merge(*partition.cles(prefixe, apres)):
                yield key, partition

    def purger(self, avant):
        """Drop the months before ``avant`` (202611); the number of entries
        dropped."""
        dropped = 0
        for mois in list(self.mois.keys(max=avant, excludemax=True)):
            dropped += len(self.mois[mois])
            del self.mois[mois]
        return dropped


def _entree(key, stored):
    genre, qui, quoi, famille, objet, enfant, ecran, details = stored
    return {
        "cle": key,
        "moment": moment_de(key),
        "genre": genre,
        "qui": qui,
        "quoi": quoi,
        "famille": famille,
        "objet": objet,
        "enfant": enfant,
        "ecran": ecran,
        "details": json.loads(details) if details else {},
    }
