"""Messages between families and the service: the model and its service
(counters, read/unread, handled, deleted, mail, catalog), then the
parent's pages."""

import io
import re

import pytest
import webtest
from pypdf import PdfWriter
from pyramid.threadlocal import get_current_request
from substanced.folder import Folder
from substanced.util import find_catalog, get_oid

from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.messagerie import demo as demo_messagerie
from portail_famille.messagerie import service
from portail_famille.messagerie.resources import ENVOYES, RECUS, SUPPRIMES

from .. import pdf_hostiles
from ..conftest import (
    DUPONT_URL,
    app_du_test,
    csrf,
    login,
    mails,
    martin_logged_in,
    with_root,
)
from .conftest import french_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def famille(root, numero=DUPONT["numero"]):
    return root["familles"][numero]


def catalogue(root, conversation):
    """The ``portail`` catalog's values of ``conversation``."""
    catalog = find_catalog(root, "portail")
    oid = get_oid(conversation)
    noms = (
        "famille",
        "message_lu_service",
        "message_traitee",
        "message_structure",
        "message_date",
        "message_boite",
    )
    return {nom: catalog[nom].discriminate(conversation, None) for nom in noms} | {
        "indexed": {nom: oid in catalog[nom].docids() for nom in noms}
    }


def query(root, **eq):
    catalog = find_catalog(root, "portail")
    result = None
    for name, value in eq.items():
        q = catalog[name].eq(value)
        result = q if result is None else result & q
    return set(result.execute().ids)


def test_service_counters_read_handled_deleted(app):
    def scenario(root, registry):
        request = get_current_request()
        f = famille(root)
        dossier = f["messages"]
        assert f.nouveaux_messages() == dossier.non_lus
        avant = dossier.non_lus
        structure = get_oid(root["structures"]["garderie-periscolaire"])

        sent = service.ecrire(request, f, "Absence", "Lucas sera absent.", structure=structure)
        assert sent.origine == "famille" and sent.lu_famille and not sent.lu_service
        assert not sent.traitee and sent.boite == ENVOYES
        assert sent.messages[0].nom == "JEAN DUPONT"
        assert f.nouveaux_messages() == avant  # the family's own message is not "new"
        values = catalogue(root, sent)
        assert values["famille"] == DUPONT["numero"]
        assert values["message_lu_service"] is False and values["message_traitee"] is False
        assert values["message_structure"] == structure
        assert values["message_date"] == sent.derniere
        assert values["message_boite"] == DUPONT["numero"] + ":" + ENVOYES

        assert sent.dernier_auteur == "famille" and sent.pieces_jointes == 0
        service.ouvrir(sent, "service")
        assert catalogue(root, sent)["message_lu_service"] is True
        service.repondre(request, sent, "service", "Bien noté.", par="Agent Dupuis")
        assert f.nouveaux_messages() == avant + 1
        assert sent.messages[-1].nom == "Agent Dupuis"
        assert sent.dernier_auteur == "service"
        service.ouvrir(sent, "famille")
        assert f.nouveaux_messages() == avant
        service.ouvrir(sent, "famille")  # twice: counted once
        assert f.nouveaux_messages() == avant

        service.repondre(request, sent, "famille", "Merci.")
        assert not sent.lu_service and not sent.traitee
        assert query(root, message_lu_service=False, famille=DUPONT["numero"]) >= {get_oid(sent)}
        service.traiter(sent, "agent")
        assert sent.traitee and sent.lu_service and sent.traitee_par == "agent"
        assert catalogue(root, sent)["message_traitee"] is True

        recu = service.ecrire_a_la_famille(request, f, "Sortie", "Pensez au pique-nique.")
        assert recu.boite == RECUS and catalogue(root, recu)["message_structure"] == 0
        assert f.nouveaux_messages() == avant + 1
        service.supprimer(recu)  # deleted unread: no longer announced
        assert f.nouveaux_messages() == avant
        assert catalogue(root, recu)["message_boite"] == DUPONT["numero"] + ":" + SUPPRIMES
        service.restaurer(recu)
        assert f.nouveaux_messages() == avant + 1
        assert catalogue(root, recu)["message_boite"] == DUPONT["numero"] + ":" + RECUS
        service.supprimer(recu)
        service.repondre(request, recu, "service", "Rappel.")  # back from the bin
        assert not recu.supprimee and f.nouveaux_messages() == avant + 1
        # the kept count is what the conversations say
        assert dossier.non_lus == sum(1 for c in dossier.values() if c.nouvelle) == avant + 1

        # Another family's folder is untouched.
        assert famille(root, MARTIN["numero"])["messages"].non_lus == 0
        return get_oid(recu)

    oid = with_root(app.app, scenario)

    def after(root, registry):
        assert query(root, message_boite=DUPONT["numero"] + ":" + RECUS) >= {oid}

    with_root(app.app, after)


def test_service_refuses_bad_input(app):
    def scenario(root, registry):
        request = get_current_request()
        f = famille(root)
        nombre = len(f["messages"])
        for objet, texte, champ in (
            ("", "Bonjour", "objet"),
            ("   ", "Bonjour", "objet"),
            ("Objet", " \n ", "texte"),
            ("Objet", "x" * 5001, "texte"),
            ("x" * 201, "Bonjour", "objet"),
        ):
            with pytest.raises(service.MessagerieError) as error:
                service.ecrire(request, f, objet, texte)
            assert error.value.champ == champ
        assert len(f["messages"]) == nombre
        conversation = service.ecrire(request, f, "Objet", "x" * 5000)
        with pytest.raises(service.MessagerieError):
            service.repondre(request, conversation, "famille", "")
        assert len(conversation.messages) == 1

    with_root(app.app, scenario)


def _autorisation(app, oui):
    def set_(root, registry):
        famille(root).responsable["autorisation_courriel"] = oui

    with_root(app.app, set_)


def test_mail_only_when_autorisation_courriel_is_oui(app):
    def ecrire(root, registry):
        request = get_current_request()
        service.ecrire_a_la_famille(request, famille(root), "Santé", "Lucas a de la fièvre.")

    _autorisation(app, False)
    avant = len(mails(app))
    with_root(app.app, ecrire)
    assert len(mails(app)) == avant

    _autorisation(app, True)
    with_root(app.app, ecrire)
    found = mails(app)
    assert len(found) == avant + 1
    mail = found[-1]
    assert "jean.dupont@wanadoo.fr" in mail
    assert DUPONT_URL + "boite-de-reception" in mail
    assert "fièvre" not in mail and "Santé" not in mail  # no health data by mail

    def family_writes(root, registry):
        request = get_current_request()
        conversation = service.ecrire(request, famille(root), "Question", "Bonjour")
        service.repondre(request, conversation, "famille", "Encore moi")

    with_root(app.app, family_writes)
    assert len(mails(app)) == avant + 1  # the family's own messages mail nobody


def test_evolve_step9_gives_old_families_their_messages_folder(app):
    from portail_famille.evolve import step9

    def old(root, registry):
        f = famille(root)
        Folder.remove(f, "messages")  # a Famille refuses to lose its folders
        catalog = find_catalog(root, "portail")
        catalog.remove("message_boite")

    with_root(app.app, old)

    def evolve(root, registry):
        assert "messages" not in famille(root)
        step9.evolve(root, registry)

    with_root(app.app, evolve)

    def check(root, registry):
        f = famille(root)
        assert f["messages"].non_lus == 0 and f.nouveaux_messages() == 0
        assert "message_boite" in find_catalog(root, "portail")
        request = get_current_request()
        conversation = service.ecrire_a_la_famille(request, f, "Bienvenue", "Bonjour")
        assert query(root, message_boite=DUPONT["numero"] + ":" + RECUS) >= {get_oid(conversation)}

    with_root(app.app, check)


# --- The parent's pages ------------------------------------------------------

BOITE = DUPONT_URL + "boite-de-reception"
MO = 1024 * 1024


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def big(tmp_path):
    """A fresh application that lets a 5 MB upload reach the views (the
    deployment's ``portail.max_body``)."""
    with app_du_test(tmp_path, **{"portail.max_body": str(8 * MO)}) as app:
        yield app


def navigateur(app, qui="jean.dupont"):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    if qui == "marie.martin":
        return martin_logged_in(app)
    if qui is not None:
        login(browser, qui, COMPTES[qui][0])
    return browser


# the header's count of new messages, a link to them
COMPTEUR = re.compile(
    r'vous avez <a href="[^"]*" class="nouveaux-messages"><strong>(\d+)</strong>'
    r" Nouveau\(x\) Message\(s\)</a>"
)


def compteur(page):
    match = COMPTEUR.search(page.text)
    assert match, "no counter in the page"
    return int(match.group(1))


def conversations(app, numero=DUPONT["numero"]):
    """{objet: (url path, number of messages, supprimee, lu_famille)}."""

    def read(root, registry):
        return {
            c.objet: (
                "/familles/%s/messages/%s" % (numero, c.__name__),
                len(c.messages),
                c.supprimee,
                c.lu_famille,
            )
            for c in root["familles"][numero]["messages"].values()
        }

    return with_root(app.app, read)


def erreur(page, champ):
    found = re.search(r'<span class="erreur" id="erreur-%s">([^<]*)</span>' % champ, page.text)
    return found.group(1) if found else None


def lignes(page):
    """The rows of the list shown: [(objet, état)]."""
    rows = []
    for tr in page.html.select("table.tableau-messages tbody tr"):
        if tr.th is None:
            continue
        rows.append((tr.th.get_text(strip=True), tr.find_all("td")[-1].get_text(strip=True)))
    return rows


def ecrire(browser, champs=None, fichier=None, status=302):
    page = browser.get(BOITE + "?onglet=nouveau")
    values = {"csrf_token": csrf(page), "structure": "", "objet": "Question", "texte": "Bonjour"}
    values.update(champs or {})
    return browser.post(
        BOITE, values, upload_files=[("fichier", *fichier)] if fichier else [], status=status
    )


def test_the_demo_family_has_one_new_message_and_an_answered_one(app):
    dupont = navigateur(app)
    home = dupont.get(DUPONT_URL)
    assert compteur(home) == 1
    assert 'href="%s"' % BOITE in home.text  # the menu's "Boîte de réception"
    page = dupont.get(BOITE)
    assert "les messages sont lus tous les jours ouvrés à 9h" in page.text
    # the service's reply to the family's message is a message received too
    assert lignes(page) == [(demo_messagerie.RECU, "Nouveau"), (demo_messagerie.ENVOYE, "Répondu")]
    envoyes = dupont.get(BOITE + "?onglet=envoyes")
    assert lignes(envoyes) == [(demo_messagerie.ENVOYE, "Répondu")]
    # Loading the demo again adds nothing.
    with_root(
        app.app, lambda root, registry: demo_messagerie.load(root, registry, DUPONT["numero"])
    )
    assert len(conversations(app)) == 2
    assert compteur(dupont.get(DUPONT_URL)) == 1


def test_a_parent_sends_a_message_with_an_attachment(big):
    dupont = navigateur(big)
    structure = with_root(
        big.app, lambda root, registry: get_oid(root["structures"]["garderie-periscolaire"])
    )
    data = pdf_bytes()
    response = ecrire(
        dupont,
        {"structure": str(structure), "objet": "Certificat", "texte": "Ligne 1\nLigne 2"},
        ("certificat médical.pdf", data),
    )
    envoyes = response.follow()
    assert "Votre message a été envoyé." in envoyes.text
    assert ("Certificat", "Lu") in lignes(envoyes)
    assert "(pièce jointe)" in envoyes.html.select_one("table.tableau-messages tbody").text
    url, nombre, _supprimee, _lu = conversations(big)["Certificat"]
    assert nombre == 1
    fil = dupont.get(url)
    assert "Garderie périscolaire" in fil.text
    assert "Ligne 1<br>Ligne 2" in fil.text
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", fil.text)
    assert "certificat médical.pdf" in fil.text
    lien = fil.html.select_one(".piece-jointe a")["href"]
    download = dupont.get(lien)
    assert download.body == data
    assert download.content_type == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    dupont.get(url + "/piece-jointe/7", status=404)
    dupont.get(url + "/piece-jointe/x", status=404)

    # The family answers in the thread.
    reponse = dupont.post(url + "/repondre", {"csrf_token": csrf(fil), "texte": "Et merci"})
    assert conversations(big)["Certificat"][1] == 2
    assert "Et merci" in reponse.follow().text


def test_the_service_answer_raises_the_counter_and_opening_lowers_it(app):
    dupont = navigateur(app)
    assert compteur(dupont.get(DUPONT_URL)) == 1

    def answer(root, registry):
        from pyramid.threadlocal import get_current_request

        dossier = root["familles"][DUPONT["numero"]]["messages"]
        envoye = next(c for c in dossier.values() if c.objet == demo_messagerie.ENVOYE)
        service.repondre(get_current_request(), envoye, "service", "Autre <b>réponse</b>")

    with_root(app.app, answer)
    assert compteur(dupont.get(DUPONT_URL)) == 2
    envoyes = dupont.get(BOITE + "?onglet=envoyes")
    assert lignes(envoyes) == [(demo_messagerie.ENVOYE, "Nouveau")]
    url = conversations(app)[demo_messagerie.ENVOYE][0]
    fil = dupont.get(url)
    assert compteur(fil) == 1  # opened: read
    assert "Autre &lt;b&gt;réponse&lt;/b&gt;" in fil.text
    assert compteur(dupont.get(DUPONT_URL)) == 1
    dupont.get(url)
    assert compteur(dupont.get(DUPONT_URL)) == 1
    url_recu = conversations(app)[demo_messagerie.RECU][0]
    dupont.get(url_recu)
    assert compteur(dupont.get(DUPONT_URL)) == 0
    assert lignes(dupont.get(BOITE)) == [
        (demo_messagerie.ENVOYE, "Répondu"),
        (demo_messagerie.RECU, "Lu"),
    ]


def test_delete_then_restore(app):
    dupont = navigateur(app)
    url = conversations(app)[demo_messagerie.RECU][0]
    fil = dupont.get(url)
    supprimes = dupont.post(url + "/supprimer", {"csrf_token": csrf(fil)}).follow()
    assert "Messages supprimés" in supprimes.text
    assert lignes(supprimes) == [(demo_messagerie.RECU, "Lu")]
    assert lignes(dupont.get(BOITE + "?onglet=recus")) == [(demo_messagerie.ENVOYE, "Répondu")]
    assert conversations(app)[demo_messagerie.RECU][2] is True
    fil = dupont.get(url)
    assert "Restaurer ce message" in fil.text
    dupont.post(url + "/restaurer", {"csrf_token": csrf(fil)}).follow()
    assert lignes(dupont.get(BOITE + "?onglet=recus")) == [
        (demo_messagerie.RECU, "Lu"),
        (demo_messagerie.ENVOYE, "Répondu"),
    ]
    assert lignes(dupont.get(BOITE + "?onglet=supprimes")) == []


def test_a_deleted_unread_message_is_not_counted(app):
    dupont = navigateur(app)

    def delete(root, registry):
        dossier = root["familles"][DUPONT["numero"]]["messages"]
        service.supprimer(next(c for c in dossier.values() if c.objet == demo_messagerie.RECU))

    with_root(app.app, delete)
    assert compteur(dupont.get(DUPONT_URL)) == 0
    assert lignes(dupont.get(BOITE + "?onglet=supprimes")) == [(demo_messagerie.RECU, "Nouveau")]


def test_script_in_subject_and_text_is_shown_as_text(app):
    dupont = navigateur(app)
    objet = "<script>alert('objet')</script>"
    ecrire(dupont, {"objet": objet, "texte": "<script>alert('texte')</script>\n<img src=x>"})
    envoyes = dupont.get(BOITE + "?onglet=envoyes")
    assert "<script>alert" not in envoyes.text
    assert "&lt;script&gt;alert('objet')&lt;/script&gt;" in envoyes.text
    fil = dupont.get(conversations(app)[objet][0])
    assert "<script>alert" not in fil.text and "<img src=x>" not in fil.text
    assert "&lt;script&gt;alert('texte')&lt;/script&gt;<br>&lt;img src=x&gt;" in fil.text


@pytest.mark.parametrize(
    "champs, fichier, champ, message",
    [
        ({"objet": ""}, None, "objet", "Veuillez indiquer l'objet du message."),
        ({"objet": "   "}, None, "objet", "Veuillez indiquer l'objet du message."),
        ({"texte": ""}, None, "texte", "Veuillez écrire votre message."),
        (
            {"texte": "x" * 5001},
            None,
            "texte",
            "Le message ne doit pas dépasser 5000 caractères.",
        ),
        ({"structure": "123"}, None, "structure", "Choisissez une structure de la liste."),
        (
            {},
            ("menu.pdf", b"<html><script>alert(1)</script></html>"),
            "fichier",
            "Ce fichier n'est pas accepté : seuls les fichiers PDF, JPEG, PNG sont acceptés.",
        ),
        (
            {},
            ("gros.pdf", b"%PDF-1.4\n" + b"0" * (6 * MO)),
            "fichier",
            "Le fichier dépasse la taille maximale de 5 Mo.",
        ),
        (
            {},
            # the security review's valid 4.9 MB PDF of 52,000 empty pages
            ("attestation.pdf", pdf_hostiles.pages_vides(52_000)),
            "fichier",
            "Ce fichier PDF a plus de 50 pages : envoyez seulement les pages utiles.",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_stored(big, champs, fichier, champ, message):
    dupont = navigateur(big)
    avant = conversations(big)
    values = {"objet": "Objet gardé", "texte": "Texte tapé <gardé>"}
    values.update(champs)
    page = ecrire(dupont, values, fichier, status=400)
    assert erreur(page, champ) == message
    assert conversations(big) == avant
    if champ != "objet":
        assert 'value="Objet gardé"' in page.text
    if champ != "texte":
        assert "Texte tapé &lt;gardé&gt;</textarea>" in page.text
    assert "Traceback" not in page.text


def test_a_bad_answer_is_refused_and_the_text_kept(app):
    dupont = navigateur(app)
    url = conversations(app)[demo_messagerie.RECU][0]
    fil = dupont.get(url)
    page = dupont.post(
        url + "/repondre", {"csrf_token": csrf(fil), "texte": "x" * 5001}, status=400
    )
    assert erreur(page, "texte") == "Le message ne doit pas dépasser 5000 caractères."
    assert "x" * 5001 + "</textarea>" in page.text
    assert conversations(app)[demo_messagerie.RECU][1] == 1


def test_without_csrf_token_nothing_is_stored(app):
    dupont = navigateur(app)
    avant = conversations(app)
    dupont.post(BOITE, {"objet": "Sans jeton", "texte": "Bonjour"}, status=400)
    url = avant[demo_messagerie.RECU][0]
    dupont.post(url + "/repondre", {"texte": "Sans jeton"}, status=400)
    dupont.post(url + "/supprimer", {}, status=400)
    assert conversations(app) == avant


def test_another_family_gets_404_and_anonymous_the_login_page(big):
    dupont = navigateur(big)
    ecrire(dupont, {"objet": "Privé"}, ("privé.pdf", pdf_bytes()))
    url = conversations(big)["Privé"][0]
    lien = dupont.get(url).html.select_one(".piece-jointe a")["href"]
    avant = conversations(big)

    martin = navigateur(big, "marie.martin")
    jeton = csrf(martin.get("/familles/%s/boite-de-reception?onglet=nouveau" % MARTIN["numero"]))
    for path in (url, url + "/", lien, BOITE, BOITE + "?onglet=envoyes"):
        page = martin.get(path, status=404)
        assert "Privé" not in page.text and "DUPONT" not in page.text
    for path in (url + "/repondre", url + "/supprimer", url + "/restaurer", BOITE):
        martin.post(
            path,
            {"csrf_token": jeton, "texte": "intrus", "objet": "intrus"},
            upload_files=[("fichier", "x.pdf", pdf_bytes())],
            status=404,
        )
    assert conversations(big) == avant
    # MARTIN's own mailbox does not list DUPONT's messages.
    martin_boite = "/familles/%s/boite-de-reception" % MARTIN["numero"]
    for onglet in ("recus", "envoyes", "supprimes"):
        assert lignes(martin.get(martin_boite + "?onglet=" + onglet)) == []

    anonymous = navigateur(big, None)
    for path in (url, lien, BOITE):
        assert "/connexion" in anonymous.get(path, status=302).location
    anonymous.post(url + "/repondre", {"texte": "x"}, status=(302, 400))
    assert conversations(big) == avant


def test_staff_read_without_marking_read_and_cannot_write_as_the_family(app):
    agent = navigateur(app, "agent")
    url = conversations(app)[demo_messagerie.RECU][0]
    fil = agent.get(url)
    assert "Répondre" not in fil.text
    assert conversations(app)[demo_messagerie.RECU][3] is False  # still unread
    agent.post(url + "/repondre", {"csrf_token": csrf(fil), "texte": "x"}, status=(403, 404))
    assert conversations(app)[demo_messagerie.RECU][1] == 1


def test_the_lists_are_paginated_newest_first(app):
    def many(root, registry):
        from pyramid.threadlocal import get_current_request

        request = get_current_request()
        f = famille(root)
        for n in range(45):
            service.ecrire_a_la_famille(request, f, "Info %02d" % n, "Texte", courriel=False)

    with_root(app.app, many)
    dupont = navigateur(app)
    first = dupont.get(BOITE)
    rows = lignes(first)
    assert len(rows) == 20 and rows[0] == ("Info 44", "Nouveau")
    assert "Page 1 sur 3" in first.text
    third = dupont.get(BOITE + "?onglet=recus&page=3")
    assert [r[0] for r in lignes(third)] == [
        "Info 04",
        "Info 03",
        "Info 02",
        "Info 01",
        "Info 00",
    ] + [demo_messagerie.RECU, demo_messagerie.ENVOYE]
    assert lignes(dupont.get(BOITE + "?onglet=recus&page=99")) == []
    for bad in ("page=-1", "page=abc", "page=99999999999", "onglet=<x>"):
        assert dupont.get(BOITE + "?" + bad).status_int == 200


# --- From the planning's "second change" refusal ------------------------------

from .test_reservations import (  # noqa: E402
    MAM,
    MERCREDI,
    absence,
    child_url,
    clock,  # noqa: F401 (fixture)
    oid_of,
    reserver,
    town,  # noqa: F401 (fixture)
)


def test_the_second_change_refusal_opens_a_prefilled_message(town):  # noqa: F811
    dupont = navigateur(town)
    reserver(dupont, town, MAM, MERCREDI)
    grille = absence(dupont, town, MAM, MERCREDI).follow()
    lien = grille.html.select_one(".lien-message a")["href"]
    prestation = oid_of(town, MAM)
    enfant = child_url(town).rstrip("/").rsplit("/", 1)[-1]
    assert lien == "%s?enfant=%s&prestation=%s&date=2026-12-09" % (BOITE, enfant, prestation)
    assert (
        dupont.get(child_url(town) + "planning?mois=2026-12").html.select_one(".lien-message")
        is None
    )

    page = dupont.get(lien)
    formulaire = page.html.select_one("form[enctype]")
    assert formulaire.select_one("#objet")["value"] == (
        "Modification du planning : LUCAS — Mercredi après-midi — 09/12/2026"
    )
    alsh = with_root(
        town.app, lambda root, registry: get_oid(root["structures"]["accueil-de-loisirs-alsh"])
    )
    assert formulaire.select_one("#structure option[selected]")["value"] == str(alsh)

    # The day page of the cell links there too.
    jour = dupont.get(child_url(town) + "planning-jour?prestation=%s&date=2026-12-09" % prestation)
    assert jour.html.select_one(".alerte a")["href"] == lien

    # Sent, it is an ordinary message to the structure.
    dupont.post(
        BOITE,
        {
            "csrf_token": csrf(page),
            "structure": str(alsh),
            "objet": formulaire.select_one("#objet")["value"],
            "texte": "Lucas sera finalement absent.",
        },
        status=302,
    )
    assert "Modification du planning : LUCAS — Mercredi après-midi — 09/12/2026" in (
        conversations(town)
    )

    # Forged values are ignored: the plain form, never an error.
    martin_enfant = with_root(
        town.app,
        lambda root, registry: next(iter(famille(root, MARTIN["numero"])["enfants"].keys())),
    )
    for query in (
        "enfant=%s&prestation=%s&date=2026-12-09" % (martin_enfant, prestation),
        "enfant=%s&prestation=123&date=2026-12-09" % enfant,
        "enfant=%s&prestation=%s&date=2026-13-45" % (enfant, prestation),
        "enfant=%s&prestation=-1&date=2026-12-09" % enfant,
        "enfant=../..&prestation=%s&date=2026-12-09" % prestation,
        "enfant=%s&prestation=%s" % (enfant, "9" * 30),
    ):
        page = dupont.get(BOITE + "?" + query)
        assert page.status_int == 200
        assert "Modification du planning" not in page.text


def test_staff_cannot_delete_rename_or_move_a_conversation_in_the_sdi(app):
    """What was written stays: neither a conversation nor a family's
    messages folder can be deleted, renamed, moved or copied from the SDI,
    by agents or admins (the family deletes into "Messages supprimés")."""
    from .test_compte_sdi import CONTENTS_ACTIONS, FAMILLE, jeton, staff

    def unread(root, registry):
        conversation = service.ecrire_a_la_famille(
            get_current_request(), famille(root), "Objet", "Texte", courriel=False
        )
        dossier = famille(root)["messages"]
        return conversation.__name__, (sorted(dossier), dossier.non_lus)

    def state(root, registry):
        dossier = famille(root)["messages"]
        return sorted(dossier), dossier.non_lus

    name, before = with_root(app.app, unread)
    for role in ("agent", "admin"):
        browser = staff(app, role)
        url = FAMILLE + "messages/@@contents"
        assert "form.delete" not in browser.get(url).text
        for action in CONTENTS_ACTIONS:
            response = browser.post(
                url,
                {action: action, "item-modify": name, "csrf_token": jeton(browser)},
                expect_errors=True,
            )
            if response.status_int == 200:  # rename, move, copy: step two
                response = browser.post(
                    url,
                    {
                        action + "_finish": "1",
                        "form.rename_finish": "1",
                        "item-modify": name,
                        "new-name": "autre",
                        "csrf_token": jeton(browser),
                    },
                    expect_errors=True,
                )
            assert response.status_int in (302, 403)
            assert with_root(app.app, state) == before, (role, action)
        response = browser.post(
            FAMILLE + "@@contents",
            {"form.delete": "form.delete", "item-modify": "messages", "csrf_token": jeton(browser)},
            status=403,
        )
        # an agent does not delete in a family; the family's own folders
        # are never offered to anybody
        assert french_error(response.text) == (
            "« messages » ne peut être ni supprimé, ni renommé, ni déplacé, ni copié ici."
            if role == "admin"
            else "Vous n'avez pas accès à cette page."
        )
        assert with_root(app.app, state) == before
