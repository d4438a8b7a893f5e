"""Retention of a departed child's file (RGPD), run by cron:
``portail-famille-retention <config.ini>`` (README: once a night).

A child has *left* when it was archived (its state "partie", with the
date: ``portail_famille.departs``), or when none of its inscriptions reaches
today: its departure is then the end of the school year of its last
inscription (the inscriptions have no end of their own; a school year no
longer in the calendar ends on 31 August of its second year).  A child
never enrolled nor archived has no departure: it is kept (a new child's
file, before its first inscription).

Three years after the departure (``DELAI_ANS``: the day after the third
anniversary), the job erases:

- its health data (``sanitaires``) and its authorisations, the persons
  authorised to pick it up among them (``autorisations``);
- its planning details: the planning cells, what its pointage recorded
  (times, reasons of excused absences) and the note of the requests that
  changed them;
- what its requests held of these (health data, authorisations,
  reservations and absences with their reasons and certificates): the
  request stays (who, when, its state), its values and documents are
  emptied.

Kept: the child's identity and inscriptions (the invoices and the
accounting name them), the invoices, credit notes and payments with their
lines, for the period the law sets for public accounting records
(pièces justificatives of a régie: 10 years are commonly required — the
decision of the town's accountant, not of this job).

The same job drops the site's journal entries older than
``portail.journal.annees`` years (a month at a time: at most a month more
is kept), makes the journal's next month ready, and drops the login
throttle's records that no longer count (they name addresses and logins).

Idempotent: an erased child is marked (``donnees_effacees_le``) and erased
again only if something new was written since.  The job prints counts,
never a name.
"""

import datetime
import re
import sys
import time

import transaction
from persistent.mapping import PersistentMapping

from .. import dates, journal
from ..comptes import throttle
from ..demandes import pieces
from ..familles.resources import SECTIONS_ENFANT
from ..inscriptions import annee_de_libelle
from ..planning import cells, horaires, journees
from ..retry import essayer
from ..util import environnement_script, usage

DELAI_ANS = 3
# The requests whose values are part of what is erased.
TYPES_EFFACES = frozenset(("sanitaires", "autorisations"))
LOT = 100  # children erased per transaction
_ANNEE = re.compile(r"\d{4}-(\d{4})$")


def plus_ans(day, years):
    """``day`` + ``years`` (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def fin_annee(enfant, libelle):
    annee = annee_de_libelle(enfant, libelle)
    if annee is not None:
        return annee.fin
    match = _ANNEE.match(libelle or "")
    return datetime.date(int(match.group(1)), 8, 31) if match else None


def depart(enfant):
    """The day the child left: the end of its last inscription's school
    year, or the day it was archived ("partie") when that came first; None
    when it never was enrolled nor archived."""
    fins = [fin_annee(enfant, i.annee) for i in enfant.inscriptions.values()]
    fins = [fin for fin in fins if fin is not None]
    fin = max(fins) if fins else None
    if enfant.partie_le is not None:
        return enfant.partie_le if fin is None else min(fin, enfant.partie_le)
    return fin


def a_effacer(enfant, today):
    left = depart(enfant)
    return left is not None and plus_ans(left, DELAI_ANS) < today


def _demandes(enfant):
    famille = enfant.__parent__.__parent__
    demandes = famille.get("demandes")
    if demandes is None:
        return []
    return [d for d in demandes.values() if d.enfant == enfant.__name__]


def effacer(enfant, today):
    """Erase what ``enfant`` held beyond the retention; {what: count} of
    what was erased (all zero when there was nothing left to erase)."""
    counts = {"sections": 0, "cellules": 0, "demandes": 0}
    enfant._p_activate()  # a ghost's __dict__ is empty
    for section in SECTIONS_ENFANT:
        if getattr(enfant, section, None):
            setattr(enfant, section, PersistentMapping())
            counts["sections"] += 1
    jours = set()  # the days the statistics' store reads again
    for attribute in (cells.ATTRIBUT, cells.MODIFICATIONS, horaires.ATTRIBUT):
        tree = getattr(enfant, attribute, None)
        if tree is not None:
            if attribute == cells.ATTRIBUT:
                counts["cellules"] += len(tree)
            if attribute != cells.MODIFICATIONS:
                jours.update(tree.keys())
            delattr(enfant, attribute)
    for prestation_oid, day in sorted(jours):
        journees.suivre(enfant, prestation_oid, day)
    for demande in _demandes(enfant):
        # The child's sections, and the days of its planning (an absence's reason).
        if demande.type_demande in TYPES_EFFACES or demande.jour is not None:
            if demande.valeurs or demande.anciennes or demande.pieces:
                demande.valeurs = {}
                demande.anciennes = {}
                pieces.effacer(demande)  # a medical certificate (its blob goes at pack)
                demande.donnees_effacees = True
                counts["demandes"] += 1
    if any(counts.values()):
        enfant.donnees_effacees_le = today
    return counts


def appliquer(root, today=None, tm=None):
    """Run the retention over every child; {what: count}.  With ``tm``,
    commits every ``LOT`` erased children (retried on conflict)."""
    today = today or dates.today()
    total = {"enfants": 0, "effaces": 0, "sections": 0, "cellules": 0, "demandes": 0}
    familles = root.get("familles")
    if familles is None:
        return total
    lot = []

    def erase(batch):
        def travail():
            found = {"effaces": 0, "sections": 0, "cellules": 0, "demandes": 0}
            for enfant in batch:
                counts = effacer(enfant, today)
                if any(counts.values()):
                    found["effaces"] += 1
                for key, value in counts.items():
                    found[key] += value
            return found

        for key, value in essayer(tm, travail).items():
            total[key] += value

    for famille in familles.values():
        enfants = famille.get("enfants")
        for enfant in enfants.values() if enfants is not None else ():
            total["enfants"] += 1
            if a_effacer(enfant, today):
                lot.append(enfant)
                if len(lot) >= LOT:
                    erase(lot)
                    lot = []
    if lot:
        erase(lot)
    return total


def purger(root, settings, today=None, now=None, tm=None):
    """Drop the journal's months past its retention and the throttle's
    records past their window; {what: count}.  With ``tm``, commits
    (retried on conflict)."""
    today = today or dates.today()
    now = time.time() if now is None else now
    years = journal.annees(settings)

    def travail():
        found = {"annees": years, "journal": journal.purger(root, today, years)}
        journal.journal(root).preparer(now)
        guard = getattr(root, throttle.ATTRIBUT, None)  # not made here
        found["tentatives"] = guard.purger(throttle.rules(settings), now) if guard else 0
        return found

    return essayer(tm, travail)


RAPPORT = (
    "Retention (%(delai)d years after leaving, as of %(jour)s): %(enfants)d children examined, "
    "%(effaces)d erased (%(sections)d sections, %(cellules)d planning cells, "
    "%(demandes)d requests emptied).\n"
    "Journal: %(journal)d entries older than %(annees)d year(s) dropped; "
    "login throttle: %(tentatives)d records past their window dropped."
)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    if usage(argv):
        return 2
    with environnement_script(argv[1]) as env:
        today = dates.today()
        total = appliquer(env["root"], today, tm=transaction.manager)
        transaction.commit()
        total.update(purger(env["root"], env["registry"].settings, today, tm=transaction.manager))
    print(RAPPORT % dict(total, delai=DELAI_ANS, jour=today.isoformat()))
    return 0
