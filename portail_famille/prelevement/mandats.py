"""A family's SEPA direct-debit mandates.

A mandate is what the family signed: the debtor's account (titular, IBAN,
BIC) as it was when signed, its unique reference (RUM) and its signature
date.  It is never deleted nor edited: a new account is a new mandate, the
old one revoked.  Its state: "actif"; "revoque" once the family (or staff)
revoked it; "caduc" when it served no debit for 36 months (the SEPA
rulebook's rule, computed at a given day, never stored).  The first debit
of a mandate is sent as FRST, the next ones as RCUR.

The API, for the batches, the Trésor's files and the screens:

- ``mandats(famille)``: the family's mandates, oldest first;
- ``mandat_actif(famille, jour)``: the one in force that day, or None;
- ``signer(famille, titulaire, iban, bic, jour, par)``: a new mandate (the
  one in force is revoked);
- ``Mandat.etat(jour)``, ``Mandat.sequence``, ``Mandat.revoquer(jour, par)``,
  ``Mandat.utiliser(jour)``.
"""

import datetime

from persistent import Persistent
from persistent.list import PersistentList

from .. import dates
from ..i18n import _

ACTIF = "actif"
REVOQUE = "revoque"
CADUC = "caduc"
ETATS = {ACTIF: _("Actif"), REVOQUE: _("Révoqué"), CADUC: _("Caduc")}
MOIS_CADUCITE = 36
PREMIER = "FRST"
RECURRENT = "RCUR"


def _mois_apres(jour, mois):
    """``jour`` plus ``mois`` months (the last day of a shorter month)."""
    annee, rang = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    for dernier in (31, 30, 29, 28):
        try:
            return datetime.date(annee, rang + 1, min(jour.day, dernier))
        except ValueError:
            continue
    raise AssertionError(jour)  # pragma: no cover: a month has 28 days


class Mandat(Persistent):
    """One signed mandate of a family (see the module)."""

    revoque_le = None
    revoque_par = ""
    motif_revocation = ""  # given by staff revoking it (the family's own: none)
    dernier_usage = None  # the due date of its last debit sent

    def __init__(self, rum, titulaire, iban, bic, signe_le, par=""):
        self.rum = rum
        self.titulaire = titulaire
        self.iban = iban
        self.bic = bic
        self.signe_le = signe_le
        self.signe_par = par  # who recorded it (the parent's or an agent's login)
        self.cree_le = dates.horodatage()

    def etat(self, jour=None):
        """ "actif", "revoque" or "caduc" at ``jour`` (today by default)."""
        if self.revoque_le is not None:
            return REVOQUE
        jour = jour or dates.today()
        depuis = self.dernier_usage or self.signe_le
        if _mois_apres(depuis, MOIS_CADUCITE) <= jour:
            return CADUC
        return ACTIF

    @property
    def sequence(self):
        """The SEPA sequence type of its next debit."""
        return RECURRENT if self.dernier_usage is not None else PREMIER

    def revoquer(self, jour, par=""):
        if self.revoque_le is None:
            self.revoque_le = jour
            self.revoque_par = par

    def utiliser(self, jour):
        """A debit of due date ``jour`` was sent on this mandate."""
        if self.dernier_usage is None or jour > self.dernier_usage:
            self.dernier_usage = jour


def mandats(famille):
    """The family's mandates, oldest first (a list; empty when none)."""
    return list(getattr(famille, "mandats", ()))


def mandat_actif(famille, jour=None):
    """The family's mandate in force at ``jour`` (today), or None."""
    for mandat in reversed(mandats(famille)):
        if mandat.etat(jour) == ACTIF:
            return mandat
    return None


def rum(famille, rang):
    """The mandate's unique reference: the family's number and the rank of
    its mandate ("PF-2015000000123-1"), at most 35 characters of the SEPA
    set."""
    return "PF-%s-%d" % (famille.numero, rang)


def signer(famille, titulaire, iban, bic, jour, par=""):
    """Record the mandate the family signed at ``jour``; the one in force,
    if any, is revoked the same day.  Returns the new Mandat."""
    existants = getattr(famille, "mandats", None)
    if existants is None:
        existants = famille.mandats = PersistentList()
    for ancien in existants:
        ancien.revoquer(jour, par)
    mandat = Mandat(rum(famille, len(existants) + 1), titulaire, iban, bic, jour, par)
    existants.append(mandat)
    return mandat
