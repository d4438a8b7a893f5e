"""SDI add views of structures and prestations."""

import colander
from substanced.sdi import mgmt_view

from ..i18n import _
from ..sdi.forms import FORM, AddView
from ..security import P
from ..util import nom_de
from . import schemas
from .resources import IStructure, IStructures


class _AddView(AddView):
    content_type = None

    def ajouter_success(self, appstruct):
        obj = self.request.registry.content.create(self.content_type, **appstruct)
        self.context.add(nom_de(appstruct["title"]), obj, registry=self.request.registry)
        return self.added(obj)


class AddStructureSchema(schemas.StructureSchema):
    def after_bind(self, node, kw):
        _lier_titre(node, kw)


class AddPrestationSchema(schemas.PrestationSchema):
    def after_bind(self, node, kw):
        _lier_titre(node, kw)


def _lier_titre(node, kw):
    """After binding: the title must also give a free name in the folder."""
    title = node["title"]
    base = title.validator
    folder = kw["context"]

    def validator(node, value):
        base(node, value)
        name = nom_de(value)
        if not name:
            raise colander.Invalid(node, _("Le libellé doit contenir des lettres ou des chiffres."))
        if name in folder:
            raise colander.Invalid(node, _("Ce libellé existe déjà ici."))

    title.validator = validator


@mgmt_view(
    context=IStructures,
    name="add_structure",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddStructureView(_AddView):
    title = _("Ajouter une structure")
    schema = AddStructureSchema()
    content_type = "Structure"


@mgmt_view(
    context=IStructure,
    name="add_prestation",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddPrestationView(_AddView):
    title = _("Ajouter une prestation")
    schema = AddPrestationSchema()
    content_type = "Prestation"
