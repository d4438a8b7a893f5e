"""Tariffs: a price per unit of a prestation, by quotient familial bracket.

``prestation.tarifs`` is a tuple of (lowest quotient of the bracket,
price), Decimals; the bracket with the highest lower bound not above the
family's quotient applies.  A family without a known quotient pays the
highest bracket's price (what towns do when the CAF number is missing).
"""

from decimal import Decimal

from ..montants import arrondi

UNITES = (
    ("journee", "journée"),
    ("demi_journee", "demi-journée"),
    ("repas", "repas"),
    ("heure", "heure"),
)


def tranches(prestation):
    return tuple(sorted(getattr(prestation, "tarifs", ()) or ()))


def definir(prestation, tranches_):
    """Set the prestation's brackets: [(quotient_min, prix)], at least one,
    starting at 0."""
    rows = tuple(sorted((arrondi(Decimal(q)), arrondi(Decimal(p))) for q, p in tranches_))
    if not rows or rows[0][0] != 0:
        raise ValueError("the first bracket starts at a quotient of 0")
    prestation.tarifs = rows


def prix(prestation, quotient):
    """The unit price for a family of ``quotient`` (Decimal or None), or
    None when the prestation has no tariff."""
    rows = tranches(prestation)
    if not rows:
        return None
    if quotient is None:
        return rows[-1][1]
    found = rows[0][1]
    for minimum, price in rows:
        if quotient >= minimum:
            found = price
    return found
