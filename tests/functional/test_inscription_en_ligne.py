"""Online enrolment with supporting documents (issue 21, part 2), as the
parent and the agent use it: the demo's activity open for enrolment, a
request with two documents, a refused file, the queue's "Demander un
document manquant" answered by the family, acceptance (the child enrolled
with its regular contract), refusal with a reason, the mails and the
journal; the documents of a "Mon compte" request (a refusal answered with
an avis d'imposition); who may download a document."""

import io
import re

import pytest
import webtest
from PIL import Image
from pypdf import PdfWriter
from pyramid.testing import DummyRequest
from substanced.util import find_objectmap, get_oid
from transaction import TransactionManager
from ZODB.POSException import ConflictError

from portail_famille import journal
from portail_famille.demandes import service as demandes_service
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.inscription_en_ligne import demo as demo_inscription
from portail_famille.inscription_en_ligne import resources, service

from ..conftest import ADMIN, login, mails, martin_logged_in, with_root
from . import acces

NUMERO = DUPONT["numero"]
FAMILLE = "/familles/%s/" % NUMERO
PAGE = FAMILLE + "inscriptions"
QUEUE = "/manage/@@demandes"
ERREUR_TYPE = "Ce fichier n'est pas accepté : seuls les fichiers PDF, JPEG, PNG sont acceptés."


def pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png():
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def navigateur(app, role):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    if role == "admin":
        login(browser, *ADMIN)
    else:
        login(browser, role, COMPTES[role][0])
    return browser


def offre(app):
    """(the key of the demo's open activity, the child's __name__, year)."""

    def read(root, registry):
        prestation = root["structures"][demo_inscription.STRUCTURE][demo_inscription.PRESTATION]
        (annee,) = resources.ouvertures(prestation)
        enfant = next(iter(root["familles"][NUMERO]["enfants"].values()))
        return "%s:%s" % (get_oid(prestation), annee), enfant.__name__, annee

    return with_root(app.app, read)


def formulaire(browser, app):
    cle, enfant, _annee = offre(app)
    page = browser.get(PAGE, {"enfant": enfant, "offre": cle})
    return page.forms["form-inscription"]


def remplir(form, vaccinations=None):
    form["jours"] = ["3"]
    form["question-0"] = "oui"
    form["question-1"] = "JEANNE DUPONT 06 12 34 56 78"
    form["piece-ressources"] = webtest.Upload("avis.pdf", pdf(), "application/pdf")
    form["piece-vaccinations"] = vaccinations or webtest.Upload("carnet.png", png(), "image/png")
    form["accepte"] = True
    return form


def demandes(app, type_demande="inscription"):
    def read(root, registry):
        found = []
        for demande in root["familles"][NUMERO]["demandes"].values():
            if demande.type_demande == type_demande:
                found.append(
                    {
                        "oid": get_oid(demande),
                        "name": demande.__name__,
                        "etat": demande.etat,
                        "pieces": [(p.nature, p.nom, p.mimetype) for p in demande.pieces],
                        "version": getattr(demande, "reglement_version", None),
                        "accepte_le": getattr(demande, "reglement_accepte_le", None),
                        "reponses": getattr(demande, "reponses", None),
                        "motif": demande.motif_refus,
                        "document_demande": demande.document_demande,
                        "date": demande.date_demande,
                    }
                )
        return sorted(found, key=lambda d: d["date"])

    return with_root(app.app, read)


def inscription(app):
    """The child's inscription to the demo's activity ({} when none)."""
    cle, enfant, annee = offre(app)

    def read(root, registry):
        child = root["familles"][NUMERO]["enfants"][enfant]
        oid = cle.split(":", 1)[0]
        found = child.inscriptions.get("%s:%s" % (annee, oid))
        return {"jours": set(found.jours)} if found is not None else {}

    return with_root(app.app, read)


def traiter_url(name):
    return "/manage/familles/%s/demandes/%s/@@traiter" % (NUMERO, name)


def journal_actions(app, oid):
    def read(root, registry):
        entries, _suite = journal.lire(root, genre=journal.ACTION, limite=10_000)
        return [e["quoi"] for e in reversed(entries) if e["objet"] == oid]

    return with_root(app.app, read)


# --- The parent's request -------------------------------------------------------


def test_the_menu_leads_to_the_open_activity(app):
    dupont = navigateur(app, "jean.dupont")
    home = dupont.get(FAMILLE)
    link = next(
        a
        for a in home.html.select("nav a")
        if a.get_text(strip=True) == "Inscriptions aux activités"
    )
    page = dupont.get(link["href"])
    rows = [r.get_text(" ", strip=True) for r in page.html.select("#activites-ouvertes tbody tr")]
    assert len(rows) == 1 and "Mercredi journée" in rows[0], rows
    cle, enfant, _annee = offre(app)
    text = (
        dupont.get(PAGE, {"enfant": enfant, "offre": cle})
        .html.select_one("#demande-inscription")
        .get_text(" ")
    )
    assert "Votre enfant sait-il nager ?" in text
    assert "Attestation CAF ou avis d'imposition" in text
    assert "Vaccinations" in text
    assert "Règlement intérieur (version 2026-1)" in text


def test_enrolment_with_two_documents_goes_through_the_queue(app):
    dupont = navigateur(app, "jean.dupont")
    sent = remplir(formulaire(dupont, app)).submit("envoyer", status=302)
    assert "liste-des-demandes" in sent.location
    liste = sent.follow()
    assert "Votre demande d'inscription de LUCAS" in liste.html.get_text(" ")
    (demande,) = demandes(app)
    assert demande["etat"] == "en_attente"
    assert demande["pieces"] == [
        ("ressources", "avis.pdf", "application/pdf"),
        ("vaccinations", "carnet.png", "image/png"),
    ]
    assert demande["version"] == "2026-1" and demande["accepte_le"] is not None
    assert demande["reponses"] == (
        ("Votre enfant sait-il nager ?", "Oui"),
        ("Personne à prévenir en cas d'urgence (nom et téléphone)", "JEANNE DUPONT 06 12 34 56 78"),
    )
    # The family's list: the request, its documents (her own links).
    enfants = dupont.get(FAMILLE + "liste-des-demandes", {"onglet": "enfants"})
    row = enfants.html.select_one("section.demandes-en-attente tbody tr").get_text(" ", strip=True)
    assert "Mercredi journée" in row and "avis.pdf" in row and "carnet.png" in row
    link = enfants.html.select_one("section.demandes-en-attente ul.pieces a")["href"]
    own = dupont.get(link)
    assert own.content_type == "application/pdf" and own.body == pdf()

    # The agent: the queue, the request's page with its documents.
    agent = navigateur(app, "agent")
    queue = agent.get(QUEUE, {"type": "inscription"})
    assert "Demande d'inscription" in queue.text and "LUCAS" in queue.text
    page = agent.get(traiter_url(demande["name"]))
    pieces_rows = [r.get_text(" ", strip=True) for r in page.html.select("table.pieces tbody tr")]
    assert len(pieces_rows) == 2 and "Vaccinations" in pieces_rows[1]
    download = agent.get(page.html.select("table.pieces a")[1]["href"])
    assert download.content_type == "image/png" and download.body == png()
    assert "attachment" in download.headers["Content-Disposition"]

    # "Demander un document manquant": the family is told, the request waits.
    form = page.forms["form-document"]
    form["nature"] = "assurance"
    form["message"] = "Attestation 2026-2027 de responsabilité civile"
    form.submit("demander_document", status=302)
    assert demandes(app)[0]["etat"] == "attente_famille"
    assert "LUCAS" not in agent.get(QUEUE, {"type": "inscription"}).text
    mail = mails(app)[-1]
    assert "un document manque" in mail
    assert "Attestation 2026-2027 de responsabilité civile" in mail

    # The family sees what is asked and sends it: back to the queue.
    liste = dupont.get(FAMILLE + "liste-des-demandes", {"onglet": "enfants"})
    assert "Document demandé par le service" in liste.text
    assert "Attestation 2026-2027 de responsabilité civile" in liste.text
    envoyer = liste.html.select_one("ul.joindre a")
    assert envoyer.get_text(strip=True) == "Envoyer le document"
    joindre = dupont.get(envoyer["href"])
    assert joindre.forms["form-joindre"]["nature"].value == "assurance"
    joindre.forms["form-joindre"]["document"] = webtest.Upload("rc.pdf", pdf(), "application/pdf")
    joindre.forms["form-joindre"].submit("envoyer", status=302)
    demande = demandes(app)[0]
    assert demande["etat"] == "en_attente" and len(demande["pieces"]) == 3
    assert "LUCAS" in agent.get(QUEUE, {"type": "inscription"}).text

    # Accepted: the child is enrolled with its regular contract (Wednesday).
    assert inscription(app) == {}
    page = agent.get(traiter_url(demande["name"]))
    page.forms["form-accepter"].submit("accepter", status=302)
    assert demandes(app)[0]["etat"] == "acceptee"
    assert inscription(app) == {"jours": {"3"}}
    mail = mails(app)[-1]
    assert "votre demande d'inscription est acceptée" in mail
    assert "Mercredi journée" in mail
    actions = journal_actions(app, demande["oid"])
    for action in ("PieceJointe", "DemandeDocumentDemande", "DemandeDocumentFourni"):
        assert action in actions, actions
    assert actions.count("DemandeAcceptee") == 1
    # Places: one fewer; the child cannot ask again for it.
    page = dupont.get(PAGE)
    assert "23" in page.html.select_one("#activites-ouvertes tbody tr").get_text(" ")


def test_a_wrong_file_is_refused_next_to_its_field(app):
    dupont = navigateur(app, "jean.dupont")
    html = webtest.Upload(
        "carnet.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    page = remplir(formulaire(dupont, app), vaccinations=html).submit("envoyer", status=400)
    erreur = page.html.select_one("#piece-vaccinations-erreur")
    assert erreur is not None and erreur.get_text(strip=True) == ERREUR_TYPE
    assert page.html.select_one("#piece-vaccinations")["aria-describedby"] == (
        "piece-vaccinations-erreur"
    )
    assert page.html.select_one("#piece-ressources-erreur") is None
    assert demandes(app) == []
    # Missing document, règlement not accepted: each said next to its field.
    form = remplir(formulaire(dupont, app))
    form["piece-ressources"] = ""
    form["accepte"] = False
    page = form.submit("envoyer", status=400)
    assert "Joignez ce document" in page.html.select_one("#piece-ressources-erreur").text
    assert "accepter le règlement intérieur" in page.html.select_one("#accepte-erreur").text
    assert demandes(app) == []


def test_refused_with_a_reason_the_family_is_told(app):
    dupont = navigateur(app, "jean.dupont")
    remplir(formulaire(dupont, app)).submit("envoyer", status=302)
    # A second request for the same child and activity: refused at once.
    page = remplir(formulaire(dupont, app)).submit("envoyer", status=400)
    assert "déjà en cours" in page.html.select_one("#erreur-generale").text
    (demande,) = demandes(app)
    agent = navigateur(app, "agent")
    page = agent.get(traiter_url(demande["name"]))
    form = page.forms["form-refuser"]
    form["motif"] = "Le groupe des 6-8 ans est complet le mercredi."
    form.submit("refuser", status=302)
    assert demandes(app)[0]["etat"] == "refusee"
    assert inscription(app) == {}
    mail = mails(app)[-1]
    assert "votre demande d'inscription est refusée" in mail
    assert "Le groupe des 6-8 ans est complet le mercredi." in mail
    liste = dupont.get(FAMILLE + "liste-des-demandes", {"onglet": "enfants"})
    assert "Le groupe des 6-8 ans est complet" in liste.html.select_one(
        "section.demandes-refusees"
    ).get_text(" ")


# --- Mon compte: a refusal asking for the avis d'imposition, answered ------------


def test_a_refusal_asking_for_an_avis_is_answered_with_it(app):
    dupont = navigateur(app, "jean.dupont")
    page = dupont.get(FAMILLE + "demande-fiscales")
    form = page.forms["demande"]
    form["revenu_fiscal_reference"] = "41 000"
    form.submit("enregistrer", status=302)
    (fiscale,) = demandes(app, "fiscales")
    # A document attached to the pending request, from Mon compte.
    compte = dupont.get(FAMILLE + "mon-compte")
    lien = compte.html.select_one("#rubrique-fiscales .en-attente a.joindre")
    assert lien.get_text(" ", strip=True) == "joindre un justificatif Infos Fiscales"
    joindre = dupont.get(lien["href"])
    joindre.forms["form-joindre"]["nature"] = "autre"
    joindre.forms["form-joindre"]["document"] = webtest.Upload("note.png", png(), "image/png")
    joindre.forms["form-joindre"].submit("envoyer", status=302)
    assert demandes(app, "fiscales")[0]["pieces"] == [("autre", "note.png", "image/png")]
    # Refused: the service asks for the avis d'imposition.
    regisseur = navigateur(app, "regisseur")
    page = regisseur.get(traiter_url(fiscale["name"]))
    form = page.forms["form-refuser"]
    form["motif"] = "Joignez votre avis d'imposition 2026."
    form.submit("refuser", status=302)
    liste = dupont.get(FAMILLE + "liste-des-demandes", {"onglet": "compte"})
    lien = liste.html.select_one("section.demandes-refusees ul.joindre a")
    assert lien.get_text(strip=True) == "Répondre avec un document"
    page = dupont.get(lien["href"])
    assert "Joignez votre avis d'imposition 2026." in page.text
    # A wrong file first: a French message next to the field, nothing made.
    form = page.forms["form-joindre"]
    form["nature"] = "avis_imposition"
    form["document"] = webtest.Upload("avis.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    refused = form.submit("envoyer", status=400)
    assert refused.html.select_one("#document-erreur").get_text(strip=True) == ERREUR_TYPE
    assert len(demandes(app, "fiscales")) == 1
    form = refused.forms["form-joindre"]
    form["nature"] = "avis_imposition"
    form["document"] = webtest.Upload("avis-2026.pdf", pdf(), "application/pdf")
    form.submit("envoyer", status=302)
    ancienne, nouvelle = demandes(app, "fiscales")
    assert ancienne["etat"] == "refusee" and ancienne["pieces"] == [
        ("autre", "note.png", "image/png")
    ]
    assert nouvelle["etat"] == "en_attente"
    assert nouvelle["pieces"] == [("avis_imposition", "avis-2026.pdf", "application/pdf")]
    assert "Avis d'imposition" in regisseur.get(traiter_url(nouvelle["name"])).text


# --- Who may download a document --------------------------------------------------


def test_martin_cannot_fetch_duponts_documents_by_url(app):
    dupont = navigateur(app, "jean.dupont")
    remplir(formulaire(dupont, app)).submit("envoyer", status=302)
    (demande,) = demandes(app)
    famille = FAMILLE + "demandes/%s/piece" % demande["name"]
    sdi = "/manage" + FAMILLE + "demandes/%s/@@piece" % demande["name"]
    assert dupont.get(famille, {"n": "1"}).body == pdf()
    martin = martin_logged_in(app)
    for n in ("1", "2"):
        response = martin.get(famille, {"n": n}, status=404)
        assert b"%PDF" not in response.body and b"PNG" not in response.body
        assert martin.get(sdi, {"n": n}, status=302).location.endswith("/")
    anonyme = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    assert "/connexion" in anonyme.get(famille, {"n": "1"}, status=302).location

    # Staff: the agent reads both, the health one audited (as a late
    # absence's certificate); the régisseur not the vaccinations (health
    # data), the editor nothing.
    def lectures(root, registry):
        entries = journal.lire(root, genre=journal.LECTURE, famille=NUMERO, limite=1000)[0]
        return len([e for e in entries if e["quoi"] == "sanitaires"])

    avant = with_root(app.app, lectures)
    agent = navigateur(app, "agent")
    assert agent.get(sdi, {"n": "1"}).body == pdf()
    assert with_root(app.app, lectures) == avant
    assert agent.get(sdi, {"n": "2"}).body == png()
    assert with_root(app.app, lectures) == avant + 1
    regisseur = navigateur(app, "regisseur")
    assert regisseur.get(sdi, {"n": "1"}).body == pdf()
    regisseur.get(sdi, {"n": "2"}, status=403)
    editeur = navigateur(app, "editeur")
    editeur.get(sdi, {"n": "1"}, status=403)
    # A forged rank finds nothing.
    for n in ("0", "3", "-1", "x", "9999"):
        dupont.get(famille, {"n": n}, status=404)


def test_staff_open_an_activity_for_enrolment(app):
    agent = navigateur(app, "agent")

    def url(root, registry):
        annee = root["calendrier"].annees()[-1]
        return "/manage/structures/garderie-periscolaire/restauration-scolaire/", annee.libelle

    base, annee = with_root(app.app, url)
    page = agent.get(base + "@@inscription-en-ligne")
    assert "aucune année scolaire" in page.text
    form = page.forms["ouverture"]
    form["annee"] = annee
    form.set("date", "2020-01-01", index=0)  # Ouverture des inscriptions
    form.set("date", "2019-12-31", index=1)  # Clôture
    form["places"] = "2"
    form["questions_texte"] = "Régime alimentaire"
    form["reglement_version"] = "R1"
    page = form.submit("enregistrer", status=200)
    assert "La clôture doit être le jour de l'ouverture ou après." in page.text
    form = page.forms["ouverture"]
    form.set("date", "2099-12-31", index=1)
    form["upload"] = webtest.Upload("reglement.pdf", pdf(), "application/pdf")
    form.submit("enregistrer", status=302)
    page = agent.get(base + "@@inscription-en-ligne")
    row = page.html.select_one("table.ouvertures tbody tr")
    text = row.get_text(" ", strip=True)
    assert annee in text and "R1" in text and "Régime alimentaire" in text
    assert agent.get(row.select_one('a[href*="reglement-interieur"]')["href"]).body == pdf()
    # The family sees it now, beside the demo's, with its règlement's file.
    dupont = navigateur(app, "jean.dupont")
    rows = dupont.get(PAGE).html.select("#activites-ouvertes tbody tr")
    assert any("Restauration scolaire" in r.get_text() for r in rows)
    _cle, enfant, _annee = offre(app)
    choix = dupont.get(PAGE).forms["choix"]
    cle = next(v for v, _s, label in choix["offre"].options if "Restauration" in label)
    page = dupont.get(PAGE, {"enfant": enfant, "offre": cle})
    lien = page.html.find("a", string="Télécharger le règlement intérieur")["href"]
    reglement = dupont.get(lien)
    assert reglement.body == pdf() and "attachment" in reglement.headers["Content-Disposition"]
    # MARTIN does not get it through DUPONT's family.
    martin_logged_in(app).get(lien, status=404)
    # A régisseur and a parent do not reach the tab.
    navigateur(app, "regisseur").get(base + "@@inscription-en-ligne", status=403)
    assert re.search("/$", dupont.get(base + "@@inscription-en-ligne", status=302).location)


def test_asking_for_a_document_forged_or_out_of_turn_changes_nothing(app):
    dupont = navigateur(app, "jean.dupont")
    remplir(formulaire(dupont, app)).submit("envoyer", status=302)
    (demande,) = demandes(app)
    url = traiter_url(demande["name"])
    agent = navigateur(app, "agent")
    token = agent.get(url).forms["form-document"]["csrf_token"].value
    post = {"csrf_token": token, "demander_document": "1", "message": ""}
    # A kind that does not exist: nothing asked.
    page = agent.post(url, dict(post, nature="passeport"), status=302).follow()
    assert "Choisissez le document à demander." in page.text
    assert demandes(app)[0]["etat"] == "en_attente"
    # Who may not process this type: the régisseur (the record's requests), an editor.
    for role in ("regisseur", "editeur"):
        browser = navigateur(app, role)
        jeton = acces.jeton_de(browser)
        browser.post(url, dict(post, nature="assurance", csrf_token=jeton), status=403)
    assert demandes(app)[0]["etat"] == "en_attente"
    # Accepted: asking for a document afterwards is refused.
    agent.get(url).forms["form-accepter"].submit("accepter", status=302)
    page = agent.post(url, dict(post, nature="assurance"), status=302).follow()
    assert "Cette demande a déjà été traitée." in page.text
    assert demandes(app)[0]["etat"] == "acceptee"
    assert demandes(app)[0]["document_demande"] is None
    assert "form-document" not in page.forms


def test_mes_donnees_names_the_documents_of_each_request(app):
    dupont = navigateur(app, "jean.dupont")
    remplir(formulaire(dupont, app)).submit("envoyer", status=302)
    export = dupont.get(FAMILLE + "mes-donnees.json").json
    (demande,) = [d for d in export["demandes"] if d["type"] == "inscription"]
    assert demande["libelle"] == "Demande d'inscription"
    assert [(p["nature"], p["nom"], p["type"]) for p in demande["pieces"]] == [
        ("Attestation CAF ou avis d'imposition", "avis.pdf", "application/pdf"),
        ("Vaccinations (copie du carnet de santé)", "carnet.png", "image/png"),
    ]


def test_documents_over_the_forms_limit_are_refused_whole_in_french(app):
    """5 Mo a document, 6 Mo a form (``portail.max_upload``): two scans of
    3,5 Mo are refused before anything reads them, nothing is stored, and
    the form says the limit beforehand."""
    dupont = navigateur(app, "jean.dupont")
    form = remplir(formulaire(dupont, app))
    assert "6 Mo au plus pour l'ensemble des documents" in dupont.get(
        PAGE, {"enfant": form["enfant"].value, "offre": form["offre"].value}
    ).html.select_one("fieldset.pieces").get_text(" ")
    lourd = pdf() + b"%" + b"0" * (3 * 1024 * 1024 + 512 * 1024)
    form["piece-ressources"] = webtest.Upload("avis.pdf", lourd, "application/pdf")
    form["piece-vaccinations"] = webtest.Upload("carnet.pdf", lourd, "application/pdf")
    page = form.submit("envoyer", status=413)
    assert "Les données envoyées sont trop volumineuses." in page.text
    assert demandes(app) == []
    # One document over 5 Mo in a form under 6 Mo: said next to its field.
    form = remplir(formulaire(dupont, app))
    trop = pdf() + b"%" + b"0" * (5 * 1024 * 1024 + 100 * 1024)
    form["piece-ressources"] = webtest.Upload("avis.pdf", trop, "application/pdf")
    page = form.submit("envoyer", status=400)
    assert page.html.select_one("#piece-ressources-erreur").get_text(strip=True) == (
        "Le fichier dépasse la taille maximale de 5 Mo."
    )
    assert page.html.select_one("#piece-vaccinations-erreur") is None
    assert demandes(app) == []


def test_a_document_never_sent_the_request_is_refused_not_accepted(app):
    dupont = navigateur(app, "jean.dupont")
    remplir(formulaire(dupont, app)).submit("envoyer", status=302)
    (demande,) = demandes(app)
    url = traiter_url(demande["name"])
    agent = navigateur(app, "agent")
    form = agent.get(url).forms["form-document"]
    form["nature"] = "assurance"
    form.submit("demander_document", status=302)
    page = agent.get(url)
    assert "form-accepter" not in page.forms and "form-document" not in page.forms
    # A forged acceptance changes nothing.
    token = page.forms["form-refuser"]["csrf_token"].value
    refus = agent.post(url, {"csrf_token": token, "accepter": "1"}, status=302).follow()
    assert "ne peut pas passer" in refus.text
    assert demandes(app)[0]["etat"] == "attente_famille"
    form = page.forms["form-refuser"]
    form["motif"] = "Attestation d'assurance non reçue."
    form.submit("refuser", status=302)
    assert demandes(app)[0]["etat"] == "refusee"
    assert "Attestation d'assurance non reçue." in mails(app)[-1]
    assert inscription(app) == {}


def test_two_agents_accepting_the_last_place_at_once_conflict(app):
    """The last place, two requests (DUPONT's LUCAS, MARTIN's CHLOÉ)
    accepted at the same moment in two transactions: the second commit
    conflicts (pyramid_retry runs it again, and it finds the place taken)
    instead of both children being enrolled."""
    dupont = navigateur(app, "jean.dupont")
    remplir(formulaire(dupont, app)).submit("envoyer", status=302)
    martin = martin_logged_in(app)
    cle, _enfant, _annee = offre(app)

    def chloe(root, registry):
        return next(iter(root["familles"][MARTIN["numero"]]["enfants"]))

    page = martin.get(
        "/familles/%s/inscriptions" % MARTIN["numero"],
        {"enfant": with_root(app.app, chloe), "offre": cle},
    )
    remplir(page.forms["form-inscription"]).submit("envoyer", status=302)

    def derniere_place(root, registry):
        prestation = root["structures"][demo_inscription.STRUCTURE][demo_inscription.PRESTATION]
        ouverture = next(iter(resources.ouvertures(prestation).values()))
        ouverture.places = len(service.inscrits(prestation, ouverture.annee)) + 1
        _total, attente = demandes_service.file_attente(root, "inscription")
        return [get_oid(d) for d in attente]

    oids = with_root(app.app, derniere_place)
    assert len(oids) == 2
    db = app.app.registry._zodb_databases[""]
    managers = [TransactionManager(), TransactionManager()]
    connections = [db.open(transaction_manager=tm) for tm in managers]
    try:
        for connection, oid in zip(connections, oids, strict=True):
            root = connection.root()["app_root"]
            demande = find_objectmap(root).object_for(oid)
            request = DummyRequest(registry=app.app.registry)
            service.accepter(demande, request)
        managers[0].commit()
        with pytest.raises(ConflictError):
            managers[1].commit()
    finally:
        managers[1].abort()
        for connection in connections:
            connection.close()
