"""``portail-famille-verifier``: production.ini itself, with its secrets in
the environment as the service gets them, checked against real parts: a
copy of the previous release's database, wkhtmltopdf (or WeasyPrint), an
SMTP server listening in the test, a ZEO address nobody listens on."""

import re
import shutil

import pytest
from ZODB.FileStorage import FileStorage

from portail_famille.exploitation import verifier
from portail_famille.stockage import initialiser
from tests.grappe.lanceur import port_libre

from .. import version_precedente
from ..smtp import ServeurSmtp

SECRET = "s" * 64


@pytest.fixture
def smtp():
    serveur = ServeurSmtp()
    yield serveur
    serveur.fermer()


@pytest.fixture(scope="module")
def base_a_jour(tmp_path_factory):
    """The previous release's database upgraded by this code's
    portail-famille-init (its evolve steps all done), once per module."""
    tmp_path = tmp_path_factory.mktemp("base-a-jour")
    var = version_precedente.copie(tmp_path / "var")
    ini = tmp_path / "init.ini"
    lignes = ["[app:main]", "use = call:portail_famille:main"]
    lignes += ["%s = %s" % item for item in version_precedente.reglages(var, tmp_path).items()]
    ini.write_text("\n".join(lignes) + "\n")
    sortie = []
    initialiser(str(ini), sortie=sortie.append)
    assert sortie[-1].startswith("Database ready"), sortie
    return var


@pytest.fixture
def production(tmp_path, monkeypatch, smtp, base_a_jour):
    """production.ini (its mail server: the test's) and the environment a
    town sets: the secret, the database (a copy of the previous release's),
    the address in https."""
    texte = (version_precedente.DOSSIER.parents[2] / "production.ini").read_text()
    assert "mail.port = 25\n" in texte
    ini = tmp_path / "production.ini"
    ini.write_text(
        texte.replace("mail.port = 25\n", "mail.port = %d\n" % smtp.port).replace(
            "mail.host = localhost\n", "mail.host = 127.0.0.1\n"
        )
    )
    var = tmp_path / "var"
    shutil.copytree(base_a_jour, var)
    monkeypatch.setenv("PORTAIL_FAMILLE_SECRET", SECRET)
    monkeypatch.setenv(
        "PORTAIL_FAMILLE_ZODB_URI", "file://%s/Data.fs?blobstorage_dir=%s/blobs" % (var, var)
    )
    monkeypatch.setenv("PORTAIL_FAMILLE_URL", "https://portail.mairie.example")
    monkeypatch.delenv("PORTAIL_FAMILLE_ADMIN_PASSWORD", raising=False)
    return ini


def verifier_ini(ini):
    lignes = []
    rapport = verifier.verifier(str(ini), sortie=lignes.append)
    return rapport, lignes


def test_a_ready_configuration_passes_every_check(production, smtp, capsys):
    assert verifier.main(["portail-famille-verifier", str(production)]) == 0
    sortie = capsys.readouterr().out
    assert "ERREUR" not in sortie, sortie
    assert "OK       Secret des cookies présent (64 caractères)." in sortie
    assert "OK       Adresse publique en https : https://portail.mairie.example." in sortie
    assert (
        "Base de données joignable" in sortie and "2 familles, 5 factures, 1 règlements" in sortie
    )
    assert "OK       Moteur PDF : " in sortie
    assert "OK       Serveur de courriel 127.0.0.1:%d joignable." % smtp.port in sortie
    assert "Configuration prête pour la production." in sortie
    # the mail server was asked, and nothing sent
    assert smtp.commandes[:2] == ["EHLO", "NOOP"]
    assert "MAIL" not in smtp.commandes and "DATA" not in smtp.commandes


def test_a_missing_secret_is_named_in_french(production, monkeypatch, capsys):
    monkeypatch.delenv("PORTAIL_FAMILLE_SECRET")
    assert verifier.main(["portail-famille-verifier", str(production)]) == 1
    sortie = capsys.readouterr().out
    assert (
        "ERREUR   Le secret qui signe les cookies manque : renseignez substanced.secret "
        "dans le fichier .ini ou la variable d'environnement PORTAIL_FAMILLE_SECRET."
    ) in sortie
    assert "1 problème(s) : le portail ne doit pas démarrer ainsi." in sortie


def test_a_short_or_development_secret_is_refused(production, monkeypatch):
    monkeypatch.setenv("PORTAIL_FAMILLE_SECRET", "court")
    rapport, _lignes = verifier_ini(production)
    assert rapport.erreurs == [
        "Le secret qui signe les cookies est trop court (5 caractères, au moins 32 ; "
        "64 conseillés) : PORTAIL_FAMILLE_SECRET."
    ]
    monkeypatch.setenv("PORTAIL_FAMILLE_SECRET", verifier.SECRET_DEVELOPPEMENT)
    rapport, _lignes = verifier_ini(production)
    assert len(rapport.erreurs) == 1 and "celui du développement" in rapport.erreurs[0]


def test_an_http_address_is_refused(production, monkeypatch):
    monkeypatch.setenv("PORTAIL_FAMILLE_URL", "http://portail.mairie.example")
    rapport, _lignes = verifier_ini(production)
    assert rapport.erreurs == [
        "portail.url (http://portail.mairie.example) n'est pas en https : les liens des "
        "courriels et du paiement en ligne doivent l'être (https://…)."
    ]


def test_a_missing_address_is_named(production, monkeypatch):
    monkeypatch.delenv("PORTAIL_FAMILLE_URL")
    rapport, _lignes = verifier_ini(production)
    assert rapport.erreurs == [
        "L'adresse publique du portail manque : renseignez portail.url dans le fichier "
        ".ini ou la variable d'environnement PORTAIL_FAMILLE_URL."
    ]


def test_an_unreachable_zeo_server_is_caught(production, monkeypatch):
    port = port_libre()  # nobody listens there
    monkeypatch.setenv("PORTAIL_FAMILLE_ZODB_URI", "zeo://127.0.0.1:%d?wait_timeout=1" % port)
    rapport, _lignes = verifier_ini(production)
    assert len(rapport.erreurs) == 1, rapport.erreurs
    assert rapport.erreurs[0].startswith(
        "La base de données (zeo://127.0.0.1:%d) ne répond pas : " % port
    )
    assert "PORTAIL_FAMILLE_ZODB_URI" in rapport.erreurs[0]


def test_an_empty_database_needs_the_first_administrator_password(
    production, monkeypatch, tmp_path
):
    vide = tmp_path / "vide"
    vide.mkdir()
    monkeypatch.setenv("PORTAIL_FAMILLE_ZODB_URI", "file://%s/Data.fs" % vide)
    # an empty FileStorage: the verifier makes no root in it
    FileStorage(str(vide / "Data.fs")).close()
    taille = (vide / "Data.fs").stat().st_size
    rapport, _lignes = verifier_ini(production)
    assert rapport.erreurs == [
        "La base de données (file://%s/Data.fs) est vide et le mot de passe du premier "
        "administrateur manque : PORTAIL_FAMILLE_ADMIN_PASSWORD." % vide
    ]
    assert (vide / "Data.fs").stat().st_size == taille
    monkeypatch.setenv("PORTAIL_FAMILLE_ADMIN_PASSWORD", "Mairie-Biviers-2026")
    rapport, lignes = verifier_ini(production)
    assert rapport.erreurs == []
    assert any("vide : portail-famille-init la préparera" in ligne for ligne in lignes)


def test_a_mail_server_that_does_not_answer_is_caught(production, smtp):
    smtp.fermer()
    rapport, _lignes = verifier_ini(production)
    assert len(rapport.erreurs) == 1, rapport.erreurs
    assert rapport.erreurs[0].startswith(
        "Le serveur de courriel 127.0.0.1:%d ne répond pas (" % smtp.port
    )


def test_a_broken_pdf_renderer_is_caught(production):
    texte = production.read_text().replace(
        "portail.pdf = auto\n",
        "portail.pdf = wkhtmltopdf\nportail.pdf.wkhtmltopdf = /nulle/part/wkhtmltopdf\n",
    )
    production.write_text(texte)
    rapport, _lignes = verifier_ini(production)
    assert len(rapport.erreurs) == 1, rapport.erreurs
    assert rapport.erreurs[0].startswith(
        "Le moteur PDF (portail.pdf = wkhtmltopdf) ne produit pas de PDF"
    )


def regler(texte, **reglages):
    """``texte`` (an .ini) with each ``portail.sms…`` setting given set to
    its value (the line already there replaced)."""
    for cle, valeur in reglages.items():
        texte, n = re.subn(r"(?m)^%s =.*$" % re.escape(cle), "%s = %s" % (cle, valeur), texte)
        assert n == 1, cle
    return texte


def test_sms_by_ovhcloud_need_their_keys(production):
    texte = production.read_text()
    production.write_text(
        regler(
            texte,
            **{
                "portail.sms.transport": "ovh",
                "portail.sms.ovh.endpoint": "",
                "portail.sms.ovh.application_key": "cle-application",
            },
        )
    )
    rapport, _lignes = verifier_ini(production)
    assert [e.split(" : ")[0] for e in rapport.erreurs] == [
        "Le point d'accès de l'API d'OVHcloud manque pour envoyer les SMS",
        "Le secret d'application OVHcloud manque pour envoyer les SMS",
        "La clé client (consumer key) OVHcloud manque pour envoyer les SMS",
        "Le compte SMS OVHcloud (service name) manque pour envoyer les SMS",
    ]
    assert "portail.sms.ovh.application_secret" in rapport.erreurs[1]
    production.write_text(regler(texte, **{"portail.sms.transport": "repertoire"}))
    rapport, _lignes = verifier_ini(production)
    assert rapport.erreurs == [
        "portail.sms.transport = repertoire : en production les SMS partent par OVHcloud "
        "(ovh) ou pas du tout (vide)."
    ]


def test_a_database_waiting_for_its_evolve_steps_or_of_a_newer_release_is_refused(
    production, tmp_path
):
    var = tmp_path / "var"
    version_precedente.modifier_etapes(var, retirer=["portail_famille.evolve.step41"])
    rapport, _lignes = verifier_ini(production)
    assert rapport.erreurs == [
        "La base de données attend 1 étape(s) d'évolution de cette version "
        "(portail_famille.evolve.step41) : lancez portail-famille-init avec ce fichier "
        ".ini (un seul processus) avant de démarrer le portail."
    ]
    version_precedente.modifier_etapes(
        var, ajouter=["portail_famille.evolve.step41", "portail_famille.evolve.step999"]
    )
    rapport, _lignes = verifier_ini(production)
    assert len(rapport.erreurs) == 1
    assert rapport.erreurs[0].startswith(
        "La base de données a été mise à jour par une version plus récente du Portail "
        "Famille (étapes d'évolution inconnues de cette version : portail_famille.evolve.step999)"
    )
