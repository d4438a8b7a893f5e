"""The SDI forms of the documents: schemas and property sheets."""

import colander
import deform.schema
import deform.widget
from substanced.property import PropertySheet
from substanced.schema import Schema
from substanced.util import get_oid

from .. import fichiers
from ..calendrier.schemas import Date
from ..champs import OBLIGATOIRE
from ..champs import texte as _texte
from ..i18n import _
from ..sdi import envoi
from ..security import P
from . import visibilite


@colander.deferred
def _cibles_widget(node, kw):
    return deform.widget.SelectWidget(values=visibilite.cibles(kw["context"], kw["request"]))


@colander.deferred
def _cible_valide(node, kw):
    return colander.OneOf(
        [cible for cible, _label in visibilite.cibles(kw["context"], kw["request"])],
        msg_err=_("Choix invalide."),
    )


def _au_apres_du(form, value):
    du, au = value.get("visible_du"), value.get("visible_au")
    if du is not None and au is not None and au < du:
        error = colander.Invalid(form)
        error["visible_au"] = _("La fin de la visibilité doit être le jour de son début ou après.")
        raise error


class DossierSchema(Schema):
    title = _texte(_("Titre"), 120, missing_msg=OBLIGATOIRE)


class DocumentSchema(Schema):
    validator = staticmethod(_au_apres_du)
    title = _texte(_("Titre"), 200, missing_msg=OBLIGATOIRE)
    description = _texte(
        _("Description"), 1000, missing="", widget=deform.widget.TextAreaWidget(rows=3)
    )
    fichier = colander.SchemaNode(
        deform.schema.FileData(),
        title=_("Fichier (PDF, JPEG ou PNG, 5 Mo au plus)"),
        widget=envoi.envoi_widget,
        missing_msg=OBLIGATOIRE,
    )
    visible_du = colander.SchemaNode(
        Date(),
        title=_("Visible à partir du"),
        description=_("Vide : dès maintenant."),
        missing=None,
    )
    visible_au = colander.SchemaNode(
        Date(),
        title=_("Visible jusqu'au"),
        description=_("Vide : sans limite."),
        missing=None,
    )
    cible = colander.SchemaNode(
        colander.String(),
        title=_("Visible par"),
        missing_msg=OBLIGATOIRE,
        widget=_cibles_widget,
        validator=_cible_valide,
    )


class DocumentModifieSchema(DocumentSchema):
    """Editing: a new file replaces the current one; none keeps it."""

    def after_bind(self, node, kw):
        node["fichier"].missing = colander.null
        node["fichier"].title = _("Remplacer le fichier (PDF, JPEG ou PNG, 5 Mo au plus)")


class DossierSheet(PropertySheet):
    schema = DossierSchema()
    # Staff who hold sdi.view on the root (régisseurs) get no form here.
    permissions = (("view", P.SDI_EDIT), ("change", P.SDI_EDIT))


class DocumentSheet(PropertySheet):
    schema = DocumentModifieSchema()
    permissions = (("view", P.SDI_EDIT), ("change", P.SDI_EDIT))

    def get(self):
        document = self.context
        fichier = document.fichier
        return {
            "title": document.title,
            "description": document.description,
            "fichier": {
                # Never the real file: the widget would copy it to the store.
                "fp": None,
                "uid": str(get_oid(document)),
                "filename": fichier.nom if fichier is not None else "",
                "size": fichier.taille if fichier is not None else 0,
            },
            "visible_du": document.visible_du or colander.null,
            "visible_au": document.visible_au or colander.null,
            "cible": document.cible,
        }

    def set(self, struct, omit=()):
        document = self.context
        changed = False
        for name in ("title", "description", "visible_du", "visible_au"):
            if name in struct and getattr(document, name) != struct[name]:
                setattr(document, name, struct[name])
                changed = True
        lu = envoi.lire(struct.get("fichier"))
        if lu is not None:
            data, mimetype, nom = lu
            document.remplacer(fichiers.Fichier(data, mimetype, nom))
            changed = True
        if struct.get("cible") and struct["cible"] != document.cible:
            document.cible = struct["cible"]
            changed = True
        document.appliquer_cible(registry=self.request.registry)
        return changed

    def after_set(self, changed):
        super().after_set(changed)
        envoi.oublier(self.request)
