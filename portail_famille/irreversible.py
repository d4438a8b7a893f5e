"""Accounting transactions are never undone.

A transaction that numbers, issues, allocates, cancels, refunds or freezes
a numbered document (invoice, credit note, payment, cancellation, refund,
their frozen PDFs, a régie's sequence) is a public accounting record: it is
corrected by a counter-entry (a credit note, a cancellation, a refund),
never by ZODB's undo, which would silently erase a number of the régie's
gapless sequence.  Each such change marks its transaction (an extension
written with it, ``MARQUE``); the SDI's Undo tab and its "Undo" links
(``sdi.annuler``) refuse marked transactions, and those that changed such
an object before the mark existed.

The mark is set where the objects change (the ``Comptable`` mixin of
facturation's ``_Operation`` and ``Sequence``, allocations): whatever code
path issues a document, its transaction is marked.  A primitive every
domain may use: the money domain declares its classes, the SDI's Undo
reads the declarations.
"""

import transaction
from zope.interface import Interface, implementer

MARQUE = "portail_famille.comptable"


def marquer():
    """Mark the current transaction as an accounting one (idempotent)."""
    courante = transaction.get()
    if not courante.extension.get(MARQUE):
        courante.setExtendedInfo(MARQUE, True)


def est_marquee(informations):
    """Whether a transaction's extension (or an undo record, where ZODB
    merges it) carries the mark."""
    return bool(informations.get(MARQUE))


class IComptable(Interface):
    """What the classes of accounting objects declare: a transaction that
    changed one of them is an accounting one (the Undo guard, ``sdi.annuler``,
    reads the classes of a transaction's records), marked or not."""


@implementer(IComptable)
class Comptable:
    """Mixin of persistent accounting objects: setting any attribute (but
    the persistence machinery's ``_p_`` and volatile ``_v_`` ones) marks
    the transaction."""

    __slots__ = ()

    def __setattr__(self, name, value):
        if not name.startswith(("_p_", "_v_")):
            marquer()
        super().__setattr__(name, value)
