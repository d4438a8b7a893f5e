"""Places of a prestation on a day: the counter parents hit together.

Each Prestation keeps an OOBTree ``places``: date -> ``Places`` (its own
from the start, evolve step 6 for older ones, so that two parents never
create it at once).  When two
transactions change the same day's counter at once, ZODB asks
``Places._p_resolveConflict`` to merge them: the changes add up as long as
the day's capacity holds, so parents booking different places of a day never
retry each other; only the attempt that would exceed the capacity conflicts,
is retried (pyramid_retry) and then finds the day full.
"""

from persistent import Persistent
from ZODB.POSException import ConflictError

from ..util import arbre

ATTRIBUT = "places"


class Places(Persistent):
    """``pris``: the places taken; ``limite``: the capacity the last change
    was made against (None: an agent's change that capacity does not bind,
    such as a child present without a reservation)."""

    def __init__(self):
        self.pris = 0
        self.limite = None

    def _p_resolveConflict(self, old, committed, new):
        pris = committed.get("pris", 0) + new.get("pris", 0) - old.get("pris", 0)
        limite = new.get("limite")
        grows = new.get("pris", 0) > old.get("pris", 0)
        if grows and limite is not None and pris > limite:
            raise ConflictError("no place left")
        resolved = dict(committed)
        resolved["pris"] = max(pris, 0)
        resolved["limite"] = limite
        return resolved


def pris(prestation, day):
    """How many places of ``day`` are taken."""
    tree = arbre(prestation, ATTRIBUT)
    if tree is None:
        return 0
    counter = tree.get(day)
    return counter.pris if counter is not None else 0


def depassements(prestation, depuis):
    """[(day, places taken)] of the days from ``depuis`` on whose places
    taken exceed the capacity (lowered since they were taken): one range
    read of the prestation's counters."""
    tree = arbre(prestation, ATTRIBUT)
    if tree is None:
        return []
    return [
        (day, counter.pris)
        for day, counter in tree.items(min=depuis)
        if counter.pris > prestation.capacite
    ]


def pris_entre(prestation, debut, fin):
    """{day: places taken} of the days of [debut, fin] with a counter: one
    range read of the prestation's counters (the month grid's "places
    left")."""
    tree = arbre(prestation, ATTRIBUT)
    if tree is None:
        return {}
    return {day: counter.pris for day, counter in tree.items(min=debut, max=fin)}


def restantes(prestation, day):
    return max(prestation.capacite - pris(prestation, day), 0)


def _compteur(prestation, day):
    tree = arbre(prestation, ATTRIBUT, create=True)
    counter = tree.get(day)
    if counter is None:
        counter = tree[day] = Places()
    return counter


def prendre(prestation, day, capacite=True):
    """Take one place of ``day``: False (nothing written) when the day is
    full and ``capacite`` binds; True otherwise."""
    counter = _compteur(prestation, day)
    if capacite and counter.pris >= prestation.capacite:
        return False
    counter.pris += 1
    counter.limite = prestation.capacite if capacite else None
    return True


def liberer(prestation, day):
    """Give one place of ``day`` back."""
    counter = _compteur(prestation, day)
    if counter.pris > 0:
        counter.pris -= 1
    counter.limite = None
