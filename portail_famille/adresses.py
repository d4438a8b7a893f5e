"""The portal's public address: every absolute URL that leaves the site is
built from the setting ``portail.url``, never from the request's Host.

A reset link in a mail built from the Host header would let a forged Host
send a victim's reset token to the attacker's server; the same goes for
the new-message mail, PayFiP's return and notification URLs, the planning
feed a calendar app polls and the address printed on a PDF.
``url_absolue`` puts ``portail.url`` (with its path when the portal is
served under one: ``https://mairie.example/portail``) in front of the
resource's path.

``portail.url`` is required in production (``portail.demo`` false): main()
refuses to start without it; a demonstration or development site defaults
to ``http://127.0.0.1:6543``.  In production a request for another host
than portail.url's (or those of ``portail.hotes_autorises``, names
separated by spaces) gets a short French 400, before anything reads the
database; the health check (``/sante``) and the metrics (``/metriques``,
closed by their own address allow-list) answer whatever the Host.
"""

from html import escape
from urllib.parse import urlsplit

from pyramid.exceptions import ConfigurationError
from pyramid.response import Response
from pyramid.settings import asbool, aslist

from .i18n import _

REGLAGE = "portail.url"
VARIABLE = "PORTAIL_FAMILLE_URL"
DEVELOPPEMENT = "http://127.0.0.1:6543"
# Paths a load balancer or Prometheus probes with its own Host.
SANS_HOTE = ("/sante", "/metriques")

TITRE_HOTE = _("Adresse inconnue")
TEXTE_HOTE = _("Ce site ne répond pas à l'adresse demandée. Vérifiez l'adresse du Portail Famille.")
# Made without the database nor a template: nothing here can fail.
PAGE_HOTE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>%(titre)s</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>%(titre)s</h1><p>%(texte)s</p></main></body>
</html>
"""


def production(settings):
    return not asbool(settings.get("portail.demo", False))


def url_du_portail(settings):
    """``portail.url`` checked and without its final ``/``; the
    development default when it is not set on a demonstration site.
    Raises ConfigurationError (production without it, or a malformed
    address)."""
    url = (settings.get(REGLAGE) or "").strip()
    if not url:
        if production(settings):
            raise ConfigurationError(
                "%s is not set: give the portal's public address (e.g. "
                "https://portail.mairie.example, with its path if it is served under "
                "one) in the .ini or in %s" % (REGLAGE, VARIABLE)
            )
        return DEVELOPPEMENT
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
    ):
        raise ConfigurationError(
            "%s = %r is not an http(s) address without query (e.g. "
            "https://portail.mairie.example or https://mairie.example/portail)" % (REGLAGE, url)
        )
    return url.rstrip("/")


def url_absolue(request, resource, *elements, query=None):
    """The absolute URL of ``resource`` (then ``elements``, ``query``) at
    the portal's public address, whatever Host the request came with."""
    base = request.registry.settings.get(REGLAGE) or DEVELOPPEMENT
    return request.resource_url(resource, *elements, query=query, app_url=base)


def _nom(host):
    """The lower-case host name of a Host header or URL netloc (no port, no
    final dot); '' when it cannot be read."""
    try:
        parts = urlsplit("//" + (host or ""))
        parts.port  # noqa: B018 (raises ValueError when it is not a number)
    except ValueError:
        return ""
    return (parts.hostname or "").rstrip(".")


def hotes_autorises(settings):
    """The host names a production site answers to."""
    noms = {_nom(urlsplit(settings.get(REGLAGE) or DEVELOPPEMENT).netloc)}
    noms.update(_nom(h) for h in aslist(settings.get("portail.hotes_autorises", "")))
    noms.discard("")
    return frozenset(noms)


def page_hote(traduire=str):
    """The 400 page's HTML; ``str`` gives the message ids: the French texts."""
    return PAGE_HOTE % {
        "titre": escape(traduire(TITRE_HOTE), quote=False),
        "texte": escape(traduire(TEXTE_HOTE), quote=False),
    }


def hote_factory(handler, registry):
    """Production only: a request for an unknown host gets a 400."""
    if not production(registry.settings):
        return handler
    noms = hotes_autorises(registry.settings)
    page = page_hote().encode("utf-8")

    def hote_tween(request):
        if _nom(request.host) in noms or request.environ.get("PATH_INFO", "").startswith(SANS_HOTE):
            return handler(request)
        return Response(
            body=page,
            status=400,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-store"},
        )

    return hote_tween


def includeme(config):
    config.add_tween(
        "portail_famille.adresses.hote_factory",
        under="portail_famille.skin.tweens.headers_factory",
        over="pyramid_tm.tm_tween_factory",
    )
