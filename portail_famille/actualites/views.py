"""The public pages of the news: ``/actualites/`` (every published item,
newest first), ``/actualites/<item>`` (its whole text, sanitised) and
``/actualites/<item>/@@image``.  Only a published item
exists for families and visitors: a draft or an archived one answers 404
(its editors see its image in the SDI preview)."""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from .. import dates, fichiers
from ..security import P
from ..skin import sans_sous_chemin
from .publication import PUBLIEE, etat
from .resources import IActualite, IActualites, ligne


def a_la_une(root):
    """The published news of the login and home pages, newest first, as
    sanitised markup (``<li>`` items, '' when there is none; insert it with
    ``structure``): one attribute of the news folder, kept up to date on
    each change."""
    return getattr(root.get("actualites"), "html", "")


@view_config(
    context=IActualites,
    renderer="templates/actualites.pt",
    permission=P.PORTAIL_PUBLIC,
)
def actualites(context, request):
    sans_sous_chemin(request)
    return {"liste": "".join(ligne(resume) for resume in context.publiees)}


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
