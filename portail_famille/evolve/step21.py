"""Each régie's journal index (facturation.journal_regie): the number ->
document BTree of every numbered document issued before it existed,
found once by walking the families.  A régie already indexed is only
completed (a document already there stays)."""

from ..facturation import journal_regie, regies
from ..facturation.resources import IOperation


def evolve(root, registry):
    familles = root.get("familles")
    for famille in familles.values() if familles is not None else ():
        for name in ("factures", "reglements"):
            folder = famille.get(name)
            for document in folder.values() if folder is not None else ():
                if not IOperation.providedBy(document):
                    continue
                regie = regies.regie_de(document, root)
                if regie is not None:
                    journal_regie.indexer(regie, document)
