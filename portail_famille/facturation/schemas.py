"""The forms of the money domain."""

import colander
import deform.widget
from substanced.schema import Schema

from ..i18n import _
from ..montants import Montant
from ..structures.schemas import UNITES

# A régie's billing mode: after the days (the default: a run bills only
# days that have passed) or in advance (booked days ahead).
ECHU = "echu"
ECHOIR = "echoir"
TERMES = (
    (ECHU, _("Terme échu (après les jours, par défaut)")),
    (ECHOIR, _("Terme à échoir (à l'avance)")),
)
# How a billed day that changes is regularised.
AVOIR = "avoir"
FACTURE_SUIVANTE = "facture_suivante"
REGLES_REGULARISATION = (
    (AVOIR, _("Un avoir émis aussitôt")),
    (FACTURE_SUIVANTE, _("Une ligne sur la facture suivante")),
)


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
    terme = colander.SchemaNode(
        colander.String(),
        title=_("Mode de facturation"),
        description=_(
            "Terme échu : une facturation ne peut porter que sur des jours passés. "
            "Terme à échoir : les jours réservés sont facturés à l'avance."
        ),
        missing=ECHU,
        validator=colander.OneOf([v for v, _t in TERMES], msg_err=_("Choix invalide.")),
        widget=deform.widget.SelectWidget(values=TERMES),
    )
    regularisation = colander.SchemaNode(
        colander.String(),
        title=_("Régularisation d'un jour déjà facturé"),
        description=_(
            "Quand un jour facturé change (absence acceptée, fermeture, inscription "
            "supprimée, pointage corrigé) : un avoir aussitôt, ou une ligne négative "
            "sur la prochaine facture de la famille."
        ),
        missing=AVOIR,
        validator=colander.OneOf(
            [v for v, _t in REGLES_REGULARISATION], msg_err=_("Choix invalide.")
        ),
        widget=deform.widget.SelectWidget(values=REGLES_REGULARISATION),
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
