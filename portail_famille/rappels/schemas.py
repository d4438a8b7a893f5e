"""The family's form of its reminders: one row of channels per kind."""

import colander

from ..i18n import _
from .service import CANAUX_DE, COURRIEL, SMS, SORTES

REFUS = {
    COURRIEL: _(
        "Les rappels par courriel demandent l'« Autorisation courriel » à Oui et une "
        "adresse email dans Mon compte."
    ),
    SMS: _(
        "Les rappels par SMS demandent l'« Autorisation SMS » à Oui et un numéro de "
        "mobile dans Mon compte."
    ),
}
SANS_SMS = _("Le service enfance jeunesse n'envoie pas de SMS : choisissez le courriel.")
INCONNU = _("Choisissez l'une des valeurs proposées.")
# Why a kind has no mail box (CANAUX_DE).
DEJA_PAR_COURRIEL = _(
    "La réponse du service à une demande vous est déjà envoyée par courriel "
    "(Autorisation courriel à Oui) : ce rappel se choisit par SMS."
)


def refus(canal, possibles, sms_actif=True):
    """Why the family may not choose ``canal``."""
    return SANS_SMS if canal == SMS and not sms_actif else REFUS[canal]


@colander.deferred
def _canaux_permis(node, kw):
    """Only the channels the family may use (``possibles``, bound)."""
    possibles = kw["possibles"]
    sms_actif = kw.get("sms_actif", True)

    def validator(node, value):
        for canal in sorted(value):
            if canal not in possibles:
                raise colander.Invalid(node, INCONNU)
            if canal not in CANAUX_DE[node.name]:
                raise colander.Invalid(node, DEJA_PAR_COURRIEL)
            if not possibles[canal]:
                raise colander.Invalid(node, refus(canal, possibles, sms_actif))

    return validator


class RappelsSchema(colander.Schema):
    """Built from ``SORTES``: a set of channels per kind (the CSRF token is
    checked for every POST by Pyramid: ``require_csrf``)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        for sorte, titre in SORTES.items():
            self.add(
                colander.SchemaNode(
                    colander.Set(),
                    name=sorte,
                    title=titre,
                    missing=frozenset(),
                    validator=_canaux_permis,
                )
            )
