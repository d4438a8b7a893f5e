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
speed.  After the last round: the storage
opens, ``fstest`` passes on Data.fs, every object and blob of the storage
loads, and every acknowledged message is there with its attachment.
"""

import os
import random
import select
import signal
import time
import traceback

import pytest
import transaction
import webtest
from pyramid_zodbconn import db_from_uri
from ZODB.blob import Blob
from ZODB.scripts import fstest

from portail_famille.demo import COMPTES, DUPONT

from ..conftest import DUPONT_URL, csrf, login, make_app
from .test_messagerie import pdf_bytes

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

KILLS = 100
# The child is killed this long (seconds, uniform) after it acknowledged
# between ACKS[0] and ACKS[1] writes.
ACKS = (1, 4)
DELAY = (0.0, 0.15)
BOITE = DUPONT_URL + "boite-de-reception"


def _uri(app):
    return app.app.registry.settings["zodbconn.uri"]


def _close_databases(app):
    transaction.abort()
    databases = app.app.registry._zodb_databases
    for db in databases.values():
        db.close()
    databases.clear()


def _serve(app, client, token, out, round_):
    """In the child: restart on the Data.fs, then write until killed."""
    databases = app.app.registry._zodb_databases
    db_from_uri(_uri(app), "", databases)
    os.write(out, b"ready\n")
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


def _read_lines(fd, lines=None, timeout=60.0):
    """What the child wrote on ``fd``: until it has written ``lines`` whole
    lines, or (``lines`` None) until the end of the pipe."""
    data = b""
    deadline = time.monotonic() + timeout
    while lines is None or data.count(b"\n") < lines:
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


def _round(app, client, token, round_, rng):
    """Fork a child writing, kill it, return the subjects it acknowledged."""
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
    try:
        # "ready", then 1 to 4 acknowledged writes: the kill then falls at a
        # random moment of the next ones, however fast the machine is.
        data = _read_lines(read_end, lines=1 + rng.randint(*ACKS))
        time.sleep(rng.uniform(*DELAY))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        data += _read_lines(read_end)
    finally:
        os.close(read_end)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        "the child stopped by itself (an error in the application?)"
    )
    # A line cut by the kill was not acknowledged.
    lines = data.split(b"\n")[:-1]
    assert lines[0] == b"ready"
    return [line.decode("ascii") for line in lines[1:]]


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


def test_sigkill_during_writes_loses_no_acknowledged_write(tmp_path):
    app = make_app(tmp_path)
    client = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(client, "jean.dupont", COMPTES["jean.dupont"][0])
    token = csrf(client.get(BOITE))
    uri = _uri(app)
    path = uri.split("://", 1)[1].split("?", 1)[0]
    _close_databases(app)

    rng = random.Random(os.getpid())
    acknowledged = []
    for round_ in range(KILLS):
        acknowledged.extend(_round(app, client, token, round_, rng))
    assert len(acknowledged) >= KILLS * ACKS[0]

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
        "%d kills, %d acknowledged writes checked, %d objects and %d blobs loaded"
        % (KILLS, len(acknowledged), objects, blobs)
    )
