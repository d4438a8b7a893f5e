"""Online payment attempts: one persistent record per attempt, kept in a
BTree on the root keyed by its random reference (not content: nobody
navigates to it, the notification finds it by its reference alone)."""

import secrets

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from substanced.util import get_oid

from .. import dates
from ..montants import ZERO
from ..util import root_attribute
from .fournisseurs import EN_COURS

NOM = "paiements_en_ligne"


def paiements(root):
    """reference -> Paiement (made on first use)."""
    return root_attribute(root, NOM, OOBTree)


def trouver(root, reference):
    """The Paiement of ``reference``, or None (also for a malformed one)."""
    if not isinstance(reference, str) or not reference.isalnum() or len(reference) > 64:
        return None
    tree = root.__dict__.get(NOM)
    return tree.get(reference) if tree is not None else None


def nouvelle_reference():
    """24 hexadecimal characters: unguessable, and a valid PayFiP refdet
    ([A-Za-z0-9]{1,30})."""
    return secrets.token_hex(12)


class Paiement(Persistent):
    """One attempt to pay one invoice online.  Its state goes from
    "en cours" to "payé", "refusé" or "annulé", once: the notification that
    finds it in a final state changes nothing."""

    identifiant = ""  # the provider's id of the operation (PayFiP idOp)
    transaction = ""  # the provider's transaction id once concluded
    reglement = ""  # the Reglement's number once recorded
    credit = ZERO  # what of it went to the account's credit (invoice settled meanwhile)
    conclu_le = None
    regie_oid = None

    def __init__(self, reference, famille, regie, facture, montant, email, fournisseur, par):
        self.reference = reference
        self.famille = famille  # the Famille's number
        self.regie_oid = get_oid(regie)  # the Régie (facturation.regies.regie_de)
        self.regie = regie.title  # its title when the attempt started
        self.facture = facture  # the invoice's number
        self.montant = montant  # Decimal: what was due when it started
        self.email = email
        self.fournisseur = fournisseur  # 'simule' or 'payfip'
        self.par = par  # the parent's login
        self.etat = EN_COURS
        self.cree_le = dates.horodatage()


def ajouter(root, paiement):
    paiements(root)[paiement.reference] = paiement
    return paiement
