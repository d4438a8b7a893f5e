"""How a value of a request is written for people (French, masked IBAN)."""

import datetime
import functools
from decimal import Decimal

from .. import dates
from ..familles.schemas import MONTANTS, NOMBRES
from ..familles.validators import masquer_iban
from ..i18n import _, traduire
from ..montants import decimal, euros
from .types import TYPES

MASQUES = ("iban",)


def _personne(item):
    """'JEANNE DUPONT (Mère) 06.12.34.56.78' for a row of a list."""
    if not isinstance(item, dict):
        return str(item)
    nom = " ".join(item[k] for k in ("prenom", "nom") if item.get(k))
    lien = item.get("lien")
    others = [str(v) for k, v in item.items() if k not in ("prenom", "nom", "lien") and v]
    text = nom + (" (%s)" % lien if lien else "")
    return " ".join(p for p in [text] + others if p)


def valeur(name, value, reveler=False):
    if value is None or value == "":
        return ""
    if isinstance(value, (list, tuple)):
        return " ; ".join(_personne(item) for item in value)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, Decimal):
        # "2,5" parts, "32 500,00 €" (record decimals are amounts but NOMBRES)
        return decimal(value) if name in NOMBRES else euros(value)
    if isinstance(value, datetime.datetime):
        return dates.moment(value)
    if isinstance(value, datetime.date):
        return dates.courte(value)
    if name in MASQUES and not reveler:
        return masquer_iban(value)
    return str(value)


def titre(name, texte):
    """A field's translated title beside its value: "Quotient familial",
    not "Quotient familial (€)" (the form's label) beside "645,50 €"."""
    if name in MONTANTS and texte.endswith(" (€)"):
        return texte[: -len(" (€)")]
    return texte


@functools.cache
def _noeuds(type_demande):
    """name -> schema node of a type's form (no CSRF token)."""
    return {node.name: node for node in TYPES[type_demande].schema() if node.name != "_csrf_token_"}


@functools.cache
def _choix(type_demande):
    """name -> {value: label} for the fields chosen from a list."""
    found = {}
    for name, node in _noeuds(type_demande).items():
        values = getattr(getattr(node, "widget", None), "values", None)
        if values:
            found[name] = {value: label for value, label in values if value}
    return found


def afficher(request, type_demande, name, value):
    """A record value as the parent reads it: list labels, Oui/Non, French
    dates, amounts, the IBAN masked."""
    choix = _choix(type_demande).get(name)
    label = choix.get(value) if choix and isinstance(value, str) else None
    if label is not None:
        return traduire(request, label)
    return traduire(request, valeur(name, value))
