"""The documents' content: the root folder ``documents``, its folders
("Menus du restaurant scolaire", "Formulaires"...) and the Documents.

Who may see a Document is its ACL: ``P.DOCUMENT_VOIR`` allowed to the
``familles`` group (every family) or to the principal of the families with
a child enrolled this school year in a structure or a prestation
(``visibilite.principal``).  Editors and agents hold the permission on the
whole ``documents`` folder (security.ROLE_TABLE).
"""

from persistent import Persistent
from pyramid.security import Allow
from pyramid.traversal import find_root
from substanced.content import content
from substanced.folder import Folder
from substanced.util import set_acl
from zope.interface import Interface, implementer

from .. import dates
from ..i18n import _
from ..security import GROUPE_FAMILLES, P, group_oid
from . import visibilite
from .schemas import DocumentSheet, DossierSheet

TOUTES = visibilite.TOUTES


class IDocuments(Interface):
    pass


class IDossierDocuments(Interface):
    pass


class IDocument(Interface):
    pass


@content("Documents", icon="glyphicon glyphicon-folder-open")
@implementer(IDocuments)
class Documents(Folder):
    """The root folder ``documents``: holds the folders of documents, in
    the order they were made (editors may reorder them)."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Documents")

    def __init__(self, data=None, family=None):
        Folder.__init__(self, data, family)
        self.set_order((), reorderable=True)

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") == "DossierDocuments"

    def dossiers(self):
        return [value for value in self.values() if IDossierDocuments.providedBy(value)]


def _date(jour):
    return dates.courte(jour)


def colonnes(folder, document, request, defaults):
    """The SDI grid of a folder of documents: when and by whom each is seen."""
    if not IDocument.providedBy(document):
        return defaults
    translate = request.localizer.translate
    return defaults + [
        {"name": translate(_("Titre")), "value": document.title},
        {"name": translate(_("Visible à partir du")), "value": _date(document.visible_du)},
        {"name": translate(_("Visible jusqu'au")), "value": _date(document.visible_au)},
        {
            "name": translate(_("Visible par")),
            "value": visibilite.libelle(document, request, document.cible),
        },
    ]


@content(
    "DossierDocuments",
    name=_("Dossier de documents"),
    icon="glyphicon glyphicon-folder-close",
    add_view="add_dossier_documents",
    propertysheets=((_("Dossier"), DossierSheet),),
    columns=colonnes,
)
@implementer(IDossierDocuments)
class DossierDocuments(Folder):
    """ "Menus du restaurant scolaire", "Formulaires": holds Documents."""

    title = ""

    def __init__(self, title=""):
        Folder.__init__(self)
        self.title = title

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") == "Document"

    def documents(self):
        return [value for value in self.values() if IDocument.providedBy(value)]


@content(
    "Document",
    name=_("Document"),
    icon="glyphicon glyphicon-file",
    add_view="add_document",
    propertysheets=((_("Document"), DocumentSheet),),
)
@implementer(IDocument)
class Document(Persistent):
    """A file offered for download (``fichier``: a fichiers.Fichier), seen
    from ``visible_du`` to ``visible_au`` (dates, both optional) by the
    families ``cible`` names (``visibilite.TOUTES`` or "structure:<oid>" /
    "prestation:<oid>")."""

    title = ""
    description = ""
    visible_du = None
    visible_au = None
    cible = TOUTES
    fichier = None
    depose_le = None  # the day the file was uploaded

    def __init__(
        self, title, fichier, description="", visible_du=None, visible_au=None, cible=TOUTES
    ):
        self.title = title
        self.description = description
        self.visible_du = visible_du
        self.visible_au = visible_au
        self.cible = cible
        self.remplacer(fichier)

    def remplacer(self, fichier):
        self.fichier = fichier
        self.depose_le = dates.today()

    def visible_le(self, jour):
        """Whether parents see it on ``jour`` (staff always do)."""
        if self.visible_du is not None and jour < self.visible_du:
            return False
        return self.visible_au is None or jour <= self.visible_au

    @property
    def date(self):
        """The date shown and sorted on: published from, else uploaded on."""
        return self.visible_du or self.depose_le

    def acl(self):
        if self.cible == TOUTES:
            principal = group_oid(find_root(self), GROUPE_FAMILLES)
        else:
            principal = visibilite.principal(self.cible)
        return [(Allow, principal, (P.DOCUMENT_VOIR,))]

    def appliquer_cible(self, registry=None):
        """Write the ACL of ``cible`` (once the Document is in the tree)."""
        set_acl(self, self.acl(), registry=registry)
