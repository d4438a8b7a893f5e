"""Tweens: request size limits and the security headers of every response."""

import codecs
import logging
import sys
from html import escape
from urllib.parse import urlsplit

from pyramid.httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge
from pyramid.response import Response
from pyramid.settings import asbool

from .. import champs, corps_multipart
from ..i18n import _

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 2 * 1024 * 1024
# A form with a file (multipart): a 5 Mo attachment and the form around it.
DEFAULT_MAX_UPLOAD = 6 * 1024 * 1024

# form-action also names the town's site: logging out (a POST) redirects
# there, and browsers check form-action against the redirect's target.
PORTAL_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'%s; frame-ancestors 'none'"
)
# The SDI's own pages use inline scripts and styles.
SDI_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'%s; frame-ancestors 'self'"
)


def _origin(url):
    """'https://www.mairie-biviers.fr/accueil' -> ' https://www.mairie-biviers.fr'."""
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return " %s://%s" % (parts.scheme, parts.netloc)
    return ""


STATIC_PREFIXES = ("/static-portail/", "/sdistatic/", "/deformstatic/", "/fcstatic/")
FORM_TYPES = ("", "application/x-www-form-urlencoded", "multipart/form-data")

# The last resort, when even the error page cannot be rendered: no template,
# no database, nothing that can fail again.
FALLBACK_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Erreur du service — Portail Famille</title></head>
<body><h1>Erreur du service</h1>
<p>Une erreur inattendue est survenue ; rien n'a été enregistré. Réessayez dans un instant.</p>
<p><a href="/">Retour à l'accueil</a></p></body></html>
"""


def _form_charset(request):
    """The charset a form body declares (None: none declared)."""
    for param in (request.environ.get("CONTENT_TYPE") or "").split(";")[1:]:
        name, _sep, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').strip()
    return None


def _is_utf8(charset):
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False


def _drop_body(request):
    """Nothing reads the refused body (not even the error page, whose
    locale negotiation looks at ``request.params``)."""
    request.environ["CONTENT_TYPE"] = "application/octet-stream"


class UnreadableInput(HTTPBadRequest):
    """A request whose URL or body cannot be decoded (shown as the
    "Données illisibles" page, as a URL that is not UTF-8)."""


def _unreadable():
    return UnreadableInput(
        _("Les données envoyées ne sont pas lisibles (encodage invalide). Recommencez.")
    )


def limits_factory(handler, registry):
    """Refuse, before anything reads it, an oversized body, a form in another
    charset than UTF-8 and a query string that is not UTF-8 (WebOb raises on
    reading them, and so would the error page: its locale negotiation reads
    ``request.params``)."""
    max_body = int(registry.settings.get("portail.max_body", DEFAULT_MAX_BODY))
    max_upload = max(max_body, int(registry.settings.get("portail.max_upload", DEFAULT_MAX_UPLOAD)))

    def limits_tween(request):
        length = request.content_length
        limit = max_upload if request.content_type == "multipart/form-data" else max_body
        if length is not None and length > limit:
            _drop_body(request)
            raise HTTPRequestEntityTooLarge(_("Les données envoyées sont trop volumineuses."))
        if request.content_type in FORM_TYPES:
            charset = _form_charset(request)
            if charset is not None and not _is_utf8(charset):
                _drop_body(request)
                raise _unreadable()
        try:
            request.GET  # noqa: B018 (parsed here to be checked)
        except UnicodeDecodeError:
            request.environ["QUERY_STRING"] = ""
            _drop_body(request)
            raise _unreadable() from None
        try:
            # Parsed once here (WebOb keeps the result): a broken multipart
            # body raises ValueError, and would again in the error page.
            # A multipart one by corps_multipart (not cgi's line by line).
            # Its control characters are dropped (champs.nettoyer).
            if request.content_type == "multipart/form-data":
                corps_multipart.analyser(request)
            champs.nettoyer(request.POST)
        except Exception:
            log.info("Unreadable body on %s %s", request.method, _raw_path(request))
            _drop_body(request)
            raise _unreadable() from None
        try:
            return handler(request)
        except Exception as exc:
            from ..stockage import marquer_si_deconnexion

            marquer_si_deconnexion(exc)  # then retried, or the French 503
            raise

    return limits_tween


def _raw_path(request):
    """The path as the server received it: ``request.path_info`` raises
    UnicodeDecodeError when the URL is not UTF-8 (/familles/%FF/)."""
    return request.environ.get("PATH_INFO", "")


def _fallback(request, exc):
    """A plain 500 page when an exception escaped the exception views.
    ``request.exception`` is set as the exception view tween does, so that
    pyramid_retry still retries a conflict."""
    from ..stockage import marquer_si_deconnexion

    request.exception = exc
    request.exc_info = sys.exc_info()
    marquer_si_deconnexion(exc)  # psycopg2's SystemError in a commit...
    if transitoire(exc):
        # The database out of reach even before the views (beginning the
        # transaction polls it): retried, and after the last attempt the
        # French "try again" page, not a 500.
        log.info(
            "Database out of reach on %s %s, retried: %s",
            request.method,
            _raw_path(request),
            exc,
        )
        return page_occupe(request)
    log.error(
        "Error not handled by the error pages on %s %s",
        request.method,
        _raw_path(request),
        exc_info=exc,
    )
    return Response(FALLBACK_PAGE, status=500, content_type="text/html", charset="utf-8")


RETRY_AFTER = "2"  # seconds, for a 503 after a conflict
TITRE_OCCUPE = _("Service très sollicité")
TEXTE_OCCUPE = _(
    "Beaucoup de familles font leurs demandes en ce moment : la vôtre n'a pas "
    "été enregistrée. Réessayez dans quelques secondes."
)
# The "try again" page made without the database (nor Pyramid, for the
# load shedding in front of it).
PAGE_OCCUPE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>%(titre)s - Portail Famille</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>%(titre)s</h1><p>%(texte)s</p>
<p><a href="">%(reessayer)s</a></p></main></body>
</html>
"""
REESSAYER = _("Réessayer")


def transitoire(exc):
    """A conflict, or the database out of reach for a moment: retried."""
    from transaction.interfaces import TransientError

    from ..stockage import IBaseInjoignable

    return isinstance(exc, TransientError) or IBaseInjoignable.providedBy(exc)


def page_occupe_francaise(traduire=str):
    """The page's HTML; ``str`` gives the message ids: the French texts."""
    return PAGE_OCCUPE % {
        "titre": escape(traduire(TITRE_OCCUPE), quote=False),
        "texte": escape(traduire(TEXTE_OCCUPE), quote=False),
        "reessayer": escape(traduire(REESSAYER), quote=False),
    }


def page_occupe(request):
    """The French 503 "try again" page, made without the database."""
    return Response(
        page_occupe_francaise(request.localizer.translate),
        status=503,
        headers={"Retry-After": RETRY_AFTER},
        content_type="text/html",
        charset="utf-8",
    )


def headers_factory(handler, registry):
    manage_prefix = registry.settings.get("substanced.manage_prefix", "/manage")
    secure = asbool(registry.settings.get("portail.cookie_secure", False))
    town = _origin(registry.settings.get("portail.site_commune"))
    portal_csp, sdi_csp = PORTAL_CSP % town, SDI_CSP % town

    def headers_tween(request):
        try:
            response = handler(request)
        except Exception as exc:
            response = _fallback(request, exc)
        path = _raw_path(request)
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if path.startswith(manage_prefix):
            headers.setdefault("Content-Security-Policy", sdi_csp)
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        else:
            headers.setdefault("Content-Security-Policy", portal_csp)
            headers.setdefault("X-Frame-Options", "DENY")
        if not path.startswith(STATIC_PREFIXES):
            # Family data never stays in a shared or back-button cache.
            # The header itself: WebOb's setter fails once a view has read
            # ``response.cache_control`` (it passes 'response' as a callback).
            headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Pragma", "no-cache")
        if secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return headers_tween
