"""util.root_attribute on a root not loaded yet (a ghost): it finds what
is kept there instead of replacing it."""

import transaction
from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from ZODB import DB
from ZODB.MappingStorage import MappingStorage

from portail_famille.util import root_attribute


def test_a_ghost_root_keeps_its_attribute():
    db = DB(MappingStorage())
    conn = db.open()
    conn.root()["app"] = PersistentMapping()
    transaction.commit()
    root_attribute(conn.root()["app"], "_journal", OOBTree)["une"] = 1
    transaction.commit()
    conn.close()

    other = db.open(transaction.TransactionManager())
    app = other.root()["app"]
    app._p_deactivate()
    assert app._p_status == "ghost"
    assert dict(root_attribute(app, "_journal", OOBTree)) == {"une": 1}
    other.close()
    db.close()
