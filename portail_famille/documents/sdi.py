"""SDI add views: folders of documents and Documents (editors, agents)."""

from pyramid.httpexceptions import HTTPNotFound
from substanced.sdi import mgmt_view

from .. import fichiers
from ..i18n import _
from ..sdi import envoi
from ..sdi.forms import FORM, AddView
from ..security import P
from ..util import nom_libre
from .resources import IDocument, IDocuments, IDossierDocuments
from .schemas import DocumentSchema, DossierSchema


@mgmt_view(
    context=IDocuments,
    name="add_dossier_documents",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddDossierView(AddView):
    title = _("Ajouter un dossier de documents")
    schema = DossierSchema()

    def ajouter_success(self, appstruct):
        registry = self.request.registry
        dossier = registry.content.create("DossierDocuments", title=appstruct["title"])
        self.context.add(
            nom_libre(self.context, appstruct["title"], "dossier"), dossier, registry=registry
        )
        return self.added(dossier)


@mgmt_view(
    context=IDossierDocuments,
    name="add_document",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddDocumentView(AddView):
    title = _("Ajouter un document")
    schema = DocumentSchema()

    def ajouter_success(self, appstruct):
        registry = self.request.registry
        data, mimetype, nom = envoi.lire(appstruct.pop("fichier"))
        document = registry.content.create(
            "Document", fichier=fichiers.Fichier(data, mimetype, nom), **appstruct
        )
        self.context.add(
            nom_libre(self.context, appstruct["title"], "document"), document, registry=registry
        )
        document.appliquer_cible(registry=registry)
        envoi.oublier(self.request)
        return self.added(document)


@mgmt_view(
    context=IDocument,
    name="fichier",
    tab_title=_("Télécharger le fichier"),
    permission=P.DOCUMENT_VOIR,
)
def fichier(context, request):
    """The file as the families get it, whatever its dates."""
    if context.fichier is None:
        raise HTTPNotFound()
    return fichiers.reponse(request, context.fichier)
