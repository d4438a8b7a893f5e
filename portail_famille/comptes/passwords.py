"""The password policy of the manual, checked on every new password.

One policy everywhere a password is set (the padlock, the first login, a
reset link, the SDI's "add user" and "Mot de passe" tab, the agents'
"Comptes parents", the first administrator, the demo accounts): ``check``,
with the minimum length of the settings (``portail.password_min_length``).
"""

import colander
from substanced.interfaces import IUser
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..i18n import _

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
# "Azerty123!" is "azerty" with a suffix: as common as "azerty".
_TRAILING = "0123456789!?.*-_@#$%&+="


def min_length(settings):
    return int(settings.get("portail.password_min_length", MIN_LENGTH))


def rules(settings):
    """The criteria, as the manual lists them, to show beside the form."""
    return [
        _("${n} caractères minimum", mapping={"n": min_length(settings)}),
        _("Au moins 1 majuscule"),
        _("Au moins 1 minuscule"),
        _("Au moins 1 caractère numérique"),
    ]


def check(settings, password, login=""):
    """The reasons the policy of ``settings`` refuses ``password`` for the
    account ``login`` (empty when it is good)."""
    return problems(password, login, min_length(settings))


def problems(password, login="", min_length=MIN_LENGTH):
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


def _message(request, found):
    return " ".join(request.localizer.translate(p) for p in found)


@colander.deferred
def validator(node, kw):
    """The policy on the password field of a form bound with ``request`` and
    ``context`` (an account: its login is not part of its password)."""
    request, context = kw["request"], kw.get("context")
    login = context.__name__ if IUser.providedBy(context) else ""

    def validate(node, value):
        found = check(request.registry.settings, value, login)
        if found:
            raise colander.Invalid(node, _message(request, found))

    return validate


def without_login(login_field):
    """The schema validator of a form making an account: the policy again
    on its field ``password``, with the login typed in ``login_field``
    (colander runs it once every field is valid), the reason shown beside
    the password."""

    @colander.deferred
    def deferred(node, kw):
        request = kw["request"]

        def validate(node, value):
            found = check(request.registry.settings, value["password"], value[login_field])
            if found:
                error = colander.Invalid(node)
                error["password"] = _message(request, found)
                raise error

        return validate

    return deferred
