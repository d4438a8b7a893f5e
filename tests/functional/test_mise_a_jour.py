"""Upgrading a town's database: the previous release's database
(tests/fixtures/version-precedente, its README says how it was made) is
upgraded by ``portail-famille-init`` of this code, which prints each evolve
step it runs; its families, invoices and payments are all there after, and
the portal serves them.  A database evolved by a newer release is refused,
by the init command and by a process at start, with a French message, and
left as it was."""

import os
import subprocess
import sys

import pytest
import transaction
import webtest
import ZODB
from substanced.evolution import FINISHED_KEY
from ZODB.FileStorage import FileStorage

from portail_famille import main
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.exploitation import base
from portail_famille.stockage import BasePlusRecente, etapes_connues
from portail_famille.util import close_databases

from .. import version_precedente
from ..conftest import login

# A step the previous release had run, unmarked in the copy: one step at
# least is run and printed, whatever steps this code adds.
REJOUEE = "portail_famille.evolve.step41"


def copie(tmp_path):
    return version_precedente.copie(tmp_path / "var")


reglages = version_precedente.reglages
COMPTES_PRECEDENTS = version_precedente.COMPTES


def ecrire_ini(tmp_path, settings):
    ini = tmp_path / "portail.ini"
    lignes = ["[app:main]", "use = call:portail_famille:main"]
    lignes += ["%s = %s" % item for item in settings.items()]
    ini.write_text("\n".join(lignes) + "\n")
    return ini


def init(ini):
    """``portail-famille-init ini``, in its own process as an operator runs it."""
    commande = "import sys; from portail_famille.stockage import initialiser_main as m; sys.exit(m(['init', %r]))"
    return subprocess.run(  # noqa: S603 (this interpreter)
        [sys.executable, "-c", commande % str(ini)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
        timeout=300,
    )


def etapes_faites(var):
    db = ZODB.DB(FileStorage(str(var / "Data.fs"), read_only=True))
    try:
        with db.transaction() as connexion:
            return set(connexion.root()[FINISHED_KEY].keys())
    finally:
        db.close()


def comptes(var):
    db = ZODB.DB(FileStorage(str(var / "Data.fs"), read_only=True))
    try:
        return base.compter_base(db)
    finally:
        db.close()


def test_the_previous_release_is_upgraded_its_steps_printed_its_data_kept(tmp_path):
    var = copie(tmp_path)
    settings = reglages(var, tmp_path)
    assert comptes(var) == COMPTES_PRECEDENTS
    version_precedente.modifier_etapes(var, retirer=[REJOUEE])
    avant = etapes_faites(var)

    fait = init(ecrire_ini(tmp_path, settings))

    assert fait.returncode == 0, fait.stderr
    apres = etapes_faites(var)
    lancees = sorted(apres - avant)
    assert REJOUEE in lancees
    sortie = fait.stdout.splitlines()
    imprimees = [
        ligne.split(":", 1)[0].split()[-1] for ligne in sortie if ligne.startswith("Evolve step ")
    ]
    # each step run is printed once, with what it changes (its docstring's first paragraph)
    assert sorted(imprimees) == lancees, fait.stdout
    assert (
        "Evolve step %s: The mailbox as parents expect (issue 20): a thread shows in every list"
        % REJOUEE
    ) in fait.stdout
    assert sortie[-1] == "Database ready (%d evolve step(s) run)" % len(lancees)
    assert comptes(var) == COMPTES_PRECEDENTS

    # The portal serves the upgraded database: every step it knows is done,
    # and the family's pages show its invoices.
    wsgi = main({}, **settings)
    try:
        assert etapes_connues(wsgi.registry) <= apres
        app = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
        login(app, "jean.dupont", COMPTES["jean.dupont"][0])
        accueil = app.get("/familles/%s/" % DUPONT["numero"])
        assert "DUPONT" in accueil.text
        releve = app.get("/familles/%s/releve-de-compte" % DUPONT["numero"])
        assert releve.status_int == 200
        assert "AL-" in releve.text
    finally:
        transaction.abort()
        close_databases(wsgi.registry)

    # Run again: nothing to do.
    encore = init(tmp_path / "portail.ini")
    assert encore.returncode == 0, encore.stderr
    assert encore.stdout.splitlines()[-1] == "Database ready (nothing to evolve)"


def test_a_database_evolved_by_a_newer_release_is_refused(tmp_path):
    var = copie(tmp_path)
    settings = reglages(var, tmp_path)
    future = "portail_famille.evolve.step999"
    version_precedente.modifier_etapes(var, ajouter=[future])
    avant = etapes_faites(var)
    taille = (var / "Data.fs").stat().st_size

    fait = init(ecrire_ini(tmp_path, settings))

    assert fait.returncode == 1
    assert "La base de données a été mise à jour par une version plus récente" in fait.stderr
    assert future in fait.stderr
    assert "Traceback" not in fait.stderr
    assert etapes_faites(var) == avant
    assert (var / "Data.fs").stat().st_size == taille  # nothing written
    # A process refuses to start on it, before anything writes.
    with pytest.raises(BasePlusRecente, match="version plus récente"):
        main({}, **settings)
    assert (var / "Data.fs").stat().st_size == taille
