"""The audit of staff reads (RGPD): who read which family's bank details or
which child's health data, when, on which screen.  Entries of kind
``LECTURE`` in the site's journal, read by administrators in the SDI's
root tab "Audit RGPD" (``rgpd.sdi``); an entry holds the login, the
family's number, the oids, never an IBAN or a health value.

Writing on GET is deliberate here: the audit must record reads (the one
exception to "no GET writes to the database").
"""

from ..i18n import _
from . import LECTURE
from . import noter as noter_journal

SANITAIRES = "sanitaires"
BANCAIRES = "bancaires"
IBAN = "iban"
QUOI = {
    SANITAIRES: _("Données sanitaires"),
    BANCAIRES: _("Informations bancaires"),
    IBAN: _("IBAN complet"),
}


def noter(request, famille, quoi, enfant=None, ecran=None, moment=None):
    """Record that the current staff member read ``quoi`` of ``famille``
    (of its child ``enfant``) on the screen ``ecran`` (default: the URL's
    path).  A write on GET, deliberately: the audit records reads."""
    if quoi not in QUOI:
        raise ValueError(quoi)
    return noter_journal(
        request,
        quoi,
        famille,
        famille=famille,
        enfant=enfant,
        genre=LECTURE,
        ecran=ecran if ecran is not None else request.path_info[:200],
        moment=moment,
    )


def _sa_famille(request, famille):
    """Is the reader one of ``famille``'s own parents?"""
    user = getattr(request, "user", None)
    return user is not None and any(parent is user for parent in famille.parents())


def noter_personnel(request, famille, quoi, enfant=None):
    """``noter``, unless the reader is one of the family's own parents (a
    family reading its own record is not audited)."""
    if _sa_famille(request, famille):
        return None
    return noter(request, famille, quoi, enfant=enfant)


def noter_demande(request, demande, iban=False):
    """A request shown to staff: audited when it holds health data or bank
    details (``iban``: the full IBAN was shown)."""
    section = getattr(demande.type, "section", None)
    if section not in (SANITAIRES, BANCAIRES):
        return None
    quoi = IBAN if iban and section == BANCAIRES else section
    return noter(request, demande.famille, quoi, enfant=demande.objet_enfant())


def noter_demandes_personnel(request, famille, demandes):
    """The family's requests listed to staff (not to its own parents):
    each one holding health data or bank details is audited."""
    if _sa_famille(request, famille):
        return
    for demande in demandes:
        noter_demande(request, demande)
