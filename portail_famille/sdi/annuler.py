"""The SDI's Undo tab on RelStorage (``keep_history=true``): its template
prints each transaction's ``size``, which FileStorage's and ZEO's undo
records carry and RelStorage's lack (a KeyError, a 500).  The same tab,
each record given an empty size when it has none."""

from substanced.sdi import mgmt_view
from substanced.sdi.views.undo import UndoViews

from ..i18n import _


class Annuler(UndoViews):
    def _undoable_transactions(self, first, last):
        records = super()._undoable_transactions(first, last)
        for record in records:
            record.setdefault("size", "")
        return records

    @mgmt_view(
        name="undo",
        tab_title=_("Undo"),
        renderer="substanced.sdi.views:templates/undo.pt",
        physical_path="/",
        permission="sdi.undo",
    )
    def undo(self):
        return super().undo()
