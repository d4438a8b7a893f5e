"""The requests kept in the families' registers (``resources.Demandes``)
that wait for an agent: the staff queue's second source, beside the
catalog's query of the requests that are content.

One tree on the root, made with it (``subscribers``; evolve step49 for
an older database): (family number, request name) -> (date of the
request, its type, the Demande).  A key starts with the family, so the
opening morning's reservations, spread over the town, write buckets
apart; a family's entries are one range.  The queue, the dashboard and
the search read the keys and values only: no request is loaded to be
counted, filtered or sorted.  ``noter`` keeps it in step with the
request's state after each transition (``cycle``).
"""

from pyramid.traversal import find_root

from .resources import EN_ATTENTE, consignee

ATTRIBUT = "_portail_demandes_consignees_en_attente"
FIN = "\uffff"  # after every name


def arbre(root, create=False):
    found = getattr(root, ATTRIBUT, None)  # not __dict__: a ghost's is empty
    if found is None and create:
        from BTrees.OOBTree import OOBTree

        found = OOBTree()
        setattr(root, ATTRIBUT, found)
    return found


def noter(demande):
    """Keep ``demande``'s entry in step with its state: there while it
    waits for an agent, gone once it does not."""
    if not consignee(demande):
        return
    tree = arbre(find_root(demande), create=True)
    key = (demande.numero_famille, demande.__name__)
    if demande.etat == EN_ATTENTE:
        tree[key] = (demande.date_demande, demande.type_demande, demande)
    elif key in tree:
        del tree[key]


def en_attente(root, type_demande=None, famille=None):
    """[(date, Demande)] of the register's requests waiting for an agent
    (of ``type_demande``, of the family number ``famille``), in no order."""
    tree = arbre(root)
    if not tree:
        return []
    items = tree.values(min=(famille, ""), max=(famille, FIN)) if famille else tree.values()
    return [(date, demande) for date, kind, demande in items if kind == (type_demande or kind)]


def par_type(root):
    """{type: (how many, oldest date)} of the register's waiting requests."""
    found = {}
    tree = arbre(root)
    for date, kind, _demande in tree.values() if tree else ():
        nombre, plus_ancienne = found.get(kind, (0, date))
        found[kind] = (nombre + 1, min(plus_ancienne, date))
    return found


def nombre(root, famille):
    """How many of the family ``famille``'s register's requests wait."""
    tree = arbre(root)
    if not tree:
        return 0
    return len(tree.keys(min=(famille, ""), max=(famille, FIN)))


def trouver(root, cle):
    """The waiting request of the queue's selection key ``cle``
    ("<family number>/<name>", ``cle_de``), or None."""
    famille, _sep, name = cle.partition("/")
    tree = arbre(root)
    entry = tree.get((famille, name)) if tree is not None and name else None
    return entry[2] if entry is not None else None


def cle_de(demande):
    return "%s/%s" % (demande.numero_famille, demande.__name__)
