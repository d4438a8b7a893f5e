"""One journal: the staff actions' journal (``_portail_journal``: one tree,
same-instant keys resolved by ``key += 1``) and the RGPD audit of staff
reads (``_portail_audit``: 16 trees) move into the site's partitioned
journal (``portail_famille.journal``), and both old stores go.

Their classes no longer exist (``portail_famille.journal.Journal``,
``portail_famille.rgpd.audit.Audit``): ZODB loads them as broken objects
whose state is kept as it was stored; the step reads that state.  Every
entry keeps its time, who, what, family, objects and details; an entry of
the old journal whose details named the family (``famille``) has it in
the family's column.  Run again, it finds nothing to move."""

import json

from ZODB.broken import Broken

from ..journal import ACTION, LECTURE, journal

ANCIEN_JOURNAL = "_portail_journal"
ANCIEN_AUDIT = "_portail_audit"
_ALEA = 1024  # the old audit's keys: -(microseconds * 1024 + random)


def _etat(store):
    """The stored attributes of an old store, broken (its class gone) or not."""
    store._p_activate()
    if isinstance(store, Broken):
        return store.__Broken_state__ or {}
    return store.__dict__


def _journal(state, cible):
    moved = 0
    for key, (action, qui, objet, details) in state.get("entries", {}).items():
        details = json.loads(details) if details else {}
        famille = details.pop("famille", None)
        cible.ajouter(key / 1_000_000, ACTION, qui, action, famille, objet, None, "", details)
        moved += 1
    return moved


def _audit(state, cible):
    moved = 0
    for tree in state.get("entrees", ()):
        for key, (qui, numero, famille, enfant, quoi, ecran) in tree.items():
            moment = -key // _ALEA / 1_000_000
            cible.ajouter(moment, LECTURE, qui, quoi, numero, famille, enfant, ecran, None)
            moved += 1
    return moved


def evolve(root, registry):
    cible = journal(root)
    moved = 0
    for name, move in ((ANCIEN_JOURNAL, _journal), (ANCIEN_AUDIT, _audit)):
        store = getattr(root, name, None)
        if store is not None:
            moved += move(_etat(store), cible)
            delattr(root, name)
    return moved
