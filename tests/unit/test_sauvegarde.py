"""make backup / make restore: a database restored to several points in
time is what it was then, blobs included (portail_famille.sauvegarde)."""

import datetime
import time

import pytest
import transaction
from persistent.mapping import PersistentMapping
from ZODB import DB
from ZODB.blob import Blob, BlobStorage
from ZODB.FileStorage import FileStorage

from portail_famille import sauvegarde


def open_db(directory):
    storage = BlobStorage(
        str(directory / "blobs"), FileStorage(str(directory / "Data.fs")), layout="bushy"
    )
    return DB(storage)


def state(db):
    conn = db.open()
    try:
        root = conn.root()
        with root["fichier"].open("r") as f:
            contenu = f.read()
        return dict(root["fiche"]), contenu, sorted(root)
    finally:
        conn.close()


def utc_now():
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d-%H-%M-%S")


def write(db, version, contenu, extra=None):
    conn = db.open()
    root = conn.root()
    root.setdefault("fiche", PersistentMapping())["version"] = version
    blob = root.get("fichier") or Blob()
    with blob.open("w") as f:
        f.write(contenu)
    root["fichier"] = blob
    if extra:
        root[extra] = PersistentMapping()
    transaction.commit()
    conn.close()


def test_restored_to_each_backup_as_it_was_then(tmp_path):
    live = tmp_path / "var"
    live.mkdir()
    backups = tmp_path / "backups"
    db = open_db(live)
    points = []
    for n, (version, contenu, extra) in enumerate(
        [
            (1, b"menu de septembre", None),
            (2, b"menu d'octobre", "b"),
            (3, b"menu de novembre", "c"),
        ]
    ):
        write(db, version, contenu, extra)
        copies = sauvegarde.sauvegarder(live / "Data.fs", live / "blobs", backups, complete=n == 0)
        assert copies >= 1  # the new blob file of this version
        points.append((utc_now(), state(db)))
    write(db, 4, b"after the last backup")
    db.close()

    for i, (date, expected) in enumerate(points):
        target = tmp_path / ("restored-%d" % i) / "Data.fs"
        sauvegarde.restaurer(backups, target, date=date)
        restored = open_db(target.parent)
        try:
            assert state(restored) == expected
        finally:
            restored.close()
    assert points[0][1] == ({"version": 1}, b"menu de septembre", ["fiche", "fichier"])
    assert points[2][1][0] == {"version": 3}

    # Without a date: the latest backup; never over an existing database.
    latest = tmp_path / "latest" / "Data.fs"
    sauvegarde.restaurer(backups, latest)
    restored = open_db(latest.parent)
    assert state(restored) == points[-1][1]
    restored.close()
    try:
        sauvegarde.restaurer(backups, latest)
    except SystemExit as refused:
        assert "restore into an empty directory" in str(refused)
    else:
        raise AssertionError("restored over an existing database")


def test_a_second_backup_copies_only_new_blob_files(tmp_path):
    live = tmp_path / "var"
    live.mkdir()
    db = open_db(live)
    write(db, 1, b"un")
    assert sauvegarde.sauvegarder(live / "Data.fs", live / "blobs", tmp_path / "b", True) >= 1
    assert sauvegarde.sauvegarder(live / "Data.fs", live / "blobs", tmp_path / "b") == 0
    db.close()


def test_an_incremental_backup_in_the_full_backups_second_is_restored(tmp_path):
    # repozo names its files to the second: made in the same second, the
    # incremental sorted before the full backup and no restore read it.
    live = tmp_path / "var"
    live.mkdir()
    db = open_db(live)
    write(db, 1, b"un")
    debut = time.time()
    time.sleep(1 - debut % 1 + 0.01)  # at the start of a second
    sauvegarde.sauvegarder(live / "Data.fs", live / "blobs", tmp_path / "b", complete=True)
    write(db, 2, b"deux", "ajout")
    sauvegarde.sauvegarder(live / "Data.fs", live / "blobs", tmp_path / "b")
    expected = state(db)
    db.close()

    noms = sorted(
        p.name for p in (tmp_path / "b" / "data").iterdir() if p.suffix in (".fs", ".deltafs")
    )
    assert [n.rsplit(".", 1)[1] for n in noms] == ["fs", "deltafs"]
    sauvegarde.restaurer(tmp_path / "b", tmp_path / "r" / "Data.fs")
    restored = open_db(tmp_path / "r")
    assert state(restored) == expected == ({"version": 2}, b"deux", ["ajout", "fiche", "fichier"])
    restored.close()


def test_the_commands_of_make_backup_and_make_restore(tmp_path, capsys):
    live = tmp_path / "var"
    live.mkdir()
    db = open_db(live)
    write(db, 7, b"formulaire")
    expected = state(db)
    db.close()
    args = [str(live / "Data.fs"), str(live / "blobs"), str(tmp_path / "bk")]
    sauvegarde.main(["backup", *args, "--full"])
    assert "backup done in" in capsys.readouterr().out
    sauvegarde.main(["restore", str(tmp_path / "bk"), str(tmp_path / "r" / "Data.fs")])
    restored = open_db(tmp_path / "r")
    assert state(restored) == expected
    restored.close()
    with pytest.raises(SystemExit, match="nothing to back up"):
        sauvegarde.main(["backup", str(tmp_path / "none.fs"), "x", str(tmp_path / "bk2")])
    with pytest.raises(SystemExit, match="holds no backup"):
        sauvegarde.main(["restore", str(tmp_path / "empty"), str(tmp_path / "r2" / "Data.fs")])
