"""Durability: the application killed with SIGKILL in the middle of writes,
again and again, loses nothing it acknowledged and leaves a sound Data.fs.

The test process builds the application once (demo data, FileStorage with
blobs in tmp_path), logs parent DUPONT in, then closes its database.  Each
round forks a child that opens the same Data.fs (a restart: the storage
reads its index and the tail left by the previous kill), sends real POSTs
of new messages through the WSGI application (one in three with a PDF
attachment: a blob) and, only once the response came back (pyramid_tm has
committed), reports the message's subject through a pipe.  The parent
waits for 1 to 4 acknowledged writes, then SIGKILLs the child after a
random delay: in the middle of the next write, whatever the machine's
speed; one round in two, just after the storage's vote began, so that the
kill falls inside the commit (the next restart must cut that transaction).  After the last round: the storage
opens, ``fstest`` passes on Data.fs, every object and blob of the storage
loads, and every acknowledged message is there with its attachment.
"""

import logging
import os
import random
import select
import signal
import time
import traceback

import pytest
import transaction
import webtest
import ZODB
from pyramid_zodbconn import db_from_uri
from ZODB.blob import Blob
from ZODB.scripts import fstest
from zodburi import resolve_uri

from portail_famille.demo import COMPTES, DUPONT

from ..conftest import DUPONT_URL, csrf, login, make_app
from .test_messagerie import pdf_bytes

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.lent,  # started first: tests/conftest.py
]

KILLS = 100
# The child is killed this long (seconds, uniform) after it acknowledged
# between ACKS[0] and ACKS[1] writes.
ACKS = (1, 4)
DELAY = (0.0, 0.15)
# One round in two, this long after the storage started its vote, itself
# followed by COMMIT_GAP seconds before the finish.
COMMIT_DELAY = (0.0, 0.006)
COMMIT_GAP = 0.005
VOTE = b"vote"
BOITE = DUPONT_URL + "boite-de-reception"


def _uri(app):
    return app.app.registry.settings["zodbconn.uri"]


def _close_databases(app):
    transaction.abort()
    databases = app.app.registry._zodb_databases
    for db in databases.values():
        db.close()
    databases.clear()


class _Repairs(logging.Handler):
    """The warnings of FileStorage when it opens (a cut tail)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def _serve(app, client, token, out, round_):
    """In the child: restart on the Data.fs, then write until killed."""
    repairs = _Repairs()
    logging.getLogger("ZODB.FileStorage").addHandler(repairs)
    factory, options = resolve_uri(_uri(app))
    storage = factory()
    vote = storage.tpc_vote

    def tpc_vote(txn):
        # Tells the parent that the storage starts writing the transaction
        # into Data.fs; in the commit rounds, leaves a few milliseconds
        # between the vote and the finish (as other resource managers
        # voting would), where the kill falls.  Set before the connections
        # copy the method.
        os.write(out, VOTE + b"\n")
        result = vote(txn)
        if round_ % 2:
            time.sleep(COMMIT_GAP)
        return result

    storage.tpc_vote = tpc_vote
    databases = app.app.registry._zodb_databases
    options["database_name"] = ""
    ZODB.DB(storage, databases=databases, **options)
    # Did the storage find (and cut) a transaction the last kill interrupted?
    os.write(out, b"ready %d\n" % bool(repairs.records))
    pdf = pdf_bytes()
    # The redirect is not followed: the flash message would pile up in the
    # session cookie; each POST starts from the session of the login.
    session = client.cookies["pf_session"]
    n = 0
    while True:
        client.set_cookie("pf_session", session)
        objet = "K%03d-%04d" % (round_, n)
        files = [("fichier", "piece.pdf", pdf)] if n % 3 == 0 else []
        response = client.post(
            BOITE,
            {"objet": objet, "texte": "Écrit avant le SIGKILL " + objet, "csrf_token": token},
            upload_files=files,
            status=302,
        )
        assert response.location.endswith("onglet=envoyes")
        # Committed: only now is the write acknowledged.
        os.write(out, (objet + "\n").encode("ascii"))
        n += 1


def _read_until(fd, done, timeout=60.0):
    """What the child wrote on ``fd``, until ``done(data)`` is true (or,
    ``done`` None, until the end of the pipe)."""
    data = b""
    deadline = time.monotonic() + timeout
    while done is None or not done(data):
        left = deadline - time.monotonic()
        assert left > 0, "the child did not answer"
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data


def _acks(data):
    """The acknowledged subjects in ``data`` (a line cut by the kill was not
    acknowledged)."""
    lines = data.split(b"\n")[:-1]
    return [line.decode("ascii") for line in lines[1:] if line != VOTE]


def _round(app, client, token, round_, rng):
    """Fork a child writing, kill it; return whether the child's storage
    repaired the tail left by the previous kill, and the subjects the child
    acknowledged."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            _serve(app, client, token, write_end, round_)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(1)
    os.close(write_end)
    acks = rng.randint(*ACKS)
    in_commit = round_ % 2 == 1  # as in _serve
    try:
        # "ready", then 1 to 4 acknowledged writes...
        data = _read_until(read_end, lambda d: len(_acks(d)) >= acks)
        if in_commit:
            # ...then, one round in two, the next vote: the kill falls in the
            # storage's commit (or just after it)...
            if data.count(VOTE + b"\n") <= len(_acks(data)):
                data += _read_until(read_end, lambda d: VOTE + b"\n" in d)
            time.sleep(rng.uniform(*COMMIT_DELAY))
        else:
            # ...else at any moment of the next writes.
            time.sleep(rng.uniform(*DELAY))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        data += _read_until(read_end, None)
    finally:
        os.close(read_end)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        "the child stopped by itself (an error in the application?)"
    )
    first = data.split(b"\n", 1)[0]
    assert first in (b"ready 0", b"ready 1")
    return first == b"ready 1", _acks(data)


def _load_everything(db):
    """Load every object of the storage (each current record, unpickled and
    activated), and read every blob; returns (objects, blobs)."""
    storage = db.storage
    connection = db.open()
    objects = blobs = 0
    try:
        next_oid = None
        while True:
            oid, _tid, _data, next_oid = storage.record_iternext(next_oid)
            obj = connection.get(oid)
            obj._p_activate()
            objects += 1
            if isinstance(obj, Blob):
                with obj.open("r") as f:
                    f.read()
                blobs += 1
            if next_oid is None:
                break
    finally:
        transaction.abort()
        connection.close()
    return objects, blobs


def _stored_messages(db):
    """subject -> attachment bytes (or None) of DUPONT's conversations."""
    connection = db.open()
    try:
        root = connection.root()["app_root"]
        found = {}
        for conversation in root["familles"][DUPONT["numero"]]["messages"].values():
            fichier = conversation.messages[0].fichier
            found[conversation.objet] = fichier.contenu() if fichier is not None else None
        return found
    finally:
        transaction.abort()
        connection.close()


# The rounds post a few hundred messages in a minute: far above what one
# family may send (familles.limites), which is not what is tested here.
SANS_LIMITES = {
    "portail.limites.%s" % limite: "0"
    for limite in (
        "messages.heure",
        "messages.jour",
        "pieces_jointes.heure",
        "pieces_jointes.jour",
        "pieces_jointes.mo_jour",
    )
}


def test_sigkill_during_writes_loses_no_acknowledged_write(tmp_path):
    app = make_app(tmp_path, **SANS_LIMITES)
    client = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(client, "jean.dupont", COMPTES["jean.dupont"][0])
    token = csrf(client.get(BOITE))
    uri = _uri(app)
    path = uri.split("://", 1)[1].split("?", 1)[0]
    _close_databases(app)

    rng = random.Random(os.getpid())
    acknowledged = []
    repaired = 0
    for round_ in range(KILLS):
        cut, subjects = _round(app, client, token, round_, rng)
        repaired += cut
        acknowledged.extend(subjects)
    assert len(acknowledged) >= KILLS * ACKS[0]
    # Some kills fell inside a commit, and the restart cut the transaction.
    assert repaired > 0

    # Restart once more (the storage repairs the tail left by the last kill),
    # then check the file and every object.
    db = db_from_uri(uri, "", {})
    try:
        stored = _stored_messages(db)
        objects, blobs = _load_everything(db)
    finally:
        db.close()
    fstest.check(path)  # raises FormatError on any damage

    pdf = pdf_bytes()
    missing = [objet for objet in acknowledged if objet not in stored]
    assert not missing, "acknowledged but lost: %s" % missing[:10]
    for objet in acknowledged:
        expected = pdf if int(objet.rsplit("-", 1)[1]) % 3 == 0 else None
        assert stored[objet] == expected, objet
    assert blobs >= len([o for o in acknowledged if int(o.rsplit("-", 1)[1]) % 3 == 0])
    assert objects > len(acknowledged)
    print(
        "%d kills (%d inside a commit: the restart cut the transaction), "
        "%d acknowledged writes checked, %d objects and %d blobs loaded"
        % (KILLS, repaired, len(acknowledged), objects, blobs)
    )
