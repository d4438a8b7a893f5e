"""The worker: ``portail-famille-travaux <config.ini>`` (README, "Travaux
longs"), a long-running process (a systemd service, as many as wanted, on
any machine that reaches the database).  It polls the queue every
``portail.travaux.attente`` seconds and runs the jobs it claims chunk by
chunk (``service.Travailleur``); SIGTERM or SIGINT stops it once the
current chunk is committed; ``kill -9`` loses at most that chunk, which
another worker does again after the lease (``portail.travaux.bail``).
``--une-passe``: run what is queued, then stop (a timer, the tests).
"""

import signal
import sys

import transaction
from pyramid.paster import bootstrap, setup_logging

from ..util import close_databases
from .service import Travailleur

USAGE = "usage: %s [--une-passe] <config.ini>\n"


def main(argv=None):
    argv = sys.argv if argv is None else argv
    args = argv[1:]
    une_passe = "--une-passe" in args
    args = [a for a in args if a != "--une-passe"]
    if len(args) != 1:
        sys.stderr.write(USAGE % argv[0])
        return 2
    setup_logging(args[0])
    with bootstrap(args[0]) as env:
        try:
            travailleur = Travailleur(env["request"], env["root"], tm=transaction.manager)
            signal.signal(signal.SIGTERM, travailleur.arreter)
            signal.signal(signal.SIGINT, travailleur.arreter)
            if une_passe:
                travailleur.passe()
            else:
                travailleur.boucle()
        finally:
            transaction.abort()
            close_databases(env["registry"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
