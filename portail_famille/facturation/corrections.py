"""Payments are corrected, never erased: a cancellation and a refund.

A payment typed wrong (420,00 € for 42,00 €) stays, as every numbered
document does; it is cancelled by a counter-entry, an ``Annulation`` with
its own number in the régie's sequence, its date, its reason and who made
it.  The cancellation takes the whole payment (allocated to it as an
invoice would be: the payment has nothing left), and gives back what the
payment had settled:

- the invoices it paid, when it was recorded or later from its credit
  (a run's new invoice is settled by the credit on the account), are due
  again; the credit still on the account at the régie (other payments,
  credit notes) settles them at once, as it settles a new invoice;
- the credit it left is no longer on the account.

A payment whose credit has been refunded is not cancelled (refused with a
message): the refund is money that really went out, and cancelling the
payment under it would leave the family owing it with no invoice to say
so.  Nor is a card payment made online: the bank confirmed it, it is
corrected by a refund.

A refund (``Remboursement``, in cash or by transfer) pays back credit on
the account, at most what is available at its régie: it takes that credit
from the oldest payments and credit notes first.

Both are debits on the family's statement ("Relevé de compte"): the
cancellation cancels the payment's credit, the refund consumes credit.
They live in the family's ``reglements`` folder, beside the payments they
correct, are numbered and frozen (PDF) as every issued document, and are
listed in the régie's journal (``journal_regie``).
"""

from substanced.content import content
from zope.interface import Interface, implementer

from .. import dates
from ..i18n import _
from ..irreversible import marquer
from ..montants import ZERO, arrondi, euros
from . import service
from .regies import regie_de
from .resources import CARTE, Facture, Reglement, _Operation

MODES_REMBOURSEMENT = (
    ("especes", _("Espèces")),
    ("virement", _("Virement")),
)
TITRES_REMBOURSEMENT = dict(MODES_REMBOURSEMENT)


class IAnnulation(Interface):
    pass


class IRemboursement(Interface):
    pass


@content(
    "Annulation",
    name=_("Annulation de règlement"),
    icon="glyphicon glyphicon-remove-circle",
    catalog=True,
)
@implementer(IAnnulation)
class Annulation(_Operation):
    """The counter-entry of a payment: its amount, as a debit.
    ``factures``: ((invoice number, amount), ...) the payment had settled
    and that this cancellation gave back."""

    sens = "debit"
    reglement = ""  # the cancelled payment's number
    motif = ""
    factures = ()

    def __init__(self, numero, regie, date, reglement, motif, factures=(), par=""):
        _Operation.__init__(self, numero, regie, date, reglement.montant, par)
        self.reglement = reglement.numero
        self.motif = motif
        self.factures = tuple(factures)

    @property
    def description(self):
        return "Annulation du règlement %s" % self.reglement


@content(
    "Remboursement",
    name=_("Remboursement"),
    icon="glyphicon glyphicon-share",
    catalog=True,
)
@implementer(IRemboursement)
class Remboursement(_Operation):
    """Credit paid back to the family, in cash or by transfer.
    ``affectations``: the payments and credit notes whose credit it took."""

    sens = "debit"
    mode = "especes"
    reference = ""
    motif = ""

    def __init__(self, numero, regie, date, montant, mode, motif, reference="", par=""):
        _Operation.__init__(self, numero, regie, date, montant, par)
        self.mode = mode
        self.motif = motif
        self.reference = reference

    @property
    def description(self):
        return "Remboursement : %s" % TITRES_REMBOURSEMENT.get(self.mode, self.mode)


def _document(famille, numero):
    return service.factures(famille).get(numero) or service.reglements(famille).get(numero)


def annulation_de(reglement):
    """The Annulation of a cancelled payment, or None."""
    if not getattr(reglement, "annule_par", ""):
        return None
    found = service.reglements(reglement.famille).get(reglement.annule_par)
    return found if isinstance(found, Annulation) else None


def mention(reglement):
    """'Annulé le 12/05/2026 (AL-230 : Erreur de saisie)' of a cancelled
    payment (a translation string), or None."""
    annulation = annulation_de(reglement)
    if annulation is None:
        return None
    return _(
        "Annulé le ${date} (${numero} : ${motif})",
        mapping={
            "date": dates.courte(annulation.date),
            "numero": annulation.numero,
            "motif": annulation.motif,
        },
    )


def remboursements_de(credit):
    """The refunds that took credit from ``credit`` (a payment or a credit
    note), by number."""
    famille = credit.famille
    found = [_document(famille, numero) for numero in credit.affectations]
    return sorted((r for r in found if isinstance(r, Remboursement)), key=lambda r: r.emise_le or 0)


def obstacle(reglement):
    """Why ``reglement`` cannot be cancelled (a translation string), or
    None when it can."""
    if not isinstance(reglement, Reglement):
        return _("Seul un règlement peut être annulé.")
    if reglement.annule_par:
        return _(
            "Ce règlement est déjà annulé (${numero}).", mapping={"numero": reglement.annule_par}
        )
    if reglement.mode == CARTE:
        return _(
            "Un paiement par carte en ligne a été encaissé par la banque : il ne s'annule "
            "pas, remboursez le crédit si besoin."
        )
    rembourse = remboursements_de(reglement)
    if rembourse:
        return _(
            "Une partie de ce règlement a été remboursée (${numero}) : il ne peut plus "
            "être annulé.",
            mapping={"numero": rembourse[0].numero},
        )
    if regie_de(reglement) is None:
        return _("La régie de ce règlement n'existe plus.")
    return None


def effets(reglement):
    """What cancelling ``reglement`` would do, for its confirmation: the
    invoices due again with the amount given back to each, the credit
    taken off the account, and the credit left at the régie that will
    settle those invoices first."""
    famille = reglement.famille
    factures = []
    for numero, montant in reglement.affectations.items():
        facture = service.factures(famille).get(numero)
        if isinstance(facture, Facture):
            factures.append((facture, montant))
    factures.sort(key=lambda item: (item[0].date, item[0].numero))
    regie = regie_de(reglement)
    autre_credit = ZERO
    if regie is not None:
        autre_credit = service.credit_disponible(famille, regie) - reglement.disponible
    return {
        "factures": factures,
        "credit": reglement.disponible,
        "autre_credit": autre_credit,
    }


def _lier(credit, debit, montant):
    """Allocate ``montant`` of ``credit`` to ``debit`` (both sides)."""
    marquer()
    credit.affectations[debit.numero] = credit.affectations.get(debit.numero, ZERO) + montant
    debit.affectations[credit.numero] = debit.affectations.get(credit.numero, ZERO) + montant
    if isinstance(debit, Facture):
        service.reste_modifie(debit)


def annuler_reglement(reglement, date, motif, par="", registry=None):
    """Cancel ``reglement`` by a numbered Annulation dated ``date``, for
    ``motif``; returns it.  Raises FacturationError (a French message)
    when it cannot be (``obstacle``), without a reason, or dated before
    the payment."""
    raison = obstacle(reglement)
    if raison is not None:
        raise service.FacturationError(raison)
    motif = (motif or "").strip()
    if not motif:
        raise service.FacturationError(_("Indiquez le motif de l'annulation."))
    if date < reglement.date:
        raise service.FacturationError(_("L'annulation ne peut précéder le règlement."))
    regie = regie_de(reglement)
    famille = reglement.famille
    rendues = effets(reglement)["factures"]
    annulation = Annulation(
        regie.numero_suivant(),
        regie,
        date,
        reglement,
        motif,
        factures=[(facture.numero, montant) for facture, montant in rendues],
        par=par,
    )
    service.reglements(famille).add(annulation.numero, annulation, registry=registry)
    for facture, _montant in rendues:
        facture.affectations.pop(reglement.numero, None)
        service.reste_modifie(facture)
    reglement.affectations.clear()
    _lier(reglement, annulation, reglement.montant)
    reglement.annule_par = annulation.numero
    # The invoices due again (oldest first): the credit still on the
    # account settles them, as it settles a new invoice.
    for facture, _montant in rendues:
        for credit in service._credits(famille, regie):
            if facture.payee:
                break
            service.affecter(credit, facture)
    return annulation


def rembourser(famille, regie, date, montant, mode, motif, reference="", par="", registry=None):
    """Pay back ``montant`` of the family's credit at ``regie`` (cash or
    transfer) by a numbered Remboursement; returns it.  Raises
    FacturationError (a French message) beyond the credit available."""
    montant = arrondi(montant)
    if montant <= ZERO:
        raise service.FacturationError(_("Le montant doit être supérieur à 0."))
    if mode not in TITRES_REMBOURSEMENT:
        raise service.FacturationError(_("Choisissez le mode de remboursement."))
    motif = (motif or "").strip()
    if not motif:
        raise service.FacturationError(_("Indiquez le motif du remboursement."))
    disponible = service.credit_disponible(famille, regie)
    if montant > disponible:
        raise service.FacturationError(
            _(
                "Le remboursement ne peut dépasser le crédit disponible à cette régie (${credit}).",
                mapping={"credit": euros(disponible)},
            )
        )
    remboursement = Remboursement(
        regie.numero_suivant(), regie, date, montant, mode, motif, reference, par
    )
    service.reglements(famille).add(remboursement.numero, remboursement, registry=registry)
    reste = montant
    for credit in service._credits(famille, regie):
        part = min(credit.disponible, reste)
        _lier(credit, remboursement, part)
        reste -= part
        if reste <= ZERO:
            break
    return remboursement
