"""Conflicting writes are retried (``pyramid_retry``, ``retry.attempts``);
before each new attempt the request waits a short random time that grows
with the attempt (up to half a second), so that requests that collided do
not collide again at once (many parents booking the last places of a
day), and so that a request outlasts the commit of a long job's batch (an
invoicing run holding RelStorage's row locks: with a ceiling of a quarter
of a second, a payment made during two runs got its tenth "lock not
available" about once in four cluster runs)."""

import random
import time

from pyramid_retry import IBeforeRetry
from ZODB.POSException import ConflictError

BASE = 0.01  # seconds
PLAFOND = 0.5  # seconds: the longest wait before one attempt


def attente(attempt):
    """The longest wait before the attempt after ``attempt`` (0-based)."""
    return min(BASE * 2 ** (attempt + 1), PLAFOND)


def attendre(event):
    attempt = event.environ.get("retry.attempt", 0)
    time.sleep(random.uniform(0, attente(attempt)))  # noqa: S311 (not security)


def essayer(tm, travail, essais=10):
    """Run ``travail()`` and commit; again, after the same growing random
    wait as a request, when it conflicts with another transaction (a batch
    of a long job: an invoicing run, a group message).  Without ``tm``,
    ``travail()`` runs in the caller's transaction."""
    if tm is None:
        return travail()
    for essai in range(essais):
        try:
            result = travail()
            tm.commit()
            return result
        except ConflictError:
            tm.abort()
            if essai == essais - 1:
                raise
            time.sleep(random.uniform(0, attente(essai)))  # noqa: S311 (not security)
    return None  # pragma: no cover


def includeme(config):
    config.add_subscriber(attendre, IBeforeRetry)
