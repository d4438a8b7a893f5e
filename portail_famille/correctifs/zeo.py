"""ZEO: a client that reconnects forgets the oids it was handed out."""

from .amont import Amont, garder, remplacer

NOTIFY_CONNECTED = "ZEO.ClientStorage:ClientStorage.notify_connected"

AMONT = (
    Amont(NOTIFY_CONNECTED, "ZEO", "6.2", "1a6f9a02b83c75f9"),
    # new_oid takes from the client's list (_oids) before asking the server
    Amont("ZEO.ClientStorage:ClientStorage.new_oid", "ZEO", "6.2", "b6803b285a7d822d"),
)

_NOTIFY_CONNECTED = garder(NOTIFY_CONNECTED)


def notify_connected(self, conn, info):
    self._oids = []
    return _NOTIFY_CONNECTED(self, conn, info)


def oids_oublies_a_la_reconnexion():
    """A ZEO client asks its server for new oids anew after a reconnection.

    Upstream wrong: a client keeps the new oids the server handed out in
    advance (``new_oids``, 100 at a time) across a reconnection; a
    restarted server has forgotten those not yet stored and hands them out
    again to the other clients.
    Effect on us: two new objects of two processes got one oid, and a
    process failed its requests ("A different object already has the same
    oid"; measured: 2 requests in 28 across a restart, tests/grappe/
    test_zeo.py).  ``notify_connected`` now empties the client's list.
    Upstream: ZEO 6.2, src/ZEO/ClientStorage.py,
    ``ClientStorage.notify_connected`` (and ``new_oid``); upstream issue:
    none found.
    """
    remplacer(NOTIFY_CONNECTED, notify_connected)
