"""A new family comes in without a password changing hands: the staff's
flow (name search, duplicates, proposed N° famille, accounts without
password), the activation letter (its QR code is the link), the parent's
activation (single use, 14 days on a moved clock, a new link on request),
and the "Comptes parents" tab."""

import datetime
import io
import re

import segno
import webtest
from pypdf import PdfReader
from substanced.util import find_service

from portail_famille import dates
from portail_famille.comptes import activation
from portail_famille.comptes.lettre import ECHELLE, MARGE
from portail_famille.demo import DUPONT
from portail_famille.familles.resources import famille_of

from ..conftest import login, mails, with_root
from .conftest import client
from .test_sessions import clock  # noqa: F401

AJOUT = "/manage/familles/@@add_famille"
LIEN = re.compile(r"http://localhost/activer\?jeton=[A-Za-z0-9_\-]{43}")
MOT_DE_PASSE = "Vacances-Ete2027"


def agent_de(app):
    agent = client(app)
    login(agent, "agent", "Enfance2015ej")
    return agent


def choisir_envoi(form, valeur):
    """deform names its radio buttons by their id: the group offering ``valeur``."""
    for fields in form.fields.values():
        if isinstance(fields[0], webtest.forms.Radio) and valeur in [
            o[0] for o in fields[0].options
        ]:
            fields[0].value = valeur
            return
    raise AssertionError("no choice %r" % valeur)


def sans_mot_de_passe(page):
    """No password field, nor any word of one, for staff."""
    assert 'type="password"' not in page.text
    assert 'name="password"' not in page.text


def creer(
    agent, nom="DURAND", famille="DURAND", envoi="lettre", conjoint=True, verifie=False, status=302
):
    """Search ``nom``, then create the family ``famille`` (PAUL, and LÉA DURAND)."""
    page = agent.get(AJOUT, params={"nom": nom})
    sans_mot_de_passe(page)
    form = page.forms["deform"]
    form.set("nom", famille, index=0)
    # Index 0: the responsable's fields, 1: the conjoint's.
    form.set("prenom", "PAUL", index=0)
    form.set("prenom", "LÉA", index=1)
    form.set("nom", "DURAND", index=1)
    form.set("email", "paul.durand@example.org", index=0)
    form.set("email", "lea.durand@example.org", index=1)
    form["compte_conjoint"] = conjoint
    form["doublons_verifies"] = verifie
    choisir_envoi(form, envoi)
    return page, form.submit("creer", status=status)


def comptes(app, numero):
    def read(root, registry):
        famille = root["familles"].get(numero)
        if famille is None:
            return None
        return {
            u.__name__: (u.email, u.password, famille_of(u) is famille) for u in famille.parents()
        }

    return with_root(app.app, read)


def prochain(app):
    """The N° famille after the highest (read here, not asked of the code)."""
    return with_root(
        app.app, lambda root, registry: str(max(int(n) for n in root["familles"].keys()) + 1)
    )


def lettre(agent, numero, login):
    page = agent.get("/manage/familles/%s/@@comptes" % numero)
    sans_mot_de_passe(page)
    form = [f for f in page.forms.values() if f.fields.get("compte", [None])[0]][0]
    for f in page.forms.values():
        if "compte" in f.fields and f["compte"].value == login:
            form = f
    return form.submit("envoi", value="lettre")


def qr_de_la_lettre(response):
    """(the link written on the letter, the QR code's image in the PDF,
    the letter's text without whitespace)."""
    assert response.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body))
    page = reader.pages[0]
    texte = "".join(page.extract_text().split())
    images = list(page.images)
    assert len(images) == 1
    return LIEN.search(texte).group(0), images[0].image, texte


def modules(image):
    """The QR code's matrix read back from its image in the PDF: the
    centre of each module, dark or light (the PDF may smooth the edges)."""
    gris = image.convert("L")
    cote = gris.size[0] // ECHELLE - 2 * MARGE
    centre = ECHELLE // 2
    return [
        [
            int(
                gris.getpixel(((MARGE + x) * ECHELLE + centre, (MARGE + y) * ECHELLE + centre))
                < 128
            )
            for x in range(cote)
        ]
        for y in range(cote)
    ]


def test_an_agent_creates_a_family_prints_a_letter_and_the_parent_activates(app):
    agent = agent_de(app)
    numero = prochain(app)
    first = agent.get(AJOUT)
    assert 'name="nom"' in first.text and "deform" not in first.forms
    page, created = creer(agent)
    assert page.forms["deform"]["numero"].value == numero  # proposed by the system
    assert "Aucune famille de ce nom" in page.text
    assert created.location.endswith("/manage/familles/%s/@@comptes" % numero)
    assert comptes(app, numero) == {
        "paul.durand": ("paul.durand@example.org", None, True),
        "lea.durand": ("lea.durand@example.org", None, True),
    }
    assert not any("activer" in m for m in mails(app))  # the letter was chosen
    # Nobody can log in before the activation.
    assert "incorrect" in login(client(app), "paul.durand", MOT_DE_PASSE, status=200).text

    url, image, texte = qr_de_la_lettre(lettre(agent, numero, "paul.durand"))
    jusqu_au = dates.en_toutes_lettres(dates.today() + datetime.timedelta(days=14))
    for attendu in ("DURAND", numero, "paul.durand", "valablejusqu'au" + jusqu_au.replace(" ", "")):
        assert attendu in texte
    assert modules(image) == [list(ligne) for ligne in segno.make(url, error="m").matrix]

    parent = client(app)
    form_page = parent.get(url)
    assert "paul.durand" in form_page.text and 'name="new"' in form_page.text
    refused = parent.post(
        "/activer",
        {
            "jeton": url.split("=", 1)[1],
            "new": "abc",
            "confirm": "abc",
            "csrf_token": _csrf(form_page),
        },
    )
    assert "au moins" in refused.text
    done = parent.post(
        "/activer",
        {
            "jeton": url.split("=", 1)[1],
            "new": MOT_DE_PASSE,
            "confirm": MOT_DE_PASSE,
            "csrf_token": _csrf(form_page),
        },
        status=302,
    )
    assert done.location.endswith("/familles/%s/" % numero)
    assert "DURAND" in parent.get("/familles/%s/" % numero).text  # logged in
    email, password, _lie = comptes(app, numero)["paul.durand"]
    assert password and password != MOT_DE_PASSE  # stored hashed
    # Single use: the link says so, and sets no password again.
    again = client(app).get(url)
    assert "Ce lien a déjà servi" in again.text and 'name="new"' not in again.text
    assert login(client(app), "paul.durand", MOT_DE_PASSE).location.endswith(
        "/familles/%s/" % numero
    )


def _csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_a_name_already_known_must_be_checked_first(app):
    agent = agent_de(app)
    numero = prochain(app)
    page, refused = creer(agent, nom="dup", famille="DUPONT", status=200)
    assert "DUPONT" in page.text and DUPONT["numero"] in page.text
    assert "famille(s) trouvée(s)" in page.text
    assert "Des familles portent déjà ce nom" in refused.text
    assert comptes(app, numero) is None
    form = refused.forms["deform"]
    form["doublons_verifies"] = True
    assert form.submit("creer", status=302)
    assert set(comptes(app, numero)) == {"paul.dupont", "lea.durand"}


def test_a_link_by_mail_lives_14_days_then_asks_for_a_new_one(app, clock):  # noqa: F811
    agent = agent_de(app)
    numero = prochain(app)
    creer(agent, envoi="email", conjoint=False)
    assert set(comptes(app, numero)) == {"paul.durand"}
    sent = [m for m in mails(app) if "paul.durand@example.org" in m]
    assert len(sent) == 1 and "14 jours" in sent[0]
    url = LIEN.search(sent[0]).group(0)
    clock.advance(activation.LIFETIME - 60)
    assert 'name="new"' in client(app).get(url).text
    clock.advance(61)
    parent = client(app)
    expired = parent.get(url)
    assert "Ce lien a expiré" in expired.text and 'name="new"' not in expired.text
    # A password posted on the expired link sets nothing.
    parent.post(
        "/activer",
        {
            "jeton": url.split("=", 1)[1],
            "new": MOT_DE_PASSE,
            "confirm": MOT_DE_PASSE,
            "csrf_token": _csrf(expired),
        },
    )
    assert comptes(app, numero)["paul.durand"][1] is None
    asked = expired.forms[0].submit("nouveau")
    assert "Un nouveau lien vient d'être envoyé" in asked.text
    nouveau = LIEN.search(mails(app)[-1]).group(0)
    assert nouveau != url and 'name="new"' in client(app).get(nouveau).text


def test_a_new_link_from_the_accounts_tab_replaces_the_previous_one(app):
    agent = agent_de(app)
    numero = prochain(app)
    creer(agent, conjoint=False)
    first, _image, _texte = qr_de_la_lettre(lettre(agent, numero, "paul.durand"))
    page = agent.get("/manage/familles/%s/@@comptes" % numero)
    assert "En attente d'activation" in page.text
    sent = [f for f in page.forms.values() if "compte" in f.fields][0].submit(
        "envoi", value="email"
    )
    assert sent.status_int == 302
    second = LIEN.search(mails(app)[-1]).group(0)
    assert "Ce lien a été remplacé" in client(app).get(first).text
    assert 'name="new"' in client(app).get(second).text

    def stored(root, registry):
        return sorted(etat for _u, _e, _f, etat in activation._store(root).liens.values())

    assert with_root(app.app, stored) == [activation.REMPLACE, activation.VALIDE]

    def hashed(root, registry):
        liens = activation._store(root).liens
        token = second.split("jeton=", 1)[1]
        return token in liens, activation.digest(token) in liens

    assert with_root(app.app, hashed) == (False, True)


def test_links_only_for_this_familys_accounts(app):
    agent = agent_de(app)
    page = agent.get("/manage/familles/%s/@@comptes" % DUPONT["numero"])
    url = "/manage/familles/%s/@@lien-activation" % DUPONT["numero"]
    for compte in ("admin", "agent", "marie.martin", "inconnu"):
        agent.post(
            url, {"compte": compte, "envoi": "lettre", "csrf_token": _csrf(page)}, status=404
        )

    def tokens(root, registry):
        return len(activation._store(root).liens)

    assert with_root(app.app, tokens) == 0


def test_the_accounts_tab_creates_an_account_without_password(app):
    agent = agent_de(app)
    url = "/manage/familles/%s/@@comptes" % DUPONT["numero"]
    page = agent.get(url)
    sans_mot_de_passe(page)
    form = page.forms["deform"]
    # Proposed: the conjoint's (the responsable has an account), no email known.
    assert (form["login"].value, form["email"].value) == ("jeanne.dupont", "")
    choisir_envoi(form, "email")
    refused = form.submit("creer", status=200)
    assert "saisissez l'adresse du parent" in refused.text
    form = refused.forms["deform"]
    form["email"] = "jeanne.dupont@example.org"
    assert form.submit("creer").status_int == 302
    email, password, lie = comptes(app, DUPONT["numero"])["jeanne.dupont"]
    assert (email, password, lie) == ("jeanne.dupont@example.org", None, True)
    assert "jeanne.dupont" in mails(app)[-1] and LIEN.search(mails(app)[-1])

    def groupe(root, registry):
        user = find_service(root, "principals", "users")["jeanne.dupont"]
        return [g.__name__ for g in user.groups]

    assert with_root(app.app, groupe) == ["familles"]


def test_an_activated_parent_gets_a_link_for_a_new_password(app):
    """A lost password: the agent sends a new link from the accounts tab;
    the parent chooses a new password with it and is logged in."""
    agent = agent_de(app)
    numero = prochain(app)
    creer(agent, envoi="email", conjoint=False)
    activer(app, LIEN.search(mails(app)[-1]).group(0), MOT_DE_PASSE)
    page = agent.get("/manage/familles/%s/@@comptes" % numero)
    assert "Activé" in page.text and "En attente d'activation" not in page.text
    [f for f in page.forms.values() if "compte" in f.fields][0].submit("envoi", value="email")
    mail = mails(app)[-1]
    assert "choisissez un nouveau mot de passe" in mail and "paul.durand@example.org" in mail
    assert "Choisir un nouveau mot de passe" in client(app).get(LIEN.search(mail).group(0)).text
    # Until the link is used, the password in use stays valid.
    assert login(client(app), "paul.durand", MOT_DE_PASSE).status_int == 302
    parent = activer(app, LIEN.search(mail).group(0), "Automne-Oct2027")
    assert "Votre mot de passe a été modifié." in parent.get("/familles/%s/" % numero).text
    assert login(client(app), "paul.durand", "Automne-Oct2027").status_int == 302


def activer(app, url, password):
    """The parent opens ``url`` and chooses ``password``: her browser."""
    parent = client(app)
    page = parent.get(url)
    parent.post(
        "/activer",
        {
            "jeton": url.split("=", 1)[1],
            "new": password,
            "confirm": password,
            "csrf_token": _csrf(page),
        },
        status=302,
    )
    return parent
