"""The demo database, built once and copied for each test that wants it.

Loading the demo (accounts hashed by bcrypt, structures, the manual's
invoices, the current school year's contract booked day by day) costs
seconds; copying its FileStorage (``Data.fs``, its ``.index``) and blob
directory costs milliseconds.  A test process builds the demo database
the first time it is asked for it with given settings and clock, in its
own temporary directory, and copies it afterwards: a test gets the same
committed data as a fresh load, in a database of its own.

What the build depends on is its key: every setting but the paths of
the test's own files, today's date, the values of the town's clock when a
test froze it (``dates.now``, ``dates.today``, ``dates.horodatage``,
``time.time`` patched), and the demo modules' names as the test sees them
(a test that patched the demo's data or functions gets a build of its
own).  A clock that moves while patched gives a new key at each call:
that test gets a fresh build, as before.
"""

import atexit
import os
import shutil
import sys
import tempfile
import time
import urllib.parse

from portail_famille import dates

# The paths of one test's own files, not part of what the demo holds.
CHEMINS = ("zodbconn.uri", "portail.mail_directory")
# The clock as the module defines it (tests patch these attributes).
HORLOGE = {
    (dates, "now"): dates.now,
    (dates, "today"): dates.today,
    (dates, "horodatage"): dates.horodatage,
    (time, "time"): time.time,
}

_repertoire = None
_modeles = {}  # key -> directory of the built demo database


def fichiers(settings):
    """(Data.fs, blob directory) of a ``file://`` zodbconn.uri."""
    uri = urllib.parse.urlsplit(settings["zodbconn.uri"])
    assert uri.scheme == "file", "the demo database is a FileStorage: %s" % uri.geturl()
    blobs = urllib.parse.parse_qs(uri.query).get("blobstorage_dir")
    assert blobs, "the demo database has blobs: %s" % uri.geturl()
    return urllib.parse.unquote(uri.path), blobs[0]


def cle(settings):
    """What the demo built with ``settings`` now depends on."""
    reglages = tuple(sorted((k, str(v)) for k, v in settings.items() if k not in CHEMINS))
    horloge = tuple(
        (module.__name__, name, getattr(module, name)())
        for (module, name), original in HORLOGE.items()
        if getattr(module, name) is not original
    )
    return reglages, horloge, dates.today(), _demo()


def _demo():
    """The names of the demo modules (portail_famille.demo and each
    domain's ``demo``), their values written out."""
    return tuple(
        (
            nom,
            tuple((k, repr(v)) for k, v in sorted(vars(module).items()) if not k.startswith("__")),
        )
        for nom, module in sorted(sys.modules.items())
        if nom == "portail_famille.demo"
        or (nom.startswith("portail_famille.") and nom.endswith(".demo"))
    )


def installer(settings, construire):
    """Put the demo database at ``settings``' zodbconn.uri (and the mails its
    load sent in ``portail.mail_directory``): a copy of the one built by
    ``construire(settings)`` (which creates the root and loads the demo,
    then closes the database) for the same key."""
    key = cle(settings)
    modele = _modeles.get(key)
    if modele is None:
        modele = _construire(settings, construire)
        if cle(settings) == key:  # a clock that moves is not remembered
            _modeles[key] = modele
    data, blobs = fichiers(settings)
    os.makedirs(os.path.dirname(data), exist_ok=True)
    for suffixe in ("", ".index"):
        shutil.copyfile(os.path.join(modele, "Data.fs" + suffixe), data + suffixe)
    shutil.copytree(os.path.join(modele, "blobs"), blobs)
    if os.path.isdir(os.path.join(modele, "mail")):
        shutil.copytree(
            os.path.join(modele, "mail"), settings["portail.mail_directory"], dirs_exist_ok=True
        )


def ranger_dans(repertoire):
    """Build the demo databases in ``repertoire`` (the test session's
    temporary directory: pytest cleans it); else in a temporary directory
    removed at exit."""
    global _repertoire
    _repertoire = str(repertoire)


def _construire(settings, construire):
    global _repertoire
    if _repertoire is None:
        _repertoire = tempfile.mkdtemp(prefix="portail-demo-")
        atexit.register(shutil.rmtree, _repertoire, True)
    modele = tempfile.mkdtemp(dir=_repertoire)
    uri = "file://%s/Data.fs?blobstorage_dir=%s/blobs" % (modele, modele)
    construire(
        {**settings, "zodbconn.uri": uri, "portail.mail_directory": os.path.join(modele, "mail")}
    )
    return modele
