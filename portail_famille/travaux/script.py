"""The worker: ``portail-famille-travaux <config.ini>`` (README, "Travaux
longs"), a long-running process (a systemd service, as many as wanted, on
any machine that reaches the database).  It polls the queue every
``portail.travaux.attente`` seconds and runs the jobs it claims chunk by
chunk (``service.Travailleur``); SIGTERM or SIGINT stops it once the
current chunk is committed; ``kill -9`` loses at most that chunk, which
another worker does again after the lease (``portail.travaux.bail``).
``--une-passe``: run what is queued, then stop (a timer, the tests).

Like an application process, a worker has its own blob cache on a shared
storage: ``portail.zodb.blob_cache`` + "-travaux-<instance>", the instance
from PORTAIL_FAMILLE_TRAVAILLEUR (a systemd template unit's ``%i``), or
the process id without it.
"""

import os
import signal
import sys

import transaction

from ..util import environnement_script
from .service import Travailleur

INSTANCE = "PORTAIL_FAMILLE_TRAVAILLEUR"
USAGE = "usage: %s [--une-passe] <config.ini>\n"


def main(argv=None):
    argv = sys.argv if argv is None else argv
    args = argv[1:]
    une_passe = "--une-passe" in args
    args = [a for a in args if a != "--une-passe"]
    if len(args) != 1:
        sys.stderr.write(USAGE % argv[0])
        return 2
    instance = os.environ.get(INSTANCE) or str(os.getpid())
    # what an application process gets from its http_port: its blob cache
    with environnement_script(args[0], options={"http_port": "travaux-%s" % instance}) as env:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
