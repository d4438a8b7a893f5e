"""The régie's journal: every numbered operation of a régie, in number
order (invoices, credit notes, payments, cancellations, refunds), read a
page at a time.

A régie holds tens of thousands of numbers over the years, spread over
every family: the journal never walks the families.  Each régie keeps an
index (``Regie.numeros``, a BTree: the number without its prefix -> the
document), filled when a document is added to a family (a subscriber of
SubstanceD's ObjectAdded, whatever code issued it), and by evolve step21
for the documents issued before it.  A page is a range of numbers: 50
numbers, then the index's next or previous key (numbers taken over from
the town's earlier system leave gaps: a page never shows an empty range).
"""

from BTrees.LOBTree import LOBTree
from substanced.event import subscribe_added

from .regies import regie_de
from .resources import IOperation

ATTRIBUT = "numeros"  # on each Régie
PAR_PAGE = 50


def index(regie, create=False):
    """The régie's index (number -> document); None when it has none yet,
    unless ``create``.  Reading writes nothing."""
    tree = getattr(regie, ATTRIBUT, None)
    if tree is None and create:
        tree = LOBTree()
        setattr(regie, ATTRIBUT, tree)
    return tree


def cle(regie, numero):
    """'AL-229' -> 229 for the régie of prefix 'AL-'; None when ``numero``
    is not one of its numbers."""
    if not isinstance(numero, str):
        return None
    reste = numero.strip()
    if regie.prefixe and reste.upper().startswith(regie.prefixe.upper()):
        reste = reste[len(regie.prefixe) :]
    return int(reste) if reste.isdigit() and len(reste) < 16 else None


def indexer(regie, document):
    """Enter ``document`` in its régie's index (idempotent)."""
    key = cle(regie, document.numero)
    if key is None:
        return
    tree = index(regie, create=True)
    if tree.get(key) is not document:
        tree[key] = document


@subscribe_added(IOperation)
def document_ajoute(event):
    """A numbered document was added to a family: into its régie's index."""
    document = event.object
    regie = regie_de(document)
    if regie is not None:
        indexer(regie, document)


def page(regie, depuis=None, taille=PAR_PAGE):
    """The documents numbered ``depuis`` .. ``depuis + taille - 1`` (the
    last ``taille`` numbers when ``depuis`` is None), in number order, and
    where the previous and the next pages start (None at either end)."""
    tree = index(regie)
    if not tree:
        return {"documents": [], "depuis": None, "precedent": None, "suivant": None}
    if depuis is None:
        depuis = max(tree.maxKey() - taille + 1, 0)
    fin = depuis + taille - 1
    documents = list(tree.values(min=depuis, max=fin))
    try:
        precedent = max(tree.maxKey(depuis - 1) - taille + 1, 0)
    except ValueError:
        precedent = None
    try:
        suivant = tree.minKey(fin + 1)
    except ValueError:
        suivant = None
    return {"documents": documents, "depuis": depuis, "precedent": precedent, "suivant": suivant}
