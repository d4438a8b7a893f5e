"""The site's journal: who did what, when; kept, never rotated.

SubstanceD's audit log keeps only its last 1,000 events, all in one object
rewritten by every audited transaction (about 270 kB each, measured): it
is neither a lasting record nor cheap.  This journal is a BTree keyed by
time: an entry costs one small bucket write, and entries stay (the
retention of personal data is a decision of the town, not of a buffer).
An entry never holds the data it is about (no IBAN, no password).
"""

import json
import time

from BTrees.LOBTree import LOBTree
from persistent import Persistent

from .util import root_attribute

_ATTR = "_portail_journal"


class Journal(Persistent):
    def __init__(self):
        self.entries = LOBTree()  # microseconds since the epoch -> entry

    def add(self, action, qui, objet=None, now=None, **details):
        """Record ``action`` by ``qui`` (a login) about ``objet`` (an oid)."""
        moment = now if now is not None else time.time()
        key = int(moment * 1_000_000)
        while key in self.entries:
            key += 1
        self.entries[key] = (action, qui, objet, json.dumps(details, sort_keys=True))
        return key

    def latest(self, limit=50, action=None, objet=None):
        """Newest first: dicts with moment (epoch seconds), action, qui,
        objet and the details."""
        found = []
        for key in _newest_first(self.entries):
            entry = self._entry(key)
            if (action is None or entry["action"] == action) and (
                objet is None or entry["objet"] == objet
            ):
                found.append(entry)
                if len(found) >= limit:
                    break
        return found

    def _entry(self, key):
        action, qui, objet, details = self.entries[key]
        return {
            "moment": key / 1_000_000,
            "action": action,
            "qui": qui,
            "objet": objet,
            "details": json.loads(details),
        }


def _newest_first(tree):
    """Keys of ``tree`` from the largest down, a bucket at a time."""
    if not tree:
        return
    high = tree.maxKey()
    while True:
        keys = list(tree.keys(max=high, min=high - 3_600_000_000))  # an hour at a time
        yield from reversed(keys)
        try:
            high = tree.maxKey(high - 3_600_000_000 - 1)
        except ValueError:
            return


def journal(root):
    return root_attribute(root, _ATTR, Journal)
