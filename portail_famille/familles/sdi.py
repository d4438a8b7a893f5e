"""SDI views: adding families and children, and the SDI's login and logout
sent to the portal's own pages (one login, one throttle, one policy)."""

import colander
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.security import NO_PERMISSION_REQUIRED, Authenticated
from substanced.form import FormView
from substanced.sdi import mgmt_view

from ..familles import schemas
from ..familles.resources import IEnfants, IFamilles
from ..familles.validators import numero_famille
from ..i18n import _
from ..security import P
from ..skin.views import forbidden

ERROR_PAGE = "portail_famille.skin:templates/error.pt"


@mgmt_view(
    name="login", tab_condition=False, permission=NO_PERMISSION_REQUIRED, renderer=ERROR_PAGE
)
@mgmt_view(
    context=HTTPForbidden,
    tab_condition=False,
    permission=NO_PERMISSION_REQUIRED,
    renderer=ERROR_PAGE,
)
@mgmt_view(
    context=HTTPForbidden,
    effective_principals=Authenticated,
    tab_condition=False,
    permission=NO_PERMISSION_REQUIRED,
    renderer=ERROR_PAGE,
)
def sdi_login(request):
    """Anonymous: to the portal's login page; logged in: a real 403."""
    return forbidden(request)


@mgmt_view(name="logout", tab_condition=False, permission=NO_PERMISSION_REQUIRED)
def sdi_logout(request):
    # Logging out writes (it ends the server session): a POST from our page.
    return HTTPFound(request.resource_path(request.root, "deconnexion"))


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
