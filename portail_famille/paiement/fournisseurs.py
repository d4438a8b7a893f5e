"""The payment provider's interface: what the views and the service ask of
a bank, whichever it is (the simulated bank, PayFiP)."""

from typing import NamedTuple

from zope.interface import Attribute, Interface

# The states of an online payment attempt.
EN_COURS = "en_cours"
PAYE = "paye"
REFUSE = "refuse"
ANNULE = "annule"
ETATS_FINAUX = (PAYE, REFUSE, ANNULE)


class Ordre(NamedTuple):
    """What the provider needs to start a payment."""

    reference: str  # ours, random, [0-9a-f]: PayFiP's refdet too
    montant: object  # Decimal, euros
    email: str  # where the provider (and we) send the receipt
    objet: str  # "Facture AL-36"
    numcli: str  # the régie's PayFiP client number
    url_retour: str  # where the parent's browser comes back
    url_notification: str  # where the provider's server tells the result


class Depart(NamedTuple):
    """A started payment: where to send the parent, and the provider's own
    identifier of the operation (PayFiP's idOp), kept to ask about it."""

    url: str
    identifiant: str


class Resultat(NamedTuple):
    """What the provider says, verified: signed by it or read from it."""

    reference: str
    montant: object  # Decimal, euros
    etat: str  # one of the states above
    transaction: str  # the provider's transaction id, for the Reglement


class NotificationInvalide(Exception):
    """A return or notification the provider did not send (bad signature,
    unreadable message)."""


class FournisseurIndisponible(Exception):
    """The provider could not be reached or refused the operation."""


class IFournisseurPaiement(Interface):
    nom = Attribute("'simule' or 'payfip'")
    origine = Attribute("The origin of the provider's pages ('' for this site)")
    montant_minimum = Attribute("The smallest amount the provider takes (Decimal)")

    def demarrer(request, ordre):
        """Start a payment (an ``Ordre``); returns a ``Depart``.  Raises
        FournisseurIndisponible."""

    def verifier(request, paiement):
        """The result of the payment attempt ``paiement`` (a Resultat), from
        the return or notification ``request`` or from the provider itself;
        None when nothing is known yet.  Raises NotificationInvalide when the
        request carries a message the provider did not sign, and
        FournisseurIndisponible."""
