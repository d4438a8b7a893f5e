"""A worker inside the application's process, for development and demos
on FileStorage (``portail.travaux.dans_le_processus = true`` in
development.ini): a FileStorage is opened by one process only, so
``portail-famille-travaux`` cannot run beside ``pserve`` there.  A daemon
thread on its own connection polls the queue as the console script does;
a process that stops mid-chunk loses that chunk's transaction only (the
same guarantee as ``kill -9``).  Production runs the console script."""

import logging
import threading
import time

import transaction
from pyramid.scripting import prepare
from ZODB.POSException import ConflictError

from .service import Travailleur, reglage

log = logging.getLogger(__name__)
REGLAGE = "portail.travaux.dans_le_processus"


def demarrer(event):
    """ApplicationCreated: start the thread (``event.app``'s registry)."""
    registry = event.app.registry
    fil = threading.Thread(target=travailler, args=(registry,), name="portail-travaux", daemon=True)
    fil.start()
    return fil


def fermer(env):
    """The connection closed, not only the environment: ``prepare``'s
    closer does not run the request's finished callbacks (pyramid_zodbconn
    closes the connection in one), and a connection left open by this
    thread would be closed later from another thread (the database's
    close), whose transaction manager never knew it."""
    request = env["request"]
    if request.finished_callbacks:
        request._process_finished_callbacks()
    env["closer"]()


def travailler(registry, arret=None):
    """The thread's loop: a worker on its own connection; after an error
    (the root not made yet, the database out of reach), again later."""
    attente = reglage(registry, "attente", 5)
    while arret is None or not arret.is_set():
        time.sleep(attente)  # the process's start makes the root
        env = None
        try:
            env = prepare(registry=registry)
            travailleur = Travailleur(env["request"], env["root"], tm=transaction.manager)
            if arret is None:
                travailleur.boucle()  # until the process ends
            else:
                travailleur.passe()  # (tests) a pass at each wake-up, until ``arret``
        except ConflictError:  # the process's start made the root meanwhile
            log.info("In-process worker: a conflict at start, again in %ss", attente)
        except Exception:
            log.exception("In-process worker: interrupted, again in %ss", attente)
        finally:
            transaction.abort()
            if env is not None:
                fermer(env)
