"""The daily reminders: ``portail-famille-relances <config.ini>`` (a
timer, once a day; README).

It sends every reminder due today (``service.rang_du``), as "Envoyer les
relances dues" does, by batches of ``LOT`` invoices, each committed on its
own (retried on a conflict with a payment: the batch is read again, so an
invoice paid meanwhile is not reminded).  Idempotent: a reminder sent
today, by this job or by a régisseur, is never sent again the same day,
so a rerun sends nothing twice.
"""

import sys

import transaction

from .. import dates
from ..retry import essayer
from ..util import environnement_script, usage
from . import service

LOT = 100
RAPPORT = "Reminders of %(jour)s: %(dues)d due, %(envoyees)d sent.\n"


def relancer(request, root, jour, tm=None, par=service.PAR_SCRIPT):
    """Send the reminders due on ``jour``; {"dues": n, "envoyees": n}."""
    delais = service.delais(request.registry.settings)
    dues = [facture for facture, _rang in service.dues(root, jour, request.registry.settings)]
    envoyees = 0
    for debut in range(0, len(dues), LOT):
        lot = dues[debut : debut + LOT]

        def travail(lot=lot):
            n = 0
            for facture in lot:
                rang = service.rang_du(facture, jour, delais)
                if rang is not None:
                    service.envoyer(request, facture, rang, jour, par)
                    n += 1
            return n

        envoyees += essayer(tm, travail)
    return {"dues": len(dues), "envoyees": envoyees}


def main(argv=None):
    argv = sys.argv if argv is None else argv
    if usage(argv):
        return 2
    with environnement_script(argv[1]) as env:
        jour = dates.today()
        total = relancer(env["request"], env["root"], jour, tm=transaction.manager)
    sys.stdout.write(RAPPORT % dict(total, jour=jour.isoformat()))
    return 0
