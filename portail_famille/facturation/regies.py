"""Régies: who bills what, with one gapless sequence of numbers each.

A régie's invoices, credit notes and payments share one sequence ("AL-12"
an invoice, "AL-228" a payment): an operation number names one operation
of that régie.  The sequence is a plain persistent counter without conflict
resolution: two transactions that take a number at the same time conflict,
one is retried (pyramid_retry) and takes the next one.  A transaction that
aborts gives its numbers back, so the numbers have no gap and no duplicate,
across threads, processes and machines alike.
"""

from persistent import Persistent
from substanced.content import content
from substanced.folder import Folder
from substanced.property import PropertySheet
from zope.interface import Interface, implementer

from ..i18n import _
from ..security import P
from . import schemas


class IRegies(Interface):
    pass


class IRegie(Interface):
    pass


@content("Regies", name=_("Régies"), icon="glyphicon glyphicon-euro")
@implementer(IRegies)
class Regies(Folder):
    """The town's régies."""

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") == "Regie"


class Sequence(Persistent):
    """The last number given; ``suivant`` gives the next one."""

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


class RegieSheet(PropertySheet):
    schema = schemas.RegieSchema()
    permissions = (("view", P.SDI_VIEW), ("change", P.FACTURATION_GERER))


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
    sequence, its PayFiP client number, the delay before an invoice is due."""

    # Nothing is added here from the SDI's generic menu (files, folders):
    # its contents come from the portal's own forms.
    __sdi_addable__ = ()

    title = ""
    prefixe = ""
    numcli = ""  # PayFiP client number (6 digits), empty: no online payment
    echeance_jours = 22  # the due date: that many days after the invoice
    adresse = ""  # printed on the invoices: where to pay by cheque or cash

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


def regies(root):
    folder = root.get("regies")
    if folder is None:
        return []
    return [value for value in folder.values() if IRegie.providedBy(value)]


def regie_nommee(root, title):
    """The Régie whose title is ``title`` (a Prestation names its régie)."""
    for regie in regies(root):
        if regie.title == title:
            return regie
    return None
