"""The service's side of the messages, in the SDI: the inbox of every
family's conversations (/manage/@@messagerie: unread first, filters,
pagination), one conversation (@@conversation: read, answer, handle, its
attachments), the group message (/manage/@@message-groupe) reaching exactly
the targeted families; who may use them; forged and bad input."""

import datetime
import io
import re

import pytest
import transaction
from pypdf import PdfWriter
from substanced.util import find_catalog, get_oid

from portail_famille import inscriptions
from portail_famille.demo import COMPTES, DUPONT, JEANNE_FOYER, MARTIN
from portail_famille.messagerie import groupe, service

from ..conftest import ADMIN, login, mails, with_root
from ..travaux import une_passe
from .conftest import client

INBOX = "/manage/@@messagerie"
GROUPE = "/manage/@@message-groupe"
PARIS = datetime.timezone(datetime.timedelta(hours=1))
ALSH = "accueil-de-loisirs-alsh"
GARDERIE = "garderie-periscolaire"
CANTINE = (GARDERIE, "restauration-scolaire")
MERCREDI = (ALSH, "mercredi-apres-midi")


# --- helpers -------------------------------------------------------------------------


def with_request(app, func):
    """``func(root, request)`` in a committed transaction (the service
    needs a request: translations, mail queue)."""
    from pyramid.scripting import prepare

    env = prepare(registry=app.app.registry)
    try:
        result = func(env["root"], env["request"])
        transaction.commit()
        return result
    except Exception:
        transaction.abort()
        raise
    finally:
        env["closer"]()


def staff(app, role):
    browser = client(app)
    password = ADMIN[1] if role == "admin" else COMPTES[role][0]
    login(browser, role, password)
    return browser


def parent(app):
    browser = client(app)
    login(browser, "jean.dupont", COMPTES["jean.dupont"][0])
    return browser


def token(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def flashes(page):
    return " ".join(
        re.sub(r"<[^>]+>|\s+", " ", m)
        for m in re.findall(r'<div class="alert alert-\w+">(.*?)</div>', page.text, re.S)
    )


def structure_oid(app, name):
    return with_root(app.app, lambda root, registry: get_oid(root["structures"][name]))


def ecrire(app, numero, objet, texte="Bonjour", structure=None, quand=None):
    """A conversation the family starts; ``quand`` backdates it.  Returns
    its SDI URL."""

    def make(root, request):
        famille = root["familles"][numero]
        oid = get_oid(root["structures"][structure]) if structure else None
        conversation = service.ecrire(request, famille, objet, texte, structure=oid)
        if quand is not None:
            dater(conversation, quand)
        return "/manage/familles/%s/messages/%s/@@conversation" % (numero, conversation.__name__)

    return with_request(app, make)


def dater(conversation, quand):
    conversation.derniere = quand
    conversation.messages[-1].date = quand
    find_catalog(conversation, "portail").reindex_resource(conversation)


def conversation_at(app, url, func):
    _m, numero, _d, name, _v = url.rsplit("/", 4)

    def read(root, request):
        return func(root["familles"][numero]["messages"][name], request)

    return with_request(app, read)


def etat(app, url):
    return conversation_at(
        app,
        url,
        lambda c, r: {
            "lu_service": c.lu_service,
            "lu_famille": c.lu_famille,
            "traitee": c.traitee,
            "messages": [(m.auteur, m.texte) for m in c.messages],
        },
    )


def rows(page):
    """[(numero, objet, marks)] of the inbox page, in order."""
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page.text, re.S)[1:]:
        numero = re.search(r"familles/(\d+)/@@fiche", row).group(1)
        objet = re.search(r'class="objet">(?:<strong>)?(.*?)<', row, re.S).group(1).strip()
        marks = " ".join(re.findall(r'class="label [^"]*">([^<]*)<', row))
        found.append((numero, objet, marks))
    return found


def conversations(app):
    """{numero: [(objet, groupe, [(auteur, texte)])]} of every family."""

    def read(root, registry):
        found = {}
        for numero, famille in root["familles"].items():
            found[numero] = sorted(
                (c.objet, c.groupe, [(m.auteur, m.texte) for m in c.messages])
                for c in famille["messages"].values()
            )
        return found

    return with_root(app.app, read)


def non_lus(app, numero):
    return with_root(app.app, lambda root, r: root["familles"][numero]["messages"].non_lus)


def home_count(browser, numero=DUPONT["numero"]):
    page = browser.get("/familles/%s/" % numero)
    match = re.search(
        r'vous avez <a href="[^"]*" class="nouveaux-messages"><strong>(\d+)</strong>'
        r" Nouveau\(x\) Message\(s\)</a>",
        page.text,
    )
    assert match, page.text[:2000]
    return int(match.group(1))


def pdf_bytes():
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def famille_inscrite(app, numero, nom, inscrites, annee=None):
    """A new family (one child) enrolled in the prestations ``inscrites``
    ((structure, prestation) pairs) for ``annee`` (default: the current
    school year)."""

    def make(root, registry):
        libelle = annee or groupe.annee_courante(root)
        famille = registry.content.create(
            "Famille",
            responsable={"civilite": "Madame", "nom": nom, "prenom": "ANNE"},
        )
        root["familles"].add(numero, famille, registry=registry)
        enfant = registry.content.create(
            "Enfant",
            nom=nom,
            prenom="PAUL",
            sexe="M",
            date_naissance=datetime.date(2016, 3, 1),
        )
        famille["enfants"].add_next(enfant, registry=registry)
        debut = root["calendrier"][libelle].debut
        for structure, prestation in inscrites:
            oid = get_oid(root["structures"][structure][prestation])
            inscriptions.inscrire(enfant, oid, libelle, debut)

    with_root(app.app, make)


# --- The inbox, the conversation, the round trip ---------------------------------------


def test_round_trip_with_the_unread_counts_on_both_sides(app):
    now = datetime.datetime.now(PARIS)
    ancienne = ecrire(app, DUPONT["numero"], "Cantine de lundi", quand=now - datetime.timedelta(2))
    lue = ecrire(app, MARTIN["numero"], "Horaires", quand=now - datetime.timedelta(hours=1))
    recente = ecrire(app, DUPONT["numero"], "Sortie <b>piscine</b>", "Bonjour <script>x()</script>")
    agent = staff(app, "agent")
    # MARTIN's conversation already read by the service: after the unread ones.
    agent.get(lue)
    parent_browser = parent(app)
    base = home_count(parent_browser)  # the demo's own new message, if any

    page = agent.get(INBOX)
    assert [(n, o) for n, o, _m in rows(page)] == [
        (DUPONT["numero"], "Sortie &lt;b&gt;piscine&lt;/b&gt;"),
        (DUPONT["numero"], "Cantine de lundi"),
        (MARTIN["numero"], "Horaires"),
    ]
    assert [m for _n, _o, m in rows(page)] == [
        "Non lu À traiter",
        "Non lu À traiter",
        "À traiter",
    ]
    assert "3 conversation(s)" in page.text
    assert "DUPONT" in page.text and "<b>piscine" not in page.text

    # Opening it marks it read by the service; the text is shown escaped.
    shown = agent.get(recente)
    assert "Bonjour &lt;script&gt;x()&lt;/script&gt;" in shown.text
    assert "<script>x()" not in shown.text
    assert etat(app, recente)["lu_service"] is True
    order = rows(agent.get(INBOX))
    assert [o for _n, o, _m in order] == [
        "Cantine de lundi",
        "Sortie &lt;b&gt;piscine&lt;/b&gt;",
        "Horaires",
    ]

    # The agent answers: new for the family (home page), mailed to it.
    before = len(mails(app))
    done = agent.post(
        recente, {"texte": "Oui, à 14 h.", "repondre": "1", "csrf_token": token(shown)}
    )
    assert done.status_int == 302 and done.location.endswith(recente)
    assert "Réponse envoyée à la famille %s." % DUPONT["numero"] in flashes(done.follow())
    assert etat(app, recente)["messages"][-1] == ("service", "Oui, à 14 h.")
    # Who answered is kept for the staff (the account), not shown to the family.
    assert conversation_at(app, recente, lambda c, r: c.messages[-1].compte) == "agent"
    assert "(compte : agent)" in agent.get(recente).text
    assert home_count(parent_browser) == base + 1
    sent = mails(app)[before:]
    assert len(sent) == 1 and "jean.dupont@wanadoo.fr" in sent[0]
    assert "14 h" not in sent[0]  # a link, never the message
    famille_url = recente.replace("/manage", "").replace("/@@conversation", "")
    assert "compte : agent" not in parent_browser.get(famille_url).text

    # The family opens and answers: read for it, unread and to handle again
    # for the service, first in its inbox.
    def family_answers(conversation, request):
        service.ouvrir(conversation, "famille")
        service.repondre(request, conversation, "famille", "Merci !")

    conversation_at(app, recente, family_answers)
    assert home_count(parent_browser) == base
    first = rows(agent.get(INBOX))[0]
    assert first == (DUPONT["numero"], "Sortie &lt;b&gt;piscine&lt;/b&gt;", "Non lu À traiter")
    assert etat(app, recente)["messages"] == [
        ("famille", "Bonjour <script>x()</script>"),
        ("service", "Oui, à 14 h."),
        ("famille", "Merci !"),
    ]
    assert etat(app, ancienne)["lu_service"] is False


def test_marking_handled_moves_it_to_the_handled_list(app):
    url = ecrire(app, DUPONT["numero"], "Facture de mars")
    agent = staff(app, "agent")
    page = agent.get(url)
    assert "Marquer comme traité" in page.text
    done = agent.post(url, {"traiter": "1", "csrf_token": token(page)})
    assert done.status_int == 302 and done.location.endswith(INBOX)
    assert "marquée comme traitée" in flashes(done.follow())
    assert etat(app, url)["traitee"] is True
    assert rows(agent.get(INBOX)) == []
    assert [o for _n, o, _m in rows(agent.get(INBOX + "?etat=traitees"))][0] == "Facture de mars"
    assert rows(agent.get(INBOX + "?etat=toutes"))[0][2] == "Traité"
    assert "Marquer comme traité" not in agent.get(url).text


def test_the_inbox_filters_by_structure(app):
    urls = [
        ecrire(app, DUPONT["numero"], "Pour l'ALSH", structure=ALSH),
        ecrire(app, MARTIN["numero"], "Pour la garderie", structure=GARDERIE),
        ecrire(app, MARTIN["numero"], "Pour le service"),
    ]
    agent = staff(app, "agent")
    alsh, garderie = structure_oid(app, ALSH), structure_oid(app, GARDERIE)

    def objets(query):
        return sorted(o for _n, o, _m in rows(agent.get(INBOX + query)))

    assert objets("?structure=%d" % alsh) == ["Pour l'ALSH"]
    assert objets("?structure=%d" % garderie) == ["Pour la garderie"]
    assert objets("?structure=0") == ["Pour le service"]
    assert len(objets("")) == 3
    page = agent.get(INBOX + "?structure=%d" % alsh)
    assert "Accueil de Loisirs ALSH" in page.text
    # Filters and the unread-first order together.
    agent.get(urls[2])  # "Pour le service", read
    assert etat(app, urls[2])["lu_service"] is True
    ecrire(app, DUPONT["numero"], "Plus ancien", quand=datetime.datetime.now(PARIS) - JOURS_3)
    order = [o for _n, o, _m in rows(agent.get(INBOX + "?structure=0&etat=toutes"))]
    assert order == ["Plus ancien", "Pour le service"]
    garderie_url = urls[1]
    page = agent.get(garderie_url)
    agent.post(garderie_url, {"traiter": "1", "csrf_token": token(page)}, status=302)
    assert objets("?structure=%d" % garderie) == []
    assert objets("?structure=%d&etat=traitees" % garderie) == ["Pour la garderie"]
    assert objets("?structure=%d&etat=traitees" % alsh) == objets_demo_alsh(app)
    # Unknown values are ignored (everything shown), never an error.
    for query in (
        "?structure=abc",
        "?structure=123456789",
        "?structure=%d" % get_oid_of_family(app),
        "?structure=" + "9" * 40,
        "?etat=zzz",
        "?page=abc",
        "?page=-4",
        "?page=" + "9" * 30,
        "?structure=1&structure=2",
        "?structure=-",
        "?structure=-" + "9" * 25,
    ):
        response = agent.get(INBOX + query)
        assert response.status_int == 200, query
        assert len(rows(response)) == 3, query


JOURS_3 = datetime.timedelta(days=3)


def objets_demo_alsh(app):
    """The objects of the handled conversations of the demo data addressed to
    the ALSH (none without the demo's messages)."""

    def read(root, registry):
        alsh = get_oid(root["structures"][ALSH])
        found = []
        for famille in root["familles"].values():
            found.extend(
                c.objet for c in famille["messages"].values() if c.structure == alsh and c.traitee
            )
        return sorted(found)

    return with_root(app.app, read)


def get_oid_of_family(app):
    return with_root(app.app, lambda root, r: get_oid(root["familles"][DUPONT["numero"]]))


def test_the_inbox_is_paginated_twenty_a_page(app):
    now = datetime.datetime.now(PARIS)

    def make(root, request):
        famille = root["familles"][MARTIN["numero"]]
        for i in range(105):
            conversation = service.ecrire(request, famille, "Message %03d" % i, "Texte")
            dater(conversation, now - datetime.timedelta(minutes=i))
        # Read by the service: after every unread one, whatever its date.
        service.ouvrir(famille["messages"][conversation.__name__], "service")

    with_request(app, make)
    agent = staff(app, "agent")

    def objets(page):
        return [o for _n, o, _m in rows(page)]

    def links(page):
        return re.findall(r'<a href="[^"]*@@messagerie[^"]*" class="page">(\d+)</a>', page.text)

    first = agent.get(INBOX)
    assert "105 conversation(s)" in first.text and "Page 1 sur 6" in first.text
    assert objets(first) == ["Message %03d" % i for i in range(20)]
    assert links(first) == ["2", "3", "6"] and "…" in first.text
    fourth = agent.get(INBOX + "?page=4")
    assert objets(fourth) == ["Message %03d" % i for i in range(60, 80)]
    assert links(fourth) == ["1", "2", "3", "5", "6"]
    last = agent.get(INBOX + "?page=6")
    assert objets(last) == ["Message %03d" % i for i in range(100, 104)] + ["Message 104"]
    assert rows(last)[-1][2] == "À traiter"  # the read one, last
    assert rows(agent.get(INBOX + "?page=99")) == rows(last)  # clamped
    # The filters are kept in the page links.
    filtered = agent.get(INBOX + "?etat=toutes&structure=0&page=2")
    assert "Page 2 sur 6" in filtered.text
    assert "structure=0&amp;etat=toutes&amp;page=3" in filtered.text
    assert objets(filtered) == ["Message %03d" % i for i in range(20, 40)]


# --- Attachments ---------------------------------------------------------------------


def test_staff_download_the_attachments_and_attach_to_a_reply(app):
    data = pdf_bytes()

    def make(root, request):
        from portail_famille.fichiers import PDF, Fichier

        famille = root["familles"][DUPONT["numero"]]
        conversation = service.ecrire(
            request, famille, "Certificat", "Ci-joint", fichier=Fichier(data, PDF, "certif.pdf")
        )
        return "/manage/familles/%s/messages/%s/" % (DUPONT["numero"], conversation.__name__)

    base = with_request(app, make)
    agent = staff(app, "agent")
    page = agent.get(base + "@@conversation")
    assert "certif.pdf" in page.text
    download = agent.get(base + "@@piece-jointe?n=0")
    assert download.body == data
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    for bad in ("n=1", "n=abc", "n=-1", "n=" + "9" * 30, ""):
        assert agent.get(base + "@@piece-jointe?" + bad, status=404)
    # A reply with an attachment: the family's thread holds it.
    answer = agent.post(
        base + "@@conversation",
        {"texte": "Bien reçu, voici le reçu.", "repondre": "1", "csrf_token": token(page)},
        upload_files=[("fichier", "reçu.pdf", data)],
    )
    assert answer.status_int == 302
    names = conversation_at(
        app,
        base + "@@conversation",
        lambda c, r: [m.fichier.nom if m.fichier else None for m in c.messages],
    )
    assert names == ["certif.pdf", "reçu.pdf"]
    assert agent.get(base + "@@piece-jointe?n=1").body == data


def test_a_bad_reply_is_refused_next_to_its_field_and_nothing_is_stored(app):
    url = ecrire(app, DUPONT["numero"], "Question")
    base = home_count(parent(app))
    agent = staff(app, "agent")
    page = agent.get(url)
    cases = [
        ({"texte": "   "}, None, "Veuillez écrire votre message."),
        ({"texte": "x" * 5001}, None, "ne doit pas dépasser 5000 caractères"),
        (
            {"texte": "Voici"},
            ("fichier", "menu.pdf", b"<html><script>alert(1)</script></html>"),
            "seuls les fichiers PDF, JPEG, PNG sont acceptés",
        ),
        ({"texte": "Voici"}, ("fichier", "vide.pdf", b""), "Le fichier envoyé est vide."),
    ]
    for fields, upload, message in cases:
        response = agent.post(
            url,
            dict(fields, repondre="1", csrf_token=token(page)),
            upload_files=[upload] if upload else [],
            status=400,
        )
        assert message in response.text, message
        assert "has-error" in response.text and "Traceback" not in response.text
    assert etat(app, url)["messages"] == [("famille", "Bonjour")]
    assert home_count(parent(app)) == base


# --- The group message ---------------------------------------------------------------


def test_a_group_message_reaches_exactly_the_targeted_families(app):
    famille_inscrite(app, "2000000000001", "CANTINE", [CANTINE])
    famille_inscrite(app, "2000000000002", "MERCREDI", [MERCREDI])
    famille_inscrite(app, "2000000000003", "ANCIENNE", [CANTINE], annee="2014-2015")
    famille_inscrite(app, "2000000000004", "SANSINSCRIPTION", [])
    everybody = sorted(conversations(app))
    assert len(everybody) == 7  # the demo's three households and these four
    base = home_count(parent(app))
    agent = staff(app, "agent")

    def prestation_oid(root, registry, key):
        return get_oid(root["structures"][key[0]][key[1]])

    cantine = with_root(app.app, lambda root, r: prestation_oid(root, r, CANTINE))
    alsh = structure_oid(app, ALSH)
    # DUPONT's LUCAS is enrolled in the canteen and Wednesday afternoons
    # this school year (demo data); JEANNE's household shares him (garde
    # alternée): told too.
    expected = {
        "prestation:%d" % cantine: [DUPONT["numero"], JEANNE_FOYER["numero"], "2000000000001"],
        "structure:%d" % alsh: [DUPONT["numero"], JEANNE_FOYER["numero"], "2000000000002"],
        "toutes": everybody,
    }
    choix = agent.get(GROUPE)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", choix.text)
    assert options[:2] == [
        "Toutes les familles",
        "Enfant inscrit à la structure Accueil de Loisirs ALSH",
    ]
    assert "Enfant inscrit à Garderie périscolaire — Restauration scolaire" in options
    assert "recevront" not in choix.text  # no message form before the count
    for n, (cible, targeted) in enumerate(expected.items()):
        before = conversations(app)
        counts = {numero: non_lus(app, numero) for numero in everybody}
        page = agent.get(GROUPE + "?cible=" + cible)
        assert "%d famille(s) recevront ce message." % len(targeted) in page.text
        objet = "Information n° %d" % n
        done = agent.post(
            GROUPE,
            {
                "cible": cible,
                "objet": objet,
                "texte": "Réunion <mardi>",
                "envoyer": "1",
                "csrf_token": token(page),
            },
        )
        assert done.status_int == 302
        assert "Message mis en file d'envoi pour %d famille(s)" % len(targeted) in flashes(
            done.follow()
        )
        assert conversations(app) == before  # queued: the workers write them
        une_passe(app.app)
        after = conversations(app)
        groupes = set()
        for numero in everybody:
            new = [c for c in after[numero] if c not in before[numero]]
            if numero in targeted:
                assert len(new) == 1, (cible, numero)
                assert new[0][0] == objet and new[0][2] == [("service", "Réunion <mardi>")]
                groupes.add(new[0][1])
                assert non_lus(app, numero) == counts[numero] + 1
            else:
                assert new == [], (cible, numero)
                assert non_lus(app, numero) == counts[numero]
        # One group id, each family its own conversation.
        assert len(groupes) == 1 and None not in groupes
    # The parent sees the three on his home page; the agent's inbox lists
    # them as sent, not to handle.
    assert home_count(parent(app)) == base + 3
    assert rows(agent.get(INBOX)) == []


def test_a_group_message_in_batches_and_with_an_attachment(app):
    app.app.registry.settings["portail.messages_lot"] = "2"
    for i in range(5):
        famille_inscrite(app, "300000000000%d" % i, "LOT", [CANTINE])
    agent = staff(app, "agent")
    cantine = with_root(
        app.app, lambda root, r: get_oid(root["structures"][CANTINE[0]][CANTINE[1]])
    )
    cible = "prestation:%d" % cantine
    page = agent.get(GROUPE + "?cible=" + cible)
    data = pdf_bytes()
    done = agent.post(
        GROUPE,
        {"cible": cible, "objet": "Menus", "texte": "Les menus", "envoyer": "1"}
        | {"csrf_token": token(page)},
        upload_files=[("fichier", "menus.pdf", data)],
    )
    # the five, DUPONT's and JEANNE's (LUCAS's second household)
    assert "Message mis en file d'envoi pour 7 famille(s)" in flashes(done.follow())
    assert une_passe(app.app) == 4  # chunks of 2 families

    def files(root, registry):
        found = []
        for famille in root["familles"].values():
            for c in famille["messages"].values():
                if c.groupe is not None:
                    fichier = c.messages[0].fichier
                    found.append((fichier._p_oid, fichier.contenu()))
        return found

    found = with_root(app.app, files)
    assert len(found) == 7 and all(content == data for _n, content in found)
    assert len({oid for oid, _c in found}) == 1  # stored once, with the job


def test_a_bad_group_message_sends_nothing(app):
    agent = staff(app, "agent")
    page = agent.get(GROUPE + "?cible=toutes")
    before = conversations(app)
    famille_inscrite(app, "2000000000009", "ANCIENNE", [MERCREDI], annee="2014-2015")
    garderie_matin = with_root(
        app.app, lambda root, r: get_oid(root["structures"][GARDERIE]["garderie-matin"])
    )
    cases = [
        ({"cible": "toutes", "objet": " ", "texte": "x"}, "Veuillez indiquer l'objet du message."),
        ({"cible": "toutes", "objet": "x" * 201, "texte": "x"}, "ne doit pas dépasser 200"),
        ({"cible": "toutes", "objet": "Objet", "texte": ""}, "Veuillez écrire votre message."),
        ({"cible": "structure:12", "objet": "Objet", "texte": "x"}, "Destinataires inconnus."),
        ({"cible": "<script>", "objet": "Objet", "texte": "x"}, "Destinataires inconnus."),
        ({"objet": "Objet", "texte": "x"}, "Destinataires inconnus."),
        (
            # Nobody is enrolled in it this year.
            {"cible": "prestation:%d" % garderie_matin, "objet": "Objet", "texte": "x"},
            "Aucune famille ne correspond à ces destinataires.",
        ),
    ]
    for fields, message in cases:
        response = agent.post(GROUPE, dict(fields, envoyer="1", csrf_token=token(page)), status=400)
        assert message in response.text, message
        assert "Traceback" not in response.text
    response = agent.post(
        GROUPE,
        {"cible": "toutes", "objet": "Objet", "texte": "x", "envoyer": "1"}
        | {"csrf_token": token(page)},
        upload_files=[("fichier", "faux.png", b"GIF89a not a png")],
        status=400,
    )
    assert "seuls les fichiers PDF, JPEG, PNG sont acceptés" in response.text
    after = conversations(app)
    assert all(after[numero] == before.get(numero, []) for numero in after)
    # An unknown target in the address: the choice again, with a message.
    shown = agent.get(GROUPE + "?cible=prestation:999999")
    assert "Destinataires inconnus." in shown.text and "recevront" not in shown.text


# --- Who may, CSRF -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editeur", "jean.dupont", "marie.martin", None])
def test_only_agents_reach_the_messaging_tabs(app, role):
    url = ecrire(app, DUPONT["numero"], "Secret médical", "Allergie aux arachides")
    agent = staff(app, "agent")
    page = agent.get(GROUPE + "?cible=toutes")
    agent_token = token(page)
    before = conversations(app)
    browser = client(app)
    if role is not None:
        login(browser, role, COMPTES[role][0])
        own_token = token(browser.get("/mot-de-passe"))
    else:
        own_token = agent_token
    base = url.rsplit("@@", 1)[0]
    for path in (
        INBOX,
        INBOX + "?etat=toutes",
        GROUPE,
        GROUPE + "?cible=toutes",
        url,
        base + "@@piece-jointe?n=0",
    ):
        response = browser.get(path, expect_errors=True)
        assert response.status_int != 200, (role, path)
        assert "Allergie" not in response.text and "Secret médical" not in response.text
    posts = [
        (url, {"texte": "Réponse", "repondre": "1"}),
        (url, {"traiter": "1"}),
        (GROUPE, {"cible": "toutes", "objet": "Objet", "texte": "Texte", "envoyer": "1"}),
    ]
    for path, fields in posts:
        response = browser.post(path, dict(fields, csrf_token=own_token), expect_errors=True)
        assert response.status_int in (302, 400, 403, 404), (role, path, response.status)
        if response.status_int == 302:
            assert "/manage" not in response.location, (role, path)
    assert conversations(app) == before
    assert etat(app, url)["lu_service"] is False and etat(app, url)["traitee"] is False


def test_admins_reach_the_tabs_too(app):
    admin = staff(app, "admin")
    assert admin.get(INBOX).status_int == 200
    assert admin.get(GROUPE).status_int == 200


def test_regisseurs_answer_the_families_too(app):
    """Issue 18 item 9: a régisseur has the messaging (families write
    about their invoices); opening a conversation marks it read."""
    url = ecrire(app, DUPONT["numero"], "Facture AL-36")
    regisseur = staff(app, "regisseur")
    assert "Facture AL-36" in regisseur.get(INBOX).text
    assert regisseur.get(url).status_int == 200
    assert etat(app, url)["lu_service"] is True


def test_posts_without_the_csrf_token_are_refused(app):
    url = ecrire(app, DUPONT["numero"], "Question")
    agent = staff(app, "agent")
    agent.get(url)
    before = conversations(app)
    for bad in ({}, {"csrf_token": "0" * 40}):
        agent.post(url, dict(bad, texte="Réponse", repondre="1"), status=400)
        agent.post(url, dict(bad, traiter="1"), status=400)
        agent.post(
            GROUPE,
            dict(bad, cible="toutes", objet="Objet", texte="Texte", envoyer="1"),
            status=400,
        )
    assert conversations(app) == before
    assert etat(app, url)["traitee"] is False


def test_a_reply_reaches_only_that_family(app):
    dupont_url = ecrire(app, DUPONT["numero"], "Question de DUPONT")
    martin_url = ecrire(app, MARTIN["numero"], "Question de MARTIN")
    agent = staff(app, "agent")
    page = agent.get(dupont_url)
    before = conversations(app)
    before_mails = len(mails(app))
    base = non_lus(app, DUPONT["numero"])
    # MARTIN's conversation id in the form changes nothing: the reply goes
    # to the conversation of the address.
    agent.post(
        dupont_url,
        {
            "texte": "Réponse pour DUPONT",
            "repondre": "1",
            "csrf_token": token(page),
            "famille": MARTIN["numero"],
            "conversation": martin_url,
        },
        status=302,
    )
    after = conversations(app)
    assert after[MARTIN["numero"]] == before[MARTIN["numero"]]
    assert etat(app, dupont_url)["messages"][-1] == ("service", "Réponse pour DUPONT")
    assert non_lus(app, MARTIN["numero"]) == 0 and non_lus(app, DUPONT["numero"]) == base + 1
    sent = mails(app)[before_mails:]
    assert len(sent) == 1
    assert "jean.dupont@wanadoo.fr" in sent[0] and "marie.martin" not in sent[0]
