"""Money: always Decimal, rounded to the cent, written the French way, and
read from what people type by one strict parser.

``lire`` is the only way a typed amount becomes a Decimal (payments, credit
notes, tariffs: the ``Montant`` colander type is built on it).  Python's
``Decimal()`` reads far more than an amount: ``1e6`` (a million euros from
six characters), ``1_000``, ``NaN``, ``Infinity``, Arabic-Indic or
full-width digits; and rounding ``12,345`` to 12,35 € hides a typing
error.  So an amount is ASCII digits, grouped by thousands with spaces (the
French way: a space, a no-break space U+00A0 or a narrow one U+202F, as
``nombre`` writes them), a comma (or a dot) and at most two decimals, an
optional ``€``; nothing else, and no more than ``portail.montant_max``
(10 000 € unless set).
"""

import re
from decimal import ROUND_HALF_UP, Decimal

import colander
from pyramid.threadlocal import get_current_registry

from .i18n import _

ZERO = Decimal("0.00")
CENTIME = Decimal("0.01")
MAXIMUM = Decimal("10000")  # portail.montant_max: above it, surely a typing error
SAISIE_MAX = 30  # characters: longer is no amount (and is not read)

_GROUPE = "[ \u00a0\u202f]"
_MONTANT = re.compile(
    r"(?P<entiers>[0-9]{1,3}(?:%s[0-9]{3})+|[0-9]+)(?:[,.](?P<decimales>[0-9]+))?" % _GROUPE
)
_EURO = re.compile(r"%s*€$" % _GROUPE)

INVALIDE = _("Montant invalide : écrivez par exemple 120,60.")


class MontantInvalide(ValueError):
    """A typed text that is not an amount; ``args[0]`` is the French message
    to show beside the field."""


def arrondi(value):
    """``value`` as a Decimal rounded to the cent (half up, as a cashier)."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(value).quantize(CENTIME, rounding=ROUND_HALF_UP)


def montant_max(settings):
    """The largest amount a form accepts (``portail.montant_max``, euros)."""
    value = (settings or {}).get("portail.montant_max")
    if value in (None, ""):
        return MAXIMUM
    return lire(str(value), maximum=Decimal("1e12"))


def lire(text, maximum=MAXIMUM, message=None, positif=False):
    """The amount ``text`` says ('120,60', '1 234,56', '12.34', '5 €'), a
    Decimal with two decimals; MontantInvalide (French message) when it is
    empty, not an amount, negative, with more than two decimals or above
    ``maximum``; zero too when ``positif`` (a payment, a refund).
    ``message``: one message for every refusal (a number that is not in
    euros: "Nombre de parts invalide.")."""

    def refus(texte):
        return MontantInvalide(message or texte)

    if not isinstance(text, str) or not text.strip():
        raise refus(_("Indiquez le montant."))
    if len(text) > SAISIE_MAX:
        raise refus(INVALIDE)
    cleaned = _EURO.sub("", text.strip()).strip()
    if cleaned.startswith("-") and _MONTANT.fullmatch(cleaned[1:].strip()):
        raise refus(_("Le montant ne peut pas être négatif."))
    match = _MONTANT.fullmatch(cleaned)
    if match is None:
        raise refus(INVALIDE)
    decimales = match.group("decimales") or ""
    if len(decimales) > 2:
        raise refus(_("Deux chiffres au plus après la virgule, par exemple 12,34."))
    entiers = re.sub(_GROUPE, "", match.group("entiers"))
    value = arrondi(Decimal("%s.%s" % (entiers, decimales or "0")))
    if value > maximum:
        raise refus(
            _("Le montant ne peut dépasser ${maximum}.", mapping={"maximum": euros(maximum)})
        )
    if positif and value <= ZERO:
        raise refus(_("Le montant doit être supérieur à 0."))
    return value


class Montant(colander.SchemaType):
    """A form's amount, read by ``lire`` (an empty field is missing); the
    maximum is ``portail.montant_max`` unless given; ``message`` as
    ``lire``'s."""

    def __init__(self, maximum=None, message=None):
        self.maximum = maximum
        self.message = message

    def serialize(self, node, appstruct):
        if appstruct is colander.null or appstruct is None:
            return colander.null
        return nombre(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or (isinstance(cstruct, str) and not cstruct.strip()):
            return colander.null
        plafond = self.maximum
        if plafond is None:
            plafond = montant_max(get_current_registry().settings)
        try:
            return lire(cstruct, maximum=plafond, message=self.message)
        except MontantInvalide as refus:
            raise colander.Invalid(node, refus.args[0], cstruct) from None


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


def decimal(value):
    """A number that is not money, the French way: Decimal('2.50') -> '2,5',
    Decimal('12500') -> '12 500' (its useless zeros dropped)."""
    if isinstance(value, float):
        raise TypeError("a decimal is never a float")
    value = Decimal(value)
    entiers, _point, decimales = format(value, ",f").partition(".")
    decimales = decimales.rstrip("0")
    texte = entiers + ("." + decimales if decimales else "")
    return texte.translate(_FRANCAIS)
