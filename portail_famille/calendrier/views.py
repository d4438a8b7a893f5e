"""SDI add views of the calendar: school years, closures, corrections."""

import colander
from substanced.sdi import mgmt_view

from ..i18n import _
from ..sdi.forms import FORM, AddView
from ..security import P
from ..util import nom_libre
from . import schemas
from .resources import ICalendrier


def _nom_libre(node, kw, message, nom=lambda value: value):
    """After binding: the value of ``node`` must give a name free in the
    calendar."""
    base = node.validator
    calendrier = kw["context"]

    def validator(child, value):
        if base is not None:
            base(child, value)
        if nom(value) in calendrier:
            raise colander.Invalid(child, message)

    node.validator = validator


class AddAnneeScolaireSchema(schemas.AddAnneeScolaireSchema):
    def after_bind(self, node, kw):
        _nom_libre(node["libelle"], kw, _("Cette année scolaire existe déjà."))


class AddCorrectionSchema(schemas.AddCorrectionSchema):
    def after_bind(self, node, kw):
        _nom_libre(
            node["date"],
            kw,
            _("Ce jour est déjà corrigé : modifiez sa correction."),
            nom=lambda value: value.isoformat(),
        )


@mgmt_view(
    context=ICalendrier,
    name="add_annee_scolaire",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddAnneeScolaireView(AddView):
    title = _("Ajouter une année scolaire")
    schema = AddAnneeScolaireSchema()

    def ajouter_success(self, appstruct):
        annee = self.request.registry.content.create("AnneeScolaire", **appstruct)
        self.context.add(appstruct["libelle"], annee, registry=self.request.registry)
        return self.added(annee)


@mgmt_view(
    context=ICalendrier,
    name="add_fermeture",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddFermetureView(AddView):
    title = _("Ajouter une fermeture")
    schema = schemas.FermetureSchema()

    def ajouter_success(self, appstruct):
        fermeture = self.request.registry.content.create("Fermeture", **appstruct)
        name = nom_libre(self.context, "fermeture-%s" % appstruct["debut"].isoformat(), "fermeture")
        self.context.add(name, fermeture, registry=self.request.registry)
        return self.added(fermeture)


@mgmt_view(
    context=ICalendrier,
    name="add_correction",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddCorrectionView(AddView):
    title = _("Corriger un jour")
    schema = AddCorrectionSchema()

    def ajouter_success(self, appstruct):
        date = appstruct.pop("date")
        correction = self.request.registry.content.create("Correction", **appstruct)
        self.context.add(date.isoformat(), correction, registry=self.request.registry)
        return self.added(correction)
