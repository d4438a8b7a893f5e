"""Conflicting writes are retried (``pyramid_retry``, ``retry.attempts``);
before each new attempt the request waits a short random time that grows
with the attempt, so that requests that collided do not collide again at
once (many parents booking the last places of a day)."""

import random
import time

from pyramid_retry import IBeforeRetry

BASE = 0.01  # seconds


def attendre(event):
    attempt = event.environ.get("retry.attempt", 0)
    time.sleep(random.uniform(0, BASE * 2 ** (attempt + 1)))  # noqa: S311 (not security)


def includeme(config):
    config.add_subscriber(attendre, IBeforeRetry)
