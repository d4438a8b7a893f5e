"""Per-family limits through the real forms (familles.limites): messages,
attachments, requests of Mon compte, reservations and absences.  The limit
reached, the family gets a French message saying when it may try again
(Europe/Paris), and nothing is written; another family is not limited.
The limits are lowered by the settings (the defaults are far higher)."""

import datetime

from portail_famille import dates
from portail_famille.demo import DUPONT, MARTIN
from portail_famille.familles import limites
from portail_famille.familles.limites import DEMANDES, MESSAGES, PIECES_JOINTES, PLANNING

from .. import pdf_hostiles
from ..conftest import MARTIN_URL, csrf, make_app, martin_logged_in, with_root
from .test_demandes_parent import demander, demandes
from .test_enfants import browser_for
from .test_messagerie import (
    MO,
    conversations,
    ecrire,
    erreur,
    navigateur,
    pdf_bytes,
)
from .test_reservations import (
    JEUDI_CONTRAT,
    MAM,
    MERCREDI,
    REST,
    absence,
    cell,
    refusals,
    requests,
    reserver,
)
from .test_reservations import clock as clock  # noqa: F401  (fixtures)
from .test_reservations import town as town  # noqa: F401


def envois(app, numero=DUPONT["numero"]):
    """The family's counted sends: [(genre, time, weight)], oldest first."""

    def read(root, registry):
        famille = root["familles"][numero]
        return [(g, t, w) for (g, t), w in famille.envois.items() if g]

    return with_root(app.app, read)


def quand(app, genre, fenetre, rang=0, numero=DUPONT["numero"]):
    """When the ``rang``-th send of ``genre`` counted leaves ``fenetre``, as
    the refusal writes it (Paris time)."""
    moment = [t for g, t, _w in envois(app, numero) if g == genre][rang] + fenetre
    local = dates.local(datetime.datetime.fromtimestamp(moment, datetime.UTC))
    return local.strftime("%d/%m/%Y à %H:%M")


def limite(page):
    found = page.html.select_one("#erreur-limite")
    return found.get_text(" ", strip=True) if found is not None else None


def test_messages_per_hour_then_the_time_to_write_again(tmp_path):
    app = make_app(tmp_path, **{"portail.limites.messages.heure": "3"})
    dupont = navigateur(app)
    for n in range(3):
        ecrire(dupont, {"objet": "Question %d" % n})
    avant, comptes = conversations(app), envois(app)
    assert [g for g, _t, _w in comptes] == [MESSAGES] * 3
    page = ecrire(dupont, {"objet": "Encore", "texte": "Texte <gardé>"}, status=429)
    assert limite(page) == (
        "Vous avez envoyé 3 messages en une heure : c'est la limite. "
        "Vous pourrez écrire de nouveau à partir du %s." % quand(app, MESSAGES, limites.HEURE)
    )
    assert 0 < int(page.headers["Retry-After"]) <= limites.HEURE + 1
    # nothing written, what was typed is kept
    assert conversations(app) == avant and envois(app) == comptes
    assert 'value="Encore"' in page.text and "Texte &lt;gardé&gt;</textarea>" in page.text
    # an answer in a thread is a message too
    url = conversations(app)["Question 0"][0]
    fil = dupont.get(url)
    refus = dupont.post(url + "/repondre", {"csrf_token": csrf(fil), "texte": "Merci"}, status=429)
    assert limite(refus).startswith("Vous avez envoyé 3 messages en une heure")
    assert "Merci</textarea>" in refus.text
    assert conversations(app)["Question 0"][1] == 1
    # another family is not limited
    martin = martin_logged_in(app)
    page = martin.get(MARTIN_URL + "boite-de-reception?onglet=nouveau")
    values = {"csrf_token": csrf(page), "structure": "", "objet": "Bonjour", "texte": "Oui"}
    martin.post(MARTIN_URL + "boite-de-reception", values, status=302)
    assert [g for g, _t, _w in envois(app, MARTIN["numero"])] == [MESSAGES]


def test_attachments_checked_count_even_refused(tmp_path):
    app = make_app(
        tmp_path,
        **{"portail.limites.pieces_jointes.heure": "2", "portail.max_body": str(8 * MO)},
    )
    dupont = navigateur(app)
    hostile = ("attestation.pdf", pdf_hostiles.pages_vides(52_000))
    for n in range(2):
        page = ecrire(dupont, {"objet": "Pièce %d" % n}, hostile, status=400)
        assert erreur(page, "fichier").startswith("Ce fichier PDF a plus de 50 pages")
    assert "Pièce 0" not in conversations(app) and "Pièce 1" not in conversations(app)
    comptes = envois(app)
    assert [(g, w) for g, _t, w in comptes] == [(PIECES_JOINTES, len(hostile[1]))] * 2
    # a good file now goes over the limit: refused beside the field
    page = ecrire(dupont, {"objet": "Certificat"}, ("certificat.pdf", pdf_bytes()), status=429)
    assert erreur(page, "fichier") == (
        "Vous avez envoyé 2 pièces jointes en une heure : c'est la limite. Vous pourrez "
        "en joindre de nouveau à partir du %s." % quand(app, PIECES_JOINTES, limites.HEURE)
    )
    assert "Certificat" not in conversations(app) and envois(app) == comptes
    # the message without its attachment goes
    ecrire(dupont, {"objet": "Certificat"})
    assert conversations(app)["Certificat"][1] == 1


def test_attachments_volume_per_day(tmp_path):
    app = make_app(tmp_path, **{"portail.limites.pieces_jointes.mo_jour": "1"})
    dupont = navigateur(app)
    gros = pdf_bytes() + b"\n%" + b"x" * (600 * 1024)  # a valid PDF of 600 Ko
    ecrire(dupont, {"objet": "Premier"}, ("scan.pdf", gros))
    page = ecrire(dupont, {"objet": "Second"}, ("scan.pdf", gros), status=429)
    assert erreur(page, "fichier").startswith(
        "Vous avez envoyé 1 Mo de pièces jointes en 24 heures : c'est la limite."
    )
    assert erreur(page, "fichier").endswith("%s." % quand(app, PIECES_JOINTES, limites.JOUR))
    assert set(conversations(app)) >= {"Premier"} and "Second" not in conversations(app)


def test_requests_of_mon_compte_per_hour(tmp_path):
    app = make_app(tmp_path, **{"portail.limites.demandes.heure": "2"})
    dupont = browser_for(app, "jean.dupont")
    demander(dupont, "responsable", mobile="0612345678")
    demander(dupont, "caf", quotient_familial="812,50")
    avant, comptes = demandes(app), envois(app)
    assert [g for g, _t, _w in comptes] == [DEMANDES] * 2
    page = demander(dupont, "conjoint", mobile="0698765432", status=429)
    assert limite(page) == (
        "Vous avez fait 2 demandes en une heure : c'est la limite. Vous pourrez en faire "
        "de nouveau à partir du %s." % quand(app, DEMANDES, limites.HEURE)
    )
    assert demandes(app) == avant and envois(app) == comptes
    assert page.forms["demande"]["mobile"].value == "06.98.76.54.32"  # kept, as written
    # a form left unchanged is no request, and is not counted
    demander(dupont, "conjoint", status=200)
    assert envois(app) == comptes


def test_reservations_and_absences_per_hour(town):  # noqa: F811
    town.app.registry.settings["portail.limites.planning.heure"] = "2"
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)
    reserver(dupont, town, MAM, MERCREDI + datetime.timedelta(days=7))
    avant, comptes = requests(town), envois(town)
    assert [g for g, _t, _w in comptes] == [PLANNING] * 2
    etat = cell(town, REST, JEUDI_CONTRAT)
    page = absence(dupont, town, REST, JEUDI_CONTRAT).follow()
    assert refusals(page) == [
        "Vous avez fait 2 réservations ou absences en une heure : c'est la limite. Vous "
        "pourrez en faire de nouveau à partir du %s." % quand(town, PLANNING, limites.HEURE)
    ]
    assert requests(town) == avant and envois(town) == comptes
    assert cell(town, REST, JEUDI_CONTRAT) == etat


def test_evolve_step17_gives_old_families_their_record_of_sends(app):
    from portail_famille.evolve import STEPS, step17

    assert "step17" in STEPS

    def old(root, registry):
        del root["familles"][DUPONT["numero"]].envois

    with_root(app.app, old)
    with_root(app.app, step17.evolve)
    with_root(app.app, step17.evolve)  # again: nothing changes

    def check(root, registry):
        for famille in root["familles"].values():
            assert list(famille.envois.keys()) == [limites.DEBUT]

    with_root(app.app, check)
