"""Issued documents are frozen (issue 16, item 2): an invoice, a credit note
and a payment's receipt are rendered once, kept with their SHA-256, and
served as issued whatever changes afterwards; one issued before (the demo's
AL-36) is frozen at its first download; a renderer missing at issue loses
no issue; a tampered original is refused."""

import datetime
import hashlib
import io
import logging
from decimal import Decimal

from pypdf import PdfReader

from portail_famille import dates
from portail_famille.demandes import service as demandes
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.planning import cells

from .. import peuplement
from ..conftest import ADMIN, DUPONT_URL, csrf, login, make_app, with_root
from .conftest import client
from .test_facturation_campagne import confirmer

D = Decimal
AL36 = DUPONT_URL + "factures/AL-36/pdf"
SDI_FAMILLE = "/manage/familles/%s/" % DUPONT["numero"]
CANTINE = ("garderie-periscolaire", "restauration-scolaire")
RUN_URL = "/manage/regies/regie-garderie-alsh/@@facturation"


def parent(app, login_name="jean.dupont"):
    browser = client(app)
    login(browser, login_name, COMPTES[login_name][0])
    return browser


def staff(app, role):
    browser = client(app)
    login(browser, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return browser


def texte(body):
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def stored(app, numero, dossier="factures"):
    """(bytes, sha256, renderer, rendered at) of DUPONT's document's
    original, straight from the blob; None when it has none."""

    def read(root, registry):
        document = root["familles"][DUPONT["numero"]][dossier][numero]
        original = document.original
        if original is None:
            return None
        with original.blob.open("r") as fp:
            data = fp.read()
        return data, original.sha256, original.moteur, original.rendu_le

    return with_root(app.app, read)


def reserver_mai(root, registry, familles):
    """The canteen booked on 4 and 5 May 2015 for DUPONT's child and for
    the one child of ``familles`` new families (8.00 € each)."""
    oid = peuplement.cantine_mai_2015(root, registry, familles, "90000000", [4, 5])
    enfant = next(iter(root["familles"][DUPONT["numero"]]["enfants"].values()))
    for day in (4, 5):
        cells.set_cell(enfant, oid, datetime.date(2015, 5, day), cells.RESERVE)


def reglement(browser, **fields):
    """ "Enregistrer un règlement" on DUPONT's account (SDI, tab Compte)."""
    page = browser.get(SDI_FAMILLE + "@@compte")
    values = {
        "regie": "regie-garderie-alsh",
        "mode": "cheque",
        "montant": "150,00",
        "date": dates.today().isoformat(),
        "reference": "",
        "enregistrer": "1",
        "csrf_token": csrf(page),
    }
    values.update(fields)
    return browser.post(SDI_FAMILLE + "@@compte", values, status=302)


def accept_address_change(app, browser):
    """DUPONT asks for a new address (Mon compte, Infos Responsable) and an
    agent accepts it in the SDI: the record changes."""
    page = browser.get(DUPONT_URL + "demande-responsable")
    form = page.forms["demande"]
    form["adresse"] = "3 PLACE DU MARCHÉ"
    form["code_postal"] = "38330"
    form["ville"] = "BIVIERS"
    form.submit("enregistrer", status=302)
    nom = with_root(
        app.app,
        lambda root, registry: (
            demandes.en_attente(root["familles"][DUPONT["numero"]], "responsable").__name__
        ),
    )
    agent = staff(app, "agent")
    page = agent.get(SDI_FAMILLE + "demandes/%s/@@traiter" % nom)
    page.forms["form-accepter"].submit("accepter", status=302)
    record = with_root(
        app.app, lambda root, registry: dict(root["familles"][DUPONT["numero"]].responsable)
    )
    assert (record["adresse"], record["ville"]) == ("3 PLACE DU MARCHÉ", "BIVIERS")


def test_al36_frozen_at_first_download_then_served_as_issued(tmp_path):
    app = make_app(tmp_path, **{"portail.commune": "Saint-Jean"})
    assert stored(app, "AL-36") is None  # issued before frozen documents
    dupont = parent(app)
    first = dupont.get(AL36)
    data, sha, moteur, rendu_le = stored(app, "AL-36")
    assert first.body == data and hashlib.sha256(data).hexdigest() == sha
    assert first.etag == sha
    assert moteur.startswith("wkhtmltopdf 0.12")
    assert rendu_le.tzinfo is not None and dates.now() - rendu_le < datetime.timedelta(minutes=5)
    assert "12 RUE DES BONBONS" in texte(first.body)

    # Everything the PDF is made of changes: the family's address (through
    # the real request and its acceptance), the town's settings, the
    # régie's address, the renderer.
    accept_address_change(app, dupont)
    settings = app.app.registry.settings
    settings["portail.commune"] = "Biviers"
    settings["portail.mairie"] = "Mairie de Biviers"
    settings["portail.pdf"] = "weasyprint"

    def regie_moves(root, registry):
        root["regies"]["regie-garderie-alsh"].adresse = "Régie, 1 rue Neuve, 38330 Biviers"

    with_root(app.app, regie_moves)
    again = dupont.get(AL36)
    assert again.body == first.body and again.etag == sha
    assert stored(app, "AL-36") == (data, sha, moteur, rendu_le)
    # staff get the very same bytes; a browser that has them gets a 304
    assert staff(app, "regisseur").get(AL36).body == data
    dupont.get(AL36, headers={"If-None-Match": '"%s"' % sha}, status=304)
    # what is issued now does print the new address and settings
    browser = staff(app, "regisseur")
    page = browser.get(SDI_FAMILLE + "factures/AL-36/@@facture")
    page.forms["form-avoir"]["montant"] = "10,00"
    page.forms["form-avoir"]["motif"] = "Sortie annulée"
    page.forms["form-avoir"].submit("emettre", status=302)
    avoir = texte(stored(app, "AL-229")[0])
    assert "3 PLACE DU MARCHÉ" in avoir and "Mairie de Biviers" in avoir


def test_a_run_freezes_each_invoice_it_issues(app):
    """A run through the SDI (three families, rendered several at a time):
    right after it, each invoice has its original, and the download
    serves it."""
    with_root(app.app, lambda root, registry: reserver_mai(root, registry, 2))
    browser = staff(app, "regisseur")
    page = browser.get(RUN_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    done = confirmer(page).follow()
    assert "3 facture(s), du n° AL-229 au n° AL-231" in done.text

    def originals(root, registry):
        found = {}
        for famille in root["familles"].values():
            for numero, document in famille["factures"].items():
                if numero in ("AL-229", "AL-230", "AL-231"):
                    with document.original.blob.open("r") as fp:
                        found[numero] = (famille.__name__, fp.read(), document.original.sha256)
        return found

    found = with_root(app.app, originals)
    assert sorted(found) == ["AL-229", "AL-230", "AL-231"]
    for numero, (_famille, data, sha) in found.items():
        assert hashlib.sha256(data).hexdigest() == sha
        assert "N° Facture %s" % numero in texte(data)
        assert "Période 01/05/2015 - 31/05/2015" in texte(data)
    numero = next(n for n, (famille, _d, _s) in found.items() if famille == DUPONT["numero"])
    response = parent(app).get(DUPONT_URL + "factures/%s/pdf" % numero)
    assert response.body == found[numero][1]
    assert with_root(app.app, originals) == found


def test_credit_note_and_receipt_frozen_when_recorded(app):
    regisseur = staff(app, "regisseur")
    reglement(regisseur, date="2015-05-02", reference="Chèque n° 8812345")
    data, sha, _moteur, _rendu = stored(app, "AL-229", "reglements")
    text = texte(data)
    for expected in (
        "Reçu AL-229",
        "N° Règlement AL-229",
        "Date du règlement 02/05/2015",
        "Mode de règlement Chèque",
        "Référence Chèque n° 8812345",
        "Montant reçu 150,00 €",
        "AL-36 08/04/2015 Facture : 01/04/2015 - 30/04/2015 120,60 €",
        "Crédit restant sur votre compte 29,40 €",
        "N° Famille : 1001001818331",
        "La régie Régie garderie ALSH atteste avoir reçu ce règlement.",
    ):
        assert expected in text, expected
    # the staff's tab of the payment links its receipt; the family's
    # statement ("Mes règlements") too, and both get the frozen bytes
    tab = regisseur.get(SDI_FAMILLE + "reglements/AL-229/@@reglement")
    recu = DUPONT_URL + "reglements/AL-229/pdf"
    assert '<a href="%s" class="pdf">Voir le reçu (PDF)</a>' % recu in tab.text
    assert regisseur.get(recu).body == data
    dupont = parent(app)
    releve = dupont.get(
        DUPONT_URL + "releve-de-compte", {"annee": "2014-2015", "onglet": "reglements"}
    )
    assert 'href="%s"' % recu in releve.text
    assert "Imprimer le reçu AL-229 (PDF)" in releve.text
    response = dupont.get(recu)
    assert response.body == data and response.etag == sha
    assert response.headers["Content-Disposition"] == 'inline; filename="recu-AL-229.pdf"'
    # a credit note, issued through the SDI: frozen at once
    page = regisseur.get(SDI_FAMILLE + "factures/AL-12/@@facture")
    form = page.forms["form-avoir"]
    form["montant"] = "3,20"
    form["motif"] = "Repas non servi"
    form.submit("emettre", status=302)
    data, sha, _moteur, _rendu = stored(app, "AL-230")
    assert "Avoir AL-230" in texte(data) and "Motif Repas non servi" in texte(data)
    assert dupont.get(DUPONT_URL + "factures/AL-230/pdf").body == data


def test_a_renderer_missing_at_issue_loses_no_issue(tmp_path, caplog):
    """A run and a payment while the renderer is missing: both issued and
    committed, their HTML kept; no download until the renderer is back (a
    French 503); then each is frozen from its HTML as issued, whatever
    changed meanwhile."""
    absent = {"portail.pdf": "wkhtmltopdf", "portail.pdf.wkhtmltopdf": "/nulle/part/wkhtmltopdf"}
    app = make_app(tmp_path, **absent)
    with_root(app.app, lambda root, registry: reserver_mai(root, registry, 0))
    regisseur = staff(app, "regisseur")
    page = regisseur.get(RUN_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    with caplog.at_level(logging.ERROR):
        done = confirmer(page).follow()
        assert "1 facture(s), du n° AL-229 au n° AL-229" in done.text
        done = reglement(regisseur, mode="especes", montant="20,00").follow()
        assert "Règlement AL-230 enregistré" in done.text
    for numero in ("AL-229", "AL-230"):
        assert any(
            numero in r.getMessage() and "not frozen" in r.getMessage() for r in caplog.records
        )

    def state(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        facture, paiement = famille["factures"]["AL-229"], famille["reglements"]["AL-230"]
        return {
            "facture": (facture.montant, facture.original, facture.html_emis is not None),
            "reglement": (paiement.montant, paiement.affectations.get("AL-36"), paiement.original),
            "html": paiement.html_emis is not None,
        }

    assert with_root(app.app, state) == {
        "facture": (D("8.00"), None, True),
        "reglement": (D("20.00"), D("20.00"), None),
        "html": True,
    }
    urls = {
        "AL-229": DUPONT_URL + "factures/AL-229/pdf",
        "AL-230": DUPONT_URL + "reglements/AL-230/pdf",
    }
    for url in urls.values():
        assert "Document indisponible" in regisseur.get(url, status=503).text

    def moves(root, registry):
        root["familles"][DUPONT["numero"]].responsable["adresse"] = "3 PLACE DU MARCHÉ"

    with_root(app.app, moves)
    app.app.registry.settings["portail.pdf.wkhtmltopdf"] = "wkhtmltopdf"
    bodies = {numero: regisseur.get(url).body for numero, url in urls.items()}
    assert stored(app, "AL-229")[0] == bodies["AL-229"]
    assert stored(app, "AL-230", "reglements")[0] == bodies["AL-230"]
    assert "Montant reçu 20,00 €" in texte(bodies["AL-230"])
    assert "Total de la facture 8,00 €" in texte(bodies["AL-229"])
    for body in bodies.values():
        assert "12 RUE DES BONBONS" in texte(body) and "MARCHÉ" not in texte(body)
    after = with_root(app.app, state)
    assert after["facture"][2] is False and after["html"] is False


def test_a_tampered_original_is_refused_never_served(app, caplog):
    dupont = parent(app)
    issued = dupont.get(AL36).body

    def tamper(root, registry):
        original = root["familles"][DUPONT["numero"]]["factures"]["AL-36"].original
        with original.blob.open("w") as fp:
            fp.write(issued.replace(b"120,60", b"012,60") if b"120,60" in issued else issued + b" ")

    with_root(app.app, tamper)
    with caplog.at_level(logging.ERROR):
        response = dupont.get(AL36, status=500)
    assert response.content_type == "text/html"
    assert "Document indisponible" in response.text
    assert "ne correspond plus à celui qui a été émis" in response.text
    assert "%PDF" not in response.text and "Traceback" not in response.text
    assert any("AL-36" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def test_only_the_family_and_staff_get_a_receipt(martin, anonymous, editeur, agent):
    recu = DUPONT_URL + "reglements/AL-228/pdf"
    for browser, status in ((martin, 404), (editeur, 403)):
        response = browser.get(recu, status=status)
        assert "%PDF" not in response.text and "BONBONS" not in response.text
    assert "/connexion?came_from=" in anonymous.get(recu, status=302).location
    assert "Reçu AL-228" in texte(agent.get(recu).body)
