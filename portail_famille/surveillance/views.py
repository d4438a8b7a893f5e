"""The two endpoints of the people who run the portal.

- ``/sante``: the load balancer's health check.  200 "ok" when the
  database answers: traversal has read the root, the view reads its
  state and makes a round trip to the database's server (``joindre``);
  nothing is written (the transaction has
  nothing to commit), no session nor catalog is read.  503 and a French
  text when the database is out of reach: at the first attempt (the
  tween sets it as the last one), not after the retries a parent's
  request gets.
- ``/metriques``: Prometheus's text format 0.0.4 (``metriques.py``),
  which every Prometheus 2 and 3 reads.

Both are closed to the outside: only the addresses of
``portail.surveillance.adresses`` (addresses or networks separated by
spaces; default ``127.0.0.1 ::1``) get them, the others a 404 (as any
unknown page: no hint that they exist).  The address is REMOTE_ADDR:
waitress sets it from ``X-Forwarded-For`` only for a request from its
``trusted_proxy`` (production.ini: 127.0.0.1, the reverse proxy), and drops
that header from anyone else; WebOb's ``client_addr`` would read the
header whatever server runs the application.

Their permission, ``P.SURVEILLANCE_SONDER``, is granted to everybody on
the root (``security.PUBLIC_ACL``): the probes have no session, the
allow-list is the check.  Both are registered on the root only.
"""

import ipaddress
import logging

from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.settings import aslist
from pyramid.view import view_config
from pyramid_zodbconn import get_connection
from substanced.interfaces import IRoot

from ..i18n import _
from ..security import P
from .metriques import metriques

log = logging.getLogger(__name__)

ADRESSES = "portail.surveillance.adresses"
ADRESSES_DEFAUT = "127.0.0.1 ::1"
OK = "ok"
INDISPONIBLE = _("Indisponible : la base de données ne répond pas.")


def reseaux(settings):
    """The networks of the allow-list (a bare address: its own /32, /128)."""
    return tuple(
        ipaddress.ip_network(item, strict=False)
        for item in aslist(settings.get(ADRESSES, ADRESSES_DEFAUT))
    )


def autorise(request):
    """Whether the request's client address is in the allow-list."""
    registry = request.registry
    permis = registry.__dict__.get("portail_surveillance_reseaux")
    if permis is None:
        permis = registry.__dict__.setdefault(
            "portail_surveillance_reseaux", reseaux(registry.settings)
        )
    try:
        adresse = ipaddress.ip_address((request.remote_addr or "").strip("[]"))
    except ValueError:
        return False
    if adresse.version == 6 and adresse.ipv4_mapped is not None:
        adresse = adresse.ipv4_mapped
    return any(adresse in reseau for reseau in permis)


def joindre(storage):
    """A round trip to the database's server, where there is one.  ZEO's
    client serves the root from its caches while the server is gone (its
    invalidations come by themselves: no poll at a transaction's start):
    it is asked for its status (ClientDisconnected at once when the client
    knows it is cut off, after ``wait_timeout`` otherwise).  RelStorage
    polls PostgreSQL at each transaction's start (a lost server raised
    then); a FileStorage has no server."""
    if getattr(storage, "is_connected", None) is not None:
        if not storage.is_connected():
            raise ConnectionError("ZEO: not connected")
        storage.server_status()


def _texte(request, message, status):
    return Response(
        request.localizer.translate(message) + "\n",
        status=status,
        content_type="text/plain",
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )


def indisponible(request):
    """The health check's 503 (made without the database)."""
    response = _texte(request, INDISPONIBLE, 503)
    response.headers["Retry-After"] = "5"
    return response


@view_config(
    context=IRoot,
    name="sante",
    request_method=("GET", "HEAD"),
    permission=P.SURVEILLANCE_SONDER,
)
def sante(request):
    if not autorise(request):
        raise HTTPNotFound()
    try:
        request.root._p_activate()  # its state, from the database unless cached
        joindre(get_connection(request).db().storage)
    except Exception as exc:
        log.warning("Health check: the database does not answer (%s)", type(exc).__name__)
        return indisponible(request)
    return _texte(request, OK, 200)


@view_config(
    context=IRoot,
    name="metriques",
    request_method="GET",
    permission=P.SURVEILLANCE_SONDER,
)
def metriques_view(request):
    if not autorise(request):
        raise HTTPNotFound()
    return Response(
        body=metriques(request.registry).exposer(request),
        headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4, "Cache-Control": "no-store"},
    )
