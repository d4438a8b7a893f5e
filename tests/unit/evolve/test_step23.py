"""Evolve step23: a database holding entries in both old stores (the staff
actions' journal and the RGPD audit of reads, their classes gone since)
has them all in the one journal, the old stores gone; run again, nothing
moves."""

import json
import sys
import types

import transaction
import ZODB
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from ZODB.broken import Broken
from ZODB.FileStorage import FileStorage

import portail_famille.journal
from portail_famille import journal
from portail_famille.evolve import STEPS, step23

MOMENT = 1_767_225_600  # 1 January 2026, 00:00 UTC


class Racine(PersistentMapping):
    __parent__ = None


def _old_class(module, name):
    """A class pickled under ``module.name``, as the old stores were."""
    cls = type(name, (Persistent,), {"__module__": module})
    cls.__qualname__ = name
    return cls


def _old_stores(monkeypatch, path):
    """A FileStorage whose root holds the old journal (two actions, one at
    the same microsecond as another, resolved by ``key += 1``) and the old
    audit (three reads in its 16 trees), pickled under their old classes;
    the classes then go."""
    OldJournal = _old_class("portail_famille.journal", "Journal")
    OldAudit = _old_class("portail_famille.rgpd.audit", "Audit")
    monkeypatch.setattr(portail_famille.journal, "Journal", OldJournal, raising=False)
    module = types.ModuleType("portail_famille.rgpd.audit")
    module.Audit = OldAudit
    monkeypatch.setitem(sys.modules, "portail_famille.rgpd.audit", module)

    old_journal = OldJournal()
    old_journal.entries = LOBTree()
    micros = MOMENT * 1_000_000
    old_journal.entries[micros] = (
        "DemandeAcceptee",
        "agent",
        501,
        json.dumps({"famille": "1001", "type": "responsable"}),
    )
    old_journal.entries[micros + 1] = (
        "IbanConsulte",
        "regisseur",
        502,
        json.dumps({"demande": 601, "famille": "2002"}),
    )
    old_audit = OldAudit()
    old_audit.entrees = tuple(LOBTree() for _i in range(16))
    old_audit.par_famille = tuple(OOBTree() for _i in range(16))
    for seconds, rand, values in (
        (10, 3, ("agent", "1001", 501, 701, "sanitaires", "/manage/@@demandes")),
        (20, 1000, ("regisseur", "1001", 501, None, "iban", "/manage/x/@@traiter")),
        (30, 17, ("agent", "2002", 502, None, "bancaires", "/familles/2002/mon-compte")),
    ):
        key = -((MOMENT + seconds) * 1_000_000 * 1024 + rand)
        old_audit.entrees[key % 16][key] = values
        old_audit.par_famille[key % 16][(values[1], key)] = None

    db = ZODB.DB(FileStorage(str(path / "Data.fs")))
    with db.transaction() as connection:
        root = connection.root()["app"] = Racine()
        root._portail_journal = old_journal
        root._portail_audit = old_audit
    db.close()
    monkeypatch.undo()
    return ZODB.DB(FileStorage(str(path / "Data.fs")))


def _resume(entries):
    return [
        (e["moment"], e["qui"], e["quoi"], e["famille"], e["objet"], e["enfant"], e["ecran"])
        + (e["details"],)
        for e in entries
    ]


def test_step23_moves_both_old_stores_into_the_journal(monkeypatch, tmp_path):
    assert "step23" in STEPS
    db = _old_stores(monkeypatch, tmp_path)
    try:
        with db.transaction() as connection:
            root = connection.root()["app"]
            # What an older database holds once the code changed.
            assert isinstance(root._portail_journal, Broken)
            assert isinstance(root._portail_audit, Broken)
            assert step23.evolve(root, None) == 5
        with db.transaction() as connection:
            root = connection.root()["app"]
            assert not hasattr(root, "_portail_journal")
            assert not hasattr(root, "_portail_audit")
            actions, _apres = journal.lire(root, genre=journal.ACTION)
            assert _resume(actions) == [
                (MOMENT + 0.000001, "regisseur", "IbanConsulte", "2002", 502, None, "")
                + ({"demande": 601},),
                (MOMENT, "agent", "DemandeAcceptee", "1001", 501, None, "")
                + ({"type": "responsable"},),
            ]
            lectures, _apres = journal.lire(root, genre=journal.LECTURE, famille="1001")
            assert _resume(lectures) == [
                (MOMENT + 20, "regisseur", "iban", "1001", 501, None, "/manage/x/@@traiter", {}),
                (MOMENT + 10, "agent", "sanitaires", "1001", 501, 701, "/manage/@@demandes", {}),
            ]
            assert len(journal.lire(root, genre=journal.LECTURE)[0]) == 3
            # Run again: nothing left to move.
            assert step23.evolve(root, None) == 0
        with db.transaction() as connection:
            assert len(journal.lire(connection.root()["app"], limite=100)[0]) == 5
    finally:
        db.close()
        transaction.abort()


def test_step23_on_a_database_without_old_stores_gives_it_the_journal():
    root = Racine()
    assert step23.evolve(root, None) == 0
    assert hasattr(root, journal.ATTRIBUT)
    assert journal.lire(root) == ([], None)
