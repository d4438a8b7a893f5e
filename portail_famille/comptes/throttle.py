"""Slows down password guessing without letting anybody lock an owner out.

OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a browser
in which an account logged in carries a device cookie for it (``appareil``).

- An attempt bearing a valid device cookie for the login typed counts only
  against that cookie (``APPAREIL``: after a few failures that browser
  waits), never against the account: failures made elsewhere never stop it.
- Attempts from other browsers share the account's counter (``COMPTE``):
  after a few free failures each one waits longer than the last (1 s, 2 s,
  4 s... up to a maximum), never refused for good.  They are also counted
  per (address, account) pair (``PAIRE``) and per address alone, with a
  much higher ceiling (``ADRESSE``: a school's or a town hall's NAT).
- A refused attempt is answered at once (the seconds to wait), checks no
  password and is not counted: the wait always ends.
- An attempt is counted before its password is checked (and taken back if
  it was right): concurrent attempts write the same key, so all but one
  conflict, are retried and find the wait; they cannot all slip into one
  free slot.

The counts live in the database (every process shares them), in one tree
per day: only today's and yesterday's are read, older ones are dropped, so
the store stays bounded; the nightly retention job (``rgpd.retention``)
drops what no longer counts, which a quiet site would otherwise keep.
Concurrent failures on different keys touch different BTree entries,
which ZODB merges.  It cannot merge changes to an empty tree, nor the
deletion of a bucket's first key (BTreesConflictError), and a right
password takes its count back: without more, every login of the day
would empty today's tree again and two parents logging in at once would
always conflict (measured: every concurrent pair, each conflict a retry
and a second Argon2 check).  So each day's tree starts with a key that is
never deleted nor read as a count (``DEBUT``).
"""

import math
import time
from typing import NamedTuple

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from ..util import root_attribute

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
PERIOD = DAY  # longer than every window: today's and yesterday's trees suffice
ATTRIBUT = "_portail_throttle"
DEBUT = ""  # every day's first key, never deleted: sorts before every rule's prefix


class Rule(NamedTuple):
    """``free`` failures within ``window`` seconds pass; then either a
    ceiling (``max_delay`` 0: wait until the oldest of the last ``free``
    leaves the window) or a growing delay after the last failure (1 s,
    doubled at each failure, ``max_delay`` at most)."""

    prefix: str
    window: int
    free: int
    max_delay: int = 0

    def kept(self):
        """Failures worth keeping: past these, the wait no longer grows."""
        if not self.max_delay:
            return self.free
        return self.free + 1 + math.ceil(math.log2(max(self.max_delay, 1)))

    def wait(self, times, now):
        n = len(times)
        if n < self.free or not n:
            return 0
        if self.max_delay:
            return max(0, times[-1] + min(self.max_delay, 2 ** (n - self.free)) - now)
        return max(0, times[-self.free] + self.window - now)


class Rules(NamedTuple):
    appareil: Rule  # login, per device cookie
    compte: Rule  # login, browsers without a device cookie for the account
    paire: Rule  # login, per (address, account)
    adresse: Rule  # login, per address alone
    reset_appareil: Rule  # reset mails asked from a device cookie
    reset_compte: Rule  # reset mails of one account asked elsewhere
    reset_adresse: Rule  # reset mails asked from one address


# Setting (``portail.``...) -> default.
DEFAULTS = {
    "connexion.par_appareil": 10,
    "connexion.essais_libres": 5,
    "connexion.attente_max": 15 * MINUTE,
    "connexion.par_adresse_et_compte": 10,
    "connexion.par_adresse": 100,
    "reinitialisation.par_compte": 3,
    "reinitialisation.par_adresse": 20,
}


def rules(settings):
    """The rules, with the limits of the settings."""

    def get(name):
        return int(settings.get("portail." + name, DEFAULTS[name]))

    quarter = 15 * MINUTE
    per_account = get("reinitialisation.par_compte")
    return Rules(
        appareil=Rule("appareil", quarter, get("connexion.par_appareil")),
        compte=Rule(
            "compte", DAY, get("connexion.essais_libres"), max(1, get("connexion.attente_max"))
        ),
        paire=Rule("paire", quarter, get("connexion.par_adresse_et_compte")),
        adresse=Rule("adresse", quarter, get("connexion.par_adresse")),
        reset_appareil=Rule("reset-appareil", HOUR, per_account),
        reset_compte=Rule("reset-compte", HOUR, per_account),
        reset_adresse=Rule("reset-adresse", HOUR, get("reinitialisation.par_adresse")),
    )


def normal(login):
    """The login as counted (case and surrounding spaces do not matter)."""
    return (login or "").strip().lower()[:100]


def pair(address, login):
    return "%s|%s" % (address, normal(login))


def password_checks(rules, login, address, nonce=None):
    """What an attempt at ``login``'s password counts against: its device
    cookie's ``nonce`` alone, or (a browser the account does not know) the
    account, the (address, account) pair and the address."""
    if nonce is not None:
        return [(rules.appareil, nonce)]
    login = normal(login)
    return [
        (rules.compte, login),
        (rules.paire, pair(address, login)),
        (rules.adresse, address),
    ]


def mail_checks(rules, login, address, nonce=None):
    """What a request for ``login``'s reset mail counts against."""
    if nonce is not None:
        return [(rules.reset_appareil, nonce)]
    return [(rules.reset_compte, normal(login)), (rules.reset_adresse, address)]


class Throttle(Persistent):
    def __init__(self):
        self.periods = OOBTree()  # day number -> OOBTree(key -> timestamps)

    @staticmethod
    def _key(rule, ident):
        return "%s:%s" % (rule.prefix, ident)

    def _times(self, key, now, window):
        day = int(now // PERIOD)
        found = ()
        for tree in (self.periods.get(day - 1), self.periods.get(day)):
            if tree is not None:
                found += tree.get(key, ())
        return tuple(t for t in found if now - t < window)

    def wait(self, checks, now=None):
        """Seconds before an attempt counted by ``checks`` (pairs of a rule
        and what it counts) may go ahead; 0: now."""
        now = time.time() if now is None else now
        wait = 0
        for rule, ident in checks:
            wait = max(wait, rule.wait(self._times(self._key(rule, ident), now, rule.window), now))
        return math.ceil(wait)

    def fail(self, checks, now=None):
        """Count one failure (or one request) against each of ``checks``."""
        now = time.time() if now is None else now
        day = int(now // PERIOD)
        tree = self.periods.get(day)
        if tree is None:
            tree = self.periods[day] = OOBTree()
            for old in list(self.periods.keys(max=day - 2)):
                del self.periods[old]
        if DEBUT not in tree:  # a tree of a day begun before it
            tree[DEBUT] = ()
        for rule, ident in checks:
            key = self._key(rule, ident)
            # Yesterday's failures stay where they are; today's tree keeps
            # the last ones that still count.
            times = tuple(t for t in tree.get(key, ()) if now - t < rule.window)
            tree[key] = (times + (now,))[-rule.kept() :]

    def unfail(self, checks, now):
        """Take back the failure ``fail`` counted at ``now``."""
        tree = self.periods.get(int(now // PERIOD))
        if tree is None:
            return
        for rule, ident in checks:
            key = self._key(rule, ident)
            times = tree.get(key, ())
            if now in times:
                kept = tuple(t for t in times if t != now)
                if kept:
                    tree[key] = kept
                else:
                    del tree[key]

    def purger(self, rules, now=None):
        """Drop the records that no longer count: the days before yesterday,
        and the keys of today and yesterday whose newest failure left its
        rule's window (their trees stay: attempts write there).  They name
        addresses and logins (personal data), and nothing else drops them
        when nobody fails any more.  The number of records dropped."""
        now = time.time() if now is None else now
        windows = {rule.prefix: rule.window for rule in rules}
        longest = max(windows.values())
        dropped = 0
        for day in list(self.periods.keys()):
            tree = self.periods[day]
            if day < int(now // PERIOD) - 1:
                dropped += len(tree) - (DEBUT in tree)
                del self.periods[day]
                continue
            for key, times in list(tree.items()):
                if key != DEBUT and now - max(times, default=0) >= windows.get(
                    key.split(":", 1)[0], longest
                ):
                    del tree[key]
                    dropped += 1
        return dropped

    def forget(self, rule, ident):
        key = self._key(rule, ident)
        for tree in self.periods.values():
            if key in tree:
                del tree[key]


def throttle(root):
    return root_attribute(root, ATTRIBUT, Throttle)
