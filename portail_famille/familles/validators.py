"""Field types and validators of the family record, with French messages."""

import datetime
import re

import colander
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from .. import dates
from ..i18n import _

_PHONE_PREFIX = re.compile(r"^(?:\+33|0033)")


def normalise_telephone(value):
    """'0102030405', '01 02 03 04 05', '+33 1 02 03 04 05' -> '01.02.03.04.05'.

    Returns None when the value is not a French phone number."""
    digits = re.sub(r"[\s.\-/()]", "", value)
    digits = _PHONE_PREFIX.sub("0", digits)
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        return None
    return ".".join(digits[i : i + 2] for i in range(0, 10, 2))


class Telephone(colander.String):
    """A French phone number, stored as 01.02.03.04.05 ('' when empty)."""

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value in (colander.null, ""):
            return value
        normalised = normalise_telephone(value)
        if normalised is None:
            raise colander.Invalid(
                node,
                _(
                    "Numéro de téléphone invalide : 10 chiffres commençant par 0 "
                    "(par exemple 01.02.03.04.05)."
                ),
            )
        return normalised


def code_postal(node, value):
    if value and not re.fullmatch(r"\d{5}", value):
        raise colander.Invalid(node, _("Le code postal doit comporter 5 chiffres."))


def email(node, value):
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise colander.Invalid(node, _("Adresse email invalide."))


def iban(node, value):
    if not value:
        return
    try:
        IBAN(value)
    except SchwiftyException:
        raise colander.Invalid(node, _("IBAN invalide : vérifiez le numéro.")) from None


def bic(node, value):
    if not value:
        return
    try:
        BIC(value)
    except SchwiftyException:
        raise colander.Invalid(node, _("BIC invalide : vérifiez le code.")) from None


def numero_allocataire(node, value):
    if value and not re.fullmatch(r"\d{1,10}", value):
        raise colander.Invalid(
            node, _("Le n° allocataire ne comporte que des chiffres (10 au plus).")
        )


def numero_famille(node, value):
    if not re.fullmatch(r"\d{6,20}", value or ""):
        raise colander.Invalid(node, _("Le n° famille ne comporte que des chiffres (6 à 20)."))


def masquer_iban(value):
    """FR7630001007941234567890185 -> 'FR76 •••• •••• 0185'."""
    if not value:
        return ""
    compact = value.replace(" ", "")
    return "%s •••• •••• %s" % (compact[:4], compact[-4:])


_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class DateFr(colander.SchemaType):
    """A date typed the French way (JJ/MM/AAAA; AAAA-MM-JJ is accepted too),
    shown as JJ/MM/AAAA; ``None`` when empty."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return dates.courte(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return colander.null
        if not isinstance(cstruct, str):
            raise colander.Invalid(node, _("Date invalide."))
        value = cstruct.strip()
        match = _DATE_FR.fullmatch(value)
        parts = None
        if match:
            parts = (int(match.group(3)), int(match.group(2)), int(match.group(1)))
        else:
            match = _DATE_ISO.fullmatch(value)
            if match:
                parts = tuple(int(g) for g in match.groups())
        try:
            if parts is None or parts[0] < 1900:
                raise ValueError(value)
            return datetime.date(*parts)
        except ValueError:
            raise colander.Invalid(
                node,
                _(
                    "Date invalide : saisissez-la sous la forme JJ/MM/AAAA (par exemple 14/09/2015)."
                ),
            ) from None
