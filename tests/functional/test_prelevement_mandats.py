"""SEPA mandates as a family and the service use them: the family's page
(the mandate in force, its history, the form asking for direct debit), the
request in the staff's queue accepted (the mandate signed at the request's
date) or refused, the family's request to stop it, the staff's revocation
from the family's file, the PDF (the IBAN masked on the family's copy, in
full and journaled on the staff's), another family's URLs, the RGPD
export."""

import datetime
import io
import json
import re

import pytest
from pypdf import PdfReader

from portail_famille import dates, journal
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.prelevement import creancier, mandats

from ..conftest import (
    ADMIN,
    DUPONT_URL,
    MARTIN_URL,
    app_du_test,
    csrf,
    login,
    mails,
    martin_logged_in,
    with_root,
)
from .conftest import client

SEPA = {
    "portail.sepa.creancier": "Régie Garderie et ALSH de Biviers",
    "portail.sepa.ics": "FR72ZZZ123456",
    "portail.sepa.adresse": "Mairie de Biviers, 38330 Biviers",
}
PAGE = DUPONT_URL + "prelevement-automatique"
ARRET = DUPONT_URL + "arret-prelevement"
FICHE = "/manage/familles/%s/@@fiche" % DUPONT["numero"]
NUMERO = DUPONT["numero"]
IBAN_DEMO = "FR7630001007941234567890185"
IBAN_NOUVEAU = "FR1420041010050500013M02606"
MASQUE_DEMO = "FR76 •••• •••• 0185"
MASQUE_NOUVEAU = "FR14 •••• •••• 2606"


@pytest.fixture
def app(tmp_path):
    with app_du_test(tmp_path, **SEPA) as app:
        yield app


def role(app, name):
    browser = client(app)
    password = ADMIN[1] if name == "admin" else COMPTES[name][0]
    login(browser, name, password)
    return browser


def parent(app):
    return role(app, "jean.dupont")


def lire_mandats(app, numero=NUMERO):
    def read(root, registry):
        famille = root["familles"][numero]
        return [
            (m.rum, m.titulaire, m.iban, m.bic, m.signe_le, m.etat(), m.motif_revocation)
            for m in mandats.mandats(famille)
        ]

    return with_root(app.app, read)


def demandes_de(app, type_demande):
    """(etat, url of @@traiter) of the family's requests of this type."""

    def read(root, registry):
        dossier = root["familles"][NUMERO]["demandes"]
        return [
            (d.etat, "/manage/familles/%s/demandes/%s/@@traiter" % (NUMERO, d.__name__))
            for d in dossier.values()
            if d.type_demande == type_demande
        ]

    return with_root(app.app, read)


def demander(browser, iban=IBAN_NOUVEAU, bic="", accepte=True, titulaire="DUPONT JEANNE"):
    form = browser.get(PAGE).forms["mandat"]
    form["titulaire"] = titulaire
    form["iban"] = iban
    form["bic"] = bic
    form["accepte"] = accepte
    return form.submit("demander")


def texte_pdf(body):
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_creancier_reads_the_settings():
    found = creancier({"portail.sepa.ics": " fr72zzz123456 ", "portail.sepa.creancier": "Régie"})
    assert (found.nom, found.ics, found.adresse) == ("Régie", "FR72ZZZ123456", "")
    assert creancier(None).ics == ""


def test_the_family_sees_its_mandate_in_force_and_the_creditor(app):
    dupont = parent(app)
    compte = dupont.get(DUPONT_URL + "mon-compte")
    lien = compte.html.select_one("#prelevement a")
    assert lien["href"] == PAGE
    page = dupont.get(PAGE)
    actif = page.html.select_one("#mandat-actif").get_text(" ", strip=True)
    debut = dates.courte(datetime.date(*_debut_annee()))
    for attendu in (
        "PF-%s-1" % NUMERO,
        "Signé le : " + debut,
        "Actif",
        "DUPONT JEAN",
        MASQUE_DEMO,
        "Régie Garderie et ALSH de Biviers",
        "FR72ZZZ123456",
    ):
        assert attendu in actif, attendu
    assert IBAN_DEMO not in page.text and "3000100794" not in page.text
    texte = page.html.select_one("#texte-mandat").get_text(" ", strip=True)
    assert "vous autorisez Régie Garderie et ALSH de Biviers à envoyer des instructions" in texte
    assert "8 semaines" in texte
    assert "${" not in page.text
    # the form: a CSRF token, the acceptance box
    form = page.forms["mandat"]
    assert form["_csrf_token_"].value
    assert "J'accepte le mandat de prélèvement SEPA" in page.text


def _debut_annee():
    today = dates.today()
    return (today.year if today.month >= 9 else today.year - 1, 9, 1)


def test_the_parent_asks_the_agent_accepts_the_mandate_is_signed(app):
    dupont = parent(app)
    sent = demander(dupont)
    assert sent.status_int == 302
    page = sent.follow()
    assert "Votre demande a été transmise au service enfance jeunesse." in page.text
    assert "Une demande de prélèvement est en attente depuis le" in page.text
    # nothing signed yet
    assert [m[0] for m in lire_mandats(app)] == ["PF-%s-1" % NUMERO]
    # the family's list, in its words, the IBAN masked
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=compte")
    attente = liste.html.select_one(".demandes-en-attente").get_text(" ", strip=True)
    assert "Prélèvement automatique" in attente
    assert "Demande de prélèvement automatique" in attente
    assert MASQUE_NOUVEAU in attente and IBAN_NOUVEAU not in liste.text
    assert "${" not in liste.text
    # the staff's queue: the request, the IBAN masked
    agent = role(app, "agent")
    queue = agent.get("/manage/@@demandes")
    assert "Prélèvement automatique" in queue.text
    assert MASQUE_NOUVEAU in queue.text and IBAN_NOUVEAU not in queue.text
    [(etat, url)] = demandes_de(app, "mandat_sepa")
    assert etat == "en_attente"
    traiter = agent.get(url)
    assert IBAN_NOUVEAU not in traiter.text
    # beside the mandate in force, both masked
    lignes = {
        tr.th.get_text(strip=True) if tr.th else tr.td.get_text(strip=True): [
            td.get_text(strip=True) for td in tr.find_all("td")
        ]
        for tr in traiter.html.select("table tr")
    }
    iban = next(v for k, v in lignes.items() if "IBAN" in k)
    assert iban[-3:] == [MASQUE_DEMO, MASQUE_DEMO, MASQUE_NOUVEAU], iban
    done = traiter.forms["form-accepter"].submit("accepter")
    assert done.status_int == 302
    signes = lire_mandats(app)
    assert [(m[0], m[5]) for m in signes] == [
        ("PF-%s-1" % NUMERO, "revoque"),
        ("PF-%s-2" % NUMERO, "actif"),
    ]
    rum, titulaire, iban, bic, signe_le, _etat, _motif = signes[1]
    assert (titulaire, iban, bic) == ("DUPONT JEANNE", IBAN_NOUVEAU, "PSSTFRPP")
    assert signe_le == dates.today()  # the request's date
    assert demandes_de(app, "mandat_sepa")[0][0] == "acceptee"
    mail = mails(app)[-1]
    assert "jean.dupont@wanadoo.fr" in mail and "Prélèvement automatique" in mail
    assert "acceptée" in mail
    # the family's page: the new mandate in force, the old one in the history
    page = dupont.get(PAGE)
    actif = page.html.select_one("#mandat-actif").get_text(" ", strip=True)
    assert rum in actif and MASQUE_NOUVEAU in actif and "Actif" in actif
    historique = page.html.select_one("#historique-mandats").get_text(" ", strip=True)
    assert "PF-%s-1" % NUMERO in historique and "Révoqué" in historique


def test_the_request_date_is_the_signature_date(app):
    """Accepted days later, the mandate is dated from the request."""
    veille = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=datetime.UTC)  # 3 March in Paris

    def deposer(root, registry):
        from portail_famille.prelevement import service

        famille = root["familles"][NUMERO]
        service.demander_mandat(
            famille, "DUPONT JEAN", IBAN_NOUVEAU, "", "jean.dupont", registry, now=veille
        )

    with_root(app.app, deposer)
    agent = role(app, "agent")
    [(_etat, url)] = demandes_de(app, "mandat_sepa")
    agent.get(url).forms["form-accepter"].submit("accepter")
    assert lire_mandats(app)[-1][4] == datetime.date(2026, 3, 3)


def test_a_mandate_revoked_before_the_request_is_processed_needs_a_confirmation(app):
    dupont = parent(app)
    demander(dupont)
    agent = role(app, "agent")
    revoquer = agent.get("/manage/familles/%s/@@revoquer-mandat?mandat=1" % NUMERO)
    form = revoquer.forms["form-revoquer"]
    form["motif"] = "Demande de la famille par téléphone."
    form.submit("revoquer")
    [(_etat, url)] = demandes_de(app, "mandat_sepa")
    page = agent.get(url).forms["form-accepter"].submit("accepter")
    assert "Cochez « J'ai vu que la fiche a changé depuis la demande » pour accepter." in page.text
    assert len(lire_mandats(app)) == 1
    form = page.forms["form-accepter"]
    form["confirmer"] = "oui"
    assert form.submit("accepter").status_int == 302
    assert [m[5] for m in lire_mandats(app)] == ["revoque", "actif"]


def test_the_agent_refuses_nothing_is_signed_and_the_family_reads_why(app):
    dupont = parent(app)
    demander(dupont)
    agent = role(app, "agent")
    [(_etat, url)] = demandes_de(app, "mandat_sepa")
    form = agent.get(url).forms["form-refuser"]
    form["motif"] = "Le titulaire doit être un responsable de la famille."
    assert form.submit("refuser").status_int == 302
    assert [(m[0], m[5]) for m in lire_mandats(app)] == [("PF-%s-1" % NUMERO, "actif")]
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=compte&type=mandat_sepa")
    refusees = liste.html.select_one(".demandes-refusees").get_text(" ", strip=True)
    assert "Le titulaire doit être un responsable de la famille." in refusees
    assert MASQUE_NOUVEAU in refusees
    mail = mails(app)[-1]
    assert "refusée" in mail and "Le titulaire doit être un responsable" in mail


@pytest.mark.parametrize(
    "champs, message",
    [
        ({"iban": "FR7630001007941234567890186"}, "IBAN invalide : vérifiez le numéro."),
        ({"iban": ""}, "Ce champ est obligatoire."),
        (
            {"iban": "BR1800360305000010009795493C1"},
            "Cet IBAN n'appartient pas à la zone SEPA : le prélèvement est impossible.",
        ),
        ({"bic": "XX"}, "BIC invalide : vérifiez le code."),
        ({"titulaire": ""}, "Ce champ est obligatoire."),
        ({"titulaire": "A" * 71}, "70 caractères au plus."),
        ({"iban": "FR76" + "3" * 50}, "42 caractères au plus."),
        (
            {"accepte": False},
            "Cochez « J'accepte le mandat de prélèvement SEPA » pour envoyer la demande.",
        ),
    ],
)
def test_bad_input_gets_a_french_message_next_to_the_field(app, champs, message):
    dupont = parent(app)
    page = demander(dupont, **champs)
    assert page.status_int == 200
    nom = next(iter(champs))
    erreur = page.html.select_one("#erreur-champ-%s" % nom)
    assert erreur is not None and erreur.get_text(strip=True) == message
    assert "Votre demande n'a pas été enregistrée" in page.text
    assert demandes_de(app, "mandat_sepa") == []


def test_the_family_asks_to_stop_it_and_the_agent_accepts(app):
    dupont = parent(app)
    page = dupont.get(PAGE)
    lien = page.html.select_one("#mandat-actif a.bouton")
    assert lien["href"] == ARRET
    confirmation = dupont.get(ARRET)
    assert "PF-%s-1" % NUMERO in confirmation.text and MASQUE_DEMO in confirmation.text
    # nothing asked by the GET
    assert demandes_de(app, "revocation_mandat") == []
    sent = confirmation.forms["form-arret"].submit("confirmer")
    assert sent.status_int == 302
    page = sent.follow()
    assert "Demande d'arrêt du prélèvement en attente depuis le" in page.text
    assert page.html.select_one("#mandat-actif a.bouton") is None
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=compte")
    assert "Arrêt du prélèvement automatique : mandat PF-%s-1" % NUMERO in liste.text
    agent = role(app, "agent")
    [(_etat, url)] = demandes_de(app, "revocation_mandat")
    agent.get(url).forms["form-accepter"].submit("accepter")
    [(rum, *_rest, etat, _motif)] = lire_mandats(app)
    assert etat == "revoque"
    page = dupont.get(PAGE)
    assert "Vous n'avez pas de mandat de prélèvement en vigueur" in page.text
    # no mandate in force: the confirmation page sends back
    assert dupont.get(ARRET).status_int == 302


def test_a_stop_request_for_a_mandate_replaced_since_is_not_accepted(app):
    dupont = parent(app)
    dupont.get(ARRET).forms["form-arret"].submit("confirmer")
    demander(dupont)
    agent = role(app, "agent")
    [(_etat, signer)] = demandes_de(app, "mandat_sepa")
    agent.get(signer).forms["form-accepter"].submit("accepter")
    [(_etat, arret)] = demandes_de(app, "revocation_mandat")
    page = agent.get(arret).forms["form-accepter"].submit("accepter").follow()
    assert "Ce mandat n'est plus en vigueur" in page.text
    assert demandes_de(app, "revocation_mandat")[0][0] == "en_attente"
    assert [m[5] for m in lire_mandats(app)] == ["revoque", "actif"]
    form = page.forms["form-refuser"]
    form["motif"] = "Mandat déjà remplacé par le nouveau."
    form.submit("refuser")
    assert demandes_de(app, "revocation_mandat")[0][0] == "refusee"
    assert [m[5] for m in lire_mandats(app)] == ["revoque", "actif"]


def test_a_stale_confirmation_asks_nothing(app):
    dupont = parent(app)
    form = dupont.get(ARRET).forms["form-arret"]
    form["rum"] = "PF-autre-9"
    page = form.submit("confirmer")
    assert page.status_int == 200
    assert demandes_de(app, "revocation_mandat") == []


def test_another_family_reaches_none_of_it(app):
    martin = martin_logged_in(app)
    for url in (PAGE, ARRET, DUPONT_URL + "mandat-sepa.pdf?mandat=1"):
        page = martin.get(url, status=404)
        assert "DUPONT" not in page.text and "PF-" not in page.text
    token = csrf(martin.get(MARTIN_URL + "prelevement-automatique"))
    martin.post(ARRET, {"csrf_token": token, "rum": "PF-%s-1" % NUMERO}, status=404)
    assert demandes_de(app, "revocation_mandat") == []
    # staff do not send a family's requests (no P.DEMANDE_CREER)
    agent = role(app, "agent")
    token = csrf(agent.get("/manage/familles/%s/@@revoquer-mandat?mandat=1" % NUMERO))
    agent.post(ARRET, {"csrf_token": token, "rum": "PF-%s-1" % NUMERO}, status=403)
    assert demandes_de(app, "revocation_mandat") == []


def test_the_family_pdf_masks_the_iban(app):
    dupont = parent(app)
    page = dupont.get(PAGE)
    lien = page.html.select_one("#mandat-actif a[href*='mandat-sepa.pdf']")["href"]
    response = dupont.get(lien)
    assert response.content_type == "application/pdf"
    assert response.body.startswith(b"%PDF-")
    texte = texte_pdf(response.body)
    for attendu in (
        "Mandat de prélèvement SEPA",
        "PF-%s-1" % NUMERO,
        "Régie Garderie et ALSH de Biviers",
        "FR72ZZZ123456",
        "DUPONT JEAN",
        "BDFEFRPP",
        "Paiement récurrent",
    ):
        assert attendu in texte, attendu
    assert "0185" in texte and "3000100794" not in texte.replace(" ", "")
    assert dupont.get(DUPONT_URL + "mandat-sepa.pdf?mandat=2", status=404)
    assert dupont.get(DUPONT_URL + "mandat-sepa.pdf?mandat=x", status=404)
    assert dupont.get(DUPONT_URL + "mandat-sepa.pdf", status=404)


def test_the_staff_pdf_shows_the_full_iban_and_is_journaled(app):
    regisseur = role(app, "regisseur")
    fiche = regisseur.get(FICHE)
    lien = fiche.html.select_one(".prelevement-fiche a[href*='mandat-sepa.pdf']")["href"]
    response = regisseur.get(lien)
    texte = texte_pdf(response.body).replace(" ", "")
    assert IBAN_DEMO in texte
    entries, _next = with_root(
        app.app, lambda root, registry: journal.lire(root, quoi="IbanConsulte")
    )
    assert entries and entries[0]["qui"] == "regisseur" and entries[0]["famille"] == NUMERO
    # an editor: no family record
    editeur = role(app, "editeur")
    assert editeur.get(lien, status=403)


def test_staff_revoke_from_the_file_with_a_reason_journaled_and_mailed(app):
    agent = role(app, "agent")
    fiche = agent.get(FICHE)
    bloc = fiche.html.select_one(".prelevement-fiche")
    texte = bloc.get_text(" ", strip=True)
    assert "Prélèvement" in texte and "PF-%s-1" % NUMERO in texte and "Actif" in texte
    assert MASQUE_DEMO in texte and IBAN_DEMO not in fiche.text
    lien = bloc.select_one("a.btn-danger")["href"]
    confirmation = agent.get(lien)
    assert "Révoquer le mandat de prélèvement" in confirmation.text
    assert lire_mandats(app)[0][5] == "actif"  # the GET changed nothing
    form = confirmation.forms["form-revoquer"]
    sans_motif = form.submit("revoquer", status=400)
    assert "Indiquez le motif de la révocation." in sans_motif.text
    assert lire_mandats(app)[0][5] == "actif"
    form = sans_motif.forms["form-revoquer"]
    form["motif"] = "Compte clôturé (rejet AC04)."
    done = form.submit("revoquer")
    assert done.status_int == 302
    [(_rum, *_rest, etat, motif)] = lire_mandats(app)
    assert (etat, motif) == ("revoque", "Compte clôturé (rejet AC04).")
    entries, _next = with_root(
        app.app, lambda root, registry: journal.lire(root, quoi="MandatRevoque")
    )
    assert entries[0]["qui"] == "agent" and entries[0]["famille"] == NUMERO
    mail = mails(app)[-1]
    assert "jean.dupont@wanadoo.fr" in mail and "PF-%s-1" % NUMERO in mail
    assert "Compte clôturé (rejet AC04)." in mail
    # again: nothing left to revoke
    again = agent.get(lien)
    assert "form-revoquer" not in again.text
    fiche = agent.get(FICHE)
    assert fiche.html.select_one(".prelevement-fiche a.btn-danger") is None
    assert "Compte clôturé" in fiche.html.select_one(".prelevement-fiche").get_text()


@pytest.mark.parametrize("name, status", [("editeur", 403), ("jean.dupont", 302)])
def test_who_may_not_revoke_does_not(app, name, status):
    browser = role(app, name)
    url = "/manage/familles/%s/@@revoquer-mandat?mandat=1" % NUMERO
    assert browser.get(url, status=status)
    assert lire_mandats(app)[0][5] == "actif"


def test_staff_read_the_family_page_without_its_forms(app):
    agent = role(app, "agent")
    page = agent.get(PAGE)
    assert "PF-%s-1" % NUMERO in page.text and MASQUE_DEMO in page.text
    assert "mandat" not in page.forms and page.html.select_one("#demande-mandat") is None
    assert page.html.select_one("#mandat-actif a.bouton") is None


def test_the_rgpd_export_holds_the_mandates(app):
    dupont = parent(app)
    data = json.loads(dupont.get(DUPONT_URL + "mes-donnees.json").body)
    [mandat] = data["mandats"]
    assert mandat["rum"] == "PF-%s-1" % NUMERO
    assert mandat["etat"] == "actif" and mandat["libelle_etat"] == "Actif"
    assert mandat["iban"] == MASQUE_DEMO and mandat["bic"] == "BDFEFRPP"
    pdf = dupont.get(DUPONT_URL + "mes-donnees.pdf")
    assert "PF-%s-1" % NUMERO in texte_pdf(pdf.body)


def test_no_raw_placeholder_and_no_full_iban_on_the_family_pages(app):
    dupont = parent(app)
    demander(dupont)
    for url in (PAGE, DUPONT_URL + "liste-des-demandes", DUPONT_URL + "mon-compte"):
        text = dupont.get(url).text
        assert "${" not in text and IBAN_NOUVEAU not in text and IBAN_DEMO not in text
    assert re.search(r"PF-\d+-1", dupont.get(PAGE).text)
