"""A régie's direct-debit batches (lots de prélèvement).

A batch is numbered PRLV-YYYY-NNN from a sequence of its régie for the
year (``regies.Sequence``, the régie's numbering machinery: gapless, given
back when the transaction aborts).  It keeps what was debited (one debit
per family: its mandate's RUM, FRST or RCUR, the invoices and their
amounts), its pain.008 file as issued (a blob, never rebuilt), its state
and the history of its transitions, the payments recorded when it was
done and the rejected debits.  Nothing of it is ever deleted.

The batches live in a BTree of the Régie (``lots(regie)``), not in the
SDI's contents: only the "Prélèvements" tab shows and changes them.
"""

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from substanced.util import get_oid

from .. import dates
from ..facturation.regies import Sequence
from ..i18n import _
from ..irreversible import Comptable
from ..montants import ZERO

EN_PREPARATION = "en-preparation"  # its job (a worker) marks the invoices, writes the file
PREPARE = "prepare"
TRANSMIS = "transmis"
EFFECTUE = "effectue"
ABANDONNE = "abandonne"  # prepared, never sent: its invoices and mandates freed
ETATS = {
    EN_PREPARATION: _("En préparation"),
    PREPARE: _("Préparé"),
    TRANSMIS: _("Transmis à la banque"),
    EFFECTUE: _("Effectué"),
    ABANDONNE: _("Abandonné"),
}
PREFIXE = "PRLV"
ATTRIBUT_LOTS = "lots_prelevement"
ATTRIBUT_SEQUENCES = "sequences_prelevement"


class Lot(Comptable, Persistent):
    """One batch: see the module.  ``debits``: a tuple of dicts (famille:
    the family's number, nom, titulaire, rum, signe_le, sequence,
    factures: ((invoice number, amount), ...), montant, reference: the
    end-to-end id, libelle: the remittance text)."""

    etat = PREPARE
    fichier = None  # fichiers.Fichier: the pain.008 XML as issued
    # each mandate's last use before this batch (RUM -> date or None): what
    # abandoning the batch gives back
    usages = None
    motif_abandon = ""
    # while its job runs (``preparation``): the job's id, and what its
    # chunks stored (family number -> (IBAN, BIC), for the file; the
    # debits left out, family number -> why), each in its own BTree so a
    # chunk does not rewrite the batch
    travail = None
    comptes = None
    ecartes = None

    def __init__(self, numero, regie, echeance, debits, par="", etat=PREPARE):
        self.numero = numero
        self.regie_oid = get_oid(regie)
        self.echeance = echeance
        self.debits = tuple(dict(d) for d in debits)
        self.cree_le = dates.horodatage()
        self.cree_par = par
        # each transition: {"etat", "le" (UTC), "par"}
        self.etat = etat
        self.historique = PersistentList([{"etat": etat, "le": self.cree_le, "par": par}])
        self.reglements = PersistentMapping()  # invoice number -> payment number
        self.rejets = PersistentMapping()  # family number -> the reject (dict)

    @property
    def nombre(self):
        return len(self.debits)

    @property
    def total(self):
        return sum((d["montant"] for d in self.debits), ZERO)

    def debit(self, famille):
        """The debit of the family numbered ``famille``, or None."""
        for debit in self.debits:
            if debit["famille"] == famille:
                return debit
        return None

    def changer(self, etat, par):
        self.etat = etat
        self.historique.append({"etat": etat, "le": dates.horodatage(), "par": par})


def lots(regie, create=False):
    """The régie's batches (number -> Lot), None when it has none yet."""
    found = getattr(regie, ATTRIBUT_LOTS, None)
    if found is None and create:
        found = OOBTree()
        setattr(regie, ATTRIBUT_LOTS, found)
    return found


def tous(regie):
    """The régie's batches, newest first."""
    found = lots(regie)
    return list(reversed(list(found.values()))) if found is not None else []


def lot(regie, numero):
    found = lots(regie)
    if found is None or not isinstance(numero, str):
        return None
    return found.get(numero)


def numero_suivant(regie, annee):
    """'PRLV-2026-001': the régie's next batch number of ``annee``."""
    sequences = getattr(regie, ATTRIBUT_SEQUENCES, None)
    if sequences is None:
        sequences = OOBTree()
        setattr(regie, ATTRIBUT_SEQUENCES, sequences)
    sequence = sequences.get(annee)
    if sequence is None:
        sequence = sequences[annee] = Sequence()
    return "%s-%04d-%03d" % (PREFIXE, annee, sequence.suivant())
