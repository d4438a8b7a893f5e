"""The previous release's database (tests/fixtures/version-precedente, its
README says how it was made): a copy of it for a test, the settings of an
application on that copy, and a family added to it the way the code adds
one (its catalogs kept)."""

import shutil
from pathlib import Path

import ZODB
from substanced.evolution import FINISHED_KEY
from ZODB.FileStorage import FileStorage

from portail_famille import main
from portail_famille.util import close_databases

from . import peuplement
from .conftest import with_root

DOSSIER = Path(__file__).parent / "fixtures" / "version-precedente"
# What its demo holds.
COMPTES = {"familles": 2, "factures": 5, "reglements": 1}


def copie(dossier):
    """``dossier``/Data.fs and ``dossier``/blobs: a copy of the database."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    shutil.copy(DOSSIER / "Data.fs", dossier / "Data.fs")
    shutil.copytree(DOSSIER / "blobs", dossier / "blobs")
    return dossier


def reglages(var, tmp_path):
    """The settings of an application on the copy in ``var``."""
    return {
        "zodbconn.uri": "file://%s/Data.fs?blobstorage_dir=%s/blobs" % (var, var),
        "tm.annotate_user": "false",
        "substanced.secret": "test-secret-of-the-operations-tests-0123456789",
        "substanced.initial_login": "admin",
        "substanced.autosync_catalogs": "true",
        "substanced.statsd.enabled": "false",
        "pyramid.includes": "pyramid_tm",
        "portail.mail_directory": str(Path(tmp_path) / "mail"),
        "portail.url": "http://localhost",
        "portail.demo": "true",
    }


def ajouter_familles(var, tmp_path, nombre, prefixe="77"):
    """``nombre`` new families (each its parent account) in the copy in
    ``var``, committed by an application of this code."""
    wsgi = main({}, **reglages(var, tmp_path))
    try:
        with_root(
            wsgi,
            lambda root, registry: peuplement.familles(
                root, registry, nombre, 0, prefixe, "Exercice-Restauration-2026"
            ),
        )
    finally:
        close_databases(wsgi.registry)


def modifier_etapes(var, retirer=(), ajouter=()):
    """Unmark (``retirer``) or mark as done (``ajouter``) evolve steps in
    the database of ``var``: a step not run yet, a newer release's step."""
    db = ZODB.DB(FileStorage(str(var / "Data.fs")))
    try:
        with db.transaction() as connexion:
            faites = connexion.root()[FINISHED_KEY]
            for nom in retirer:
                del faites[nom]
            for nom in ajouter:
                faites[nom] = 0.0
    finally:
        db.close()
