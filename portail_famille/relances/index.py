"""The index of unpaid invoices: on each Régie (``Regie.impayes``, a
BTree: the invoice's oid -> its summary), every invoice of the régie that
still owes something, with what the list filters and adds up: its due
date, its number, what it owes, the structures it bills.

Why not the catalog: a catalog index gives the oids, and the list's totals
then load every unpaid invoice through its family's folders: on a town
of 10,000 families (2,743 unpaid invoices, bench/relances.py), 1.7 s for
the first page from cold caches (0.1 s warm).  Here the totals, the
filters and the page read the tree's buckets only (a summary is a tuple,
stored in its bucket); the 50 invoices shown are the only ones loaded.

Kept as the invoices change, whatever code changed them: an invoice
issued (SubstanceD's ObjectAdded), what it owes changed
(``facturation.service.ResteModifie``, notified by every allocation and
by a payment's cancellation): ``suivre``, subscribed by the includeme.
Evolve step36 builds it for the invoices issued before.  Reading writes
nothing (a régie without a tree has no unpaid invoice)."""

from BTrees.LOBTree import LOBTree
from substanced.util import get_oid

from ..facturation import journal_regie
from ..facturation.regies import regie_de, regies
from ..montants import ZERO
from ..util import objet

ATTRIBUT = "impayes"  # on each Régie


def index(regie, create=False):
    tree = getattr(regie, ATTRIBUT, None)
    if tree is None and create:
        tree = LOBTree()
        setattr(regie, ATTRIBUT, tree)
    return tree


def structures_de(facture, cache=None):
    """The oids of the structures ``facture`` bills (its lines' prestations'
    parents), sorted."""
    cache = {} if cache is None else cache
    found = set()
    for ligne in facture.lignes:
        oid = ligne.get("prestation_oid")
        if oid is None:
            continue
        if oid not in cache:
            prestation = objet(facture, oid)
            structure = getattr(prestation, "__parent__", None)
            cache[oid] = get_oid(structure, None) if structure is not None else None
        if cache[oid] is not None:
            found.add(cache[oid])
    return tuple(sorted(found))


def resume(facture, regie):
    """(due date, number's key, number, rest due, structures) of an unpaid
    invoice; None once paid."""
    if facture.echeance is None or facture.reste <= ZERO:
        return None
    cle = journal_regie.cle(regie, facture.numero) or 0
    return (facture.echeance, cle, facture.numero, facture.reste, structures_de(facture))


def suivre(facture):
    """Enter, update or remove ``facture`` in its régie's index."""
    oid = get_oid(facture, None)
    regie = regie_de(facture) if oid is not None else None
    if regie is None:
        return
    valeur = resume(facture, regie)
    tree = index(regie, create=valeur is not None)
    if tree is None:
        return
    if valeur is None:
        tree.pop(oid, None)
    elif tree.get(oid) != valeur:
        tree[oid] = valeur


def facture_ajoutee(event, *_objets):
    suivre(event.object)


def reste_modifie(event):
    suivre(event.facture)


class Impayee:
    """One line of the index (what the list needs before loading it)."""

    __slots__ = ("oid", "regie", "echeance", "cle", "numero", "reste", "structures")

    def __init__(self, oid, regie, valeur):
        self.oid = oid
        self.regie = regie
        self.echeance, self.cle, self.numero, self.reste, self.structures = valeur

    def facture(self, context):
        return objet(context, self.oid)


def lister(root, regie_oid=None, structure_oid=None):
    """The unpaid invoices of every régie (or of ``regie_oid``'s), billing
    ``structure_oid`` when given, oldest due date first."""
    found = []
    for regie in regies(root):
        if regie_oid is not None and get_oid(regie) != regie_oid:
            continue
        tree = index(regie)
        if not tree:
            continue
        for oid, valeur in tree.items():
            if structure_oid is not None and structure_oid not in valeur[4]:
                continue
            found.append(Impayee(oid, regie, valeur))
    found.sort(key=lambda i: (i.echeance, i.regie.title, i.cle))
    return found


def nombre(root):
    return sum(len(index(regie) or ()) for regie in regies(root))
