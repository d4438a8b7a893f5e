"""Backups of a FileStorage database: ``make backup`` and ``make restore``.

- Data.fs goes through ZODB's ``repozo``: an incremental backup (only what
  was appended since the last one) or a full one (``--full``), each a file
  named after its UTC time in ``<dir>/data/``.
- Blobs (uploaded files) are not in Data.fs: a blob file never changes once
  written (one file per object and transaction), so the backup copies the
  blob files it does not hold yet into ``<dir>/blobs/`` and never removes
  one (a restore to an earlier date needs the blobs of then).
- A restore writes Data.fs as it was at a date (UTC, ``AAAA-MM-JJ-hh-mm-ss``;
  the latest backup when none is given) and the blob directory beside it.
  It refuses to overwrite an existing database.

The server may keep running during a backup: repozo reads what was
committed; a blob is written before its transaction commits.

    python -m portail_famille.sauvegarde backup var/Data.fs var/blobs var/backups [--full]
    python -m portail_famille.sauvegarde restore var/backups restored/Data.fs [--date D]
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def _repozo():
    return str(Path(sys.executable).with_name("repozo"))


def sauvegarder(data_fs, blobs, destination, complete=False):
    """Back up ``data_fs`` (repozo) and the new files of ``blobs``; returns
    the number of blob files copied."""
    if not Path(data_fs).is_file():
        raise SystemExit("%s does not exist: nothing to back up" % data_fs)
    destination = Path(destination)
    (destination / "data").mkdir(parents=True, exist_ok=True)
    _attendre_la_seconde_suivante(destination / "data")
    command = [_repozo(), "-B", "-r", str(destination / "data"), "-f", str(data_fs)]
    if complete:
        command.append("-F")
    subprocess.run(command, check=True)  # noqa: S603 (this virtualenv's repozo)
    copies = 0
    blobs = Path(blobs)
    if blobs.is_dir():
        cible = destination / "blobs"
        for source in sorted(blobs.rglob("*")):
            relative = source.relative_to(blobs)
            if not source.is_file() or relative.parts[0] == "tmp":
                continue  # (tmp: blobs of transactions not committed yet)
            copie = cible / relative
            if copie.exists():
                continue
            copie.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copie)
            copies += 1
    return copies


def _horodatage():
    """repozo's name for a backup made now: the UTC second."""
    return time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime())


def _attendre_la_seconde_suivante(depot):
    """Wait until the UTC second is after the newest backup's name.

    repozo names its files to the second and restores, from the last full
    backup, the files named up to the date: an incremental backup made in
    the full backup's second sorts before it (``.deltafs`` < ``.fs``) and
    would be left out of every restore.  Waiting at most a second here
    keeps every backup's name after the previous one's."""
    noms = [
        nom.split(".", 1)[0]
        for nom in os.listdir(depot)
        if nom.endswith((".fs", ".fsz", ".deltafs", ".deltafsz"))
    ]
    if not noms:
        return
    derniere = max(noms)
    while _horodatage() <= derniere:
        time.sleep(0.05)


def restaurer(source, data_fs, date=None):
    """Write ``data_fs`` as it was at ``date`` (UTC "AAAA-MM-JJ-hh-mm-ss",
    or the latest backup) and its blob directory ``<data_fs dir>/blobs``."""
    source, data_fs = Path(source), Path(data_fs)
    blobs = data_fs.parent / "blobs"
    if data_fs.exists() or blobs.exists():
        raise SystemExit("%s or %s exists: restore into an empty directory" % (data_fs, blobs))
    if not (source / "data").is_dir():
        raise SystemExit("%s holds no backup" % source)
    data_fs.parent.mkdir(parents=True, exist_ok=True)
    command = [_repozo(), "-R", "-r", str(source / "data"), "-o", str(data_fs)]
    if date:
        command += ["-D", date]
    subprocess.run(command, check=True)  # noqa: S603 (this virtualenv's repozo)
    if (source / "blobs").is_dir():
        shutil.copytree(source / "blobs", blobs)
        os.chmod(blobs, 0o700)
    return data_fs


def main(argv=None):
    parser = argparse.ArgumentParser(prog="portail_famille.sauvegarde")
    commands = parser.add_subparsers(dest="command", required=True)
    backup = commands.add_parser("backup")
    backup.add_argument("data_fs")
    backup.add_argument("blobs")
    backup.add_argument("destination")
    backup.add_argument("--full", action="store_true")
    restore = commands.add_parser("restore")
    restore.add_argument("source")
    restore.add_argument("data_fs")
    restore.add_argument("--date")
    args = parser.parse_args(argv)
    if args.command == "backup":
        copies = sauvegarder(args.data_fs, args.blobs, args.destination, args.full)
        print("backup done in %s (%d new blob files)" % (args.destination, copies))
    else:
        print("restored: %s" % restaurer(args.source, args.data_fs, args.date))


if __name__ == "__main__":
    main()
