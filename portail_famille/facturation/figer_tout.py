"""The issued documents still without original, frozen in a batch:
``portail-famille-figer <config.ini>`` (once after an upgrade, then by
the daily timer beside the reminders; README).

A document is frozen where it is issued (``figement``: a payment, a
credit note, a correction; ``campagne``: an invoicing run; the direct
debits' batch), so that a family's download is a blob read.  Some have
no original all the same: those issued before frozen documents existed,
those issued outside a web request (the demo, a script), those whose
rendering failed when they were issued (their HTML kept).  Left alone,
each would be rendered at its first download (``pdf.servir``: a third of
a second or more of the family's wait, and a GET that writes).  This job
renders them here, by batches of ``LOT`` (several at a time:
``portail_famille.pdf.rendre_plusieurs``), each batch kept in a
transaction of its own: stopped midway (even ``kill -9``), it is finished
by running it again; a document frozen meanwhile by a download is not
frozen twice (``originaux.sceller`` keeps the first).
"""

import sys

import transaction

from ..retry import essayer
from ..util import environnement_script, usage
from . import originaux, pdf
from .service import factures, reglements

LOT = 50
RAPPORT = "Issued documents without original: %(sans_original)d, frozen: %(figes)d.\n"


def sans_original(root, familles=None):
    """The numbered documents (invoices, credit notes, receipts,
    cancellations, refunds) that have no original, family by family (of
    ``familles``, their numbers, when given)."""
    found = []
    dossier_familles = root["familles"]
    if familles is None:
        choisies = dossier_familles.values()
    else:
        choisies = [dossier_familles[numero] for numero in familles]
    for famille in choisies:
        for dossier in (factures(famille), reglements(famille)):
            for document in dossier.values():
                if type(document) in pdf.MODELES and originaux.original(document) is None:
                    found.append(document)
    return found


def figer_tout(request, root, tm=None, lot=LOT):
    """Freeze every document ``sans_original``; {"sans_original": n,
    "figes": n}."""
    documents = sans_original(root)
    figes = 0
    for debut in range(0, len(documents), lot):
        partie = documents[debut : debut + lot]
        # read again in a fresh transaction: one frozen meanwhile is left
        prepares = essayer(tm, lambda partie=partie: pdf.preparer(request, partie))
        figes += pdf.figer(request, prepares, tm)
    return {"sans_original": len(documents), "figes": figes}


def main(argv=None):
    argv = sys.argv if argv is None else argv
    if usage(argv):
        return 2
    with environnement_script(argv[1]) as env:
        total = figer_tout(env["request"], env["root"], tm=transaction.manager)
    sys.stdout.write(RAPPORT % total)
    return 0
