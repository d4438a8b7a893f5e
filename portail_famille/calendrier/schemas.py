"""Colander schemas of the calendar's objects (SDI forms).

Bound with the object the form is about (``context``: the Calendrier or
the AnneeScolaire an object is added to, or the object a sheet edits), the
school years refuse to overlap each other and the holiday periods stay
inside their year without overlapping each other."""

import re

import colander
import deform.widget
from pyramid.traversal import find_root
from substanced.schema import Schema
from substanced.util import get_oid

from .. import dates
from ..champs import OBLIGATOIRE
from ..champs import texte as _texte
from ..i18n import _
from . import jours
from .interfaces import IAnneeScolaire, IPeriodeVacances

LIBELLE = re.compile(r"^(\d{4})-(\d{4})$")
GENRES = (
    (jours.NORMAL, _("Jour normal")),
    (jours.PETITES_VACANCES, _("Petites vacances (P)")),
    (jours.GRANDES_VACANCES, _("Grandes vacances (G)")),
    (jours.FERIE, _("Jour férié (F)")),
    (jours.FERMETURE, _("Fermeture")),
)


class Date(colander.Date):
    """A date whose error message is French."""

    def deserialize(self, node, cstruct):
        try:
            return super().deserialize(node, cstruct)
        except colander.Invalid:
            raise colander.Invalid(node, _("Date invalide.")) from None


def _date(title, **kw):
    return colander.SchemaNode(Date(), title=title, missing_msg=OBLIGATOIRE, **kw)


def libelle(node, value):
    match = LIBELLE.match(value)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise colander.Invalid(
            node, _("Libellé invalide : deux années qui se suivent, ex. 2014-2015.")
        )


def _refus(form, champ, message):
    error = colander.Invalid(form)
    error[champ] = message
    raise error


def _fin_apres_debut(message):
    def validator(form, value):
        if value["fin"] < value["debut"]:
            _refus(form, "fin", message)

    return validator


def _chevauchement(form, value, autres, message):
    """Refuse ``value`` (debut, fin) when it overlaps one of ``autres``
    (objects with ``debut`` and ``fin``): ``message`` beside the field
    inside the other one (``debut`` when it holds it)."""
    debut, fin = value["debut"], value["fin"]
    for autre in autres:
        if debut <= autre.fin and fin >= autre.debut:
            champ = "fin" if autre.debut <= fin <= autre.fin and debut < autre.debut else "debut"
            _refus(form, champ, message(autre))


def _annee_du(context):
    """(the Calendrier, the AnneeScolaire edited or None) of a bound form."""
    if IAnneeScolaire.providedBy(context):
        return context.__parent__, context
    return context, None


def _annees_valides(form, value, context):
    calendrier, annee = _annee_du(context)
    autres = [a for a in calendrier.annees() if a is not annee] if calendrier is not None else []
    _chevauchement(
        form,
        value,
        autres,
        lambda autre: _(
            "Cette période chevauche l'année scolaire ${libelle} (du ${debut} au ${fin}).",
            mapping={
                "libelle": autre.libelle,
                "debut": dates.courte(autre.debut),
                "fin": dates.courte(autre.fin),
            },
        ),
    )
    if annee is not None:
        for periode in annee.periodes():
            if periode.debut < value["debut"] or periode.fin > value["fin"]:
                champ = "debut" if periode.debut < value["debut"] else "fin"
                _refus(
                    form,
                    champ,
                    _(
                        "La période de vacances « ${periode} » sortirait de l'année : "
                        "modifiez-la d'abord.",
                        mapping={"periode": periode.title},
                    ),
                )


class PeriodeSchema(Schema):
    debut = _date(_("Date de début"))
    fin = _date(_("Date de fin"))


class AnneeScolaireSchema(PeriodeSchema):
    def after_bind(self, node, kw):
        fin_apres_debut = _fin_apres_debut(_("La date de fin doit suivre la date de début."))

        def validator(form, value):
            fin_apres_debut(form, value)
            _annees_valides(form, value, kw.get("context"))

        node.validator = validator


class AddAnneeScolaireSchema(AnneeScolaireSchema):
    libelle = colander.SchemaNode(
        colander.String(),
        title=_("Libellé"),
        missing_msg=OBLIGATOIRE,
        validator=libelle,
        insert_before="debut",
    )


@colander.deferred
def _structures_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", _("Toutes les structures"))] + _structures(kw))


@colander.deferred
def _structure_valide(node, kw):
    return colander.OneOf(
        [int(oid) for oid, _title in _structures(kw)], msg_err=_("Structure inconnue.")
    )


def _structures(kw):
    root = find_root(kw["context"])
    structures = root.get("structures") if hasattr(root, "get") else None
    if structures is None:
        return []
    return [(str(get_oid(s)), s.title) for s in structures.values()]


class FermetureSchema(PeriodeSchema):
    validator = staticmethod(
        _fin_apres_debut(_("La fermeture doit finir le jour de son début ou après."))
    )
    structure = colander.SchemaNode(
        colander.Integer(),
        title=_("Structure"),
        missing=None,
        widget=_structures_widget,
        validator=_structure_valide,
    )
    motif = _texte(
        _("Motif"),
        min_length=1,
        description=_("Écrit aux familles dont des réservations sont annulées."),
    )


class MotifFermetureSchema(Schema):
    motif = _texte(_("Motif"), min_length=1)


# The names of the holiday library's periods ("Vacances d'été" is G).
NOMS_VACANCES = (
    "Vacances de la Toussaint",
    "Vacances de Noël",
    "Vacances d'hiver",
    "Vacances de printemps",
    "Pont de l'Ascension",
    jours.ETE,
)


def _periodes_valides(form, value, context):
    """Inside its school year, overlapping none of the year's others."""
    if IPeriodeVacances.providedBy(context):
        annee, periode = context.__parent__, context
    else:
        annee, periode = context, None
    if annee is None:
        return
    if value["debut"] < annee.debut or value["fin"] > annee.fin:
        champ = "debut" if value["debut"] < annee.debut else "fin"
        _refus(
            form,
            champ,
            _(
                "La période doit être comprise dans l'année scolaire ${libelle} "
                "(du ${debut} au ${fin}).",
                mapping={
                    "libelle": annee.libelle,
                    "debut": dates.courte(annee.debut),
                    "fin": dates.courte(annee.fin),
                },
            ),
        )
    _chevauchement(
        form,
        value,
        [p for p in annee.periodes() if p is not periode],
        lambda autre: _(
            "Cette période chevauche « ${periode} ».", mapping={"periode": autre.title}
        ),
    )


class PeriodeVacancesSchema(PeriodeSchema):
    nom = colander.SchemaNode(
        colander.String(),
        title=_("Vacances"),
        missing_msg=OBLIGATOIRE,
        validator=colander.OneOf(NOMS_VACANCES, msg_err=_("Choix invalide.")),
        widget=deform.widget.SelectWidget(values=[("", "")] + [(n, n) for n in NOMS_VACANCES]),
        insert_before="debut",
    )

    def after_bind(self, node, kw):
        fin_apres_debut = _fin_apres_debut(_("La date de fin doit suivre la date de début."))

        def validator(form, value):
            fin_apres_debut(form, value)
            _periodes_valides(form, value, kw.get("context"))

        node.validator = validator


class CorrectionSchema(Schema):
    genre = colander.SchemaNode(
        colander.String(),
        title=_("Le jour devient"),
        missing_msg=OBLIGATOIRE,
        validator=colander.OneOf([g for g, _label in GENRES], msg_err=_("Choix invalide.")),
        widget=deform.widget.SelectWidget(values=[("", "")] + list(GENRES)),
    )
    motif = _texte(_("Motif"), missing="")


class AddCorrectionSchema(CorrectionSchema):
    date = _date(_("Jour corrigé"), insert_before="genre")
