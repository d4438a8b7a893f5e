"""Conflicting writes are retried (``pyramid_retry``, ``retry.attempts``);
before each new attempt the request waits a short random time that grows
with the attempt (up to a quarter of a second), so that requests that collided do not collide again at
once (many parents booking the last places of a day)."""

import random
import time

from pyramid_retry import IBeforeRetry

BASE = 0.01  # seconds
PLAFOND = 0.25  # seconds: the longest wait before one attempt


def attente(attempt):
    """The longest wait before the attempt after ``attempt`` (0-based)."""
    return min(BASE * 2 ** (attempt + 1), PLAFOND)


def attendre(event):
    attempt = event.environ.get("retry.attempt", 0)
    time.sleep(random.uniform(0, attente(attempt)))  # noqa: S311 (not security)


def includeme(config):
    config.add_subscriber(attendre, IBeforeRetry)
