"""The restore drill (``portail-famille-exercice-restauration``) on real
backups: the previous release's database backed up by sauvegarde.py
(repozo and the blob files), restored into a scratch directory, every
object loaded, its counts compared with the live database; its status
file as the metrics read it."""

import json
import shutil
import sys

import ZODB
from ZODB.FileStorage import FileStorage

from portail_famille import sauvegarde
from portail_famille.exploitation import restauration

from .. import version_precedente


def installation(tmp_path):
    """A town's var/ (the live database: a copy of the previous release's),
    its backups' directory and its .ini."""
    var = version_precedente.copie(tmp_path / "var")
    ini = tmp_path / "production.ini"
    ini.write_text(
        "[app:main]\n"
        "use = call:portail_famille:main\n"
        "zodbconn.uri = file://%(var)s/Data.fs?blobstorage_dir=%(var)s/blobs\n"
        "portail.surveillance.sauvegardes = %%(here)s/var/backups\n"
        "portail.exercice_restauration.repertoire = %%(here)s/brouillon\n" % {"var": var}
    )
    (tmp_path / "brouillon").mkdir()
    return var, ini


def sauvegarder(var, complete=False):
    return sauvegarde.sauvegarder(var / "Data.fs", var / "blobs", var / "backups", complete)


def exercice(ini, capsys):
    code = restauration.main(["portail-famille-exercice-restauration", str(ini)])
    sortie = capsys.readouterr().out
    etat = json.loads((ini.parent / "var" / "exercice-restauration.json").read_text())
    return code, sortie, etat


def test_the_drill_restores_loads_and_counts_the_latest_backup(tmp_path, capsys):
    var, ini = installation(tmp_path)
    assert sauvegarder(var, complete=True) > 0  # blob files copied
    # Written since the backup: the live database has one family more.
    version_precedente.ajouter_familles(var, tmp_path, 1)

    code, sortie, etat = exercice(ini, capsys)

    assert code == 0, sortie
    assert etat["ok"] is True and etat["erreurs"] == []
    assert etat["sauvegarde_comptes"] == version_precedente.COMPTES
    assert etat["base_comptes"] == dict(version_precedente.COMPTES, familles=3)
    assert etat["ecarts"] == {"familles": 1}
    assert etat["objets"] > 1000 and etat["blobs"] >= 1
    assert etat["sauvegarde"].endswith("+00:00") and etat["date"] >= etat["sauvegarde"]
    assert etat["duree_secondes"] > 0
    assert "Exercice de restauration réussi." in sortie
    assert "Dans la sauvegarde : 2 familles, 5 factures, 1 règlements." in sortie
    assert "Dans la base en service : 3 familles, 5 factures, 1 règlements." in sortie
    assert "Écrit depuis la sauvegarde : 1 familles." in sortie
    # the scratch directory is gone
    assert list((tmp_path / "brouillon").iterdir()) == []

    # An incremental backup brings the family: backup and live are equal.
    sauvegarder(var)
    code, sortie, etat = exercice(ini, capsys)
    assert code == 0, sortie
    assert (
        etat["sauvegarde_comptes"]
        == etat["base_comptes"]
        == dict(version_precedente.COMPTES, familles=3)
    )
    assert etat["ecarts"] == {}
    assert "Écrit depuis" not in sortie


def test_a_blob_missing_from_the_backup_fails_the_drill(tmp_path, capsys):
    var, ini = installation(tmp_path)
    sauvegarder(var, complete=True)
    blob = next(p for p in (var / "backups" / "blobs").rglob("*.blob"))
    blob.unlink()

    code, sortie, etat = exercice(ini, capsys)

    assert code == 1
    assert etat["ok"] is False
    assert len(etat["erreurs"]) == 1
    assert "objet(s) illisible(s) dans la sauvegarde : objet 0x" in etat["erreurs"][0]
    assert "Exercice de restauration ÉCHOUÉ." in sortie
    assert "Erreur : 1 objet(s) illisible(s)" in sortie


def test_a_live_database_with_less_than_its_backup_fails_the_drill(tmp_path, capsys):
    var, ini = installation(tmp_path)
    # The backup holds a family the live database does not (a live
    # database put back from an older copy, say).
    autre = version_precedente.copie(tmp_path / "autre")
    version_precedente.ajouter_familles(autre, tmp_path, 1)
    sauvegarde.sauvegarder(autre / "Data.fs", autre / "blobs", var / "backups", True)

    code, sortie, etat = exercice(ini, capsys)

    assert code == 1
    assert etat["erreurs"] == [
        "la base en service a moins de familles que la sauvegarde (2 contre 3)"
    ]
    assert (
        "Erreur : la base en service a moins de familles que la sauvegarde (2 contre 3)." in sortie
    )


def test_no_backup_fails_the_drill(tmp_path, capsys):
    var, ini = installation(tmp_path)
    shutil.rmtree(var / "backups", ignore_errors=True)

    code, sortie, etat = exercice(ini, capsys)

    assert code == 1
    assert etat["sauvegarde"] is None
    assert etat["erreurs"] == ["aucune sauvegarde dans %s" % (var / "backups")]
    assert etat["base_comptes"] == version_precedente.COMPTES
    assert "Exercice de restauration ÉCHOUÉ." in sortie


def test_an_object_of_a_class_the_code_no_longer_has_fails_the_drill(tmp_path, capsys, monkeypatch):
    var, ini = installation(tmp_path)
    # An object of a class of a module that will be gone (code removed
    # while the data stayed).
    paquet = tmp_path / "paquet"
    paquet.mkdir()
    (paquet / "classe_disparue.py").write_text(
        "import persistent\n\n\nclass Objet(persistent.Persistent):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(paquet))
    import classe_disparue  # noqa: PLC0415 (made above)

    db = ZODB.DB(FileStorage(str(var / "Data.fs"), blob_dir=str(var / "blobs")))
    try:
        with db.transaction() as connexion:
            connexion.root()["reste"] = classe_disparue.Objet()
    finally:
        db.close()
    sauvegarder(var, complete=True)
    monkeypatch.delitem(sys.modules, "classe_disparue")
    (paquet / "classe_disparue.py").unlink()

    code, sortie, etat = exercice(ini, capsys)

    assert code == 1
    assert len(etat["erreurs"]) == 1
    assert etat["erreurs"][0].startswith("1 objet(s) illisible(s) dans la sauvegarde : objet 0x")
    assert etat["erreurs"][0].endswith(": classe inconnue classe_disparue.Objet")
    # what it could count it compared
    assert etat["sauvegarde_comptes"] == etat["base_comptes"] == version_precedente.COMPTES
