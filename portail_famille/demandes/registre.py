"""The requests kept in the families' registers (``resources.Demandes``)
that wait for an agent: the staff queue's second source, beside the
catalog's query of the requests that are content.

On the root, made with it (``subscribers``; evolve step49 for an older
database): 64 ``tas.Tas``, a family's entries in the one its number
falls to, each (family number, request name) -> (date of the request,
its type, the Demande).  A Tas merges concurrent additions (the opening
morning's parents, when an agent validates the reservations), where a
BTree's bucket splits would conflict; a family's entries are read from
its one share.  The queue, the dashboard and the search read the
entries only: no request is loaded to be counted, filtered or sorted.
``noter`` keeps them in step with the request's state after each
transition (``cycle``).
"""

import zlib

from BTrees.IOBTree import IOBTree
from pyramid.traversal import find_root

from ..tas import Tas
from ..util import root_attribute
from .resources import EN_ATTENTE, consignee

ATTRIBUT = "_portail_demandes_consignees_en_attente"
PARTS = 64


def creer(root):
    """The root's shares, made once (a new root, evolve step49)."""
    return root_attribute(root, ATTRIBUT, lambda: IOBTree({n: Tas() for n in range(PARTS)}))


def arbre(root):
    """The root's shares (share number -> Tas), or None before step49."""
    return getattr(root, ATTRIBUT, None)  # not __dict__: a ghost's is empty


def _part(root, famille):
    parts = arbre(root)
    if parts is None:
        return None
    return parts[zlib.crc32(famille.encode()) % PARTS]


def _entrees(root):
    parts = arbre(root)
    for part in parts.values() if parts is not None else ():
        yield from part.items()


def noter(demande):
    """Keep ``demande``'s entry in step with its state: there while it
    waits for an agent, gone once it does not."""
    if not consignee(demande):
        return
    numero = demande.numero_famille
    part = _part(find_root(demande), numero)
    cle = (numero, demande.__name__)
    if demande.etat != EN_ATTENTE:
        part.retirer(cle)
    elif cle not in part:
        part.ajouter(cle, (demande.date_demande, demande.type_demande, demande))


def oublier(famille):
    """The family leaves the tree: its waiting requests leave the queue."""
    numero = famille.__name__
    part = _part(find_root(famille), numero)
    for cle in [c for c in part.entrees if c[0] == numero] if part is not None else ():
        part.retirer(cle)


def en_attente(root, type_demande=None, famille=None):
    """[(date, Demande)] of the register's requests waiting for an agent
    (of ``type_demande``, of the family number ``famille``), in no order."""
    if famille:
        part = _part(root, famille)
        entrees = [e for e in part.items() if e[0][0] == famille] if part is not None else []
    else:
        entrees = _entrees(root)
    return [
        (date, demande)
        for _cle, (date, kind, demande) in entrees
        if not type_demande or kind == type_demande
    ]


def par_type(root):
    """{type: (how many, oldest date)} of the register's waiting requests."""
    found = {}
    for _cle, (date, kind, _demande) in _entrees(root):
        nombre, plus_ancienne = found.get(kind, (0, date))
        found[kind] = (nombre + 1, min(plus_ancienne, date))
    return found


def nombre(root, famille):
    """How many of the family ``famille``'s register's requests wait."""
    return len(en_attente(root, famille=famille))


def trouver(root, cle):
    """The waiting request of the queue's selection key ``cle``
    ("<family number>/<name>", ``cle_de``), or None."""
    famille, _sep, name = cle.partition("/")
    part = _part(root, famille) if famille and name else None
    entree = part.get((famille, name)) if part is not None else None
    return entree[2] if entree is not None else None


def cle_de(demande):
    return "%s/%s" % (demande.numero_famille, demande.__name__)
