"""The login throttle keeps its counts in one tree per day (old days
dropped) and per device cookie, account, (address, account) pair and
address: the old store (one tree of every key ever failed, never pruned)
goes.  Its counts covered a quarter of an hour: nothing worth keeping."""

from ..comptes.throttle import Throttle

ATTRIBUTE = "_portail_throttle"  # on the root (comptes.throttle.throttle)


def evolve(root, registry):
    if getattr(root, ATTRIBUTE, None) is not None:
        setattr(root, ATTRIBUTE, Throttle())
