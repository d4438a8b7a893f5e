"""The site's journal: who did what, and which staff member read which
personal data, when; one service for every domain.

An entry has a kind (``genre``): a staff action (``ACTION``: a request
accepted or refused, a full IBAN shown) or a read of personal data
(``LECTURE``: the RGPD audit of staff reads, ``journal.audit``).  It holds
who (a login), when (UTC, shown in Europe/Paris), what (``quoi``), the
family's number, the object's and the child's oids, the screen, and small
details; never the data itself (no IBAN, no health value, no password).

SubstanceD's own audit log keeps only its last 1,000 events in one object
rewritten by every audited transaction (about 270 kB each, measured):
neither a lasting record nor cheap.  Here an entry costs a few small
bucket writes, spread so that concurrent writers seldom conflict
(``resources``); entries are kept ``portail.journal.annees`` years, then
the nightly retention job drops them a month at a time
(``rgpd.retention``).

A low layer: domains call it, it imports none of them.  The root gets its
journal when it is created (``subscribers``), older databases by evolve
step23 (which moved the two stores this one replaces).  No name
``Journal`` here: the old journal's pickles name
``portail_famille.journal.Journal``, and load as broken objects for step23.
"""

import re
import time
from urllib.parse import urlencode

from pyramid.interfaces import IRequest
from pyramid.traversal import find_root
from substanced.util import get_oid
from zope.interface import Interface

from ..security import login
from . import resources

ACTION = "action"
LECTURE = "lecture"
ATTRIBUT = "_portail_journal_mensuel"  # on the root
ANNEES = 1  # default of the setting portail.journal.annees
_CURSEUR = re.compile(r"-?\d{1,20}")


class ITitres(Interface):
    """The titles of the journal's actions (``quoi`` -> French title)."""


def nommer_actions(config, titres):
    """A domain names its journal actions, in the order the Journal tab's
    filter lists them (called from its includeme: this package imports no
    domain)."""
    found = config.registry.queryUtility(ITitres)
    if found is None:
        found = {}
        config.registry.registerUtility(found, ITitres)
    found.update(titres)


def titres_actions(registry):
    """Every action the domains named: ``quoi`` -> title."""
    return registry.queryUtility(ITitres) or {}


def journal(root):
    """The root's journal, made here only for a database that has none."""
    found = getattr(root, ATTRIBUT, None)  # not __dict__: a ghost's is empty
    if found is None:
        found = resources.Journal()
        found.preparer(time.time())
        setattr(root, ATTRIBUT, found)
    return found


def _oid(value):
    return value if value is None or isinstance(value, int) else get_oid(value, None)


def noter(
    source,
    quoi,
    objet=None,
    *,
    par=None,
    famille=None,
    enfant=None,
    genre=ACTION,
    ecran="",
    details=None,
    moment=None,
):
    """Record ``quoi`` (e.g. "DemandeAcceptee") about ``objet`` (an object
    of the tree or its oid); its key.

    ``source``: the request (``par`` defaults to its user) or any object of
    the tree (a job without request names ``par``, who acted).
    ``famille``: a Famille or its number; ``enfant``: a child or its oid;
    ``ecran``: the screen (a path); ``details``: a small dict of plain
    values, stored as JSON (never the data the action is about)."""
    if IRequest.providedBy(source):
        root = source.root
        par = par if par is not None else login(source)
    else:
        root = find_root(source)
    if not par:
        raise ValueError("par")
    if famille is not None and not isinstance(famille, str):
        famille = famille.__name__
    return journal(root).ajouter(
        time.time() if moment is None else moment,
        genre,
        par,
        quoi,
        famille,
        _oid(objet),
        _oid(enfant),
        ecran,
        details,
    )


def lire(source, genre=None, quoi=None, famille=None, limite=50, apres=None):
    """(entries, cursor of the next page or None), newest first: dicts with
    cle, moment (seconds, UTC), genre, qui, quoi, famille, objet, enfant,
    ecran and details.  Filters: one kind, one ``quoi``, one family within
    a kind; ``apres``: the cursor a previous page returned.  Reads without
    writing (a database without a journal yet: nothing)."""
    root = source.root if IRequest.providedBy(source) else find_root(source)
    found = getattr(root, ATTRIBUT, None)
    if found is None:
        return [], None
    return found.page(genre=genre, quoi=quoi, famille=famille, limite=limite, apres=apres)


def annees(settings):
    """How many years the journal keeps an entry (setting)."""
    return max(1, int(settings.get("portail.journal.annees", ANNEES)))


def purger(root, today, years):
    """Drop the months that ended more than ``years`` years before
    ``today`` (a month at most is kept beyond); the entries dropped."""
    found = getattr(root, ATTRIBUT, None)
    if found is None:
        return 0
    debut = today.replace(day=1)
    avant = (debut.year - years) * 100 + debut.month
    return found.purger(avant)


def curseur(valeur):
    """The cursor of a page from the query string (None: absent or forged)."""
    return int(valeur) if isinstance(valeur, str) and _CURSEUR.fullmatch(valeur) else None


def liens(base, query, apres, suivante):
    """(link to the newest page or None, link to the next page or None) of
    a screen at ``base`` filtered by ``query``, showing the page after
    ``apres`` whose next page starts after ``suivante``."""
    premiere = base + "?" + urlencode(query) if apres is not None else None
    plus = base + "?" + urlencode(dict(query, apres=suivante)) if suivante is not None else None
    return premiere, plus
