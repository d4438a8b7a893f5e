"""The error pages of the portal (the SDI's error screens call them too:
``sdi.garde``)."""

import logging

from pyramid.csrf import BadCSRFToken
from pyramid.exceptions import BadCSRFOrigin
from pyramid.httpexceptions import HTTPException, HTTPForbidden, HTTPFound
from pyramid.interfaces import IRootFactory
from pyramid.response import Response
from pyramid.traversal import DefaultRootFactory
from pyramid.view import (
    exception_view_config,
    forbidden_view_config,
    notfound_view_config,
)
from pyramid_retry import is_last_attempt
from transaction.interfaces import TransientError
from translationstring import TranslationString

from ..i18n import _
from ..stockage import IBaseInjoignable, marquer_si_deconnexion
from ..util import ContenuPermanent
from .tweens import (
    RETRY_AFTER,
    TEXTE_OCCUPE,
    TITRE_OCCUPE,
    UnreadableInput,
    page_occupe,
    transitoire,
)

log = logging.getLogger(__name__)


def _ensure_context(request):
    """An error raised before traversal (a tween refusing the request, a URL
    that cannot be decoded) leaves the request without ``root`` or
    ``context``; the layout needs them to find the user and his family."""
    if getattr(request, "context", None) is not None:
        return
    root = getattr(request, "root", None)
    if root is None:
        factory = request.registry.queryUtility(IRootFactory, default=DefaultRootFactory)
        root = factory(request)
        request.root = root
    request.context = root
    for name, value in (("view_name", ""), ("subpath", ()), ("traversed", ())):
        if not hasattr(request, name):
            setattr(request, name, value)


def _error(request, status, title, text):
    _ensure_context(request)
    request.response.status = status
    return {"title": title, "text": text}


@notfound_view_config(renderer="templates/error.pt")
def not_found(request):
    return _error(
        request,
        404,
        _("Page introuvable"),
        _("Cette page n'existe pas ou n'est plus disponible."),
    )


@forbidden_view_config(renderer="templates/error.pt")
def forbidden(request):
    _ensure_context(request)
    if request.authenticated_userid is None:
        location = request.resource_path(
            request.root, "connexion", query={"came_from": request.path_qs[:2000]}
        )
        return HTTPFound(location)
    if not request.is_staff:
        # To a parent, another family's page is a page that does not exist:
        # a 403 would tell which family numbers are in use.
        return not_found(request)
    # A view's own refusal names its reason (a French translation string);
    # Pyramid's (a missing permission) is English and technical.
    detail = getattr(getattr(request, "exception", None), "detail", None)
    return _error(
        request,
        403,
        _("Accès refusé"),
        detail
        if isinstance(detail, TranslationString)
        else _("Vous n'avez pas accès à cette page."),
    )


@exception_view_config(BadCSRFToken, renderer="templates/error.pt")
@exception_view_config(BadCSRFOrigin, renderer="templates/error.pt")
def bad_csrf(request):
    return _error(
        request,
        400,
        _("Formulaire expiré"),
        _(
            "Ce formulaire a expiré ou ne provient pas de ce site. "
            "Rechargez la page et recommencez."
        ),
    )


@exception_view_config(TransientError, last_retry_attempt=True, renderer="templates/error.pt")
@exception_view_config(IBaseInjoignable, last_retry_attempt=True, renderer="templates/error.pt")
def occupe(request):
    """A write conflict (or a lost database connection) that outlived its
    retries: nothing was written; the parent is told to try again."""
    log.warning("transient error after the last attempt: %s", request.exception)
    request.response.headers["Retry-After"] = RETRY_AFTER
    try:
        return _error(request, 503, TITRE_OCCUPE, TEXTE_OCCUPE)
    except Exception as e:
        if not transitoire(e):
            raise
    # The database is out of reach (its server restarts): a page without it.
    return page_occupe(request)


@exception_view_config(UnicodeDecodeError, renderer="templates/error.pt")
@exception_view_config(UnreadableInput, renderer="templates/error.pt")
def bad_encoding(request):
    return _error(
        request,
        400,
        _("Données illisibles"),
        _("Les données envoyées ne sont pas lisibles (encodage invalide). Recommencez."),
    )


@exception_view_config(ContenuPermanent, renderer="templates/error.pt")
def contenu_permanent(exc, request):
    """Deleting, renaming, moving or copying what must stay (the last guard:
    the screens offer no such button): a French 403, nothing written."""
    return http_error(HTTPForbidden(detail=exc.args[0]), request)


@exception_view_config(HTTPException, renderer="templates/error.pt")
def http_error(exc, request):
    if exc.code < 400:
        return exc
    # Only our own (French, translatable) messages are shown: the details
    # Pyramid and SubstanceD give are English and technical.
    detail = exc.detail if isinstance(exc.detail, TranslationString) else None
    return _error(
        request,
        exc.code,
        _("Requête refusée"),
        detail or _("Cette requête n'a pas pu être traitée."),
    )


@exception_view_config(Exception, renderer="templates/error.pt")
def server_error(exc, request):
    path = request.environ.get("PATH_INFO", "")
    if marquer_si_deconnexion(exc) and is_last_attempt(request):
        # marked here (an error raised while the database went away): the
        # view of the last attempt's "try again" was not chosen for it
        return occupe(request)
    if transitoire(exc):
        # A write conflict (or the database out of reach) before the last
        # attempt: pyramid_retry runs the request again and this answer is
        # never sent (nor is the layout, that needs the database).
        log.info("conflict on %s %s, retried: %s", request.method, path, exc)
        return Response(status=503)
    log.exception("Unexpected error on %s %s", request.method, path)
    return _error(
        request,
        500,
        _("Erreur du service"),
        _(
            "Une erreur inattendue est survenue ; rien n'a été enregistré. "
            "Réessayez dans un instant."
        ),
    )
