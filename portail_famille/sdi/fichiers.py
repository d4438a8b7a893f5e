"""SubstanceD's own File content in the SDI: what staff may upload, and how
every stored File is served.

SubstanceD's add-file and upload views and its File sheets stored any file
with the MIME type the browser (or a text field) gave, and its view served
it inline under the SDI's CSP: an agent's HTML page uploaded into a family
ran as a page in the administrator's session, and could make the agent an
administrator (issue 15).  The views and sheets are registered here again
under the same names (the application's registrations win over
SubstanceD's):

- the generic add-file, add-folder and upload actions answer only where
  ``__sdi_addable__`` lets SubstanceD's File or Folder in: the root, the
  plain folders an administrator made there, SubstanceD's users and groups
  (administrators only); every folder of the portal declares what it
  holds, made by its own forms;
- a file is a PDF, JPEG or PNG by its content (the documents' checked
  upload widget, ``fichiers.lire``); its type is taken from its content;
- every File, whatever was stored before, is served as the portal's own
  files are: its type what its content is, an attachment (a checked image
  inline), ``nosniff``, a ``sandbox`` CSP (``fichiers.reponse_contenu``).
"""

import io
import os

import colander
import deform
import substanced.sdi
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.response import FileResponse
from substanced.file import FileUploadTempStore
from substanced.folder import is_sdi_addable
from substanced.form import FormView
from substanced.interfaces import IFile, IFolder
from substanced.property import PropertySheet
from substanced.schema import NameSchemaNode, Schema
from substanced.sdi import mgmt_view
from substanced.util import get_oid

from .. import fichiers
from ..champs import OBLIGATOIRE
from ..i18n import _
from ..security import P
from ..util import nom_libre
from . import envoi
from .forms import FORM

# What the preview shows of a file that is not an image (SubstanceD's own).
PIXEL = os.path.join(os.path.dirname(substanced.sdi.__file__), "static", "img", "onepixel.gif")


def _fichier_node(title):
    return colander.SchemaNode(
        deform.schema.FileData(),
        title=title,
        widget=envoi.envoi_widget,
        missing_msg=OBLIGATOIRE,
    )


def _est_un_fichier(context, request):
    return request.registry.content.istype(context, "File")


class AjouterFichierSchema(Schema):
    name = NameSchemaNode(
        title=_("Nom"),
        description=_("Vide : le nom du fichier envoyé."),
        missing="",
    )
    title = colander.SchemaNode(colander.String(), title=_("Titre"), missing="")
    fichier = _fichier_node(_("Fichier (PDF, JPEG ou PNG, 5 Mo au plus)"))


def _creer(request, folder, data, mimetype, title, name):
    fichier = request.registry.content.create("File", io.BytesIO(data), mimetype, title=title)
    folder.add(name, fichier, registry=request.registry)
    return fichier


def _nom_de_fichier(folder, filename):
    """A free name made from the sent file's name, without its extension
    (SubstanceD's way: ``menu été.pdf`` -> ``menu-ete``)."""
    base = os.path.splitext(fichiers.nom_affiche(filename))[0]
    return nom_libre(folder, base, "fichier")


@mgmt_view(
    context=IFolder,
    name="add_file",
    permission=P.SDI_ADD,
    renderer=FORM,
    addable_content="File",
    tab_condition=False,
)
class AjouterFichierView(FormView):
    title = _("Ajouter un fichier")
    schema = AjouterFichierSchema()
    buttons = (deform.Button("ajouter", _("Ajouter")),)

    def ajouter_success(self, appstruct):
        data, mimetype, filename = envoi.lire(appstruct["fichier"])
        name = appstruct["name"] or _nom_de_fichier(self.context, filename)
        _creer(self.request, self.context, data, mimetype, appstruct["title"], name)
        envoi.oublier(self.request)
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context))


@mgmt_view(
    context=IFolder,
    name="upload-submit",
    request_method="POST",
    renderer="json",
    permission=P.SDI_ADD,
    addable_content="File",
    tab_condition=False,
)
def televerser(context, request):
    """The Upload tab sends its files one by one: each one checked, stored
    under a name made from its own; a refused one is a 400 with the French
    reason the tab shows."""
    envoyes = [value for value in request.POST.values() if getattr(value, "filename", None)]
    if not envoyes:
        raise HTTPBadRequest()
    result = {"files": []}
    refus = False
    for upload in envoyes:
        nom = fichiers.nom_affiche(upload.filename)
        try:
            data, mimetype = fichiers.lire(upload)
        except fichiers.FichierRefuse as e:
            error = request.localizer.translate(e.args[0])
            result["files"].append({"name": nom, "error": error})
            refus = True
            continue
        name = _nom_de_fichier(context, nom)
        _creer(request, context, data, mimetype, nom, name)
        result["files"].append({"name": name, "size": len(data)})
    if refus:
        request.response.status = 400
    return result


class AjouterDossierSchema(Schema):
    name = NameSchemaNode(title=_("Nom"))


@mgmt_view(
    context=IFolder,
    name="add_folder",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AjouterDossierView(FormView):
    """SubstanceD's own folder, where its Folder is addable (its view had
    no such predicate: an agent made folders in families)."""

    title = _("Ajouter un dossier")
    schema = AjouterDossierSchema()
    buttons = (deform.Button("ajouter", _("Ajouter")),)

    def __call__(self):
        if not is_sdi_addable(self.context, self.request, "Folder"):
            raise HTTPNotFound()
        return super().__call__()

    def ajouter_success(self, appstruct):
        registry = self.request.registry
        self.context.add(appstruct["name"], registry.content.create("Folder"), registry=registry)
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context))


# --- The File's property sheets ------------------------------------------------------


class ProprietesSchema(Schema):
    name = NameSchemaNode(title=_("Nom"), editing=_est_un_fichier)
    title = colander.SchemaNode(colander.String(), title=_("Titre"), missing="")


class ProprietesSheet(PropertySheet):
    """Its name and title; no longer its MIME type (what its content is)."""

    schema = ProprietesSchema()


class RemplacerSchema(Schema):
    fichier = _fichier_node(_("Nouveau fichier (PDF, JPEG ou PNG, 5 Mo au plus)"))


class RemplacerSheet(PropertySheet):
    """Its content replaced by a checked PDF, JPEG or PNG."""

    schema = RemplacerSchema()

    def get(self):
        context = self.context
        filedata = {"fp": None, "uid": str(get_oid(context)), "filename": "", "size": 0}
        if context.mimetype in (fichiers.JPEG, fichiers.PNG):
            filedata["preview_url"] = self.request.sdiapi.mgmt_path(context)
        return {"fichier": filedata}

    def set(self, struct, omit=()):
        lu = envoi.lire(struct.get("fichier"))
        if lu is None:
            return False
        data, mimetype, _nom = lu
        self.context.upload(io.BytesIO(data))
        self.context.mimetype = mimetype
        return True

    def after_set(self, changed):
        super().after_set(changed)
        envoi.oublier(self.request)


# --- Serving ------------------------------------------------------------------------------


@mgmt_view(context=IFile, name="", permission=P.SDI_VIEW, tab_condition=False, http_cache=0)
def voir_fichier(context, request):
    """The File as what its content is, whatever MIME type was stored."""
    with context.blob.open("r") as f:
        data = f.read(fichiers.TAILLE_MAX + 1)
    if len(data) <= fichiers.TAILLE_MAX:
        return fichiers.reponse_contenu(data, context.__name__)
    # Larger than any upload accepted: stored before; never opened here.
    response = FileResponse(context.blob.committed(), content_type=fichiers.INCONNU)
    return fichiers.en_tetes(response, context.__name__, inline=False)


@mgmt_view(name="preview_image_upload", tab_condition=False, permission=P.PORTAIL_PUBLIC)
def apercu_televersement(request):
    """The preview of a file kept while its form is corrected, by its id in
    the session (hence public, as SubstanceD's): an image only if its
    content is one (SubstanceD trusted the file's name: ``x.svg`` was served
    as an SVG image), else SubstanceD's blank pixel."""
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    fp = FileUploadTempStore(request).get(request.subpath[0], {}).get("fp")
    data = b""
    if fp is not None:
        fp.seek(0)
        data = fp.read(fichiers.TAILLE_MAX + 1)
    if fichiers.type_du_contenu(data) in (fichiers.JPEG, fichiers.PNG):
        return fichiers.reponse_contenu(data, "apercu")
    return fichiers.en_tetes(FileResponse(PIXEL, content_type="image/gif"), "apercu.gif", True)


def includeme(config):
    # After SubstanceD's (same names, same content type): these replace them.
    config.add_propertysheet("Basic", ProprietesSheet, IFile)
    config.add_propertysheet("Upload", RemplacerSheet, IFile)
