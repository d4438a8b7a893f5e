"""Tweens: request size limits and the security headers of every response."""

from pyramid.httpexceptions import HTTPRequestEntityTooLarge
from pyramid.settings import asbool

from ..i18n import _

DEFAULT_MAX_BODY = 2 * 1024 * 1024

PORTAL_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The SDI's own pages use inline scripts and styles.
SDI_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
STATIC_PREFIXES = ("/static-portail/", "/sdistatic/", "/deformstatic/")


def limits_factory(handler, registry):
    """Refuse an oversized body before anything reads it."""
    max_body = int(registry.settings.get("portail.max_body", DEFAULT_MAX_BODY))

    def limits_tween(request):
        length = request.content_length
        if length is not None and length > max_body:
            raise HTTPRequestEntityTooLarge(_("Les données envoyées sont trop volumineuses."))
        return handler(request)

    return limits_tween


def headers_factory(handler, registry):
    manage_prefix = registry.settings.get("substanced.manage_prefix", "/manage")
    secure = asbool(registry.settings.get("portail.cookie_secure", False))

    def headers_tween(request):
        response = handler(request)
        path = request.path_info
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if path.startswith(manage_prefix):
            headers.setdefault("Content-Security-Policy", SDI_CSP)
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        else:
            headers.setdefault("Content-Security-Policy", PORTAL_CSP)
            headers.setdefault("X-Frame-Options", "DENY")
        if not path.startswith(STATIC_PREFIXES):
            # Family data never stays in a shared or back-button cache.
            response.cache_control = "no-store"
            response.headers.setdefault("Pragma", "no-cache")
        if secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return headers_tween
