"""One log line per request, and the counters every request moves.

The line (logger ``portail_famille.requetes``, level INFO) carries the
request id, the user's id (the account's oid: never a login, a name, an
IBAN nor health data), the view that answered (its module and function,
the label of the metrics: a bounded set, never the URL, whose path and
query may hold a family's number or a searched name), the method, the
status and the time in milliseconds:

    id=4f0c... utilisateur=1234567 route=planning.views:mois methode=GET statut=200 duree_ms=41.2

The same fields are the record's attributes: a JSON formatter
(python-json-logger, ``[formatter_json]`` of production.ini) writes each
as its own key.  Which formatter a handler uses is the .ini's logging
configuration.

The request id is the ``X-Request-Id`` the reverse proxy sets (nginx:
``proxy_set_header X-Request-Id $request_id``, which replaces a client's)
when it looks like one (letters, digits, ``-`` ``_`` ``.``, 8 to 64
characters: nothing a forged header could inject into a log line),
otherwise a new one; it is sent back in the response's ``X-Request-Id``.
"""

import logging
import re
import time
import uuid

from pyramid_retry import is_error_retryable
from ZODB.POSException import ConflictError

from .metriques import metriques
from .views import indisponible

log = logging.getLogger("portail_famille.requetes")

ENTETE = "X-Request-Id"
IDENTIFIANT = re.compile(r"[A-Za-z0-9._-]{8,64}\Z")
# The endpoints of the load balancer and Prometheus: answered at the first
# attempt (a database out of reach is said at once, not after the retries).
SANS_REESSAI = ("/sante", "/metriques")
SANTE = "/sante"
# The method label: a bounded set (any other method is "autre").
METHODES = {m: m for m in ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH")}
AUCUNE = "-"  # no view answered (refused before the views)
CHAMPS = ("id", "utilisateur", "route", "methode", "statut", "duree_ms")


def identifiant(environ):
    """The request's id: the proxy's X-Request-Id if well formed, else new."""
    found = environ.get("portail.requete_id")
    if found is None:
        entete = environ.get("HTTP_X_REQUEST_ID", "")
        found = entete if IDENTIFIANT.match(entete) else uuid.uuid4().hex
        environ["portail.requete_id"] = found
    return found


def ligne(champs):
    """``key=value ...`` in the order of CHAMPS."""
    return " ".join("%s=%s" % (cle, champs[cle]) for cle in CHAMPS)


def noter(champs):
    log.info(ligne(champs), extra=dict(champs))


def nom_de_vue(view, info):
    """``module:function`` (``module:Class.attr``) of a view, as
    tests/functional/acces_attendu.txt names it."""
    original = info.original_view
    module = getattr(original, "__module__", None) or type(original).__module__
    nom = getattr(original, "__qualname__", None) or type(original).__qualname__
    attr = info.options.get("attr")
    if attr and isinstance(original, type):
        nom = "%s.%s" % (nom, attr)
    return "%s:%s" % (module.removeprefix("portail_famille."), nom)


def vue_deriver(view, info):
    """Remember on the request the first view called (the one traversal
    found; an exception view when no view was)."""
    nom = nom_de_vue(view, info)

    def vue_notee(context, request):
        request.__dict__.setdefault("portail_vue", nom)
        return view(context, request)

    return vue_notee


vue_deriver.options = ()


def noter_utilisateur(event):
    """After traversal (ContextFound): the account's id, read while the
    request's transaction is open (the tween's line is written after it
    ended).  The policy caches it: the transaction's annotation asks too."""
    request = event.request
    request.__dict__["portail_utilisateur"] = request.authenticated_userid


def compter_reessai(event):
    """pyramid_retry's IBeforeRetry: one attempt thrown away."""
    metriques(event.request.registry).reessais.labels(erreur=type(event.exception).__name__).inc()


def compter_transferts(event):
    """pyramid_zodbconn's ZODBConnectionWillClose: objects the request
    loaded (its object cache missed them) and stored."""
    chargements, ecritures = event.conn.getTransferCounts(clear=True)
    m = metriques(event.request.registry)
    if chargements:
        m.chargements.inc(chargements)
    if ecritures:
        m.ecritures.inc(ecritures)


def journal_factory(handler, registry):
    m = metriques(registry)
    # The series of each (route, method, status): prometheus-client's
    # labels() checks and sorts its arguments and takes a lock on every
    # call; a series, once made, stays the same object (nothing removes
    # one), so it is looked up once.  A race makes it twice: the same one.
    series = {}

    def compter(route, methode, statut, duree):
        key = (route, methode, statut)
        found = series.get(key)
        if found is None:
            found = series[key] = (
                m.requetes.labels(route=route, methode=methode, statut=statut),
                m.durees.labels(route=route),
            )
        found[0].inc()
        found[1].observe(duree)

    def journal_tween(request):
        environ = request.environ
        debut = time.perf_counter()
        rid = identifiant(environ)
        if environ.get("PATH_INFO") in SANS_REESSAI and "retry.attempt" in environ:
            environ["retry.attempts"] = environ["retry.attempt"] + 1
        levee = erreur = None
        response = None
        try:
            response = handler(request)
            if environ.get("PATH_INFO") == SANTE and response.status_int >= 500:
                response = indisponible(request)
            return response
        except Exception as exc:
            if environ.get("PATH_INFO") != SANTE:
                levee = exc
                raise
            erreur = exc
            response = indisponible(request)
            return response
        except BaseException as exc:
            levee = exc
            raise
        finally:
            duree = time.perf_counter() - debut
            exc = levee or erreur or getattr(request, "exception", None)
            if isinstance(exc, ConflictError):
                m.conflits.inc()
            if exc is None or not is_error_retryable(request, exc):
                # The last attempt (a retried one is thrown away).
                statut = response.status_int if response is not None and levee is None else 500
                route = request.__dict__.get("portail_vue", AUCUNE)
                methode = METHODES.get(request.method, "autre")
                compter(route, methode, str(statut), duree)
                utilisateur = request.__dict__.get("portail_utilisateur")
                noter(
                    {
                        "id": rid,
                        "utilisateur": AUCUNE if utilisateur is None else utilisateur,
                        "route": route,
                        "methode": methode,
                        "statut": statut,
                        "duree_ms": round(duree * 1000, 1),
                    }
                )
            if response is not None:
                response.headers[ENTETE] = rid

    return journal_tween


def noter_refus_surcharge(registry, environ):
    """A request the load shedding refused (503) before the application."""
    metriques(registry).surcharge.inc()
    noter(
        {
            "id": identifiant(environ),
            "utilisateur": AUCUNE,
            "route": "surcharge",
            "methode": METHODES.get(environ.get("REQUEST_METHOD"), "autre"),
            "statut": 503,
            "duree_ms": 0.0,
        }
    )
