"""SDI views: adding families and children, and the SDI's login and logout
sent to the portal's own pages (one login, one throttle, one policy)."""

import colander
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.security import NO_PERMISSION_REQUIRED
from substanced.form import FormView
from substanced.sdi import mgmt_view

from ..familles import schemas
from ..familles.resources import IEnfants, IFamilles
from ..security import P
from ..skin.views import forbidden


@mgmt_view(name="login", tab_condition=False, permission=NO_PERMISSION_REQUIRED)
@mgmt_view(context=HTTPForbidden, tab_condition=False, permission=NO_PERMISSION_REQUIRED)
def sdi_login(request):
    return forbidden(request)


@mgmt_view(name="logout", tab_condition=False, permission=NO_PERMISSION_REQUIRED)
def sdi_logout(request):
    # Logging out writes (it ends the server session): a POST from our page.
    return HTTPFound(request.resource_path(request.root, "deconnexion"))


class AddFamilleSchema(schemas.FamilleSchema):
    nom = colander.SchemaNode(colander.String(), title="Nom du responsable")
    prenom = colander.SchemaNode(colander.String(), title="Prénom du responsable", missing="")


@mgmt_view(
    context=IFamilles,
    name="add_famille",
    permission=P.SDI_ADD,
    renderer="substanced.sdi:templates/form.pt",
    tab_condition=False,
)
class AddFamilleView(FormView):
    title = "Ajouter une famille"
    schema = AddFamilleSchema()
    buttons = ("ajouter",)

    def ajouter_success(self, appstruct):
        numero = appstruct["numero"]
        if numero in self.context:
            self.request.sdiapi.flash("Ce n° famille existe déjà.", "danger")
            return HTTPFound(self.request.sdiapi.mgmt_path(self.context, "@@add_famille"))
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
    title = "Ajouter un enfant"
    schema = schemas.EnfantSchema()
    buttons = ("ajouter",)

    def ajouter_success(self, appstruct):
        enfant = self.request.registry.content.create("Enfant", **appstruct)
        self.context.add_next(enfant)
        return HTTPFound(self.request.sdiapi.mgmt_path(enfant, "@@properties"))
