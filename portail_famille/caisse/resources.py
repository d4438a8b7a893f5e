"""The deposit slip ("Bordereau de remise"): the cheques (or the cash) a
régisseur takes to the bank, numbered BRC-2026-001 (cheques) or
BVE-2026-001 (cash) in a sequence of the régie and the year.

A slip is a numbered document: made once, after a confirmation page,
frozen as a PDF (the money domain's ``figement``: its ``original``, with
its SHA-256), never changed nor deleted.  It is not content of the tree
(no SDI folder operation reaches it): it lives in its régie's ledger
(``registre.Caisse.bordereaux``).  Its lines are copied from the payments
as they were when deposited: the payment's number and date, the family's
number and name, the bank reference, the amount.
"""

from persistent import Persistent
from substanced.util import get_oid

from .. import dates
from ..i18n import _
from ..irreversible import Comptable
from ..montants import ZERO

NATURES = {
    "cheque": _("Chèques"),
    "especes": _("Espèces"),
}


class Bordereau(Comptable, Persistent):
    numero = ""
    regie_oid = None
    regie = ""  # the régie's title when made, as printed
    nature = "cheque"
    date = None
    lignes = ()  # ({"reglement", "date", "famille", "nom", "reference", "montant"}, ...)
    total = ZERO
    emis_le = None
    emis_par = ""
    original = None  # its PDF as made (facturation.originaux.Original)
    html_emis = None  # its HTML as made, while its PDF could not be made

    def __init__(self, numero, regie, nature, date, lignes, par=""):
        self.numero = numero
        self.regie_oid = get_oid(regie)
        self.regie = regie.title
        self.nature = nature
        self.date = date
        self.lignes = tuple(dict(ligne) for ligne in lignes)
        self.total = sum((ligne["montant"] for ligne in self.lignes), ZERO)
        self.emis_le = dates.horodatage()
        self.emis_par = par

    @property
    def nombre(self):
        return len(self.lignes)
