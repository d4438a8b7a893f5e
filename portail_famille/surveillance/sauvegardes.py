"""Gauges of the backups: the age of the newest backup file, and the last
restore drill's result.

- ``portail.surveillance.sauvegardes``: the backup directory (``make
  backup``'s ``BACKUPS``).  The newest file of its ``data/`` (repozo's
  files; the directory itself when it has no ``data/``) gives
  ``portail_sauvegarde_age_secondes``; the blob copies beside are not
  walked (thousands of files, at every scrape).
- ``portail.surveillance.exercice_restauration``: the file the weekly
  restore drill writes, ``{"date": "<ISO 8601>", "ok": true|false, ...}``
  (default ``var/exercice-restauration.json``); gives
  ``portail_exercice_restauration_ok`` (1 or 0) and
  ``portail_exercice_restauration_age_secondes``.

No setting, no file yet, or a file that cannot be read: no sample (an
alert on ``absent(...)`` says it), never an error of the scrape.
"""

import datetime
import json
import os
import time

SAUVEGARDES = "portail.surveillance.sauvegardes"
EXERCICE = "portail.surveillance.exercice_restauration"
EXERCICE_DEFAUT = os.path.join("var", "exercice-restauration.json")


def derniere_sauvegarde(directory):
    """The mtime of the newest file of the backups (None: none)."""
    if not directory:
        return None
    data = os.path.join(directory, "data")
    if os.path.isdir(data):
        directory = data
    try:
        with os.scandir(directory) as entries:
            dates = [e.stat().st_mtime for e in entries if e.is_file()]
    except OSError:
        return None
    return max(dates, default=None)


def age_sauvegarde(request):
    mtime = derniere_sauvegarde(request.registry.settings.get(SAUVEGARDES))
    return None if mtime is None else max(0.0, time.time() - mtime)


def lire_exercice(path):
    """``(ok, timestamp)`` of the restore drill's file, or None."""
    try:
        with open(path, encoding="utf-8") as fp:
            data = json.load(fp)
        date = datetime.datetime.fromisoformat(data["date"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if date.tzinfo is None:
        date = date.replace(tzinfo=datetime.UTC)
    return bool(data.get("ok") is True), date.timestamp()


def _exercice(request):
    return lire_exercice(request.registry.settings.get(EXERCICE) or EXERCICE_DEFAUT)


def exercice_ok(request):
    found = _exercice(request)
    return None if found is None else int(found[0])


def exercice_age(request):
    found = _exercice(request)
    return None if found is None else max(0.0, time.time() - found[1])
