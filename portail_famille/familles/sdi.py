"""SDI add view of an Enfant, and the check of a new N° famille.  A
Famille comes in through the arrival flow (``arrivee``), with its
parents' accounts."""

import colander
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView
from substanced.sdi import mgmt_view

from ..i18n import _
from ..security import P
from . import schemas
from .resources import IEnfants
from .validators import numero_famille


@colander.deferred
def numero_libre(node, kw):
    familles = kw["context"]

    def validator(node, value):
        numero_famille(node, value)
        if value in familles:
            raise colander.Invalid(node, _("Ce n° famille existe déjà."))

    return validator


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
