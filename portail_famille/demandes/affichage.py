"""How a value of a request is written for people (French, masked IBAN)."""

import datetime
from decimal import Decimal

from .. import dates
from ..familles.validators import masquer_iban
from ..i18n import _

MASQUES = ("iban",)


def valeur(name, value, reveler=False):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, Decimal):
        return "%.2f" % value
    if isinstance(value, datetime.datetime):
        return dates.local(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if name in MASQUES and not reveler:
        return masquer_iban(value)
    return str(value)
