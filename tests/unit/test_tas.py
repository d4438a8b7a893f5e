"""The Tas: two transactions that add to it (or take from it) at once both
commit, on a real database, where a BTree whose bucket splits conflicts."""

import pytest
import transaction
import ZODB
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from portail_famille.tas import Tas


class Chose(Persistent):
    """A persistent value (the Tas holds references to requests)."""

    def __init__(self, nom):
        self.nom = nom


@pytest.fixture
def db(tmp_path):
    # A FileStorage: it resolves conflicts (a MappingStorage does not).
    found = ZODB.DB(FileStorage(str(tmp_path / "Data.fs")))
    yield found
    found.close()


def _deux(db):
    """Two connections, each with its own transaction manager."""
    tm1, tm2 = transaction.TransactionManager(), transaction.TransactionManager()
    return (db.open(transaction_manager=tm1), tm1), (db.open(transaction_manager=tm2), tm2)


def _avec(db, valeur):
    conn = db.open()
    conn.root()["x"] = valeur
    transaction.commit()
    conn.close()


def test_two_transactions_add_to_one_tas_and_both_commit(db):
    tas = Tas()
    tas.ajouter(("f0", "n0"), (0, Chose("ancienne")))
    _avec(db, tas)
    (c1, tm1), (c2, tm2) = _deux(db)
    c1.root()["x"].ajouter(("f1", "n1"), (1, Chose("un")))
    c2.root()["x"].ajouter(("f2", "n2"), (2, Chose("deux")))
    c2.root()["x"].retirer(("f0", "n0"))
    tm1.commit()
    tm2.commit()  # merged by _p_resolveConflict, no ConflictError
    c3 = db.open()
    merged = c3.root()["x"]
    assert sorted(merged.entrees) == [("f1", "n1"), ("f2", "n2")]
    assert [merged.get(k)[1].nom for k in sorted(merged.entrees)] == ["un", "deux"]


def test_the_same_entry_added_twice_at_once_conflicts(db):
    _avec(db, Tas())
    (c1, tm1), (c2, tm2) = _deux(db)
    c1.root()["x"].ajouter(("f1", "n1"), (1, Chose("un")))
    c2.root()["x"].ajouter(("f1", "n1"), (1, Chose("un bis")))
    tm1.commit()
    with pytest.raises(ConflictError):
        tm2.commit()
    tm2.abort()


def test_an_entry_is_added_once():
    tas = Tas()
    tas.ajouter("a", 1)
    with pytest.raises(KeyError):
        tas.ajouter("a", 2)
    tas.retirer("b")  # not there: nothing
    assert dict(tas.items()) == {"a": 1} and "a" in tas and len(tas) == 1


def test_where_a_btree_conflicts_a_tas_does_not(db):
    """The case of the opening morning: the list is full of entries added
    in order, and two parents add the next ones at once.  The BTree's
    last bucket splits under one of them: the other's commit conflicts."""
    arbre = OOBTree()
    for n in range(29):
        arbre[(n,)] = n
    _avec(db, arbre)
    (c1, tm1), (c2, tm2) = _deux(db)
    for n in (29, 30, 31):  # the bucket (30 at most) splits
        c1.root()["x"][(n,)] = n
    c2.root()["x"][(32,)] = 32
    tm1.commit()
    with pytest.raises(ConflictError):
        tm2.commit()
    tm2.abort()
    c1.close()
    c2.close()

    tas = Tas()
    for n in range(29):
        tas.ajouter((n,), n)
    _avec(db, tas)
    (c1, tm1), (c2, tm2) = _deux(db)
    for n in (29, 30, 31):
        c1.root()["x"].ajouter((n,), n)
    c2.root()["x"].ajouter((32,), 32)
    tm1.commit()
    tm2.commit()
    assert len(db.open().root()["x"]) == 33
