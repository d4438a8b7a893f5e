"""The forms of the money domain."""

import colander

from ..i18n import _


class RegieSchema(colander.Schema):
    title = colander.SchemaNode(
        colander.String(),
        title=_("Nom"),
        description=_("Par exemple : Régie garderie ALSH"),
        validator=colander.Length(min=1, max=100),
    )
    prefixe = colander.SchemaNode(
        colander.String(),
        title=_("Préfixe des numéros"),
        description=_("Par exemple : AL-"),
        validator=colander.Regex(
            r"^[A-Z]{1,6}-$", _("Des lettres majuscules suivies d'un tiret, par exemple AL-.")
        ),
    )
    echeance_jours = colander.SchemaNode(
        colander.Int(),
        title=_("Échéance (jours après la date de facture)"),
        validator=colander.Range(0, 120, _("Entre 0 et 120 jours."), _("Entre 0 et 120 jours.")),
    )
    numcli = colander.SchemaNode(
        colander.String(),
        title=_("N° client PayFiP"),
        description=_("Six chiffres ; vide : pas de paiement en ligne."),
        missing="",
        validator=colander.Regex(r"^(\d{6})?$", _("Six chiffres.")),
    )
    adresse = colander.SchemaNode(
        colander.String(),
        title=_("Adresse de la régie (imprimée sur les factures)"),
        missing="",
        validator=colander.Length(max=300),
    )
