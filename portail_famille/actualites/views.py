"""The public pages of the news: ``/actualites/`` (every published item,
newest first), ``/actualites/<item>`` (its whole text, sanitised) and
``/actualites/<item>/@@image``.  Only a published item
exists for families and visitors: a draft or an archived one answers 404
(its editors see its image in the SDI preview)."""

from urllib.parse import quote

from pyramid.httpexceptions import HTTPNotFound
from pyramid.renderers import get_renderer
from pyramid.view import view_config

from .. import dates, fichiers
from ..security import P
from ..skin import sans_sous_chemin
from .publication import PUBLIEE, etat
from .resources import A_LA_UNE, IActualite, IActualites

LISTE = "portail_famille.actualites:templates/liste.pt"
# (the list's path, the stored items) -> what the macro shows: the same for
# every page view until an item changes (the key holds the stored values).
_BREVES = {}


def macro():
    """The list's macro (``liste.pt``): a page lists ``actualites`` with
    ``<ul>…<metal:l use-macro="liste_actualites"/></ul>``."""
    return get_renderer(LISTE).implementation().macros["liste"]


def breves(request, folder, nombre=None):
    """The published news of ``folder`` (newest first, the ``nombre``
    first), as the list's macro shows them: the links made for this
    request (under the portal's path, if any), the date in words."""
    if folder is None:
        return []
    publiees = folder.publiees if nombre is None else folder.publiees[:nombre]
    if not publiees:
        return []
    base = request.resource_path(folder)
    key = (base, publiees)
    found = _BREVES.get(key)
    if found is not None:
        return found
    found = []
    for breve in publiees:
        jour = dates.local(breve.date).date()
        found.append(
            {
                "url": base + quote(breve.nom, safe=""),
                "titre": breve.titre,
                "iso": jour.isoformat(),
                "date": dates.en_toutes_lettres(jour),
                "extrait": breve.extrait,
            }
        )
    if len(_BREVES) >= 64:
        _BREVES.clear()
    _BREVES[key] = found
    return found


def a_la_une(request):
    """What the login and home pages show of the news: the list's macro,
    the first ``A_LA_UNE`` published items (none: an empty list) and the
    address of the page of all news."""
    folder = request.root.get("actualites")
    return {
        "liste_actualites": macro(),
        "actualites": breves(request, folder, A_LA_UNE),
        "toutes_actualites": request.resource_path(folder) if folder is not None else None,
    }


@view_config(
    context=IActualites,
    renderer="templates/actualites.pt",
    permission=P.PORTAIL_PUBLIC,
)
def actualites(context, request):
    sans_sous_chemin(request)
    return {"liste_actualites": macro(), "actualites": breves(request, context)}


@view_config(
    context=IActualite,
    renderer="templates/actualite.pt",
    permission=P.PORTAIL_PUBLIC,
)
def actualite(context, request):
    if etat(context) != PUBLIEE or request.subpath:
        raise HTTPNotFound()
    jour = dates.local(context.publiee_le).date()
    return {
        "titre": context.titre,
        "html": context.html,
        "date": dates.en_toutes_lettres(jour),
        "date_iso": jour.isoformat(),
        "image_url": request.resource_path(context, "@@image") if context.image else None,
    }


@view_config(context=IActualite, name="image", permission=P.PORTAIL_PUBLIC)
def image(context, request):
    visible = etat(context) == PUBLIEE or request.has_permission(P.ACTUALITE_PUBLIER, context)
    if context.image is None or not visible or request.subpath:
        raise HTTPNotFound()
    return fichiers.reponse(request, context.image, inline=True)
