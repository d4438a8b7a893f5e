"""The family's page "Infos/Documents - Formulaires" and the download of
a Document.

What a parent may see is decided by each Document's ACL (``P.DOCUMENT_VOIR``)
and its publication dates; the page reads the folders of ``documents/``
(a few documents), never the families.
"""

import datetime

from pyramid.httpexceptions import HTTPNotFound
from pyramid.traversal import find_root
from pyramid.view import view_config

from .. import dates, fichiers
from ..familles.resources import IFamille
from ..security import P
from ..skin import sans_sous_chemin
from .resources import IDocument, IDocuments

TELECHARGER = "telecharger"
FIN = datetime.date.max


def visibles(request, jour):
    """[(folder, [Document])]: what the person of ``request`` may see on
    ``jour``, by folder, newest first (folders without any left out)."""
    racine = find_root(request.context).get("documents")
    if racine is None or not IDocuments.providedBy(racine):
        return []
    found = []
    for dossier in racine.dossiers():
        documents = [
            d
            for d in dossier.documents()
            if d.visible_le(jour)
            and d.fichier is not None
            and request.has_permission(P.DOCUMENT_VOIR, d)
        ]
        if documents:
            # Newest first; on the same day, the one seen the longest first.
            documents.sort(key=lambda d: (d.date, d.visible_au or FIN, d.title), reverse=True)
            found.append((dossier, documents))
    return found


def _ligne(request, document):
    fichier = document.fichier
    return {
        "titre": document.title,
        "description": document.description,
        "type": fichiers.LIBELLES.get(fichier.mimetype, ""),
        "taille": fichier.taille_lisible,
        "date": dates.courte(document.date),
        "iso": document.date.isoformat(),
        "url": request.resource_path(document, TELECHARGER),
        "nom": fichier.nom,
    }


@view_config(
    context=IFamille,
    name="documents",
    renderer="templates/documents.pt",
    permission=P.FAMILLE_VOIR,
)
def documents(context, request):
    sans_sous_chemin(request)
    return {
        "famille": context,
        "dossiers": [
            {
                "titre": dossier.title,
                "id": "dossier-%s" % dossier.__name__,
                "documents": [_ligne(request, d) for d in found],
            }
            for dossier, found in visibles(request, dates.today())
        ],
    }


@view_config(context=IDocument, name=TELECHARGER, permission=P.DOCUMENT_VOIR)
def telecharger(context, request):
    """The file; outside its publication dates only the staff who manage
    the documents get it (a parent: 404, as for any page not his)."""
    if request.subpath or context.fichier is None:
        raise HTTPNotFound()
    if not context.visible_le(dates.today()) and not request.has_permission(P.SDI_EDIT, context):
        raise HTTPNotFound()
    return fichiers.reponse(request, context.fichier)
