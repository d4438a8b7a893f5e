"""Money: always Decimal, rounded to the cent, written the French way."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import parse_pattern

ZERO = Decimal("0.00")
CENTIME = Decimal("0.01")


def arrondi(value):
    """``value`` as a Decimal rounded to the cent (half up, as a cashier)."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(value).quantize(CENTIME, rounding=ROUND_HALF_UP)


def lire(text):
    """A typed amount ('120,60', '120.60', '1 234,5') as a Decimal, or None
    when it is not one."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    cleaned = cleaned.removesuffix("€").replace(",", ".")
    try:
        value = Decimal(cleaned)
        if not value.is_finite():
            return None
        # "1e30" is a number, but too long for the cent (InvalidOperation)
        return arrondi(value)
    except InvalidOperation:
        return None


# Parsed once: Babel's format_decimal parses both on every call (a third of
# the home page's invoices block).
_FRANCAIS = Locale.parse("fr_FR")
_MOTIF = parse_pattern("#,##0.00")


def nombre(value):
    """Decimal('1234.5') -> '1 234,50' (French grouping and comma)."""
    return _MOTIF.apply(arrondi(value), _FRANCAIS)


def euros(value):
    """Decimal('120.6') -> '120,60 €'."""
    return "%s\xa0€" % nombre(value)
