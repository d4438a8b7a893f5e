"""Numbered documents are permanent: every invoice, credit note and payment
stored before notes its number on what it names (its régie, the children
and prestations of its lines: ``facturation.permanence``), which can then
be neither deleted, moved, renamed nor copied.  The role table is written
again: agents no longer delete in ``familles`` (a family that leaves is
archived), and only administrators reach other people's accounts
(``principals``)."""

from ..facturation.permanence import noter
from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        for name in ("factures", "reglements"):
            folder = famille.get(name)
            for document in folder.values() if folder is not None else ():
                noter(document)
