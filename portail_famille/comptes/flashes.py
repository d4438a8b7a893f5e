"""Flash messages that always fit in the session cookie.

The session is a signed cookie (4 KB at most).  Each form that succeeds
queues a flash ("Votre message a été envoyé...") for the page it redirects
to; a client that does not follow the redirects (28 messages sent in a row)
piled them up until Pyramid refused to write the cookie: a 500, after the
transaction had committed, for a message that was stored.

So a queue keeps each text once (sent again, it moves to the end) and its
``FLASHES_PAR_FILE`` latest texts; and if the cookie would still be too
long, the oldest flashes are dropped until it fits.  The answer is then
always the one of what was committed; at worst an old notice is not shown.
"""

import logging

log = logging.getLogger(__name__)

FLASHES_PAR_FILE = 5
PREFIXE = "_f_"  # Pyramid's key of a flash queue in the session


def session_bornee(factory):
    """The session class of ``factory`` (a Pyramid cookie session factory)
    with bounded flash queues."""

    class SessionBornee(factory):
        def flash(self, msg, queue="", allow_duplicate=True):
            # Pyramid's own method marks the session changed; the queue is
            # then trimmed in place (written with the response).
            file = self.get(PREFIXE + queue)
            if file and msg in file:
                file.remove(msg)
            super().flash(msg, queue, allow_duplicate)
            file = dict.get(self, PREFIXE + queue)
            del file[:-FLASHES_PAR_FILE]

        def _set_cookie(self, response):
            while True:
                try:
                    return super()._set_cookie(response)
                except ValueError:
                    # "Cookie value is too long": drop the oldest flash.
                    if not self._oublier_un_flash():
                        raise

        def _oublier_un_flash(self):
            files = [k for k in dict.keys(self) if k.startswith(PREFIXE) and dict.get(self, k)]
            if not files:
                return False
            plus_longue = max(files, key=lambda k: len(dict.get(self, k)))
            dict.get(self, plus_longue).pop(0)
            log.info("Session cookie too long: an old flash of %r dropped", plus_longue)
            return True

    SessionBornee.__name__ = factory.__name__
    return SessionBornee
