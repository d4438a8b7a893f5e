"""Régies: who bills what, with one gapless sequence of numbers each.

A régie's invoices, credit notes and payments share one sequence ("AL-12"
an invoice, "AL-228" a payment): an operation number names one operation
of that régie.  The sequence is a plain persistent counter without conflict
resolution: two transactions that take a number at the same time conflict,
one is retried (pyramid_retry) and takes the next one.  A transaction that
aborts gives its numbers back, so the numbers have no gap and no duplicate,
across threads, processes and machines alike.

Everything else refers to a régie by identity, never by its title: a
Prestation holds ``regie_oid`` (None: billed by no régie), an invoice,
credit note or payment ``regie_oid`` beside ``regie``, the title it was
issued (and printed) with; an online payment attempt (paiement) the same;
a run (campagne.Campagne) lives inside its régie.  Renaming a régie changes
no billing; its prefix is frozen once it has given a number.

The API, for the other domains:

- ``regies(root)``: the régies, by title;
- ``regie_de(objet)``: the Régie of a prestation or an operation (or None);
- ``par_oid(root, oid)``: the Régie of that oid (or None);
- ``choix(root)``: [(oid as text, title)] for a select;
- ``est_referencee(regie)``: whether numbered documents refer to it;
- ``trouver(root, texte)``: the régies whose title is ``texte`` (exactly,
  or else ignoring case, accents and punctuation): evolve step12 only.
"""

import colander
import deform.widget
from persistent import Persistent
from pyramid.traversal import find_root
from substanced.content import content
from substanced.folder import Folder
from substanced.property import PropertySheet
from substanced.util import get_oid
from zope.interface import Interface, implementer

from ..i18n import _
from ..irreversible import Comptable
from ..security import P
from ..util import nom_de, objet
from . import schemas


class IRegies(Interface):
    pass


class IRegie(Interface):
    pass


@content("Regies", name=_("Régies"), icon="glyphicon glyphicon-euro")
@implementer(IRegies)
class Regies(Folder):
    """The town's régies."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Régies")

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") == "Regie"


class Sequence(Comptable, Persistent):
    """The last number given; ``suivant`` gives the next one.  A number
    given marks its transaction as an accounting one (``irreversible``)."""

    def __init__(self, dernier=0):
        self.dernier = dernier

    def suivant(self):
        self.dernier += 1
        return self.dernier

    def au_moins(self, numero):
        """Never give ``numero`` or below again (numbers loaded from an
        earlier system)."""
        if numero > self.dernier:
            self.dernier = numero


class RegieSheetSchema(schemas.RegieSchema):
    """The property sheet's form: the prefix shown read-only once the régie
    has given a number; title and prefix unique among the régies."""

    def after_bind(self, node, kw):
        regie = kw["context"]
        lier_unicite(node, regie.__parent__, regie)
        if not regie.prefixe_modifiable:
            prefixe = node["prefixe"]
            prefixe.missing = colander.drop
            prefixe.widget = deform.widget.TextInputWidget(readonly=True)
            prefixe.description = _(
                "Des numéros ont été émis avec ce préfixe : il ne peut plus changer."
            )


def lier_unicite(node, folder, regie=None):
    """After binding a régie's form: its title and its prefix are no other
    régie's (two régies with one prefix would give one family two
    documents of one number)."""
    autres = [r for r in folder.values() if IRegie.providedBy(r) and r is not regie]
    title, prefixe = node["title"], node["prefixe"]
    base_title, base_prefixe = title.validator, prefixe.validator

    def unique_title(node, value):
        base_title(node, value)
        if any(nom_de(r.title) == nom_de(value) for r in autres):
            raise colander.Invalid(node, _("Une autre régie porte déjà ce nom."))

    def unique_prefixe(node, value):
        base_prefixe(node, value)
        if any(r.prefixe == value for r in autres):
            raise colander.Invalid(node, _("Ce préfixe est déjà celui d'une autre régie."))

    title.validator = unique_title
    prefixe.validator = unique_prefixe


class RegieSheet(PropertySheet):
    schema = RegieSheetSchema()
    permissions = (("view", P.SDI_VIEW), ("change", P.FACTURATION_GERER))

    def set(self, struct, omit=()):
        # the server's rule, whatever was posted: a prefix that numbered
        # documents carry never changes
        if not self.context.prefixe_modifiable:
            omit = tuple(omit) + ("prefixe",)
        return super().set(struct, omit)


@content(
    "Regie",
    name=_("Régie"),
    icon="glyphicon glyphicon-euro",
    add_view="add_regie",
    propertysheets=((_("Régie"), RegieSheet),),
)
@implementer(IRegie)
class Regie(Folder):
    """ "Régie garderie ALSH": the prefix of its numbers ("AL-"), its
    sequence, its PayFiP client number, the delay before an invoice is due,
    its billing mode (terme échu or à échoir) and how a billed day that
    changes is regularised (a credit note at once, or a line on the next
    invoice: ``regularisation``)."""

    # Nothing is added here from the SDI's generic menu (files, folders):
    # its contents come from the portal's own forms.
    __sdi_addable__ = ()

    title = ""
    prefixe = ""
    numcli = ""  # PayFiP client number (6 digits), empty: no online payment
    echeance_jours = 22  # the due date: that many days after the invoice
    adresse = ""  # printed on the invoices: where to pay by cheque or cash
    terme = schemas.ECHU  # ECHU: a run bills days passed only; ECHOIR: booked days ahead
    regularisation = schemas.AVOIR  # a billed day that changes: AVOIR or FACTURE_SUIVANTE
    # The last day of the periods its runs billed (campagne): a day up to
    # it that becomes billable afterwards is billed by the next run.
    facturee_jusqua = None

    def __init__(self, **values):
        Folder.__init__(self)
        self.sequence = Sequence()
        for name, value in values.items():
            setattr(self, name, value)

    def numero_suivant(self):
        """The next operation number, e.g. 'AL-37'."""
        return "%s%d" % (self.prefixe, self.sequence.suivant())

    def reserver_jusqua(self, numero):
        """After loading 'AL-228' from an earlier system: never give it again."""
        self.sequence.au_moins(int(numero.removeprefix(self.prefixe)))

    @property
    def prefixe_modifiable(self):
        """The prefix may change until the régie gives its first number."""
        return not est_referencee(self)


def regies(root):
    """The town's régies, by title."""
    folder = root.get("regies")
    if folder is None:
        return []
    found = [value for value in folder.values() if IRegie.providedBy(value)]
    return sorted(found, key=lambda r: (nom_de(r.title), r.__name__))


def par_oid(root, oid):
    """The Régie of SubstanceD oid ``oid``, or None (no oid, or no régie)."""
    if oid is None:
        return None
    found = objet(root, oid)
    return found if IRegie.providedBy(found) else None


def regie_de(objet_, root=None):
    """The Régie a prestation, an invoice, a credit note, a payment or an
    online payment attempt refers to (its ``regie_oid``), or None.  ``root``
    for an object outside the tree (an online payment attempt)."""
    if root is None:
        root = find_root(objet_)
    return par_oid(root, getattr(objet_, "regie_oid", None))


def choix(root):
    """[(oid as text, title)] of the régies, for a select widget."""
    return [(str(get_oid(regie)), regie.title) for regie in regies(root)]


def est_referencee(regie):
    """Whether numbered documents (invoices, credit notes, payments) refer
    to ``regie``: every one takes its number from the régie's sequence, or
    pushes it past its own (documents taken over), so a sequence that has
    moved is one that numbered something.  What a transaction numbered and
    then aborted is given back with it.  (The prestations billed by a
    régie: ``campagne.prestations_de``.)"""
    return regie.sequence.dernier > 0


def trouver(root, texte):
    """The régies whose title is ``texte``: exactly, or else once case,
    accents and punctuation are left out ("Regie garderie ALSH" finds
    "Régie garderie ALSH").  Only to take over titles stored before the
    régies were referenced by identity (evolve step12)."""
    toutes = regies(root)
    found = [r for r in toutes if r.title == texte]
    if not found and nom_de(texte or ""):
        found = [r for r in toutes if nom_de(r.title) == nom_de(texte)]
    return found
