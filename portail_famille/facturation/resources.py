"""Invoices, credit notes and payments: content of each Famille, named by
their number ("AL-36"), never deleted once numbered."""

from decimal import Decimal

from persistent import Persistent
from persistent.mapping import PersistentMapping
from substanced.content import content
from substanced.folder import Folder
from substanced.util import get_oid
from zope.interface import Interface, implementer

from .. import dates
from ..i18n import _
from ..irreversible import Comptable
from ..montants import ZERO, arrondi
from ..util import ContenuPermanent

MODES = (
    ("cheque", _("Chèque")),
    ("especes", _("Espèces")),
    ("carte", _("Carte bancaire (en ligne)")),
    ("prelevement", _("Prélèvement")),
    ("cesu", _("CESU")),
    ("ancv", _("ANCV")),
)
TITRES_MODES = dict(MODES)
CARTE = "carte"


class IFactures(Interface):
    pass


class IReglements(Interface):
    pass


class IFacture(Interface):
    pass


class IAvoir(Interface):
    pass


class IReglement(Interface):
    pass


class IOperation(Interface):
    """Any numbered document of a régie (invoice, credit note, payment,
    cancellation, refund)."""


class DocumentPermanent(ContenuPermanent):
    """A numbered document is never deleted, renamed, moved or copied: an
    invoice is corrected by a credit note (French message in args[0]; a
    French 403, skin.views)."""


def _sans_boutons(context, request, default_buttons):
    """The SDI contents tab of a Factures or Reglements folder: no delete,
    rename, move, copy or duplicate button."""
    return []


class _Documents(Folder):
    """A family's numbered documents: added by the services only, never
    removed (the folder itself neither, see ``__sdi_deletable__``)."""

    __sdi_deletable__ = False

    def __sdi_addable__(self, context, introspectable):
        return False

    def add(self, name, other, *args, **kw):
        # a document is stored under its own number, once: never a copy
        if (
            not isinstance(other, _Operation)
            or name != other.numero
            or kw.get("duplicating") is not None
        ):
            raise DocumentPermanent(_("Un document numéroté ne peut être ni copié ni déplacé."))
        return Folder.add(self, name, other, *args, **kw)

    def remove(self, name, *args, **kw):
        raise DocumentPermanent(
            _("Un document numéroté ne peut être supprimé : corrigez une facture par un avoir.")
        )


@content("Factures", icon="glyphicon glyphicon-folder-open", buttons=_sans_boutons)
@implementer(IFactures)
class Factures(_Documents):
    """A family's invoices and credit notes."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Factures")


@content("Reglements", icon="glyphicon glyphicon-folder-open", buttons=_sans_boutons)
@implementer(IReglements)
class Reglements(_Documents):
    """A family's payments."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Règlements")


@implementer(IOperation)
class _Operation(Comptable, Persistent):
    """What invoices, credit notes and payments share: a number of their
    régie, a date, an amount, and the allocations between them.  Any
    change marks its transaction as an accounting one (never undone:
    ``irreversible``)."""

    __sdi_deletable__ = False
    numero = ""
    regie_oid = None  # the Régie's oid: which régie (regies.regie_de)
    regie = ""  # the régie's title when issued, as printed ("Régie garderie ALSH")
    date = None
    montant = ZERO
    emise_le = None  # when it was recorded (UTC)
    emise_par = ""  # who recorded it (login), "" for the portal itself
    original = None  # its PDF as issued (originaux.Original), once frozen
    html_emis = None  # its HTML as issued, while its PDF could not be made

    def __init__(self, numero, regie, date, montant, par=""):
        """``regie``: the Régie (kept by oid, its title as printed)."""
        self.numero = numero
        self.regie_oid = get_oid(regie)
        self.regie = regie.title
        self.date = date
        self.montant = arrondi(montant)
        self.emise_le = dates.horodatage()
        self.emise_par = par
        # the other side's number -> amount allocated
        self.affectations = PersistentMapping()

    @property
    def title(self):
        return "%s %s" % (self.numero, self.description)

    @property
    def affecte(self):
        return sum(self.affectations.values(), ZERO)

    @property
    def famille(self):
        return self.__parent__.__parent__


@content("Facture", icon="glyphicon glyphicon-file", catalog=True)
@implementer(IFacture)
class Facture(_Operation):
    """One family's invoice of one régie for a period: one line per child
    and prestation (quantity × unit price).  ``affectations``: the payments
    and credit notes that settle it."""

    sens = "debit"
    debut = None
    fin = None
    echeance = None
    lignes = ()
    # (child's __name__, prestation oid, day) of each billed planning cell:
    # a credit note cancelling the invoice gives them back to billing.
    cellules = ()
    annulee_par = ""
    # what negative lines of later invoices gave back of this one
    # (regularisation): credit notes may correct the rest only
    regularise = ZERO
    # The treasury's follow-up of the issued invoice (never its content,
    # never its PDF): the reminders sent, oldest first, each
    # {"rang": 1, "date": date, "par": login} (relances); while it is in a
    # direct-debit batch {"lot": the batch's number, "echeance": date}
    # (prelevement); once sent to the Trésor public as a titre de recettes
    # {"fichier": the PES file's name, "date": date} (pes).
    relances = ()
    prelevement = None
    tresor = None

    def __init__(self, numero, regie, date, echeance, debut, fin, lignes, cellules=(), par=""):
        lignes = tuple(dict(ligne) for ligne in lignes)
        total = sum((arrondi(ligne["montant"]) for ligne in lignes), ZERO)
        _Operation.__init__(self, numero, regie, date, total, par)
        self.echeance = echeance
        self.debut = debut
        self.fin = fin
        self.lignes = lignes
        self.cellules = tuple(cellules)

    @property
    def description(self):
        return "Facture : %s - %s" % (dates.courte(self.debut), dates.courte(self.fin))

    @property
    def reste(self):
        """What is still due."""
        return self.montant - self.affecte

    @property
    def payee(self):
        return self.reste <= ZERO

    @property
    def hors_regie(self):
        """Due, but not to be paid online at the régie: a direct debit is
        scheduled, or the Trésor public collects it."""
        return self.prelevement is not None or self.tresor is not None


@content("Avoir", icon="glyphicon glyphicon-share-alt", catalog=True)
@implementer(IAvoir)
class Avoir(_Operation):
    """A credit note correcting an invoice (a numbered invoice is never
    deleted).  It settles what the invoice still owes; the rest, when the
    invoice was already paid, is a credit on the family's account."""

    sens = "credit"
    facture = ""  # the corrected invoice's number
    motif = ""

    def __init__(self, numero, regie, date, montant, facture, motif, par=""):
        _Operation.__init__(self, numero, regie, date, montant, par)
        self.facture = facture
        self.motif = motif

    @property
    def description(self):
        return "Avoir : facture %s" % self.facture

    @property
    def disponible(self):
        """The credit left on the account."""
        return self.montant - self.affecte


@content("Reglement", name=_("Règlement"), icon="glyphicon glyphicon-euro", catalog=True)
@implementer(IReglement)
class Reglement(_Operation):
    """A payment: cheque, cash, card online, direct debit, CESU, ANCV.
    What is not allocated to invoices is a credit on the family's account."""

    sens = "credit"
    mode = "cheque"
    reference = ""  # cheque number, the bank's transaction id…
    annule_par = ""  # the number of its cancellation (corrections.Annulation)

    def __init__(self, numero, regie, date, montant, mode, reference="", par=""):
        _Operation.__init__(self, numero, regie, date, montant, par)
        self.mode = mode
        self.reference = reference

    @property
    def description(self):
        return "Règlement : %s" % TITRES_MODES.get(self.mode, self.mode)

    @property
    def disponible(self):
        return self.montant - self.affecte


def somme(values):
    return sum(values, Decimal("0.00"))
