"""Load shedding: when a process is overloaded it answers at once with 503
and Retry-After (a short French page) instead of letting requests wait in
waitress's queue until the client gives up.

A WSGI middleware (wrapped around the application by ``main`` when
``portail.max_en_cours`` is set) admits at most ``portail.max_en_cours``
requests in the application at once in this process; the next ones are
refused without touching the database.  waitress's ``threads`` must be set
above it: the threads beyond the limit are the ones that refuse, so a
refusal never waits behind the slow requests.  Static files and the health
check (``portail.surcharge_exemptes``: path prefixes) are always served.

Settings: ``portail.max_en_cours`` (0 or unset: no limit),
``portail.retry_after`` (seconds, default 5), ``portail.surcharge_exemptes``
(whitespace-separated path prefixes; default the static files, the
health check ``/sante`` and the metrics ``/metriques``: a full process is
seen, not missed).  Each refusal is counted
(``portail_surcharge_refus_total``) and logged (``surveillance.journal``).
"""

import threading

from .skin.tweens import STATIC_PREFIXES, page_occupe_francaise
from .surveillance.journal import noter_refus_surcharge

# The static files the headers tween knows, the health check, the metrics.
EXEMPTES = (*STATIC_PREFIXES, "/sante", "/metriques")
RETRY_AFTER = "5"


class Surcharge:
    """At most ``limite`` requests in ``app`` at once; 503 for the others."""

    def __init__(self, app, limite, retry_after=RETRY_AFTER, exemptes=EXEMPTES):
        self.app = app
        self.limite = limite
        self.places = threading.BoundedSemaphore(limite)
        self.retry_after = str(retry_after)
        self.exemptes = tuple(exemptes)
        self.refusees = 0  # since start (figures for the bench and the logs)
        self.page = page_occupe_francaise().encode("utf-8")

    def __getattr__(self, name):  # registry, ... of the wrapped router
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(self.exemptes):
            return self.app(environ, start_response)
        if not self.places.acquire(blocking=False):
            self.refusees += 1
            noter_refus_surcharge(self.app.registry, environ)
            start_response(
                "503 Service Unavailable",
                [
                    ("Content-Type", "text/html; charset=UTF-8"),
                    ("Content-Length", str(len(self.page))),
                    ("Retry-After", self.retry_after),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [self.page]
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self.places.release()
            raise
        return _Liberation(body, self.places.release)


class _Liberation:
    """The application's body; the place is given back when the server
    closes it (after the last byte was sent)."""

    def __init__(self, body, release):
        self.body = body
        self.release = release
        self.done = False

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            if not self.done:
                self.done = True
                self.release()


def envelopper(app, settings):
    """``app`` behind the limit of ``portail.max_en_cours`` (unchanged when
    it is unset or 0)."""
    limite = int(settings.get("portail.max_en_cours") or 0)
    if limite <= 0:
        return app
    exemptes = settings.get("portail.surcharge_exemptes")
    return Surcharge(
        app,
        limite,
        settings.get("portail.retry_after") or RETRY_AFTER,
        exemptes.split() if exemptes else EXEMPTES,
    )
