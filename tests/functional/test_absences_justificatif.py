"""A late absence with a medical certificate (issue 21, part 3): past the
absence deadline, up to ``portail.absence_justificatif_jours`` days after
the day, a parent declares it with a certificate (PDF, JPEG or PNG by
content); an agent decides "Absent excusé" (not billed, credited when
invoiced) or "Absent facturé", with a reason the family reads in "Liste
des demandes", on the day's page and in one mail.

The town's clock is frozen on Tuesday 1 December 2026, 09:00 in Paris
(test_reservations): LUCAS (DUPONT) has the canteen's contract (Monday,
Tuesday, Thursday, Friday, 4.00 a meal)."""

import datetime
import io
import re
from decimal import Decimal
from urllib.parse import urlsplit

import webtest
from persistent.list import PersistentList
from PIL import Image
from pypdf import PdfWriter

from portail_famille import fichiers, journal
from portail_famille.demandes import pieces
from portail_famille.demandes.resources import ACCEPTEE, EN_ATTENTE, REFUSEE
from portail_famille.evolve import STEPS, step40
from portail_famille.facturation import regularisation
from portail_famille.facturation.schemas import AVOIR, ECHU
from portail_famille.planning import cells
from portail_famille.rgpd import retention

from ..conftest import DUPONT_URL, mails, martin_logged_in, with_root
from .test_demandes_staff import staff
from .test_enfants import browser_for, main
from .test_regularisations import (
    apercu,
    document,
    facturee,
    facturer,
    regler,
    regularisations,
)
from .test_reservations import (  # noqa: F401 (clock and town: fixtures)
    NUMERO,
    REST,
    VACANCES,
    VJ,
    absence,
    cell,
    child_url,
    clock,
    flashes,
    lucas,
    oid_of,
    premiere_a_traiter,
    reserver,
    town,
)

D = datetime.date
E = Decimal
JEUDI = D(2026, 11, 26)  # a past canteen day of the contract, 5 days ago
NOVEMBRE = (D(2026, 11, 1), D(2026, 11, 30))
QUEUE = "/manage/@@demandes"


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def choix(app, day, path=REST):
    return "%d:%s" % (oid_of(app, path), day.isoformat())


def declarer(browser, app, day, motif="Gastro-entérite", fichier=None, status=302, **champs):
    """The parent's form, filled and sent (``fichier``: (name, bytes), None:
    a PDF certificate; False: none)."""
    page = browser.get(child_url(app) + "absence-justificatif?choix=" + choix(app, day))
    form = page.forms["form-justificatif"]
    form["choix"].force_value(champs.pop("valeur", choix(app, day)))
    form["motif"] = motif
    form["confirmation"] = champs.pop("confirmation", True)
    if fichier is None:
        fichier = ("certificat.pdf", pdf_bytes())
    if fichier is not False:
        form["certificat"] = (fichier[0], fichier[1])
    return form.submit(status=status)


def demandes(app):
    """[(type, etat, jour, motif_refus, motif_acceptation)] of the family's
    late absences."""

    def read(root, registry):
        return sorted(
            (d.type_demande, d.etat, d.jour, d.motif_refus, d.motif_acceptation)
            for d in root["familles"][NUMERO]["demandes"].values()
            if d.type_demande == "absence_justificatif"
        )

    return with_root(app.app, read)


def page_de_decision(agent):
    queue = agent.get(QUEUE + "?type=absence_justificatif")
    url = re.search(r'href="([^"]+@@absence-justifiee)"', queue.text).group(1)
    return queue, agent.get(url)


def decider(agent, bouton, motif):
    _queue, page = page_de_decision(agent)
    form = page.forms["form-decision"]
    form["motif"] = motif
    return form.submit(bouton)


def documents_sdi(page):
    """[(kind, name, with a link)] of the SDI page's "Documents joints"."""
    return [
        (
            tr.th.get_text(strip=True),
            tr.td.a.get_text(strip=True) if tr.td.a else " ".join(tr.td.get_text().split()),
            tr.td.a is not None,
        )
        for tr in page.html.select("table.pieces tbody tr")
    ]


def chemin_du_certificat(app):
    """The family's URL of the late absence's certificate (its first document)."""

    def find(root, registry):
        demande = next(
            d
            for d in root["familles"][NUMERO]["demandes"].values()
            if d.type_demande == "absence_justificatif"
        )
        return "/familles/%s/demandes/%s/" % (NUMERO, demande.__name__)

    return with_root(app.app, find)


def erreur(page, name):
    found = main(page).select_one("#erreur-%s" % name)
    return found.get_text(strip=True) if found else None


def test_a_late_absence_with_a_certificate_excused_credits_the_invoiced_day(town):  # noqa: F811
    regler(town, ECHU, AVOIR)
    numero, _n, _total = facturer(town, NOVEMBRE, D(2026, 11, 30))
    assert facturee(town, REST, JEUDI) == numero
    dupont = browser_for(town, "jean.dupont")

    # The day page is past: the planning links to the form, which lists it.
    grille = dupont.get(child_url(town) + "planning?mois=2026-11")
    assert "Déclarer une absence avec justificatif" in grille.text
    form = dupont.get(child_url(town) + "absence-justificatif")
    assert "Déclaration d'absence avec justificatif" in form.text
    options = [o.get_text(strip=True) for o in main(form).select("select#choix option")]
    assert any(o.startswith("Jeudi 26 Novembre 2026") for o in options)
    assert any("24 Novembre" in o for o in options)  # 7 days back
    assert not any("23 Novembre" in o for o in options)  # not 8

    done = declarer(dupont, town, JEUDI).follow()
    assert flashes(done)[0].startswith(
        "Absence avec justificatif transmise au service enfance jeunesse : "
        "Restauration scolaire, le 26/11/2026."
    )
    assert cell(town, REST, JEUDI) == cells.ABSENCE_TRAITEMENT
    assert demandes(town) == [("absence_justificatif", EN_ATTENTE, JEUDI, "", "")]
    assert regularisations(town) == []  # the billing waits for the agent
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants")
    attente = liste.html.find(id="titre-en-attente").find_parent("section").get_text(" ")
    assert "Absences avec justificatif" in attente and "Gastro-entérite" in attente

    # The day's page says where it stands, with the family's certificate.
    jour = dupont.get(
        child_url(town) + "planning-jour?prestation=%d&date=2026-11-26" % oid_of(town, REST)
    )
    assert jour.html.select_one(".etat-demande").get_text(strip=True) == "En attente"
    lien = jour.html.select_one("dd.justificatif a")
    assert lien.get_text(strip=True) == "certificat.pdf"
    assert dupont.get(lien["href"]).body.startswith(b"%PDF-")

    # The agent's queue names it and leads to its own page, not "Traiter".
    agent = staff(town, "agent")
    queue, page = page_de_decision(agent)
    assert "Absence avec justificatif" in queue.text and "certificat.pdf" in queue.text
    assert 'name="oid"' not in queue.text  # never accepted in a batch
    for text in ("LUCAS", "Jeudi 26 Novembre 2026", "Gastro-entérite", "Journée facturée"):
        assert text in page.text, text
    assert "@@traiter" not in page.text  # its page is its tab
    # The generic page sends to it (a bookmark, the family's file).
    traiter = agent.get(page.request.path.replace("@@absence-justifiee", "@@traiter"))
    assert traiter.location.endswith("@@absence-justifiee")
    # The certificate is the request's document, listed as every request's.
    assert documents_sdi(page) == [("Certificat médical", "certificat.pdf", True)]
    certificat = agent.get(page.html.select_one("table.pieces a")["href"])
    assert certificat.content_type == "application/pdf"
    assert certificat.body == pdf_bytes()[: len(certificat.body)]
    assert "attachment" in certificat.headers["Content-Disposition"]

    # A reason is required.
    form = page.forms["form-decision"]
    refused = form.submit("excuser", status=400)
    assert "Indiquez le motif de la décision" in refused.text
    assert cell(town, REST, JEUDI) == cells.ABSENCE_TRAITEMENT
    sent = len(mails(town))

    done = decider(agent, "excuser", "Certificat médical reçu.")
    assert done.status_int == 302
    assert "Absence avec justificatif de LUCAS le 26/11/2026 : Absent excusé." in done.follow()
    assert cell(town, REST, JEUDI) == cells.ABSENT_EXCUSE
    assert demandes(town) == [
        ("absence_justificatif", ACCEPTEE, JEUDI, "", "Certificat médical reçu.")
    ]
    # Billing: the invoiced day is credited at once (the régie's rule).
    [credit] = regularisations(town)
    assert credit[:6] == (
        regularisation.CREDIT,
        cells.ABSENCE_ACCEPTEE,
        JEUDI,
        regularisation.FAITE,
        E("4.00"),
        numero,
    )
    kind, montant, corrigee, motif, _figee = document(town, credit[6])
    assert (kind, montant, corrigee) == ("avoir", E("4.00"), numero)
    assert "absence acceptée par le service (certificat médical) le 26/11/2026" in motif
    assert facturee(town, REST, JEUDI) is None

    # One mail, saying which decision and why.
    nouveaux = mails(town)[sent:]
    assert len(nouveaux) == 1
    mail = nouveaux[0]
    for text in (
        "To: jean.dupont@wanadoo.fr",
        "Absent excusé",
        "la journée n'est pas facturée",
        "Motif de la décision : Certificat médical reçu.",
        "Enfant : LUCAS",
        "Restauration scolaire",
        "26/11/2026",
        "Gastro-entérite",
    ):
        assert text in mail, text

    # The family reads the decision in "Liste des demandes" and on the day.
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants&type=absence_justificatif")
    acceptees = liste.html.find(id="titre-acceptees").find_parent("section").get_text(" ")
    assert "Décision : Absent excusé" in acceptees
    assert "Motif de la décision : Certificat médical reçu." in acceptees
    jour = dupont.get(
        child_url(town) + "planning-jour?prestation=%d&date=2026-11-26" % oid_of(town, REST)
    )
    assert jour.html.select_one(".etat-jour").get_text(strip=True) == "Absent excusé"
    assert jour.html.select_one(".decision").get_text(strip=True) == "Absent excusé"
    assert jour.html.select_one(".motif-decision").get_text(strip=True) == (
        "Certificat médical reçu."
    )
    # Deciding again does nothing (an old page).
    again = agent.post(
        page.forms["form-decision"].action,
        {
            "csrf_token": page.forms["form-decision"]["csrf_token"].value,
            "facturer": "1",
            "motif": "x",
        },
    )
    assert again.status_int == 302
    assert cell(town, REST, JEUDI) == cells.ABSENT_EXCUSE
    assert len(mails(town)) == sent + 1


def test_a_late_absence_with_a_certificate_billed_stays_billed(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    declarer(dupont, town, JEUDI, fichier=("ordonnance.png", png_bytes()))
    sent = len(mails(town))
    agent = staff(town, "agent")
    decider(agent, "facturer", "Le certificat ne couvre pas le 26/11.")
    assert cell(town, REST, JEUDI) == cells.ABSENT_FACTURE
    assert demandes(town) == [
        ("absence_justificatif", REFUSEE, JEUDI, "Le certificat ne couvre pas le 26/11.", "")
    ]
    # November's run bills it like a reserved day; nothing to regularise.
    days = apercu(town, NOVEMBRE)
    assert days["nombre"] == 1
    numero, _n, _total = facturer(town, NOVEMBRE, D(2026, 11, 30))
    assert facturee(town, REST, JEUDI) == numero
    assert regularisations(town) == []

    nouveaux = mails(town)[sent:]
    assert len(nouveaux) == 1
    assert "Absent facturé" in nouveaux[0] and "la journée est facturée" in nouveaux[0]
    assert "Le certificat ne couvre pas le 26/11." in nouveaux[0]
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants")
    refusees = liste.html.find(id="titre-refusees").find_parent("section").get_text(" ")
    assert "Décision : Absent facturé" in refusees
    assert "Le certificat ne couvre pas le 26/11." in refusees


def test_the_rules_of_a_late_absence(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    # Not a certificate: refused by content, beside the field; nothing stored.
    page = declarer(dupont, town, JEUDI, fichier=("certificat.pdf", b"<html>x</html>"), status=400)
    assert erreur(page, "certificat") == (
        "Ce fichier n'est pas accepté : seuls les fichiers PDF, JPEG, PNG sont acceptés."
    )
    page = declarer(dupont, town, JEUDI, fichier=False, status=400)
    assert erreur(page, "certificat") == "Joignez le certificat médical (PDF, JPEG ou PNG)."
    page = declarer(dupont, town, JEUDI, motif="  ", status=400)
    assert erreur(page, "motif") == "Indiquez la raison de l'absence."
    page = declarer(dupont, town, JEUDI, confirmation=False, status=400)
    assert erreur(page, "confirmation") == "Cochez la case pour confirmer l'absence."
    # Within the deadline: the ordinary absence, not this one.
    jeudi_prochain = D(2026, 12, 10)
    page = declarer(dupont, town, jeudi_prochain, valeur=choix(town, jeudi_prochain), status=400)
    assert (
        "Le délai d'absence n'est pas dépassé" in page.html.select_one("#refus-justificatif").text
    )
    # More than 7 days after the day.
    page = declarer(dupont, town, D(2026, 11, 23), valeur=choix(town, D(2026, 11, 23)), status=400)
    assert "au plus tard 7 jours après la journée" in page.text
    # A forged day.
    page = declarer(dupont, town, JEUDI, valeur="12:2026-13-40", status=400)
    assert erreur(page, "choix") == "Choisissez la journée et l'activité de l'absence."
    assert demandes(town) == []
    assert cell(town, REST, JEUDI) == cells.RESERVE

    # One per day.
    declarer(dupont, town, JEUDI)
    page = declarer(dupont, town, JEUDI, status=400)
    assert "une seule modification" in page.text
    ecrire = page.html.find("a", string="Écrire au service depuis la Boîte de réception")
    assert "boite-de-reception" in ecrire["href"]
    assert len(demandes(town)) == 1


def test_a_certificate_after_a_late_absence_billed(town):  # noqa: F811
    """Declared late without a certificate (today), made "Absent facturé",
    the day takes a certificate afterwards."""
    today = D(2026, 12, 1)
    dupont = browser_for(town, "jean.dupont")
    absence(dupont, town, REST, today, motif="Fièvre")
    premiere_a_traiter(staff(town, "agent"), "absence")[1].forms["form-accepter"].submit("accepter")
    assert cell(town, REST, today) == cells.ABSENT_FACTURE
    declarer(dupont, town, today)
    assert cell(town, REST, today) == cells.ABSENCE_TRAITEMENT
    decider(staff(town, "agent"), "excuser", "Certificat reçu.")
    assert cell(town, REST, today) == cells.ABSENT_EXCUSE


def test_who_reads_the_certificate(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    declarer(dupont, town, JEUDI)
    demande = chemin_du_certificat(town)
    url = demande + "piece?n=1"
    sdi = "/manage" + demande + "@@piece?n=1"

    def lectures(root, registry):
        entries = journal.lire(root, genre=journal.LECTURE, famille=NUMERO, limite=1000)[0]
        return [e for e in entries if e["quoi"] == "sanitaires"]

    before = len(with_root(town.app, lectures))
    assert dupont.get(url).body.startswith(b"%PDF-")
    # The family's list of requests links to it, as to any document.
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants")
    lien = liste.html.select_one("ul.pieces a")
    assert lien.get_text(strip=True) == "Certificat médical : certificat.pdf"
    assert lien["href"].endswith(url)
    assert len(with_root(town.app, lectures)) == before  # a parent's read: not audited
    # MARTIN replays DUPONT's URLs: nothing, not even a hint.
    martin = martin_logged_in(town)
    replay = martin.get(url, status=404)
    assert b"%PDF" not in replay.body
    assert martin.get(sdi, status=302).location.endswith("/")
    # A régisseur reads no health data: 403, and the page names the file only.
    regisseur = staff(town, "regisseur")
    regisseur.get(url, status=403)
    regisseur.get(sdi, status=403)
    queue, page = page_de_decision(regisseur)
    assert documents_sdi(page) == [
        (
            "Certificat médical",
            "certificat.pdf (PDF, 1 Ko) réservé aux agents (données de santé)",
            False,
        )
    ]
    assert "form-decision" not in page.text
    # ... nor decide, whatever the page showed.
    jeton = re.search(r'name="csrf_token" value="([^"]+)"', queue.text).group(1)
    action = page.request.path
    regisseur.post(action, {"csrf_token": jeton, "excuser": "1", "motif": "x"}, status=403)
    assert cell(town, REST, JEUDI) == cells.ABSENCE_TRAITEMENT
    # MARTIN cannot open DUPONT's child's form either.
    martin.get(child_url(town) + "absence-justificatif", status=404)
    # An agent's read is audited, from the SDI as from the family's URL.
    agent = staff(town, "agent")
    assert agent.get(sdi).body.startswith(b"%PDF-")
    assert len(with_root(town.app, lectures)) == before + 1
    assert agent.get(url).body.startswith(b"%PDF-")
    assert len(with_root(town.app, lectures)) == before + 2


def test_a_planning_request_s_mail_says_which_day_once(town):  # noqa: F811
    """Part 5 for the grid's requests: a reservation refused by an agent."""
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, VJ, VACANCES)
    sent = len(mails(town))
    form = premiere_a_traiter(staff(town, "agent"), "reservation")[1].forms["form-refuser"]
    form["motif"] = "Le centre est complet pour les fêtes."
    form.submit("refuser")
    nouveaux = mails(town)[sent:]
    assert len(nouveaux) == 1
    for text in (
        "Demande : Demande de Réservation",
        "Enfant : LUCAS",
        "Activité : Accueil de Loisirs ALSH — Vacances journée",
        "Date : 21/12/2026",
        "Décision : Refusée",
        "Motif du refus : Le centre est complet pour les fêtes.",
    ):
        assert text in nouveaux[0], text


def test_the_retention_erases_the_certificate(town):  # noqa: F811
    """Three years after the child left, its requests' values and its
    certificates go (RGPD retention, ``rgpd.retention``)."""
    dupont = browser_for(town, "jean.dupont")
    declarer(dupont, town, JEUDI)

    def effacer(root, registry):
        retention.effacer(lucas(root), D(2030, 1, 1))
        return [
            (list(d.pieces), d.valeurs)
            for d in root["familles"][NUMERO]["demandes"].values()
            if d.type_demande == "absence_justificatif"
        ]

    assert with_root(town.app, effacer) == [([], {})]


def test_the_certificate_is_listed_with_the_request_s_documents_in_the_sdi(town):  # noqa: F811
    """One place lists a request's documents in the SDI: the late
    absence's page shows its certificate and a document the parent joined
    afterwards ("Joindre un document") in the same table, each read the
    same way."""
    dupont = browser_for(town, "jean.dupont")
    declarer(dupont, town, JEUDI)
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants")
    joindre = dupont.get(liste.html.select_one("ul.joindre a")["href"])
    form = joindre.forms["form-joindre"]
    form["nature"] = "autre"
    form["document"] = webtest.Upload("ordonnance.png", png_bytes(), "image/png")
    form.submit("envoyer", status=302)

    agent = staff(town, "agent")
    _queue, page = page_de_decision(agent)
    assert documents_sdi(page) == [
        ("Certificat médical", "certificat.pdf", True),
        ("Autre justificatif", "ordonnance.png", True),
    ]
    [titre] = [h.get_text(strip=True) for h in page.html.select("h4")]
    assert titre == "Documents joints"
    liens = [a["href"] for a in page.html.select("table.pieces a")]
    assert [urlsplit(u).query for u in liens] == ["n=1", "n=2"]
    assert agent.get(liens[0]).body == pdf_bytes()
    assert agent.get(liens[1]).body == png_bytes()
    # The régisseur's page lists both; only the health one has no link.
    _queue, page = page_de_decision(staff(town, "regisseur"))
    assert [(kind, lien) for kind, _nom, lien in documents_sdi(page)] == [
        ("Certificat médical", False),
        ("Autre justificatif", True),
    ]


def ancien_justificatif(root, registry):
    """DUPONT's late absence as the code before evolve step40 stored it:
    the certificate in ``justificatif`` (a ``fichiers.Fichier``), a
    document joined afterwards in ``pieces``; and a request the retention
    had erased then (``justificatif = None``).  Returns their names."""
    demandes = root["familles"][NUMERO]["demandes"]
    demande, effacee = sorted(
        (d for d in demandes.values() if d.type_demande == "absence_justificatif"),
        key=lambda d: d.jour,
        reverse=True,
    )
    [piece] = demande.pieces
    assert piece.nature == pieces.CERTIFICAT_MEDICAL
    demande.justificatif = fichiers.Fichier(piece.contenu(), piece.mimetype, piece.nom)
    autre = pieces.Piece(png_bytes(), fichiers.PNG, "note.png", "autre", "jean.dupont", None)
    autre.date = demande.date_demande
    demande.pieces = PersistentList([autre])  # joined afterwards ("Joindre un document")
    assert "justificatif" in demande.__dict__ and len(demande.pieces) == 1
    effacee.justificatif = None
    effacee.valeurs = {}
    del effacee.pieces  # the class's (): no document before the step
    return demande.__name__, effacee.__name__


def test_evolve_step40_moves_a_certificate_into_the_request_s_documents(town):  # noqa: F811
    assert "step40" in STEPS
    assert STEPS.index("step40") == STEPS.index("step38") + 1
    dupont = browser_for(town, "jean.dupont")
    declarer(dupont, town, JEUDI)
    declarer(dupont, town, D(2026, 11, 24))
    ancienne, effacee = with_root(town.app, ancien_justificatif)

    def etat(root, registry):
        demandes = root["familles"][NUMERO]["demandes"]
        demande, autre = demandes[ancienne], demandes[effacee]
        return (
            "justificatif" in demande.__dict__,
            [
                (p.nature, p.nom, p.mimetype, p.taille, p.contenu(), p.par, p.date)
                for p in demande.pieces
            ],
            demande.date_demande,
            "justificatif" in autre.__dict__,
            list(autre.pieces),
        )

    with_root(town.app, step40.evolve)
    vieux, documents, date, vieux_efface, pieces_effacee = with_root(town.app, etat)
    assert not vieux and not vieux_efface and pieces_effacee == []
    pdf = pdf_bytes()
    assert documents == [
        ("certificat_medical", "certificat.pdf", fichiers.PDF, len(pdf), pdf, "jean.dupont", date),
        ("autre", "note.png", fichiers.PNG, len(png_bytes()), png_bytes(), "jean.dupont", date),
    ]
    # Idempotent.
    with_root(town.app, step40.evolve)
    assert with_root(town.app, etat)[1] == documents

    # Read and listed as every request's documents are.
    url = "/familles/%s/demandes/%s/piece?n=1" % (NUMERO, ancienne)
    assert dupont.get(url).body == pdf
    jour = dupont.get(
        child_url(town) + "planning-jour?prestation=%d&date=2026-11-26" % oid_of(town, REST)
    )
    assert [a.get_text(strip=True) for a in jour.html.select("dd.justificatif a")] == [
        "certificat.pdf",
        "note.png",
    ]
    martin_logged_in(town).get(url, status=404)
    staff(town, "regisseur").get(url, status=403)
    agent = staff(town, "agent")
    page = agent.get("/manage/familles/%s/demandes/%s/@@absence-justifiee" % (NUMERO, ancienne))
    assert documents_sdi(page) == [
        ("Certificat médical", "certificat.pdf", True),
        ("Autre justificatif", "note.png", True),
    ]
    assert agent.get(page.html.select_one("table.pieces a")["href"]).body == pdf
    # The decision goes on as before.
    form = page.forms["form-decision"]
    form["motif"] = "Certificat médical reçu."
    form.submit("excuser", status=302)
    assert cell(town, REST, JEUDI) == cells.ABSENT_EXCUSE


def test_the_certificate_counts_in_the_family_s_attachments(town, monkeypatch):  # noqa: F811
    """One upload path: the late absence's certificate and a document
    joined to a request count in the same limit of the family's
    attachments (``familles.limites``); past it, 429 with the French
    message beside the field, nothing stored."""
    monkeypatch.setitem(town.app.registry.settings, "portail.limites.pieces_jointes.heure", "2")
    dupont = browser_for(town, "jean.dupont")
    declarer(dupont, town, JEUDI)
    liste = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants")
    joindre = dupont.get(liste.html.select_one("ul.joindre a")["href"])
    form = joindre.forms["form-joindre"]
    form["document"] = webtest.Upload("ordonnance.png", png_bytes(), "image/png")
    form.submit("envoyer", status=302)

    page = declarer(dupont, town, D(2026, 11, 24), valeur=choix(town, D(2026, 11, 24)), status=429)
    assert page.headers["Retry-After"]
    assert erreur(page, "certificat").startswith(
        "Vous avez envoyé 2 pièces jointes en une heure : c'est la limite."
    )
    assert cell(town, REST, D(2026, 11, 24)) == cells.RESERVE
    assert len(demandes(town)) == 1
    form = dupont.get(joindre.request.url).forms["form-joindre"]
    form["document"] = webtest.Upload("autre.png", png_bytes(), "image/png")
    refus = form.submit("envoyer", status=429)
    assert (
        refus.html.select_one("#document-erreur")
        .get_text(strip=True)
        .startswith("Vous avez envoyé 2 pièces jointes en une heure : c'est la limite.")
    )

    def documents(root, registry):
        return sorted(
            p.nom for d in root["familles"][NUMERO]["demandes"].values() for p in d.pieces
        )

    assert with_root(town.app, documents) == ["certificat.pdf", "ordonnance.png"]
