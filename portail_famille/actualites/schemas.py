"""Colander schemas of the SDI forms of a news item."""

import colander
import deform.widget
from substanced.schema import Schema

from .. import fichiers
from ..champs import OBLIGATOIRE
from ..i18n import _

TITRE_MAX = 200
TEXTE_MAX = 20_000
IMAGES = (fichiers.JPEG, fichiers.PNG)

AIDE_TEXTE = _(
    "Mise en forme possible : paragraphes <p>, retours à la ligne <br>, gras <strong>, "
    'italique <em>, listes <ul>/<ol> et <li>, liens <a href="https://…">. '
    "Sans paragraphe, liste ni retour <br>, une ligne vide sépare deux paragraphes. "
    "Toute autre balise est retirée."
)


class DepotDuFormulaire(dict):
    """Deform's temporary store of an upload, for one request only: a file
    is read once, when the form is valid; after an error the editor chooses
    it again (nothing is kept in the session or on disk, nothing is shared
    between requests: the widget is made per form, see ``_widget_image``)."""

    def preview_url(self, uid):
        return None


@colander.deferred
def _widget_image(node, kw):
    return deform.widget.FileUploadWidget(DepotDuFormulaire(), accept="image/jpeg,image/png")


def image_valide(node, value):
    """An image is JPEG or PNG by its content, at most 5 Mo."""
    try:
        fichiers.lire(value, types=IMAGES)
    except fichiers.FichierRefuse as refus:
        raise colander.Invalid(node, refus.args[0]) from None
    finally:
        fp = value.get("fp") if isinstance(value, dict) else None
        if fp is not None:
            fp.seek(0)


class ActualiteSchema(Schema):
    titre = colander.SchemaNode(
        colander.String(),
        title=_("Titre"),
        missing_msg=OBLIGATOIRE,
        validator=colander.Length(min=1, max=TITRE_MAX, max_err=_("Au plus ${max} caractères.")),
    )
    texte = colander.SchemaNode(
        colander.String(),
        title=_("Texte"),
        description=AIDE_TEXTE,
        missing_msg=OBLIGATOIRE,
        validator=colander.Length(min=1, max=TEXTE_MAX, max_err=_("Au plus ${max} caractères.")),
        widget=deform.widget.TextAreaWidget(rows=12),
    )
    image = colander.SchemaNode(
        deform.FileData(),
        title=_("Image (facultative)"),
        description=_("JPEG ou PNG, 5 Mo au plus."),
        missing=None,
        validator=image_valide,
        widget=_widget_image,
    )


class ModifierActualiteSchema(ActualiteSchema):
    supprimer_image = colander.SchemaNode(
        colander.Boolean(),
        title=_("Retirer l'image actuelle"),
        missing=False,
        widget=deform.widget.CheckboxWidget(),
    )
