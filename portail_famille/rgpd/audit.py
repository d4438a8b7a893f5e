"""The audit of staff reads: who read which family's bank details or which
child's health data, when, on which screen.

One entry per read, kept in BTrees on a root-level ``Audit`` (made when the
root is created, evolve step10 for older databases), never in the entry's
data itself: an entry holds logins, oids and the family's number, never an
IBAN or a health value.

Concurrent reads by several agents must not make their requests conflict:
the entries are spread over ``PARTS`` trees (each its own persistent
BTree), the part chosen at random for each entry, so that two concurrent
reads mostly write to different trees; the ``Audit`` object itself is
never rewritten.  A key is the negated time in microseconds times 1,024
plus a random 0-1,023 whose remainder by ``PARTS`` names the part, so that
ascending order is newest first and a page is one merge of range reads
from a cursor.  Within one part, BTrees merge concurrent insertions into a
bucket; only a bucket split there still conflicts, and the request is
then retried as any other.  Measured (``bench/audit.py``: 4 threads
committing 1,200 entries as fast as they can, FileStorage): 2 to 12
conflicts with 16 parts, about 300 with a single tree.

Writing on GET is deliberate here: the audit must record reads (the one
exception to "no GET writes to the database").
"""

import heapq
import itertools
import secrets
import time

from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from substanced.util import get_oid

from ..i18n import _

NOM = "_portail_audit"

SANITAIRES = "sanitaires"
BANCAIRES = "bancaires"
IBAN = "iban"
QUOI = {
    SANITAIRES: _("Données sanitaires"),
    BANCAIRES: _("Informations bancaires"),
    IBAN: _("IBAN complet"),
}


PARTS = 16
ALEA = 1024  # a multiple of PARTS


class Audit(Persistent):
    def __init__(self):
        # Part -> {key -> (login, famille numero, famille oid, enfant oid or
        # None, quoi, ecran)}.
        self.entrees = tuple(LOBTree() for _i in range(PARTS))
        # Part -> {(famille numero, key) -> None}: one family's entries.
        self.par_famille = tuple(OOBTree() for _i in range(PARTS))

    def cle(self, moment=None):
        moment = time.time() if moment is None else moment
        key = -(int(moment * 1_000_000) * ALEA + secrets.randbelow(ALEA))
        part = self.entrees[key % PARTS]
        while key in part:
            key -= PARTS  # the same part
        return key

    def ajouter(self, qui, famille, quoi, enfant=None, ecran="", moment=None):
        if quoi not in QUOI:
            raise ValueError(quoi)
        key = self.cle(moment)
        numero = famille.__name__
        self.entrees[key % PARTS][key] = (
            qui,
            numero,
            get_oid(famille, None),
            get_oid(enfant, None) if enfant is not None else None,
            quoi,
            ecran,
        )
        self.par_famille[key % PARTS][(numero, key)] = None
        return key

    def page(self, limite=50, apres=None, numero=None):
        """(entries, cursor of the next page or None): newest first, after
        the key ``apres`` (excluded), one family's only when ``numero``."""
        suite = {"excludemin": True} if apres is not None else {}
        if numero is None:
            parts = [tree.keys(min=apres, **suite) for tree in self.entrees]
        else:
            low = (numero, apres) if apres is not None else (numero,)
            parts = [
                (
                    key
                    for _numero, key in itertools.takewhile(
                        lambda pair: pair[0] == numero, tree.keys(min=low, **suite)
                    )
                )
                for tree in self.par_famille
            ]
        found = []
        for key in heapq.merge(*parts):
            if len(found) == limite:
                return found, found[-1]["cle"]
            found.append(self.entree(key))
        return found, None

    def entree(self, key):
        qui, numero, famille, enfant, quoi, ecran = self.entrees[key % PARTS][key]
        return {
            "cle": key,
            "moment": -key // ALEA / 1_000_000,
            "qui": qui,
            "famille": numero,
            "famille_oid": famille,
            "enfant_oid": enfant,
            "quoi": quoi,
            "ecran": ecran,
        }

    def __len__(self):
        return sum(len(tree) for tree in self.entrees)


def audit(root):
    """The root's Audit; made here only for a database older than it (the
    root is created with one, evolve step10 gives it to older ones)."""
    found = getattr(root, NOM, None)  # not __dict__: a ghost's is empty
    if found is None:
        found = Audit()
        setattr(root, NOM, found)
    return found


def login(request):
    user = getattr(request, "user", None)
    return getattr(user, "__name__", None) or str(request.authenticated_userid)


def noter(request, famille, quoi, enfant=None, ecran=None):
    """Record that the current staff member read ``quoi`` of ``famille``
    (of its child ``enfant``) on the screen ``ecran`` (default: the URL's
    path).  A write on GET, deliberately: the audit records reads."""
    ecran = ecran if ecran is not None else request.path_info[:200]
    return audit(request.root).ajouter(login(request), famille, quoi, enfant=enfant, ecran=ecran)


def noter_personnel(request, famille, quoi, enfant=None):
    """``noter``, unless the reader is one of the family's own parents (a
    family reading its own record is not audited)."""
    from ..familles.resources import famille_of

    user = getattr(request, "user", None)
    if user is not None and famille_of(user) is famille:
        return None
    return noter(request, famille, quoi, enfant=enfant)


def noter_demande(request, demande, iban=False):
    """A request shown to staff: audited when it holds health data or bank
    details (``iban``: the full IBAN was shown)."""
    section = getattr(demande.type, "section", None)
    if section not in (SANITAIRES, BANCAIRES):
        return None
    quoi = IBAN if iban and section == BANCAIRES else section
    return noter(request, demande.famille, quoi, enfant=demande.objet_enfant())


def noter_demandes_personnel(request, famille, demandes):
    """The family's requests listed to staff (not to its own parents):
    each one holding health data or bank details is audited."""
    from ..familles.resources import famille_of

    user = getattr(request, "user", None)
    if user is not None and famille_of(user) is famille:
        return
    for demande in demandes:
        noter_demande(request, demande)
