"""Per-family limits on what parents send: messages, attachments, requests
(Mon compte, Mes enfants) and the planning's reservations and absences, per
hour and per 24 hours.

A security review posted 683 messages (37.6 MB) in 20 s from one parent's
account, with nothing to stop it.  The defaults are far above what a family
does (a parent books a month for three children in a hundred clicks), read
from the settings ``portail.limites.<genre>.<periode>`` (0: no limit):

    messages.heure 30        messages.jour 100
    pieces_jointes.heure 20  pieces_jointes.jour 50  pieces_jointes.mo_jour 100
    demandes.heure 30        demandes.jour 100
    planning.heure 300       planning.jour 1000

Attachments count when they are checked, accepted or not: checking a PDF
costs up to a fraction of a second of a core (``verification_pdf``), and a
family sending hostile files is stopped by the limit like any other.

What a family sent is kept under its Famille (``famille.envois``): a small
OOBTree of ``(genre, time) -> weight`` (1, or the attachment's bytes),
pruned of what is older than a day as it goes.  No object is shared by the
town; two requests of one family insert different keys, which the BTree's
conflict resolution merges.  It cannot merge the deletion of a bucket's
first key (BTreesConflictError "Delete of first key"), so the tree starts
with a key that is never deleted (``DEBUT``).  The windows slide: a
refusal says when the oldest send counted leaves the window (Europe/Paris),
and writes nothing.
"""

import datetime
import time

from BTrees.OOBTree import OOBTree

from .. import dates
from ..i18n import _

MESSAGES = "messages"
PIECES_JOINTES = "pieces_jointes"
DEMANDES = "demandes"
PLANNING = "planning"

HEURE = 3600
JOUR = 24 * HEURE
MO = 1024 * 1024
FIN = float("inf")
DEBUT = ("", 0.0)  # before every genre's keys, never deleted

# (genre, periode) -> (default, window in seconds, what is counted)
LIMITES = {
    (MESSAGES, "heure"): (30, HEURE, "nombre"),
    (MESSAGES, "jour"): (100, JOUR, "nombre"),
    (PIECES_JOINTES, "heure"): (20, HEURE, "nombre"),
    (PIECES_JOINTES, "jour"): (50, JOUR, "nombre"),
    (PIECES_JOINTES, "mo_jour"): (100, JOUR, "octets"),
    (DEMANDES, "heure"): (30, HEURE, "nombre"),
    (DEMANDES, "jour"): (100, JOUR, "nombre"),
    (PLANNING, "heure"): (300, HEURE, "nombre"),
    (PLANNING, "jour"): (1000, JOUR, "nombre"),
}

REFUS = {
    (MESSAGES, "heure"): _(
        "Vous avez envoyé ${max} messages en une heure : c'est la limite. "
        "Vous pourrez écrire de nouveau à partir du ${quand}."
    ),
    (MESSAGES, "jour"): _(
        "Vous avez envoyé ${max} messages en 24 heures : c'est la limite. "
        "Vous pourrez écrire de nouveau à partir du ${quand}."
    ),
    (PIECES_JOINTES, "heure"): _(
        "Vous avez envoyé ${max} pièces jointes en une heure : c'est la limite. "
        "Vous pourrez en joindre de nouveau à partir du ${quand}."
    ),
    (PIECES_JOINTES, "jour"): _(
        "Vous avez envoyé ${max} pièces jointes en 24 heures : c'est la limite. "
        "Vous pourrez en joindre de nouveau à partir du ${quand}."
    ),
    (PIECES_JOINTES, "mo_jour"): _(
        "Vous avez envoyé ${max} Mo de pièces jointes en 24 heures : c'est la limite. "
        "Vous pourrez en joindre de nouveau à partir du ${quand}."
    ),
    (DEMANDES, "heure"): _(
        "Vous avez fait ${max} demandes en une heure : c'est la limite. "
        "Vous pourrez en faire de nouveau à partir du ${quand}."
    ),
    (DEMANDES, "jour"): _(
        "Vous avez fait ${max} demandes en 24 heures : c'est la limite. "
        "Vous pourrez en faire de nouveau à partir du ${quand}."
    ),
    (PLANNING, "heure"): _(
        "Vous avez fait ${max} réservations ou absences en une heure : c'est la limite. "
        "Vous pourrez en faire de nouveau à partir du ${quand}."
    ),
    (PLANNING, "jour"): _(
        "Vous avez fait ${max} réservations ou absences en 24 heures : c'est la limite. "
        "Vous pourrez en faire de nouveau à partir du ${quand}."
    ),
}


class LimiteAtteinte(Exception):
    """One more send would pass a limit: ``args[0]`` is the French message
    (when the family may try again), ``secondes`` how long until then."""

    def __init__(self, message, secondes):
        super().__init__(message)
        self.secondes = secondes


def reessayer(response, refus):
    """A refused send's answer: 429, and when to try again (Retry-After)."""
    response.status = 429
    response.headers["Retry-After"] = str(refus.secondes)


def maximum(settings, genre, periode):
    """The limit of ``genre`` per ``periode`` (``portail.limites.…``); 0: none."""
    defaut = LIMITES[(genre, periode)][0]
    value = (settings or {}).get("portail.limites.%s.%s" % (genre, periode))
    return int(value) if value not in (None, "") else defaut


def nouveau_journal():
    """An empty record of sends (a Famille's ``envois``)."""
    envois = OOBTree()
    envois[DEBUT] = 0
    return envois


def journal(famille):
    """The family's sends, created for a family stored before evolve step17."""
    found = getattr(famille, "envois", None)
    if found is None:
        found = famille.envois = nouveau_journal()
    return found


def verifier(settings, famille, genre, poids=1, now=None):
    """LimiteAtteinte when one more send of ``genre`` (``poids``: bytes of
    an attachment) would pass one of its limits; reads only."""
    envois = getattr(famille, "envois", None)
    if envois is None:
        return
    now = time.time() if now is None else now
    attente = None
    for (nom, periode), (_defaut, fenetre, mesure) in LIMITES.items():
        if nom != genre:
            continue
        limite = maximum(settings, genre, periode)
        if limite <= 0:
            continue
        debut = (genre, now - fenetre)
        recents = list(envois.items(min=debut, max=(genre, FIN), excludemin=True))
        if mesure == "octets":
            libre = _libre_volume(recents, poids, limite * MO, fenetre, now)
        else:
            libre = recents[-limite][0][1] + fenetre if len(recents) >= limite else None
        if libre is not None and (attente is None or libre > attente[0]):
            attente = (libre, periode, limite)
    if attente is not None:
        libre, periode, limite = attente
        moment = datetime.datetime.fromtimestamp(libre, datetime.UTC)
        quand = dates.moment_a(moment)
        message = _(REFUS[(genre, periode)], mapping={"max": limite, "quand": quand})
        raise LimiteAtteinte(message, max(1, int(libre - now) + 1))


def _libre_volume(recents, poids, limite, fenetre, now):
    """When the bytes sent in the window leave room for ``poids`` more
    (None: now)."""
    total = sum(value for _key, value in recents)
    if total + poids <= limite:
        return None
    for (_genre, moment), value in recents:
        total -= value
        if total + poids <= limite:
            return moment + fenetre
    return now + fenetre  # larger than the limit by itself


def noter(famille, genre, poids=1, now=None):
    """Count one send of ``genre``; forget this genre's sends older than a day."""
    now = time.time() if now is None else now
    envois = journal(famille)
    for key in list(envois.keys(min=(genre,), max=(genre, now - JOUR))):
        del envois[key]
    envois[(genre, now)] = poids


def compter(settings, famille, genre, poids=1):
    """``verifier`` then ``noter``: LimiteAtteinte, or the send counted."""
    now = time.time()
    verifier(settings, famille, genre, poids, now)
    noter(famille, genre, poids, now)
