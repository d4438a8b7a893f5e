"""Starting an online payment and applying its verified result.

``conclure`` is idempotent: whatever the number of returns and
notifications of one attempt (replayed, duplicated, concurrent), the
payment is recorded once.  Two concurrent ones both write the attempt's
record: ZODB refuses the second commit, pyramid_retry runs it again and it
finds the attempt concluded.
"""

import logging

from .. import courriels, dates
from ..adresses import url_absolue
from ..facturation.figement import a_figer
from ..facturation.regies import regie_de
from ..facturation.resources import CARTE
from ..facturation.service import enregistrer_reglement
from ..i18n import _
from ..montants import ZERO, arrondi, euros
from .fournisseurs import (
    EN_COURS,
    PAYE,
    IFournisseurPaiement,
    NotificationInvalide,
    Ordre,
)
from .resources import Paiement, ajouter, nouvelle_reference

log = logging.getLogger(__name__)

# View names: the return page (on the Facture) and the notification (on
# the root), each followed by the attempt's reference.
RETOUR = "retour-paiement"
NOTIFICATION = "notification-paiement"


class PaiementImpossible(Exception):
    """The invoice cannot be paid online now (French message in args[0])."""


def fournisseur(registry):
    """The configured provider, or None when online payment is off."""
    return registry.queryUtility(IFournisseurPaiement)


def regie_en_ligne(root, facture):
    """The invoice's Régie when it takes online payments (a PayFiP client
    number is set), else None."""
    regie = regie_de(facture, root)
    if regie is None or not (regie.numcli or "").strip():
        return None
    return regie


def verifier_payable(request, facture):
    """Raise PaiementImpossible unless ``facture`` may be paid online now."""
    banque = fournisseur(request.registry)
    if banque is None or regie_en_ligne(request.root, facture) is None:
        raise PaiementImpossible(_("Le paiement en ligne n'est pas disponible pour cette facture."))
    if facture.reste <= ZERO:
        raise PaiementImpossible(
            _("La facture ${numero} est déjà réglée.", mapping={"numero": facture.numero})
        )
    if facture.tresor is not None:
        raise PaiementImpossible(
            _(
                "La facture ${numero} a été transmise au Trésor public : réglez-la avec "
                "l'avis des sommes à payer qu'il vous adresse.",
                mapping={"numero": facture.numero},
            )
        )
    if facture.prelevement is not None:
        raise PaiementImpossible(
            _(
                "La facture ${numero} sera prélevée le ${jour} : elle ne peut pas être "
                "payée en ligne.",
                mapping={
                    "numero": facture.numero,
                    "jour": dates.courte(facture.prelevement["echeance"]),
                },
            )
        )
    if facture.reste < banque.montant_minimum:
        raise PaiementImpossible(
            _(
                "Le paiement en ligne n'est possible qu'à partir de ${minimum}.",
                mapping={"minimum": euros(banque.montant_minimum)},
            )
        )


def commencer(request, facture, email):
    """Record an attempt to pay what ``facture`` still owes and start it at
    the provider; returns (the Paiement, the URL to send the parent to).
    Raises PaiementImpossible, FournisseurIndisponible."""
    verifier_payable(request, facture)
    banque = fournisseur(request.registry)
    regie = regie_en_ligne(request.root, facture)
    reference = nouvelle_reference()
    ordre = Ordre(
        reference=reference,
        montant=facture.reste,
        email=email,
        objet="Facture %s" % facture.numero,
        numcli=regie.numcli.strip(),
        url_retour=url_absolue(request, facture, RETOUR, reference),
        url_notification=url_absolue(request, request.root, NOTIFICATION, reference),
    )
    depart = banque.demarrer(request, ordre)
    user = request.user
    paiement = Paiement(
        reference,
        facture.famille.numero,
        regie,
        facture.numero,
        facture.reste,
        email,
        banque.nom,
        user.__name__ if user is not None else "",
    )
    paiement.identifiant = depart.identifiant
    ajouter(request.root, paiement)
    return paiement, depart.url


def conclure(request, paiement, resultat):
    """Apply a verified ``resultat`` to ``paiement``; returns True when this
    call recorded something.  A result for another reference or amount is
    refused (NotificationInvalide).  "Payé" is final; a refusal or a
    cancellation changes nothing but the attempt's state (and a payment the
    provider confirms afterwards is still recorded: the money was taken)."""
    if resultat is None or resultat.etat == EN_COURS:
        return False
    if resultat.reference != paiement.reference or arrondi(resultat.montant) != paiement.montant:
        log.warning(
            "payment %s: the provider's result does not match (%s %s)",
            paiement.reference,
            resultat.reference,
            resultat.montant,
        )
        raise NotificationInvalide("reference or amount")
    if paiement.etat == PAYE or paiement.etat == resultat.etat:
        return False
    paiement.etat = resultat.etat
    paiement.transaction = resultat.transaction
    paiement.conclu_le = dates.horodatage()
    if resultat.etat == PAYE:
        _enregistrer(request, paiement)
    return True


def _enregistrer(request, paiement):
    """The Reglement of a confirmed payment, allocated to its invoice (or
    a credit on the account when the invoice was settled meanwhile), its
    receipt frozen (the PDF), and the receipt mailed."""
    root = request.root
    famille = root["familles"][paiement.famille]
    regie = regie_de(paiement, root)
    jour = dates.today()
    reglement = enregistrer_reglement(
        famille,
        regie,
        jour,
        paiement.montant,
        CARTE,
        numeros=[paiement.facture],
        reference=paiement.transaction,
        registry=request.registry,
    )
    paiement.reglement = reglement.numero
    paiement.credit = reglement.disponible
    log.info(
        "payment %s recorded: %s %s for %s",
        paiement.reference,
        reglement.numero,
        paiement.montant,
        paiement.facture,
    )
    courriels.send(
        request,
        "paiement_recu",
        [paiement.email],
        facture=paiement.facture,
        montant=euros(paiement.montant),
        date=dates.courte(jour),
        reglement=reglement.numero,
        regie=paiement.regie,
        transaction=paiement.transaction,
        credit=euros(paiement.credit) if paiement.credit > ZERO else "",
    )
    a_figer(reglement, request)  # its PDF once the transaction commits
