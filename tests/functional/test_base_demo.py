"""The demo database the tests copy (tests/base_demo.py): what a copy holds
is what a fresh load commits, each application writes to its own copy,
and a frozen clock gets a build of its own."""

import datetime
import os
import re

from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.message import Message
from pyramid_zodbconn import db_from_uri
from substanced.util import find_objectmap

from portail_famille import dates, main
from portail_famille.demo import DUPONT, load
from portail_famille.planning import cells

from .. import base_demo, recyclage
from ..conftest import construire_demo, mails, make_app, settings_for, with_root

# The names add_next draws for children and conversations.
ALEATOIRE = re.compile(r"(?<=/)[0-9A-Z]{7}(?=/|$)")


def _contenu(root, registry):
    """Every object's path (the names drawn at random: ``*``) and class, the accounts and their groups, the
    DUPONT child's cells."""
    objectmap = find_objectmap(root)
    chemins = sorted(
        (ALEATOIRE.sub("*", "/".join(path)), type(objectmap.object_for(path)).__name__)
        for path in objectmap.pathindex
    )
    comptes = sorted(
        (name, tuple(sorted(g.__name__ for g in user.groups)))
        for name, user in root["principals"]["users"].items()
    )
    famille = root["familles"][DUPONT["numero"]]
    enfant = next(iter(famille["enfants"].values()))
    cellules = sorted((str(day), etat) for (_oid, day), etat in cells.cellules(enfant).items())
    return chemins, comptes, cellules


def test_a_copy_holds_what_a_fresh_load_commits(tmp_path):
    wsgi = main({}, **settings_for(tmp_path / "frais"))
    with_root(wsgi, load)
    frais = with_root(wsgi, _contenu)
    copie = with_root(make_app(tmp_path / "copie").app, _contenu)
    assert copie == frais
    chemins, comptes, cellules = copie
    assert ("/familles/%s/factures/AL-36" % DUPONT["numero"], "Facture") in chemins
    assert ("jean.dupont", ("familles",)) in comptes
    assert len(cellules) > 100  # April 2015 and the current year's contract


def test_each_application_writes_to_its_own_copy(tmp_path):
    premiere = make_app(tmp_path / "1")
    seconde = make_app(tmp_path / "2")

    def renommer(root, registry):
        root["familles"][DUPONT["numero"]].responsable["nom"] = "RENOMMÉ"

    def nom(root, registry):
        return root["familles"][DUPONT["numero"]].responsable["nom"]

    with_root(premiere.app, renommer)
    assert with_root(premiere.app, nom) == "RENOMMÉ"
    assert with_root(seconde.app, nom) == "DUPONT"
    assert with_root(make_app(tmp_path / "3").app, nom) == "DUPONT"


def test_a_frozen_clock_or_other_settings_get_a_build_of_their_own(tmp_path, monkeypatch):
    # A setting no other test of the process uses (in a random order, an
    # earlier test may have built the demo for zone C or for a frozen clock).
    propre = {"portail.zone_vacances": "C", "portail.essai_base_demo": str(tmp_path)}
    make_app(tmp_path / "1")
    avant = len(base_demo._modeles)
    make_app(tmp_path / "2")
    assert len(base_demo._modeles) == avant
    make_app(tmp_path / "3", **propre)
    assert len(base_demo._modeles) == avant + 1
    moment = datetime.datetime(2015, 5, 4, 9, 0, tzinfo=dates.PARIS)
    monkeypatch.setattr(dates, "now", lambda: moment)
    make_app(tmp_path / "4", **propre)
    assert len(base_demo._modeles) == avant + 2
    make_app(tmp_path / "5", **propre)
    assert len(base_demo._modeles) == avant + 2


def test_the_app_fixture_recycles_the_configuration_not_the_data(tmp_path):
    """tests/recyclage.py: the next test with the same settings gets the same
    configured application once the previous test gave it back, on its own
    copy of the demo, with the settings main() made and its own mail
    directory; the previous copy keeps what was written to it."""
    premiers = settings_for(tmp_path / "1")
    premiere = recyclage.application(premiers, construire_demo)

    def renommer(root, registry):
        root["familles"][DUPONT["numero"]].responsable["nom"] = "RENOMMÉ"

    def nom(root, registry):
        return root["familles"][DUPONT["numero"]].responsable["nom"]

    with_root(premiere.app, renommer)
    premiere.app.registry.settings["portail.messages_lot"] = "2"
    reglages = dict(premiere.app.registry.settings)
    mails_avant = len(_fichiers(premiers["portail.mail_directory"]))
    # Asked again while the first is in use: another application.
    autre = recyclage.application(settings_for(tmp_path / "autre"), construire_demo)
    assert autre.app is not premiere.app
    assert with_root(premiere.app, nom) == "RENOMMÉ"
    assert with_root(autre.app, nom) == "DUPONT"
    recyclage.rendre(autre)
    recyclage.rendre(premiere)

    seconde = recyclage.application(settings_for(tmp_path / "2"), construire_demo)
    assert seconde.app is premiere.app  # configured once
    assert with_root(seconde.app, nom) == "DUPONT"
    settings = seconde.app.registry.settings
    assert "portail.messages_lot" not in settings
    assert settings["zodbconn.uri"].startswith("file://%s/" % (tmp_path / "2"))
    assert settings["portail.mail_directory"] == str(tmp_path / "2" / "mail")
    assert {k: v for k, v in settings.items() if k not in base_demo.CHEMINS} == {
        k: v for k, v in reglages.items() if k not in base_demo.CHEMINS + ("portail.messages_lot",)
    }
    envoyes = len(mails(seconde))
    seconde.app.registry.getUtility(IMailer).send_immediately(
        Message(subject="Recyclée", sender="a@example.org", recipients=["b@example.org"], body="x")
    )
    assert len(mails(seconde)) == envoyes + 1
    assert "Subject: Recyclée" in mails(seconde)[-1]
    assert len(_fichiers(premiers["portail.mail_directory"])) == mails_avant

    # The first copy (closed when the second was opened) kept its write.
    db = db_from_uri(premiers["zodbconn.uri"], "", {})
    try:
        connection = db.open()
        assert nom(connection.root()["app_root"], None) == "RENOMMÉ"
        connection.close()
    finally:
        db.close()


def _fichiers(repertoire):
    return os.listdir(repertoire) if os.path.isdir(repertoire) else []
