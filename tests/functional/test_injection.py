"""Hostile strings (tests/hostile.py) typed by a parent and by staff in
every text field of the real forms, then read where they are shown: the
family's pages, the SDI's, the PDFs (the real renderer), the mails.  Always
shown as text, never obeyed; the PDF renderer loads nothing (a canary HTTP
server counts its requests, /etc/passwd never prints)."""

import datetime
import email
import email.policy
import glob
import io
import os
import re

import icalendar
import pytest
import transaction
import webtest
from pypdf import PdfReader

from portail_famille import dates
from portail_famille.demandes.resources import EN_ATTENTE
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.pdf.base import est_pdf
from portail_famille.sdi.grille import json_sans_balise

from .. import hostile
from ..conftest import DUPONT_URL, csrf, login, make_app, with_root
from ..espion import Espion
from ..travaux import une_passe
from .test_enfants import demandes, enfants, traiter
from .test_facturation_campagne import confirmer
from .test_reservations import clock, town  # noqa: F401 (fixtures)

pytestmark = pytest.mark.lent  # started first: tests/conftest.py

NUMERO = DUPONT["numero"]
SDI_FAMILLE = "/manage/familles/%s/" % NUMERO


def navigateur(app, qui):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(browser, qui, COMPTES[qui][0] if qui in COMPTES else "Mairie2015pf")
    return browser


class Saisies:
    """The hostile strings handed out one per field (each made unique by a
    field number at its end), and where each went."""

    def __init__(self, port):
        self.corpus = hostile.corpus(port)
        self.champs = {}  # "form:field" -> string

    def __call__(self, champ, index=None):
        n = len(self.champs)
        index = n if index is None else index
        value = "%s F%02d" % (self.corpus[index % len(self.corpus)], n)
        self.champs[champ] = value
        return value

    def de(self, *prefixes):
        return {k: v for k, v in self.champs.items() if k.split(":")[0] in prefixes}


def _accepter_tout(app, agent):
    for _type, etat, _enfant, _valeurs, name in demandes(app):
        if etat == EN_ATTENTE:
            _page, done = traiter(app, agent, name, accepter="1")
            assert done.status_int == 302, done.text[:500]


def _remplir(form, saisies, prefixe, champs, index=None):
    for champ in champs:
        value = saisies("%s:%s" % (prefixe, champ))
        if index is None:
            form[champ] = value
        else:
            form.set(champ, value, index=index)


@pytest.fixture(scope="module")
def ville(tmp_path_factory):
    """One town where DUPONT and the staff typed the corpus everywhere."""
    espion = Espion()
    app = make_app(tmp_path_factory.mktemp("injection"))
    saisies = Saisies(espion.port)
    parent = navigateur(app, "jean.dupont")
    agent = navigateur(app, "agent")
    lucas = DUPONT_URL + "enfants/%s/" % enfants(app)["LUCAS"][0]

    # --- The parent: Mon compte, the child's file, a new child, a message.
    form = parent.get(DUPONT_URL + "demande-responsable").forms["demande"]
    _remplir(
        form,
        saisies,
        "responsable",
        ("nom", "prenom", "adresse", "ville", "profession", "csp", "employeur"),
    )
    form["adresse_employeur"] = hostile.long(150)
    form.submit("enregistrer", status=302)
    form = parent.get(DUPONT_URL + "demande-conjoint").forms["demande"]
    _remplir(form, saisies, "conjoint", ("nom", "prenom", "adresse", "profession"))
    form.submit("enregistrer", status=302)
    form = parent.get(DUPONT_URL + "demande-bancaires").forms["demande"]
    _remplir(form, saisies, "bancaires", ("titulaire_compte", "nom_banque"))
    _remplir(form, saisies, "bancaires", ("organisme_rattachement",))
    form.submit("enregistrer", status=302)
    _accepter_tout(app, agent)
    form = parent.get(lucas + "demande-sanitaires").forms["demande"]
    _remplir(form, saisies, "sanitaires", ("allergies", "pai_precisions", "medecin_nom"))
    _remplir(form, saisies, "sanitaires", ("remarques",))
    form.submit("enregistrer", status=302)
    _accepter_tout(app, agent)
    form = parent.get(lucas + "demande-autorisations").forms["demande"]
    _remplir(form, saisies, "autorisations", ("nom", "prenom", "lien"), index=0)
    form.set("telephone", "0612345678", index=0)
    form.submit("enregistrer", status=302)
    _accepter_tout(app, agent)
    form = parent.get(DUPONT_URL + "ajouter-un-enfant").forms["demande"]
    _remplir(form, saisies, "enfant", ("nom", "prenom", "ecole", "classe"))
    form["date_naissance"] = "01/02/2019"
    form.submit("enregistrer", status=302)
    _accepter_tout(app, agent)
    page = parent.get(DUPONT_URL + "boite-de-reception?onglet=nouveau")
    objet = saisies("message:objet")
    texte = "\n".join(saisies.corpus) + "\n" + hostile.CONTROLES + "fin"
    saisies.champs["message:texte"] = texte
    parent.post(
        DUPONT_URL + "boite-de-reception",
        {"csrf_token": csrf(page), "structure": "", "objet": objet, "texte": texte},
        status=302,
    )
    # A request refused with a hostile reason (mailed to the family).
    form = parent.get(DUPONT_URL + "demande-responsable").forms["demande"]
    form["profession"] = "Boulanger"
    form.submit("enregistrer", status=302)
    name = [d for d in demandes(app) if d[1] == EN_ATTENTE][0][4]
    motif = "%s\r\nBcc: espion@example.org\r\n\r\n%s" % (
        saisies("refus:motif"),
        saisies("refus:suite"),
    )
    saisies.champs["refus:motif"] = motif
    _page, done = traiter(app, agent, name, refuser="1", motif=motif)
    assert done.status_int == 302

    # One request left pending, for the agents' queue.
    form = parent.get(DUPONT_URL + "demande-responsable").forms["demande"]
    form["profession"] = saisies("attente:profession", 0)
    form["employeur"] = saisies("attente:employeur", 1)
    form.submit("enregistrer", status=302)

    # --- The staff: structure, prestation, régie, document, news, an
    # answer, a group message, a payment and a credit note.
    admin, editeur = navigateur(app, "admin"), navigateur(app, "editeur")
    regisseur = navigateur(app, "regisseur")
    form = agent.get("/manage/structures/@@add_structure").forms["deform"]
    form["title"] = saisies("structure:title")
    structure = form.submit("ajouter", status=302).location
    _regie_et_prestation(app, saisies, admin, agent)
    form = agent.get(SDI_FAMILLE + "enfants/@@add_enfant").forms["deform"]
    form["nom"] = saisies("enfant-sdi:nom", 1)
    form["prenom"] = saisies("enfant-sdi:prenom", 2)
    form["date"] = "2018-03-04"
    form.submit("ajouter", status=302)
    form = agent.get("/manage/calendrier/@@add_fermeture").forms["deform"]
    jour = dates.today() + datetime.timedelta(days=20)
    form.set("date", jour.isoformat(), index=0)
    form.set("date", jour.isoformat(), index=1)
    form["motif"] = saisies("fermeture:motif", 2)
    apercu = form.submit("ajouter")
    if apercu.status_int == 200:  # LUCAS's booking of that day: confirmed
        apercu.forms["deform"].submit("ajouter", status=302)
    _editeur(app, saisies, editeur)
    (conversation,) = [
        "/manage/familles/%s/messages/%s/@@conversation" % (NUMERO, c.__name__)
        for c in with_root(
            app.app, lambda root, r: list(root["familles"][NUMERO]["messages"].values())
        )
        if c.objet == saisies.champs["message:objet"]
    ]
    page = agent.get(conversation)
    reponse = saisies("reponse:texte") + "\x0b\x00\x1b[31m"
    saisies.champs["reponse:texte"] = reponse
    agent.post(conversation, {"texte": reponse, "repondre": "1", "csrf_token": csrf(page)})
    page = agent.get("/manage/@@message-groupe?cible=toutes")
    objet, texte = saisies("groupe:objet"), saisies("groupe:texte")
    envoi = {"cible": "toutes", "objet": objet, "texte": texte, "envoyer": "1"}
    agent.post("/manage/@@message-groupe", dict(envoi, csrf_token=csrf(page)), status=302)
    une_passe(app.app)  # the workers write it (travaux)
    compte = SDI_FAMILLE + "@@compte"
    page = regisseur.get(compte)
    reglement = {
        "regie": "regie-garderie-alsh",
        "mode": "cheque",
        "montant": "10,00",
        "date": "2015-05-02",
        "reference": saisies("reglement:reference")[:100],
        "enregistrer": "1",
        "csrf_token": csrf(page),
    }
    regisseur.post(compte, reglement, status=302)
    facture = SDI_FAMILLE + "factures/AL-36/@@facture"
    page = regisseur.get(facture)
    avoir = {
        "montant": "1,00",
        "motif": saisies("avoir:motif", 3),
        "date": "2015-05-03",
        "emettre": "1",
        "csrf_token": csrf(page),
    }
    regisseur.post(facture, avoir, status=302)
    # A new régie, and an invoicing run whose lines carry the prestation's title.
    form = admin.get("/manage/regies/@@add_regie").forms["deform"]
    form["title"] = saisies("nouvelle-regie:title", 1)
    form["prefixe"] = "ZZ-"
    form["echeance_jours"] = "30"
    regie = form.submit("ajouter", status=302).location
    fin = dates.today().replace(day=1) - datetime.timedelta(days=1)
    periode = {"debut": fin.replace(day=1).isoformat(), "fin": fin.isoformat(), "apercu": "1"}
    page = regisseur.get("/manage/regies/regie-garderie-alsh/@@facturation", periode)
    confirmer(page)
    yield {
        "app": app,
        "espion": espion,
        "saisies": saisies,
        "parent": parent,
        "agent": agent,
        "regisseur": regisseur,
        "editeur": editeur,
        "lucas": lucas,
        "structure": structure,
        "conversation": conversation,
        "regie": regie,
    }
    espion.arreter()


def _regie_et_prestation(app, saisies, admin, agent):
    """The régie's printed address and a prestation's title, through their
    property sheets (the other fields as they are)."""
    url = "/manage/regies/regie-garderie-alsh/@@properties"
    form = admin.get(url).forms["deform"]
    form["adresse"] = saisies("regie:adresse", 7)
    assert form.submit("save", status=302)
    url = "/manage/structures/garderie-periscolaire/restauration-scolaire/@@properties"
    form = agent.get(url).forms["deform"]
    titre = saisies("prestation:title", 0) + "\r\nX-PF-INJECT:1\nATTENDEE:mailto:espion@example.org"
    saisies.champs["prestation:title"] = titre
    form["title"] = titre
    assert form.submit("save", status=302)


def _editeur(app, saisies, editeur):
    """A document and a published news item."""
    form = editeur.get("/manage/documents/formulaires/@@add_document").forms["deform"]
    form["title"] = saisies("document:title")
    form["description"] = saisies("document:description")
    form["upload"] = webtest.Upload("menu.pdf", hostile_pdf(), "application/pdf")
    form.submit("ajouter", status=302)
    form = editeur.get("/manage/actualites/@@add_actualite").forms["deform"]
    form["titre"] = saisies("actualite:titre")
    texte = "<p>%s</p>" % "</p><p>".join(saisies.corpus)
    saisies.champs["actualite:texte"] = texte
    form["texte"] = texte
    added = form.submit("ajouter", status=302)
    page = editeur.get(added.location)
    form = page.forms[0]
    form.submit("transition", value="publier", status=302)


def hostile_pdf():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _lignes(saisies, *prefixes):
    """The values typed in the forms of ``prefixes``, line by line (a page
    shows a text's lines apart), without the controls the portal drops."""
    found = []
    for value in saisies.de(*prefixes).values():
        found.extend(line for line in hostile.sans_controles(value).split("\n") if line.strip())
    return found


def _verifier(label, page, attendus):
    assert page.status_int == 200, label
    assert hostile.obeit(page.text) == [], label
    shown = hostile.texte_de(page.text)
    missing = [v for v in attendus if hostile.serre(v) not in shown]
    assert missing == [], (label, missing)


def _mois_plus_20_jours():
    return (dates.today() + datetime.timedelta(days=20)).strftime("%Y-%m")


def _pages_famille(ville):
    lucas, dupont = ville["lucas"], DUPONT_URL
    return {
        dupont + "mon-compte": ("responsable", "conjoint", "bancaires"),
        dupont + "mes-enfants": ("enfant", "enfant-sdi"),
        lucas + "donnees-sanitaires": ("sanitaires",),
        lucas + "autorisations": ("autorisations",),
        lucas + "planning": ("prestation",),
        # A closure's reason is not in the grid (only "Fermeture"), only in
        # the message of the families whose bookings it cancelled.
        lucas + "planning?mois=" + _mois_plus_20_jours(): (),
        dupont + "liste-des-demandes": ("responsable", "conjoint", "bancaires", "refus"),
        dupont + "liste-des-demandes?onglet=enfants": ("sanitaires", "autorisations", "enfant"),
        dupont + "boite-de-reception?onglet=envoyes": ("message:objet",),
        dupont + "boite-de-reception": ("groupe:objet",),
        dupont + "documents": ("document",),
        dupont + "releve-de-compte?annee=2014-2015": (),
        dupont: ("actualite:titre",),
    }


def test_the_family_pages_show_every_string_as_text(ville):
    saisies = ville["saisies"]
    for url, prefixes in _pages_famille(ville).items():
        attendus = []
        for prefix in prefixes:
            if ":" in prefix:
                attendus.append(saisies.champs[prefix])
            else:
                attendus.extend(_lignes(saisies, prefix))
        _verifier(url, ville["parent"].get(url), attendus)

    def actualite(root, registry):
        (name,) = [n for n, a in root["actualites"].items() if "PFX" in a.titre]
        return name

    url = "/actualites/%s" % with_root(ville["app"].app, actualite)
    # Its text is HTML made safe (nh3): no script, style, frame nor image of ours.
    shown = [saisies.champs["actualite:titre"], hostile.FORMULES[0], "PFX9"]
    _verifier(url, ville["parent"].get(url), shown)
    conversation = ville["conversation"].replace("/manage", "").replace("/@@conversation", "")
    page = ville["parent"].get(conversation)
    _verifier(conversation, page, _lignes(saisies, "message", "reponse"))
    assert hostile.CONTROLES not in page.text and "\x00" not in page.text
    assert ville["espion"].hits == []


def _numero(ville, dossier):
    """The number of the payment (reglements) or credit note (factures) the
    régisseur made with a hostile reference or reason."""

    def read(root, registry):
        (found,) = [
            name
            for name, obj in root["familles"][NUMERO][dossier].items()
            if "PFX" in (getattr(obj, "reference", "") or getattr(obj, "motif", "") or "")
        ]
        return found

    return with_root(ville["app"].app, read)


def _facture_du_run(ville):
    """The invoice of the run, its line named after the hostile prestation."""

    def read(root, registry):
        (found,) = [
            name
            for name, facture in root["familles"][NUMERO]["factures"].items()
            if any("PFX" in ligne.get("prestation", "") for ligne in getattr(facture, "lignes", ()))
        ]
        return found

    return with_root(ville["app"].app, read)


def test_the_sdi_pages_show_every_string_as_text(ville):
    saisies, agent, regisseur = ville["saisies"], ville["agent"], ville["regisseur"]
    traiter = [
        "/manage/familles/%s/demandes/%s/@@traiter" % (NUMERO, d[4]) for d in demandes(ville["app"])
    ]
    nouvel = [v[0] for k, v in enfants(ville["app"]).items() if "PFX" in k]
    pages = {
        "/manage/@@demandes": (agent, ["attente"]),
        "/manage/@@messagerie": (agent, ["message:objet"]),
        "/manage/@@travaux": (agent, ["groupe:objet"]),
        "/manage/@@message-groupe": (agent, ["groupe:objet"]),
        ville["conversation"]: (agent, ["message", "reponse"]),
        ville["structure"]: (agent, ["structure"]),
        "/manage/structures/accueil-de-loisirs-alsh/@@contents": (agent, []),
        "/manage/regies/regie-garderie-alsh/@@properties": (regisseur, ["regie"]),
        SDI_FAMILLE + "@@compte": (regisseur, []),
        SDI_FAMILLE + "reglements/%s/@@reglement" % _numero(ville, "reglements"): (
            regisseur,
            ["reglement"],
        ),
        SDI_FAMILLE + "factures/%s/@@avoir" % _numero(ville, "factures"): (regisseur, ["avoir"]),
        SDI_FAMILLE + "factures/AL-36/@@facture": (regisseur, ["avoir"]),
        SDI_FAMILLE + "enfants/@@contents": (agent, []),
        "/manage/documents/formulaires/@@contents": (ville["editeur"], []),
        "/manage/actualites/@@contents": (ville["editeur"], []),
        "/manage/calendrier/@@contents": (agent, []),
        "/manage/regies/@@contents": (regisseur, []),
        ville["regie"]: (regisseur, ["nouvelle-regie"]),
        SDI_FAMILLE + "factures/%s/@@facture" % _facture_du_run(ville): (regisseur, ["prestation"]),
    }
    pages.update({url: (agent, []) for url in traiter})
    for url, (browser, prefixes) in pages.items():
        attendus = []
        for prefix in prefixes:
            if ":" in prefix:
                attendus.append(saisies.champs[prefix])
            else:
                attendus.extend(_lignes(saisies, prefix))
        _verifier(url, browser.get(url), attendus)
    # The administrators' journals (who did what, and staff reads) name them too.
    admin = navigateur(ville["app"], "admin")
    for url in ("/manage/@@journal", "/manage/@@audit", "/manage/familles/@@contents"):
        page = admin.get(url)
        assert hostile.obeit(page.text) == [], url
    # The folders' grids hold the titles as escaped JSON in a script.
    for browser, url, champ in (
        (ville["editeur"], "/manage/documents/formulaires/@@contents", "document:title"),
        (ville["editeur"], "/manage/actualites/@@contents", "actualite:titre"),
    ):
        page = browser.get(url)
        assert json_sans_balise(saisies.champs[champ])[1:-1] in page.text, url
    # The values of a family's record are shown in the fields of its
    # property sheets (attribute values: the breakers must not break out).
    for url in (SDI_FAMILLE + "@@properties", SDI_FAMILLE + "enfants/%s/@@properties" % nouvel[0]):
        page = agent.get(url)
        assert hostile.obeit(page.text) == [], url
    assert nouvel and ville["espion"].hits == []


def test_control_characters_are_dropped_from_every_form(ville):
    """C0 controls (but tab, LF, CR) and DEL never reach the database, from
    a parent's form (urlencoded or multipart) or the SDI's; the pages and
    PDFs that show the texts are whole."""
    saisies = ville["saisies"]

    def stored(root, registry):
        famille = root["familles"][NUMERO]
        (conversation,) = [
            c for c in famille["messages"].values() if c.objet == saisies.champs["message:objet"]
        ]
        return [m.texte for m in conversation.messages]

    textes = with_root(ville["app"].app, stored)
    assert textes == [
        hostile.sans_controles(saisies.champs["message:texte"]),
        hostile.sans_controles(saisies.champs["reponse:texte"]),
    ]
    assert textes[0].endswith("\u2028\u2029\nfin") and textes[1].endswith("[31m")
    # Through a multipart form too (a message with its attachment).
    parent = ville["parent"]
    page = parent.get(DUPONT_URL + "boite-de-reception?onglet=nouveau")
    parent.post(
        DUPONT_URL + "boite-de-reception",
        {"csrf_token": csrf(page), "objet": "Objet\x00\x07 joint", "texte": "a\tb\r\nc\x0cd"},
        upload_files=[("fichier", "menu.pdf", hostile_pdf())],
        status=302,
    )

    def multipart(root, registry):
        famille = root["familles"][NUMERO]
        (conversation,) = [c for c in famille["messages"].values() if c.objet.startswith("Objet")]
        return conversation.objet, conversation.messages[0].texte

    assert with_root(ville["app"].app, multipart) == ("Objet joint", "a\tb\ncd")


def test_the_regie_sheet_carries_the_form_token(ville):
    """Its schema was a plain colander one, without the token the SDI's
    forms must carry: adding or editing a régie was always refused (400).
    Without the token, it still is."""
    admin = navigateur(ville["app"], "admin")
    page = admin.get("/manage/regies/@@add_regie")
    form = page.forms["deform"]
    assert form["_csrf_token_"].value
    values = {k: v for k, v in form.submit_fields() if k != "_csrf_token_"}
    values.update(title="Régie sans jeton", prefixe="SJ-", echeance_jours="30")
    refused = admin.post("/manage/regies/@@add_regie", values, expect_errors=True)
    assert refused.status_int in (400, 403) or "Formulaire expiré" in refused.text
    assert (
        admin.get("/manage/regies/regie-sans-jeton/@@properties", expect_errors=True).status_int
        == 404
    )
    assert (
        "_csrf_token_"
        in admin.get("/manage/regies/regie-garderie-alsh/@@properties").forms["deform"].fields
    )


def _texte_pdf(response):
    assert response.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize("moteur", ["wkhtmltopdf", "weasyprint"])
def test_the_pdfs_print_the_strings_and_load_nothing(ville, moteur):
    settings = ville["app"].app.registry.settings
    saisies, parent = ville["saisies"], ville["parent"]
    avoir = _numero(ville, "factures")
    before = settings.get("portail.pdf")
    settings["portail.pdf"] = moteur
    try:
        textes = {
            "facture": _texte_pdf(parent.get(DUPONT_URL + "factures/AL-36/pdf")),
            "avoir": _texte_pdf(parent.get(DUPONT_URL + "factures/%s/pdf" % avoir)),
            "run": _texte_pdf(parent.get(DUPONT_URL + "factures/%s/pdf" % _facture_du_run(ville))),
            "attestation": _texte_pdf(
                parent.get(DUPONT_URL + "attestation-fiscale", {"annee": "2015"})
            ),
        }
    finally:
        settings["portail.pdf"] = before
    assert ville["espion"].hits == []
    champs = saisies.champs
    attendus = {
        "facture": (
            "responsable:nom",
            "responsable:prenom",
            "responsable:adresse",
            "regie:adresse",
        ),
        "avoir": ("avoir:motif", "responsable:nom"),
        "run": ("prestation:title", "responsable:adresse", "regie:adresse"),
        "attestation": ("responsable:nom", "responsable:prenom"),
    }
    for nom, text in textes.items():
        assert "root:x:0" not in text and "CONTENUDISTANT" not in text, nom
        for champ in attendus[nom]:
            assert "".join(champs[champ].split()) in text, (nom, champ)


def test_mails_carry_the_strings_as_text_and_no_extra_header(ville):
    """The refusal's reason holds CR/LF and a "Bcc:" line: it stays in the
    body; every mail has the same few headers, one line each."""
    sent = []
    directory = ville["app"].app.registry.settings["portail.mail_directory"]
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as fp:
            sent.append(email.message_from_binary_file(fp, policy=email.policy.default))
    assert len(sent) >= 3  # the refusal, the answer, the group message
    motif = saisies_motif = ville["saisies"].champs["refus:motif"]
    refus = [m for m in sent if "refusée" in m["Subject"]]
    assert len(refus) == 1
    body = refus[0].get_body(("plain",)).get_content()
    for line in saisies_motif.split("\r\n"):
        assert line in body, line
    assert "Bcc: espion@example.org" in body and motif
    for message in sent:
        assert set(message.keys()) <= ENTETES, message.keys()
        assert message.get_content_type() == "text/plain"
        assert all("\n" not in v and "\r" not in v for v in message.values())
        assert "espion" not in message["To"]


ENTETES = {
    "Subject",
    "From",
    "To",
    "Date",
    "Message-Id",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
}


def test_a_header_value_never_adds_a_header(ville):
    """courriels.send makes every header one line, whatever a template's
    values hold (a title, a recipient)."""
    from pyramid.scripting import prepare

    from portail_famille import courriels

    app = ville["app"]
    directory = app.app.registry.settings["portail.mail_directory"]
    before = set(os.listdir(directory))
    env = prepare(registry=app.app.registry)
    try:
        courriels.send(
            env["request"],
            "demande_acceptee",
            ["jean.dupont@wanadoo.fr\r\nBcc: espion@example.org"],
            titre="Titre\r\nBcc: espion@example.org\r\n\r\n<script>",
            date="01/12/2026",
            recapitulatif="",
            decision="Acceptée",
            motif="",
        )
        transaction.commit()
    finally:
        env["closer"]()
    (name,) = set(os.listdir(directory)) - before
    with open(os.path.join(directory, name), "rb") as fp:
        message = email.message_from_binary_file(fp, policy=email.policy.default)
    os.remove(os.path.join(directory, name))  # the other tests read the town's mails
    assert "Bcc" not in message and set(message.keys()) <= ENTETES
    assert "Bcc: espion@example.org" in message["Subject"]
    assert all("\n" not in v and "\r" not in v for v in message.values())


def test_the_planning_feed_escapes_a_title_with_line_breaks(ville):
    """The prestation's title holds CR/LF and "X-PF-INJECT:1": the feed
    keeps it inside its SUMMARY, no property of its own."""
    parent, lucas = ville["parent"], ville["lucas"]
    page = parent.get(lucas + "agenda")
    reponse = parent.post(lucas + "agenda", {"csrf_token": csrf(page)})
    url = reponse.html.select_one("input.url-agenda")["value"]
    feed = webtest.TestApp(ville["app"].app, extra_environ={"HTTP_HOST": "localhost"})
    body = feed.get(url.replace("http://localhost", "")).body
    lines = body.split(b"\r\n")
    assert not [line for line in lines if line.startswith((b"X-PF-INJECT", b"ATTENDEE"))]
    calendar = icalendar.Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    titre = hostile.sans_controles(ville["saisies"].champs["prestation:title"])
    assert any("PFX1" in str(e["SUMMARY"]) for e in events), [str(e["SUMMARY"]) for e in events][:5]
    for event in events:
        assert "X-PF-INJECT" not in event and "ATTENDEE" not in event
        if "PFX1" in str(event["SUMMARY"]):
            assert "X-PF-INJECT:1" in str(event["SUMMARY"]), titre


def _compte(app):
    """What a refused form must not have added or changed."""

    def read(root, registry):
        famille = root["familles"][NUMERO]
        return (
            len(famille["demandes"]),
            sum(len(c.messages) for c in famille["messages"].values()),
            len(root["structures"]),
            len(root["documents"]["formulaires"]),
            len(root["actualites"]),
            len(famille["factures"]),
            len(famille["reglements"]),
            dict(famille.responsable),
        )

    return with_root(app.app, read)


def _deform(browser, url, button="enregistrer", form_id="demande"):
    form = browser.get(url).forms[form_id]
    for name, fields in form.fields.items():
        for index, field in enumerate(fields):
            if type(field).__name__ in ("Text", "Textarea") and not name.startswith("date"):
                form.set(name, LONG, index=index)
    return form.submit(button, expect_errors=True)


LONG = hostile.long(25000)


def test_a_very_long_string_in_any_field_is_refused_in_french(ville):
    """25,000 characters in every text field of each form: a French message
    beside the fields, nothing written, never an error page."""
    app, parent, agent = ville["app"], ville["parent"], ville["agent"]
    editeur, regisseur, lucas = ville["editeur"], ville["regisseur"], ville["lucas"]
    before = _compte(app)
    conversation = ville["conversation"].replace("/manage", "").replace("/@@conversation", "")

    def post(browser, url, page_url, **values):
        page = browser.get(page_url)
        return browser.post(url, dict(values, csrf_token=csrf(page)), expect_errors=True)

    answers = {
        "responsable": _deform(parent, DUPONT_URL + "demande-responsable"),
        "bancaires": _deform(parent, DUPONT_URL + "demande-bancaires"),
        "sanitaires": _deform(parent, lucas + "demande-sanitaires"),
        "autorisations": _deform(parent, lucas + "demande-autorisations"),
        "enfant": _deform(parent, DUPONT_URL + "ajouter-un-enfant"),
        "structure": _deform(agent, "/manage/structures/@@add_structure", "ajouter", "deform"),
        "document": _deform(
            editeur, "/manage/documents/formulaires/@@add_document", "ajouter", "deform"
        ),
        "actualite": _deform(editeur, "/manage/actualites/@@add_actualite", "ajouter", "deform"),
        "message": post(
            parent,
            DUPONT_URL + "boite-de-reception",
            DUPONT_URL + "boite-de-reception?onglet=nouveau",
            objet=LONG,
            texte=LONG,
        ),
        "reponse": post(parent, conversation + "/repondre", conversation, texte=LONG),
        "reponse-service": post(
            agent, ville["conversation"], ville["conversation"], texte=LONG, repondre="1"
        ),
        "groupe": post(
            agent,
            "/manage/@@message-groupe",
            "/manage/@@message-groupe?cible=toutes",
            cible="toutes",
            objet=LONG,
            texte=LONG,
            envoyer="1",
        ),
        "reglement": post(
            regisseur,
            SDI_FAMILLE + "@@compte",
            SDI_FAMILLE + "@@compte",
            regie="regie-garderie-alsh",
            mode="cheque",
            montant="1,00",
            date="2015-05-02",
            reference=LONG,
            enregistrer="1",
        ),
        "avoir": post(
            regisseur,
            SDI_FAMILLE + "factures/AL-36/@@facture",
            SDI_FAMILLE + "factures/AL-36/@@facture",
            montant="1,00",
            motif=LONG,
            date="2015-05-03",
            emettre="1",
        ),
    }
    for name, response in answers.items():
        assert response.status_int in (200, 400), (name, response.status)
        text = response.text.replace("&#39;", "'")
        assert re.search(r"caractères|trop long|dépasse", text), name
        assert "Traceback" not in text and LONG not in text[:200], name
    assert _compte(app) == before


def test_an_absence_reason_is_shown_as_text_and_mailed_as_text(town):  # noqa: F811
    """A late absence (it goes to an agent) with a hostile reason, refused
    with a hostile reason: the parent's and agent's pages show both as
    text, the refusal mail carries them in its body only."""
    from .test_reservations import REST, absence, premiere_a_traiter, requests
    from .test_reservations import D as jour

    dupont = navigateur(town, "jean.dupont")
    motif = "\n".join(hostile.corpus()[:6]) + "\x00\x0b"
    absence(dupont, town, REST, jour(2026, 12, 1), motif=motif)
    ((_type, _etat, _jour, stored),) = requests(town)
    # One line: the reason's line breaks become spaces; no control kept.
    assert stored == hostile.serre(hostile.sans_controles(motif))
    agent = navigateur(town, "agent")
    queue, traiter = premiere_a_traiter(agent, "absence")
    lignes = [stored]
    for label, page in (("queue", queue), ("traiter", traiter)):
        _verifier(label, page, lignes if label == "traiter" else [])
    form = traiter.forms["form-refuser"]
    refus = hostile.corpus()[1] + "\r\nBcc: espion@example.org"
    form["motif"] = refus
    form.submit("refuser", status=302)
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants")
    _verifier("liste", liste, lignes + refus.split("\r\n"))
    directory = town.app.registry.settings["portail.mail_directory"]
    (path,) = glob.glob(os.path.join(directory, "*"))
    with open(path, "rb") as fp:
        message = email.message_from_binary_file(fp, policy=email.policy.default)
    assert set(message.keys()) <= ENTETES and "Bcc" not in message
    body = message.get_body(("plain",)).get_content()
    assert hostile.corpus()[1] in body and "Bcc: espion@example.org" in body


def test_a_hostile_receipt_address_is_text_on_every_page_and_one_header(ville):
    """The receipt's address of an online payment, with markup but no
    space (what the form accepts): shown as text on the bank's and the
    return pages, one ``To`` header in the receipt."""
    from .test_paiement import PAYER, _choisir, _commencer

    parent, app = ville["parent"], ville["app"]
    adresse = "\"><svg/onload=alert('PFX2')>@x.fr"
    directory = app.app.registry.settings["portail.mail_directory"]
    before = set(os.listdir(directory))
    banque = _commencer(parent, adresse)
    _verifier("banque", parent.get(banque), [])
    retour = _choisir(parent, banque, "payer")
    _verifier("retour", parent.get(retour.location), [adresse])
    assert parent.get(PAYER, expect_errors=True).status_int in (200, 409)
    (name,) = set(os.listdir(directory)) - before
    with open(os.path.join(directory, name), "rb") as fp:
        message = email.message_from_binary_file(fp, policy=email.policy.default)
    os.remove(os.path.join(directory, name))  # the other tests read the town's mails
    assert set(message.keys()) <= ENTETES
    assert all("\n" not in v and "\r" not in v for v in message.values())
    assert "paiement" in message["Subject"]


def test_query_strings_are_never_reflected_as_markup(ville):
    """Every parameter a page reads from its URL, given each markup string:
    the page answers (no error page of ours), and obeys none of them."""
    parent, agent, lucas = ville["parent"], ville["agent"], ville["lucas"]
    anonyme = webtest.TestApp(ville["app"].app, extra_environ={"HTTP_HOST": "localhost"})
    pages = (
        (parent, DUPONT_URL + "liste-des-demandes", ("onglet", "type")),
        (parent, DUPONT_URL + "boite-de-reception", ("onglet", "objet", "structure", "page")),
        (parent, lucas + "planning", ("mois",)),
        (parent, DUPONT_URL + "releve-de-compte", ("annee", "onglet")),
        (parent, DUPONT_URL + "attestation-fiscale", ("annee",)),
        (agent, "/manage/@@demandes", ("type", "famille", "page")),
        (agent, "/manage/@@messagerie", ("filtre", "famille", "page")),
        (agent, "/manage/@@message-groupe", ("cible",)),
        (anonyme, "/connexion", ("came_from",)),
    )
    for chaine in hostile.corpus(ville["espion"].port):
        for browser, url, params in pages:
            response = browser.get(url, dict.fromkeys(params, chaine), expect_errors=True)
            assert response.status_int in (200, 302, 400, 404), (url, response.status)
            assert hostile.obeit(response.text) == [], (url, chaine)
            assert "Traceback" not in response.text
    # The planning's link to write about a day pre-fills the subject with the
    # prestation's (hostile) title: a field's value, never markup.
    from substanced.util import get_oid

    oid = with_root(
        ville["app"].app,
        lambda root, r: get_oid(
            root["structures"]["garderie-periscolaire"]["restauration-scolaire"]
        ),
    )
    query = {"enfant": lucas.rstrip("/").rsplit("/", 1)[1], "prestation": str(oid)}
    query["date"] = dates.today().isoformat()
    page = parent.get(DUPONT_URL + "boite-de-reception", query)
    assert hostile.obeit(page.text) == []
    assert "<script>alert('PFX1')</script>" in page.html.find("input", id="objet")["value"]


@pytest.fixture
def ville_neuve(tmp_path):
    """A town of its own: the invoice's PDF freezes the family's name the
    first time it is made, which the module's town may have done."""
    app = make_app(tmp_path)
    return {"app": app, "parent": navigateur(app, "jean.dupont"), "agent": navigateur(app, "agent")}


@pytest.mark.parametrize("moteur", ["wkhtmltopdf", "weasyprint"])
def test_control_characters_already_stored_break_no_page_nor_pdf(ville_neuve, moteur):
    """Values stored before the forms dropped them (or by a script): a NUL,
    a vertical tab, an escape, a non-character in the family's name and a
    child's first name still give whole pages and PDFs."""
    ville = ville_neuve
    app, parent = ville["app"], ville["parent"]
    sale = "A\x00B\x0bC\x1b[31mD\x7fE\ufffeF\uffffG"
    settings = app.app.registry.settings
    before = settings.get("portail.pdf")

    def salir(root, registry):
        famille = root["familles"][NUMERO]
        ancien = (famille.responsable["nom"], enfants_de(famille)[0].prenom)
        famille.responsable["nom"] = sale
        enfants_de(famille)[0].prenom = sale
        return ancien

    ancien = with_root(app.app, salir)
    settings["portail.pdf"] = moteur
    try:
        for url in (
            DUPONT_URL + "mon-compte",
            DUPONT_URL + "mes-enfants",
            SDI_FAMILLE + "@@properties",
        ):
            browser = ville["agent"] if url.startswith("/manage") else parent
            assert browser.get(url).status_int == 200, url
        for url in ("factures/AL-36/pdf", "attestation-fiscale?annee=2015"):
            response = parent.get(DUPONT_URL + url)
            assert response.content_type == "application/pdf", url
            assert est_pdf(response.body), url
            # The invoice was frozen when issued: it keeps the name it had then;
            # the certificate is drawn today.  (WeasyPrint's text reads back
            # as glyph codes.)
            if moteur == "wkhtmltopdf" and url.startswith("attestation"):
                assert "[31mD" in _texte_pdf(response), url
    finally:
        settings["portail.pdf"] = before

        def nettoyer(root, registry):
            famille = root["familles"][NUMERO]
            famille.responsable["nom"], enfants_de(famille)[0].prenom = ancien

        with_root(app.app, nettoyer)


def enfants_de(famille):
    return sorted(famille["enfants"].values(), key=lambda e: e.__name__)
