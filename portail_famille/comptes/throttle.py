"""Slows down password guessing: per account and per address.

After ``LIMIT`` failures within ``WINDOW`` seconds for one identifier or one
address, further attempts are refused (without checking the password) until
the oldest of those failures leaves the window.  Refused attempts are not
counted, so the cool-down always ends: the right password works again after
at most ``WINDOW`` seconds.  Stored in the database, so every process of the
site shares the counts.
"""

import time

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from ..util import root_attribute

LIMIT = 10
WINDOW = 15 * 60
_ATTR = "_portail_throttle"


class Throttle(Persistent):
    def __init__(self):
        self.failures = OOBTree()  # key -> tuple of timestamps

    def _recent(self, key, now, window):
        return tuple(t for t in self.failures.get(key, ()) if now - t < window)

    def wait(self, keys, now=None, limit=LIMIT, window=WINDOW):
        """Seconds to wait before ``keys`` may try again (0: go ahead)."""
        now = time.time() if now is None else now
        wait = 0
        for key in keys:
            recent = self._recent(key, now, window)
            if len(recent) >= limit:
                wait = max(wait, recent[-limit] + window - now)
        return int(wait) + 1 if wait else 0

    def fail(self, keys, now=None, window=WINDOW):
        now = time.time() if now is None else now
        for key in keys:
            self.failures[key] = self._recent(key, now, window) + (now,)

    def forget(self, key):
        if key in self.failures:
            del self.failures[key]


def throttle(root):
    return root_attribute(root, _ATTR, Throttle)


def keys(login, address):
    """The counters an attempt touches: the account and the address."""
    return ("login:" + (login or "").strip().lower()[:100], "addr:" + (address or "?"))
