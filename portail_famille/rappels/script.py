"""The reminders' batch: ``portail-famille-rappels <config.ini>`` (a timer,
every hour or so; README "Rappels (mail et SMS)").

1. For each family that chose reminders, by batches of ``LOT`` families
   each committed on its own: the reminders computed now (a canteen week
   not booked, an invoice due soon) are queued in the family's outbox,
   keyed (kind, subject, period): a key already there is never queued
   again.  Reminders queued by events (a request answered, an invoice
   issued) are there already.
2. Each queued reminder, one by one: marked "en cours" and COMMITTED, then
   sent (SMS now, the mail with the next commit), then marked "envoyé" and
   committed.

At most once.  A process killed (or a machine stopped) between the two
commits leaves the reminder "en cours": nothing tells whether its SMS or
mail left, and a rerun never sends it again (it is counted "incertain"
in the report and logged).  The other order (send, then record) would
resend, after such a crash, a reminder the family already received: for a
reminder, one missed is better than two received; a family that missed
one still has the portal (and the deadline) in front of it.  A provider
error is "echec", not retried either (a timeout may hide an SMS that
left).  A crash loses at most the one reminder under way.
"""

import logging
import sys

import transaction

from .. import dates
from ..retry import essayer
from ..util import environnement_script, usage
from . import service
from .resources import A_ENVOYER, EN_COURS, INCERTAIN, rappels
from .sms import EnvoiSmsImpossible

log = logging.getLogger(__name__)

LOT = 100
RAPPORT = (
    "Reminders at %(moment)s: %(calcules)d queued, %(envoyes)d sent, "
    "%(caducs)d no longer due, %(echecs)d failed, %(incertains)d uncertain.\n"
)


def _familles(root):
    familles = root.get("familles")
    if familles is None:
        return []
    return [
        famille
        for famille in familles.values()
        if famille.partie_le is None and rappels(famille) is not None
    ]


def _envoyer_un(request, famille, envoi, maintenant, tm):
    """One reminder: "en cours" committed, sent, "envoyé" committed.
    Returns "envoyes", "caducs", "echecs" or None (taken by another run)."""
    canaux = service.canaux_de(famille, envoi.sorte)

    def prendre():
        if envoi.etat != A_ENVOYER:  # another run took it meanwhile
            return None
        if not canaux or not service.encore_vrai(famille, envoi, maintenant):
            service.abandonner(envoi)
            return "caducs"
        service.commencer(envoi)
        return EN_COURS

    pris = essayer(tm, prendre)  # committed BEFORE anything leaves
    if pris != EN_COURS:
        return pris
    envoyes = []
    try:
        template, valeurs, texte = service.contenu(request, famille, envoi)
        if service.SMS in canaux and service.envoyer_sms(request, famille, envoi, texte):
            envoyes.append(service.SMS)
        if service.COURRIEL in canaux:
            envoyes.append(service.COURRIEL)
        # A conflict aborts the mail with the mark: both are redone
        # together, the SMS (gone already) is not.
        essayer(tm, lambda: service.terminer(request, famille, envoi, template, valeurs, envoyes))
    except Exception as error:  # noqa: BLE001 (the provider, the SMTP server: one reminder lost, the run goes on)
        if isinstance(error, EnvoiSmsImpossible):
            log.warning("SMS of %s %s refused: %s", famille.numero, envoi.cle, error)
        else:
            log.exception("reminder %s of family %s not sent", envoi.cle, famille.numero)
        if tm is not None:
            tm.abort()
        elif not isinstance(error, EnvoiSmsImpossible):
            raise
        message = str(error) or type(error).__name__
        essayer(tm, lambda: service.echouer(envoi, message))
        return "echecs"
    return "envoyes"


def _incertains(famille):
    """The family's reminders a crash interrupted (left "en cours" by an
    earlier run): made "incertain", reported once, never sent again."""
    n = 0
    for envoi in rappels(famille).envois.values():
        if envoi.etat == EN_COURS:
            log.warning(
                "reminder %s of family %s: sending interrupted at %s, not sent again",
                envoi.cle,
                famille.numero,
                envoi.tente_le,
            )
            envoi.etat = INCERTAIN
            n += 1
    return n


def envoyer_rappels(request, root, maintenant=None, tm=None):
    """Queue what is due and send every queued reminder; the counts."""
    maintenant = maintenant or dates.now()
    settings = request.registry.settings
    calendrier = root.get("calendrier")
    prestations = service.prestations(root)
    total = {"calcules": 0, "envoyes": 0, "caducs": 0, "echecs": 0, "incertains": 0}
    familles = _familles(root)
    for debut in range(0, len(familles), LOT):
        lot = familles[debut : debut + LOT]

        def calculer(lot=lot):
            for famille in lot:
                service.purger(famille, maintenant)
            return sum(
                service.calculer(f, maintenant, calendrier, prestations, settings) for f in lot
            )

        total["calcules"] += essayer(tm, calculer)
    # Before this run sends anything: what is "en cours" now was left by
    # an earlier run (one batch at a time: the timer waits for it).
    total["incertains"] = essayer(tm, lambda: sum(_incertains(f) for f in familles))
    for famille in familles:
        for envoi in service.a_envoyer(famille):
            resultat = _envoyer_un(request, famille, envoi, maintenant, tm)
            if resultat is not None:
                total[resultat] += 1
    return total


DERNIER = "_portail_rappels_dernier"


def noter_passage(root, total, maintenant):
    """Keep the run's counts on the root, for the metrics of the serving
    processes (``rappels.dernier_passage``): this process is not scraped."""
    setattr(root, DERNIER, dict(total, moment=maintenant.timestamp()))


def dernier_passage(root):
    """The counts of the last run, with its ``moment`` (a timestamp), or None."""
    return root.__dict__.get(DERNIER)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    if usage(argv):
        return 2
    with environnement_script(argv[1]) as env:
        maintenant = dates.now()
        total = envoyer_rappels(env["request"], env["root"], maintenant, tm=transaction.manager)
        essayer(transaction.manager, lambda: noter_passage(env["root"], total, maintenant))
    sys.stdout.write(RAPPORT % dict(total, moment=maintenant.strftime("%Y-%m-%d %H:%M")))
    return 0


if __name__ == "__main__":  # the tests' subprocess (no console script needed)
    sys.exit(main())
