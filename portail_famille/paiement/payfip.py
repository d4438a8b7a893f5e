"""PayFiP (DGFiP) through eopayment's ``payfip_ws`` backend.

The result of a payment is never read from the return URL or the
notification: both only say "ask", and the portal asks PayFiP's web service
about the idOp it was given when the payment started
(``recupererDetailPaiementSecurise``, eopayment's ``payment_status``).

``portail.paiement.payfip.url`` is the base of PayFiP's addresses (its
SOAP service is ``services/securite`` below it, its payment page
``paiementws.web``): the tests point it at a local fake of the service.
"""

import logging
from decimal import Decimal

import eopayment
from eopayment.payfip_ws import PayFiP, PayFiPError
from zope.interface import implementer

from .fournisseurs import (
    ANNULE,
    EN_COURS,
    PAYE,
    REFUSE,
    Depart,
    FournisseurIndisponible,
    IFournisseurPaiement,
    Resultat,
)

log = logging.getLogger(__name__)

URL = "https://www.payfip.gouv.fr/tpa/"
SERVICE = "services/securite"
PAGE = "paiementws.web"
BINDING = (
    "{http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService}PaiementSecuriseServicePortBinding"
)
ETATS = {
    eopayment.PAID: PAYE,
    eopayment.DENIED: REFUSE,
    eopayment.CANCELLED: ANNULE,
    # the idOp was never paid and no longer can be
    eopayment.EXPIRED: ANNULE,
}


class _Client:
    """eopayment's zeep client, its service bound to ``adresse``."""

    def __init__(self, client, adresse):
        self._client = client
        self.service = client.create_service(BINDING, adresse)

    def __getattr__(self, name):
        return getattr(self._client, name)


class ServicePayFiP(PayFiP):
    """eopayment's PayFiP web-service client (its bundled WSDL), calling
    the service at ``adresse``."""

    def __init__(self, adresse, timeout):
        super().__init__()
        self.adresse = adresse
        self.default_timeout = timeout

    @property
    def client(self):
        if not hasattr(self, "_client_lie"):
            self._client_lie = _Client(PayFiP.client.fget(self), self.adresse)
        return self._client_lie


@implementer(IFournisseurPaiement)
class FournisseurPayFiP:
    nom = "payfip"
    montant_minimum = eopayment.get_backend(eopayment.PAYFIP_WS).minimal_amount

    def __init__(self, url=URL, saisie="W", timeout=15):
        self.url = url if url.endswith("/") else url + "/"
        self.saisie = saisie
        self.timeout = timeout
        self.origine = "/".join(self.url.split("/")[:3])

    def _paiement(self, numcli, url_retour="", url_notification=""):
        payment = eopayment.Payment(
            eopayment.PAYFIP_WS,
            {
                "numcli": numcli,
                "saisie": self.saisie,
                "normal_return_url": url_retour,
                "automatic_return_url": url_notification,
            },
        )
        payment.backend.payfip = ServicePayFiP(self.url + SERVICE, self.timeout)
        return payment

    def demarrer(self, request, ordre):
        payment = self._paiement(ordre.numcli, ordre.url_retour, ordre.url_notification)
        try:
            idop, _kind, _url = payment.request(
                ordre.montant,
                email=ordre.email,
                refdet=ordre.reference,
                subject=ordre.objet,
            )
        except (PayFiPError, ValueError) as error:
            log.warning("PayFiP refused to start payment %s: %r", ordre.reference, error)
            raise FournisseurIndisponible(str(error)) from error
        return Depart("%s%s?idop=%s" % (self.url, PAGE, idop), idop)

    def verifier(self, request, paiement):
        """Ask PayFiP about the attempt's idOp (whatever the request says)."""
        if not paiement.identifiant:
            return None
        payment = self._paiement(numcli="")
        try:
            reponse = payment.payment_status(
                paiement.identifiant, transaction_date=paiement.cree_le
            )
        except PayFiPError as error:
            log.warning("PayFiP status of %s: %r", paiement.reference, error)
            raise FournisseurIndisponible(str(error)) from error
        etat = ETATS.get(reponse.result, EN_COURS)
        data = reponse.bank_data or {}
        if reponse.result == eopayment.EXPIRED:
            # no detail: the idOp is unknown or was never paid
            return Resultat(paiement.reference, paiement.montant, etat, "")
        if etat == EN_COURS:
            return None
        montant = Decimal(int(data.get("montant") or 0)) / 100
        return Resultat(data.get("refdet") or "", montant, etat, reponse.transaction_id or "")


def depuis_reglages(settings):
    return FournisseurPayFiP(
        url=settings.get("portail.paiement.payfip.url", URL),
        saisie=settings.get("portail.paiement.payfip.saisie", "W"),
        timeout=int(settings.get("portail.paiement.payfip.timeout", 15)),
    )
