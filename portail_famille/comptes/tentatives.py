"""One attempt at a password, or one request for a reset mail: the counters
of the throttle it is checked and counted against, chosen by the browser's
device cookie (``appareil``) for the login typed.

Every form that checks a password (the login, the padlock, the SDI's
password change) and the forgotten password form go through here, so they
share the counts: ten wrong current passwords on the padlock make that
browser wait as ten wrong logins would.
"""

import time

from ..i18n import _
from . import appareil
from .throttle import mail_checks, normal, pair, password_checks, rules, throttle


class Tentative:
    """``login``'s attempt from ``request``'s browser and address."""

    def __init__(self, request, login):
        self.login = normal(login)
        self.rules = rules(request.registry.settings)
        self.guard = throttle(request.root)
        self.nonce = appareil.nonce(request, login)
        self.address = request.client_addr or "?"
        self.counted = None

    def _checks(self):
        return password_checks(self.rules, self.login, self.address, self.nonce)

    def _mail_checks(self):
        return mail_checks(self.rules, self.login, self.address, self.nonce)

    def wait(self):
        """Seconds before a password may be tried (0: now)."""
        return self.guard.wait(self._checks())

    def count(self):
        """Count the attempt as a failure before its password is checked
        (``throttle``: concurrent attempts collide on it)."""
        self.counted = time.time()
        self.guard.fail(self._checks(), self.counted)

    def succeed(self):
        """The right password: the attempt is taken back and this browser's
        own failures are forgotten (not the account's: those of other
        browsers still count)."""
        if self.nonce is not None:
            self.guard.forget(self.rules.appareil, self.nonce)
        else:
            self.guard.unfail(self._checks(), self.counted)
            self.guard.forget(self.rules.paire, pair(self.address, self.login))

    def mail_wait(self):
        """Seconds before a reset mail may be asked (0: now)."""
        return self.guard.wait(self._mail_checks())

    def count_mail(self):
        """Count one reset mail asked."""
        self.guard.fail(self._mail_checks())


def delay_text(seconds):
    """How long to wait, in French words: seconds below two minutes."""
    if seconds < 120:
        return _("${n} seconde(s)", mapping={"n": max(1, seconds)})
    return _("${n} minute(s)", mapping={"n": (seconds + 59) // 60})


def refuse(request, seconds, errors, what):
    """Answer 429 with the wait beside the form (``errors["form"]``) and in
    ``Retry-After``: nothing is checked nor counted."""
    request.response.status = 429
    request.response.headers["Retry-After"] = str(seconds)
    errors["form"] = _(
        "${what} : réessayez dans ${delai}.",
        mapping={
            "what": request.localizer.translate(what),
            "delai": request.localizer.translate(delay_text(seconds)),
        },
    )
