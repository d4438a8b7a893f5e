"""Money: always Decimal, rounded to the cent, written the French way."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


# French grouping: a narrow no-break space between thousands, a comma before
# the cents (what Babel writes for fr_FR, without its per-call pattern work:
# a page of amounts calls this often).
_FRANCAIS = str.maketrans({",": "\u202f", ".": ","})


def nombre(value):
    """Decimal('1234.5') -> '1 234,50' (French grouping and comma)."""
    return format(arrondi(value), ",.2f").translate(_FRANCAIS)


def euros(value):
    """Decimal('120.6') -> '120,60 €'."""
    return "%s\xa0€" % nombre(value)
