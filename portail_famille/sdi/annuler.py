"""The SDI's Undo, made safe for accounting, and fixed for RelStorage.

Accounting transactions are never undone (``irreversible``):
a transaction that issued, allocated, cancelled, refunded or froze a
numbered document, or gave a number of a régie's sequence, is corrected
by a counter-entry (credit note, cancellation, refund), never erased.
SubstanceD's own views keep their names, permissions and CSRF checks;
their methods are wrapped (``correctifs.substanced.annuler_sans_comptable``:
every monkey-patch lives in ``correctifs``) to ask the functions below:

- the Undo tab (``@@undo``, administrators) lists such a transaction
  without its checkbox, marked "Opération comptable" (the template
  ``templates/undo.pt`` overrides SubstanceD's, in French);
- ``@@undo_multiple`` (the tab's button) refuses, with a French message
  and nothing undone, a list that holds one, or an id it cannot find;
- ``@@undo_recent`` (a flash message's "Undo" link) refuses one;
- no "Undo" link is offered in a transaction that is one.

A transaction is one when it carries the mark (``irreversible.MARQUE``),
or, for transactions committed before the mark existed, when it wrote an
object of a class declaring ``irreversible.IComptable`` (read from the
stored records' class names, the objects themselves are not loaded).

On RelStorage (``keep_history=true``) the tab's template prints each
transaction's ``size``, which FileStorage's and ZEO's undo records carry
and RelStorage's lack (a KeyError, a 500): records without one get an
empty size.
"""

import base64
import binascii
import sys

import transaction
from pyramid.httpexceptions import HTTPFound
from substanced.sdi.views.undo import decode64
from ZODB.utils import get_pickle_metadata

from ..i18n import _
from ..irreversible import IComptable, est_marquee

REFUS = _(
    "Cette transaction a créé ou modifié un document numéroté (facture, avoir, règlement, "
    "annulation, remboursement) : elle ne peut être défaite. Corrigez par un avoir, une "
    "annulation ou un remboursement."
)
INCONNUE = _("Transaction introuvable : rien n'a été défait.")


def _classe(data):
    """The class a stored record is of, when its module is loaded (ours
    all are), else None; the record is not unpickled."""
    try:
        module, nom = get_pickle_metadata(data)
    except Exception:
        return None
    found = getattr(sys.modules.get(module), nom, None)
    return found if isinstance(found, type) else None


def comptable(db, undo_id):
    """Whether the transaction of undo id ``undo_id`` (bytes, as in
    ``db.undoLog``) is an accounting one; None when there is no such
    transaction (nothing is undone that was not checked)."""
    try:
        tid = base64.decodebytes(undo_id + b"\n")
    except (binascii.Error, TypeError):
        return None
    if len(tid) != 8:
        return None
    records = db.storage.iterator(tid, tid)
    try:
        for record in records:
            if est_marquee(getattr(record, "extension", None) or {}):
                return True
            for donnee in record:
                classe = _classe(donnee.data) if donnee.data else None
                if classe is not None and IComptable.implementedBy(classe):
                    return True
            return False
        return None
    finally:
        fermer = getattr(records, "close", None)
        if fermer is not None:
            fermer()  # FileStorage's iterator holds a file open


def _undo_id(value):
    """The undo id in a checkbox's value of the Undo tab (SubstanceD's
    ``encode64(undo id) + b' ' + description``), or None."""
    try:
        if not isinstance(value, bytes):
            value = value.encode("ascii", "surrogateescape")
        return decode64(value.split(b" ", 1)[0]) or None
    except (binascii.Error, UnicodeError, AttributeError):
        return None


def _refuser(request, message):
    request.sdiapi.flash(request.localizer.translate(message), "danger")


def marquer(db, records):
    """The Undo tab's records, each given a ``size`` (RelStorage's have
    none: a KeyError in the template) and ``comptable`` (no checkbox)."""
    for record in records:
        record.setdefault("size", "")
        undo_id = _undo_id(record["id"])
        # one that cannot be checked is shown as one: never undone
        record["comptable"] = est_marquee(record) or comptable(db, undo_id or b"") is not False
    return records


def refus_multiple(request, db):
    """The redirection that refuses the Undo tab's button (an accounting
    transaction, or an id it cannot find, among those ticked), or None."""
    for value in request.POST.getall("transaction"):
        undo_id = _undo_id(value)
        found = comptable(db, undo_id) if undo_id is not None else None
        if found is not False:
            _refuser(request, INCONNUE if found is None else REFUS)
            return HTTPFound(request.sdiapi.mgmt_path(request.context, "undo"))
    return None


def refus_recent(request, db):
    """The redirection that refuses a flash message's "Undo" link on an
    accounting transaction, or None."""
    undohash = request.params.get("undohash")
    # the records SubstanceD's view looks among (the 50 latest)
    for record in db.undoLog(0, -50):
        if record.get("undohash") == undohash:
            if est_marquee(record) or comptable(db, record["id"]) is not False:
                _refuser(request, REFUS)
                return HTTPFound(request.referrer or request.sdiapi.mgmt_path(request.context))
            break
    return None


def sans_lien():
    """Whether the current transaction is an accounting one (no "Undo"
    link offered in its flash message)."""
    return est_marquee(transaction.get().extension)


def includeme(config):
    config.override_asset(
        to_override="substanced.sdi.views:templates/undo.pt",
        override_with="portail_famille.sdi:templates/undo.pt",
    )
