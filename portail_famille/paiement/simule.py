"""The simulated bank, for development and demonstrations.

It behaves as a real bank seen from the portal: the parent is sent to its
page (``/banque-simulee/<ordre>``, pages of this server), which shows the
amount and the reference and offers "Payer", "Refuser" and "Annuler"; the
bank then notifies the portal server side with a signed message (HMAC of
the site secret) and sends the browser back to the return page with the
same message, as banks do.  It keeps no state: the order it was given
travels signed in its URL.  A message it did not sign is refused.
"""

import secrets
from decimal import Decimal, InvalidOperation

from webob.cookies import SignedSerializer
from zope.interface import implementer

from ..adresses import url_absolue
from ..montants import ZERO, arrondi
from .fournisseurs import (
    ANNULE,
    PAYE,
    REFUSE,
    Depart,
    IFournisseurPaiement,
    NotificationInvalide,
    Resultat,
)

PAGE = "banque-simulee"
ETATS = (PAYE, REFUSE, ANNULE)


def _signataire(secret, usage):
    return SignedSerializer(secret, "portail-famille.banque-simulee." + usage, hashalg="sha256")


@implementer(IFournisseurPaiement)
class BanqueSimulee:
    nom = "simule"
    origine = ""
    montant_minimum = Decimal("0.01")

    def __init__(self, secret):
        self._ordres = _signataire(secret, "ordre")
        self._messages = _signataire(secret, "message")

    # The portal's side

    def demarrer(self, request, ordre):
        token = self._ordres.dumps(
            {
                "reference": ordre.reference,
                "montant": str(ordre.montant),
                "objet": ordre.objet,
                "email": ordre.email,
                "retour": ordre.url_retour,
                "notification": ordre.url_notification,
            }
        ).decode("ascii")
        return Depart(url_absolue(request, request.root, PAGE, token), "")

    def verifier(self, request, paiement):
        """The signed message of the return's query or the notification's
        body; None when there is none."""
        message = request.params.get("message")
        if not message:
            return None
        return self.lire_message(message)

    def lire_message(self, message):
        try:
            data = self._messages.loads(message.encode("ascii"))
            montant = Decimal(data["montant"])
            resultat = Resultat(
                str(data["reference"]), montant, str(data["etat"]), str(data["transaction"])
            )
        except (ValueError, KeyError, TypeError, UnicodeError, InvalidOperation):
            raise NotificationInvalide("not signed by the simulated bank") from None
        if resultat.etat not in ETATS:
            raise NotificationInvalide("unknown state")
        return resultat

    # The bank's side

    def lire_ordre(self, token):
        """The order signed in the bank page's URL, or None."""
        try:
            data = self._ordres.loads(token.encode("ascii"))
            montant = arrondi(Decimal(data["montant"]))
        except (ValueError, KeyError, TypeError, UnicodeError, InvalidOperation):
            return None
        if montant <= ZERO:
            return None
        data["montant"] = montant
        return data

    def signer(self, reference, montant, etat):
        """The bank's message telling the result of the order ``reference``."""
        transaction = "SIM-%s" % secrets.token_hex(6).upper() if etat == PAYE else ""
        return self._messages.dumps(
            {
                "reference": reference,
                "montant": str(montant),
                "etat": etat,
                "transaction": transaction,
            }
        ).decode("ascii")
