"""The forms of the money domain."""

import colander
import deform.widget
from substanced.schema import Schema

from ..i18n import _
from ..structures.schemas import UNITES
from .montants import Montant


class RegieSchema(Schema):
    """Schema (SubstanceD's) adds and checks a CSRF token: the add form and
    the property sheet both post."""

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


# --- Tariffs of a prestation ("Tarifs" tab) ----------------------------------


class TrancheSchema(colander.MappingSchema):
    quotient = colander.SchemaNode(
        Montant(),
        title=_("Quotient familial à partir de"),
        missing_msg=_("Ce champ est obligatoire."),
    )
    prix = colander.SchemaNode(
        Montant(),
        title=_("Prix unitaire (€)"),
        missing_msg=_("Ce champ est obligatoire."),
    )


def _tranches_valides(node, value):
    quotients = [tranche["quotient"] for tranche in value]
    if not quotients:
        raise colander.Invalid(node, _("Saisissez au moins une tranche de tarif."))
    if min(quotients) != 0:
        raise colander.Invalid(node, _("La première tranche doit commencer au quotient 0."))
    if len(set(quotients)) != len(quotients):
        raise colander.Invalid(node, _("Deux tranches commencent au même quotient."))


class TranchesSchema(colander.SequenceSchema):
    tranche = TrancheSchema(title=_("Tranche"))


class TarifsSchema(Schema):
    """A prestation's billing settings ("Tarifs" tab).  The régie's choices
    (the existing régies) are given when the form is bound (sdi)."""

    regie_oid = colander.SchemaNode(
        colander.String(),  # the oid as text (the select's value)
        title=_("Régie"),
        description=_("La régie qui facture cette prestation."),
        missing_msg=_("Choisissez la régie."),
    )
    unite = colander.SchemaNode(
        colander.String(),
        title=_("Unité facturée"),
        missing_msg=_("Ce champ est obligatoire."),
        validator=colander.OneOf([value for value, _label in UNITES], msg_err=_("Choix invalide.")),
        widget=deform.widget.SelectWidget(values=list(UNITES)),
    )
    tarifs = TranchesSchema(
        title=_("Tranches de quotient familial"),
        validator=_tranches_valides,
        widget=deform.widget.SequenceWidget(
            min_len=1, add_subitem_text_template=_("Ajouter une tranche")
        ),
    )
