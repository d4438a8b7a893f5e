"""SDI add views of the families' record: a Famille (its N° famille) and an
Enfant."""

import colander
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView
from substanced.sdi import mgmt_view

from ..i18n import _
from ..security import P
from . import schemas
from .resources import IEnfants, IFamilles
from .validators import numero_famille


@colander.deferred
def numero_libre(node, kw):
    familles = kw["context"]

    def validator(node, value):
        numero_famille(node, value)
        if value in familles:
            raise colander.Invalid(node, _("Ce n° famille existe déjà."))

    return validator


class AddFamilleSchema(schemas.FamilleSchema):
    numero = colander.SchemaNode(colander.String(), title=_("N° Famille"), validator=numero_libre)
    nom = colander.SchemaNode(colander.String(), title=_("Nom du responsable"))
    prenom = colander.SchemaNode(colander.String(), title=_("Prénom du responsable"), missing="")


@mgmt_view(
    context=IFamilles,
    name="add_famille",
    permission=P.SDI_ADD,
    renderer="substanced.sdi:templates/form.pt",
    tab_condition=False,
)
class AddFamilleView(FormView):
    title = _("Ajouter une famille")
    schema = AddFamilleSchema()
    buttons = ("ajouter",)

    def ajouter_success(self, appstruct):
        numero = appstruct["numero"]
        famille = self.request.registry.content.create(
            "Famille",
            responsable={"nom": appstruct["nom"], "prenom": appstruct["prenom"]},
        )
        self.context[numero] = famille
        return HTTPFound(self.request.sdiapi.mgmt_path(famille, "@@properties"))


@mgmt_view(
    context=IEnfants,
    name="add_enfant",
    permission=P.SDI_ADD,
    renderer="substanced.sdi:templates/form.pt",
    tab_condition=False,
)
class AddEnfantView(FormView):
    title = _("Ajouter un enfant")
    schema = schemas.EnfantSchema()
    buttons = ("ajouter",)

    def ajouter_success(self, appstruct):
        enfant = self.request.registry.content.create("Enfant", **appstruct)
        self.context.add_next(enfant)
        return HTTPFound(self.request.sdiapi.mgmt_path(enfant, "@@properties"))
