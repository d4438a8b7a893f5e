"""Colander schemas of the calendar's objects (SDI forms)."""

import re

import colander
import deform.widget
from pyramid.traversal import find_root
from substanced.schema import Schema
from substanced.util import get_oid

from ..champs import OBLIGATOIRE
from ..champs import texte as _texte
from ..i18n import _
from . import jours

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


def _fin_apres_debut(message):
    def validator(form, value):
        if value["fin"] < value["debut"]:
            error = colander.Invalid(form)
            error["fin"] = message
            raise error

    return validator


class PeriodeSchema(Schema):
    debut = _date(_("Date de début"))
    fin = _date(_("Date de fin"))


class AnneeScolaireSchema(PeriodeSchema):
    validator = staticmethod(_fin_apres_debut(_("La date de fin doit suivre la date de début.")))


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
    motif = _texte(_("Motif"), min_length=1)


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
