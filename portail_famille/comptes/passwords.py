"""The password policy of the manual, checked on every new password."""

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..i18n import _

MAX_LENGTH = 128
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
# "Azerty123!" is "azerty" with a suffix: as common as "azerty".
_TRAILING = "0123456789!?.*-_@#$%&+="


def rules(min_length):
    """The criteria, as the manual lists them, to show beside the form."""
    return [
        _("${n} caractères minimum", mapping={"n": min_length}),
        _("Au moins 1 majuscule"),
        _("Au moins 1 minuscule"),
        _("Au moins 1 caractère numérique"),
    ]


def problems(password, login="", min_length=8):
    """The list of reasons ``password`` is refused (empty when it is good)."""
    found = []
    if len(password) < min_length:
        found.append(
            _("Le mot de passe doit comporter au moins ${n} caractères.", mapping={"n": min_length})
        )
    if len(password) > MAX_LENGTH:
        found.append(
            _("Le mot de passe ne doit pas dépasser ${n} caractères.", mapping={"n": MAX_LENGTH})
        )
    if not any(c.isupper() for c in password):
        found.append(_("Le mot de passe doit contenir au moins 1 majuscule."))
    if not any(c.islower() for c in password):
        found.append(_("Le mot de passe doit contenir au moins 1 minuscule."))
    if not any(c.isdigit() for c in password):
        found.append(_("Le mot de passe doit contenir au moins 1 caractère numérique."))
    lowered = password.lower()
    if lowered in _COMMON or lowered.rstrip(_TRAILING) in _COMMON:
        found.append(_("Ce mot de passe est trop courant : choisissez-en un autre."))
    if login and login.lower() in lowered:
        found.append(_("Le mot de passe ne doit pas contenir votre identifiant."))
    return found
