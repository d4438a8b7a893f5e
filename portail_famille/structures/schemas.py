"""Colander schemas of structures and prestations (SDI forms).  A
prestation's billing settings (its unit, its régie, its tariffs) are not
here: the régie sets them (facturation.schemas.TarifsSchema)."""

import re
from decimal import Decimal

import colander
import deform.widget
from substanced.schema import Schema

from ..champs import OBLIGATOIRE, texte
from ..i18n import _
from ..montants import Montant

UNITES = (
    ("journee", _("Journée")),
    ("demi-journee", _("Demi-journée")),
    ("repas", _("Repas")),
    ("heure", _("Heure")),
)
# Value: the ISO weekday (Monday = 1), as date.isoweekday() gives it.
JOURS = (
    ("1", _("Lundi")),
    ("2", _("Mardi")),
    ("3", _("Mercredi")),
    ("4", _("Jeudi")),
    ("5", _("Vendredi")),
    ("6", _("Samedi")),
    ("7", _("Dimanche")),
)
PERIODE_SCOLAIRE = "scolaire"
PERIODE_VACANCES = "vacances"
PERIODES = (
    (PERIODE_SCOLAIRE, _("Période scolaire")),
    (PERIODE_VACANCES, _("Vacances scolaires")),
)
VALIDATION_AUTOMATIQUE = "automatique"
VALIDATION_AGENT = "agent"
VALIDATIONS = (
    (VALIDATION_AUTOMATIQUE, _("Automatique quand les règles sont respectées")),
    (VALIDATION_AGENT, _("Validation par un agent")),
)

DUREE_INVALIDE = _("Durée invalide : un nombre d'heures de 0 à 24, par exemple 3,5.")

HEURE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def heure(node, value):
    if not HEURE.match(value):
        raise colander.Invalid(node, _("Heure invalide : au format HH:MM, par exemple 10:00."))


class Entier(colander.Integer):
    """An integer whose error message is French."""

    def deserialize(self, node, cstruct):
        try:
            return super().deserialize(node, cstruct)
        except colander.Invalid:
            raise colander.Invalid(node, _("Saisissez un nombre entier.")) from None


def _texte(title, max_length=200, **kw):
    return texte(title, max_length, min_length=1, **kw)


def _choix(title, values):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        missing_msg=OBLIGATOIRE,
        validator=colander.OneOf([value for value, _label in values], msg_err=_("Choix invalide.")),
        widget=deform.widget.SelectWidget(values=[("", "")] + list(values)),
    )


def _parmi(choices):
    def validator(node, value):
        if not set(value) <= set(choices):
            raise colander.Invalid(node, _("Choix invalide."))

    return validator


def _plusieurs(title, values, message):
    return colander.SchemaNode(
        colander.Set(),
        title=title,
        missing_msg=message,
        validator=colander.All(
            colander.Length(min=1, min_err=message),
            _parmi([value for value, _label in values]),
        ),
        widget=deform.widget.CheckboxChoiceWidget(values=list(values), inline=True),
    )


def _nombre(title, minimum, message, **kw):
    return colander.SchemaNode(
        Entier(),
        title=title,
        missing_msg=OBLIGATOIRE,
        validator=colander.Range(min=minimum, min_err=message),
        **kw,
    )


def _heure(title):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        missing_msg=OBLIGATOIRE,
        validator=heure,
        default="10:00",
    )


class StructureSchema(Schema):
    title = _texte(_("Nom de la structure"))


class PrestationSchema(Schema):
    title = _texte(_("Libellé de la prestation"))
    code = _texte(_("Code"), max_length=20)
    jours = _plusieurs(_("Jours d'ouverture"), JOURS, _("Choisissez au moins un jour d'ouverture."))
    periodes = _plusieurs(_("Périodes"), PERIODES, _("Choisissez au moins une période."))
    capacite = _nombre(
        _("Capacité par jour (places)"),
        1,
        _("La capacité doit être d'au moins 1 place."),
    )
    delai_reservation_jours = _nombre(
        _("Délai de réservation : jours ouvrés avant"),
        0,
        _("Le nombre de jours ne peut pas être négatif."),
        default=2,
    )
    delai_reservation_heure = _heure(_("Délai de réservation : heure limite (HH:MM)"))
    delai_absence_jours = _nombre(
        _("Délai d'absence : jours ouvrés avant"),
        0,
        _("Le nombre de jours ne peut pas être négatif."),
        default=2,
    )
    delai_absence_heure = _heure(_("Délai d'absence : heure limite (HH:MM)"))
    validation = _choix(_("Mode de validation"), VALIDATIONS)
    duree = colander.SchemaNode(
        Montant(maximum=Decimal(24), message=DUREE_INVALIDE),
        title=_("Durée d'une journée de présence (heures)"),
        description=_(
            "Pour les statistiques de la CAF. Vide : selon l'unité (journée 8 h, "
            "demi-journée 4 h, repas 2 h, heure 1 h)."
        ),
        missing=None,
    )
    # The unit, the régie and the tariffs are the régie's: "Tarifs" tab
    # (facturation.sdi), changed with P.FACTURATION_GERER only.
