"""SDI: adding a Régie."""

import colander
from substanced.sdi import mgmt_view

from ...i18n import _
from ...sdi.forms import FORM, AddView
from ...security import P
from ...util import nom_de
from .. import schemas
from ..regies import IRegies, lier_unicite


class AddRegieSchema(schemas.RegieSchema):
    def after_bind(self, node, kw):
        folder = kw["context"]
        base = node["title"].validator

        def validator(node, value):
            base(node, value)
            if not nom_de(value) or nom_de(value) in folder:
                raise colander.Invalid(node, _("Ce nom existe déjà ou ne contient pas de lettres."))

        node["title"].validator = validator
        lier_unicite(node, folder)


@mgmt_view(
    name="add_regie",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
    context=IRegies,
)
class AddRegieView(AddView):
    title = _("Ajouter une régie")
    schema = AddRegieSchema()

    def ajouter_success(self, appstruct):
        regie = self.request.registry.content.create("Regie", **appstruct)
        self.context.add(nom_de(appstruct["title"]), regie, registry=self.request.registry)
        return self.added(regie)
