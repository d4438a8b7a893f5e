"""Each régie's ledger of its cash desk (``Regie.caisse``, a ``Caisse``).

The cash journal of a day, its opening balance and the monthly summary
must not walk the families (tens of thousands of documents per régie):
the ledger is filled as each document is issued (a subscriber of
SubstanceD's ObjectAdded, whatever code issued it, as ``journal_regie``)
and read by ranges of dates.

- ``totaux``: (day, rubrique, mode) -> (count, amount), the figures of a
  day: invoices (FACTURE), credit notes (AVOIR), payments (REGLEMENT per
  mode), cancellations (ANNULATION, per mode of the cancelled payment),
  refunds (REMBOURSEMENT, per refund mode), and what left the till:
  SORTIE (a cancelled payment that had not been deposited: the cheque or
  the cash given back) and REMISE (deposited on a slip).  A day's figures
  are one small range (values stored inline in the BTree's buckets).
- ``mois``: (year, month, rubrique, mode) -> (count, amount), the same
  by month: a balance sums the months before the day's month, then the
  days of its month before it.
- ``jours``: (day, number) -> the day's payments, cancellations, refunds
  (the journal's lines).
- ``en_caisse``: number -> the cheque and cash payments in the till (not
  deposited, not cancelled): what a deposit slip may take.
- ``remis``: payment's number -> its slip's number (never two slips).
- ``bordereaux``: slip number -> Bordereau; ``sequences``: (prefix, year)
  -> the last number of that year.

Only cheques and cash stay in the till until a deposit slip
(``MODES_REMISE``); a card paid online, a direct debit, CESU and ANCV
are counted in the journal but not in a till balance.

A régie that issued documents before this ledger existed gets it from
evolve step38 (``reconstruire``, from the régie's journal index).
"""

import datetime

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from substanced.event import subscribe_added

from ..facturation import journal_regie
from ..facturation.corrections import Annulation, Remboursement
from ..facturation.regies import regie_de
from ..facturation.resources import Avoir, Facture, IOperation, Reglement
from ..irreversible import Comptable
from ..montants import ZERO

ATTRIBUT = "caisse"  # on each Régie

FACTURE = "facture"
AVOIR = "avoir"
REGLEMENT = "reglement"
ANNULATION = "annulation"
REMBOURSEMENT = "remboursement"
SORTIE = "sortie"
REMISE = "remise"

CHEQUE = "cheque"
ESPECES = "especes"
# The modes whose money stays in the till until a deposit slip, and the
# prefix of their slips' numbers.
MODES_REMISE = {CHEQUE: "BRC", ESPECES: "BVE"}
FIN = "\uffff"


class Caisse(Comptable, Persistent):
    def __init__(self):
        self.totaux = OOBTree()
        self.mois = OOBTree()
        self.jours = OOBTree()
        self.en_caisse = OOBTree()
        self.remis = OOBTree()
        self.bordereaux = OOBTree()
        self.sequences = PersistentMapping()


def caisse(regie, create=False):
    """The régie's ledger; None when it has none yet, unless ``create``.
    Reading writes nothing."""
    found = getattr(regie, ATTRIBUT, None)
    if found is None and create:
        found = Caisse()
        setattr(regie, ATTRIBUT, found)
    return found


def ajouter(registre, jour, rubrique, mode, montant, nombre=1):
    for tree, key in (
        (registre.totaux, (jour, rubrique, mode or "")),
        (registre.mois, (jour.year, jour.month, rubrique, mode or "")),
    ):
        n, total = tree.get(key, (0, ZERO))
        tree[key] = (n + nombre, total + montant)


def paiement_de(annulation):
    """The payment an Annulation cancels, or None."""
    try:
        found = annulation.famille["reglements"].get(annulation.reglement)
    except (AttributeError, KeyError):
        return None
    return found if isinstance(found, Reglement) else None


def enregistrer(regie, document):
    """Enter ``document``, just issued, in its régie's ledger."""
    registre = caisse(regie, create=True)
    if isinstance(document, Facture):
        ajouter(registre, document.date, FACTURE, "", document.montant)
    elif isinstance(document, Avoir):
        ajouter(registre, document.date, AVOIR, "", document.montant)
    elif isinstance(document, Reglement):
        ajouter(registre, document.date, REGLEMENT, document.mode, document.montant)
        registre.jours[(document.date, document.numero)] = document
        if document.mode in MODES_REMISE and document.numero not in registre.remis:
            registre.en_caisse[document.numero] = document
    elif isinstance(document, Annulation):
        reglement = paiement_de(document)
        mode = reglement.mode if reglement is not None else ""
        ajouter(registre, document.date, ANNULATION, mode, document.montant)
        registre.jours[(document.date, document.numero)] = document
        if reglement is not None and registre.en_caisse.get(reglement.numero) is reglement:
            del registre.en_caisse[reglement.numero]
            ajouter(registre, document.date, SORTIE, mode, document.montant)
    elif isinstance(document, Remboursement):
        ajouter(registre, document.date, REMBOURSEMENT, document.mode, document.montant)
        registre.jours[(document.date, document.numero)] = document


@subscribe_added(IOperation)
def operation_ajoutee(event):
    """A numbered document was added to a family: into its régie's ledger."""
    document = event.object
    regie = regie_de(document)
    if regie is not None:
        enregistrer(regie, document)


def reconstruire(regie):
    """The ledger of ``regie`` made again from its journal index (every
    document it numbered), its slips kept: evolve step38."""
    ancien = caisse(regie)
    registre = Caisse()
    if ancien is not None:
        registre.bordereaux = ancien.bordereaux
        registre.remis = ancien.remis
        registre.sequences = ancien.sequences
    setattr(regie, ATTRIBUT, registre)
    tree = journal_regie.index(regie)
    for document in tree.values() if tree is not None else ():
        enregistrer(regie, document)
    for bordereau in registre.bordereaux.values():
        ajouter(
            registre, bordereau.date, REMISE, bordereau.nature, bordereau.total, bordereau.nombre
        )
    return registre


# --- reading ------------------------------------------------------------------


def sommer(found, items):
    for key, (n, total) in items:
        rubrique, mode = key[-2:]
        n0, t0 = found.get((rubrique, mode), (0, ZERO))
        found[(rubrique, mode)] = (n0 + n, t0 + total)
    return found


def totaux_avant(regie, jour):
    """{(rubrique, mode): (count, amount)} of every day before ``jour``:
    the months before its month, then the days of its month before it."""
    registre = caisse(regie)
    found = {}
    if registre is None:
        return found
    sommer(found, registre.mois.items(max=(jour.year, jour.month), excludemax=True))
    premier = jour.replace(day=1)
    return sommer(found, registre.totaux.items(min=(premier,), max=(jour,), excludemax=True))


def totaux_entre(regie, debut, fin):
    """The same of the days ``debut`` .. ``fin`` (both included; ``debut``
    None: since the beginning)."""
    if debut is None:
        return totaux_avant(regie, fin + datetime.timedelta(days=1))
    registre = caisse(regie)
    found = {}
    if registre is None:
        return found
    return sommer(found, registre.totaux.items(min=(debut,), max=(fin, FIN, FIN)))


def montant(totaux, rubrique, mode=""):
    return totaux.get((rubrique, mode), (0, ZERO))[1]


def nombre(totaux, rubrique, mode=""):
    return totaux.get((rubrique, mode), (0, ZERO))[0]


def en_caisse(totaux, mode):
    """What the till holds of ``mode`` after the days of ``totaux``:
    received, less given back (cancelled), refunded in cash, deposited."""
    solde = montant(totaux, REGLEMENT, mode) - montant(totaux, SORTIE, mode)
    solde -= montant(totaux, REMISE, mode)
    if mode == ESPECES:
        solde -= montant(totaux, REMBOURSEMENT, ESPECES)
    return solde


def documents_du_jour(regie, jour):
    """The payments, cancellations and refunds dated ``jour``, in the
    order they were recorded."""
    registre = caisse(regie)
    if registre is None:
        return []
    found = list(registre.jours.values(min=(jour, ""), max=(jour, FIN)))
    return sorted(found, key=lambda d: (d.emise_le is None, d.emise_le, d.numero))
