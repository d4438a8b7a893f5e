"""The family's form asking for direct debit: the account to debit and the
mandate's acceptance (French messages next to each field)."""

import colander
import deform
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from substanced.schema import Schema

from ..familles import validators as v
from ..i18n import _


def _premier(*checks):
    """The checks in turn, the first failure only (one message a field)."""

    def validator(node, value):
        for check in checks:
            check(node, value)

    return validator


def _texte(title, validator, max_length, **kw):
    longueur = colander.Length(
        max=max_length,
        max_err=_("${max} caractères au plus.", mapping={"max": max_length}),
    )
    return colander.SchemaNode(
        colander.String(),
        title=title,
        validator=_premier(longueur, validator),
        missing_msg=_("Ce champ est obligatoire."),
        **kw,
    )


def _titulaire(node, value):
    if not value.strip():
        raise colander.Invalid(node, _("Ce champ est obligatoire."))


def compact_iban(value):
    """The IBAN as stored: compact, upper case (the value when invalid)."""
    try:
        return IBAN(value).compact
    except SchwiftyException:
        return value


def compact_bic(value):
    try:
        return BIC(value).compact
    except SchwiftyException:
        return value


def _iban_sepa(node, value):
    """A valid IBAN (schwifty) of a country of the SEPA zone."""
    v.iban(node, value)
    if not IBAN(value).in_sepa_zone:
        raise colander.Invalid(
            node, _("Cet IBAN n'appartient pas à la zone SEPA : le prélèvement est impossible.")
        )


def _accepte(node, value):
    if value is not True:
        raise colander.Invalid(
            node, _("Cochez « J'accepte le mandat de prélèvement SEPA » pour envoyer la demande.")
        )


# Schema (SubstanceD's) adds and checks a CSRF token in every deform form.
class MandatSchema(Schema):
    titulaire = _texte(_("Titulaire du compte"), _titulaire, 70)
    iban = _texte(_("IBAN"), _iban_sepa, 42)
    # Optional: found from the IBAN when the bank is known (schwifty).
    bic = _texte(_("BIC"), v.bic, 11, missing="")
    accepte = colander.SchemaNode(
        colander.Boolean(),
        title=_("J'accepte le mandat de prélèvement SEPA"),
        validator=_accepte,
        missing=False,
        widget=deform.widget.CheckboxWidget(),
    )


class RevocationSchema(Schema):
    """The request to stop the direct debit: the mandate it revokes."""

    rum = colander.SchemaNode(colander.String(), title=_("Mandat (RUM)"))
