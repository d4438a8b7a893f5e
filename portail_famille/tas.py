"""A small set of entries that parents add to at the same moment without
conflicting: a day's waiting list, a share of the register's queue.

A BTree merges concurrent inserts only while no bucket splits; a list
that fills at one moment (the opening morning) splits its buckets every
few inserts, and each split conflicts with every insert beside it
(``bench/conflits.py``).  A ``Tas`` keeps its entries in one dict and
merges two transactions' changes itself (``_p_resolveConflict``, as
``planning.places.Places`` does): the keys one added and the keys the
other took away both hold.  A key is never given a new value (a key
names one thing: an entry is added, then taken away), so values are
never compared: the database's references inside them cannot be.

Keep it small (a day's waiting list, a sixty-fourth of a queue): each
change writes the whole dict.
"""

from persistent import Persistent
from ZODB.POSException import ConflictError


class Tas(Persistent):
    def __init__(self):
        self.entrees = {}

    def ajouter(self, cle, valeur):
        if cle in self.entrees:
            raise KeyError(cle)
        self.entrees = {**self.entrees, cle: valeur}

    def retirer(self, cle):
        """Take ``cle`` away (nothing when it is not there)."""
        if cle in self.entrees:
            entrees = dict(self.entrees)
            del entrees[cle]
            self.entrees = entrees

    def __contains__(self, cle):
        return cle in self.entrees

    def __len__(self):
        return len(self.entrees)

    def items(self):
        return self.entrees.items()

    def get(self, cle, default=None):
        return self.entrees.get(cle, default)

    def _p_resolveConflict(self, old, committed, new):
        avant = old.get("entrees", {})
        apres = new.get("entrees", {})
        merged = dict(committed.get("entrees", {}))
        for cle in apres.keys() - avant.keys():
            if cle in merged:  # both added it: two things under one name
                raise ConflictError("the same entry added twice")
            merged[cle] = apres[cle]
        for cle in avant.keys() - apres.keys():
            merged.pop(cle, None)
        resolved = dict(committed)
        resolved["entrees"] = merged
        return resolved
