"""The SDI's Undo tab on RelStorage (``keep_history=true``): its template
prints each transaction's ``size``, which FileStorage's and ZEO's undo
records carry and RelStorage's lack (a KeyError, a 500).  SubstanceD's own
tab (its view and permission unchanged) gets each record with an empty
size when it has none: its records' method is wrapped once, when this
module is imported (the package scan)."""

from substanced.sdi.views.undo import UndoViews


def avec_taille(lister):
    def _undoable_transactions(self, first, last):
        records = lister(self, first, last)
        for record in records:
            record.setdefault("size", "")
        return records

    _undoable_transactions.avec_taille = True
    return _undoable_transactions


if not getattr(UndoViews._undoable_transactions, "avec_taille", False):
    UndoViews._undoable_transactions = avec_taille(UndoViews._undoable_transactions)
