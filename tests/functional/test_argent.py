"""Money that reads right (issue 20, item 3): one meaning per word ("Reste
à payer" the sum still due, "Crédit disponible" only when there is one),
the same figures on the home page, the statement and the staff's Compte
tab; the statement's rows carry the manual's PDF and card icons (no card
for an invoice collected elsewhere); an invoice's page and its PDF list
the days it bills."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from portail_famille import dates
from portail_famille.demo import DUPONT
from portail_famille.facturation import service
from portail_famille.facturation.jours import jours_factures
from portail_famille.montants import euros

from ..conftest import ADMIN, COMPTES, DUPONT_URL, login, with_root
from .conftest import client
from .test_releve import LUNDI_4_MAI, app_du_manuel, cadre, eur, links, rows

D = Decimal
RELEVE = DUPONT_URL + "releve-de-compte"
AL36 = DUPONT_URL + "factures/AL-36/"
AL12 = DUPONT_URL + "factures/AL-12/"
COMPTE = "/manage/familles/%s/@@compte" % DUPONT["numero"]
REGIE = "regie-garderie-alsh"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    return app_du_manuel(tmp_path_factory.mktemp("argent"))


@pytest.fixture
def app(tmp_path):
    return app_du_manuel(tmp_path)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(dates, "now", lambda: LUNDI_4_MAI)


def parent(app):
    browser = client(app)
    login(browser, "jean.dupont", COMPTES["jean.dupont"][0])
    return browser


def staff(app, role="regisseur"):
    browser = client(app)
    login(browser, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return browser


def paires(page, selector):
    """{dt: dd} of the definition list ``selector``."""
    dl = page.html.select_one(selector)
    assert dl is not None, selector
    return {
        dt.get_text(" ", strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in dl.select("dt")
    }


def figures(app):
    """What the three screens say: home, statement, staff's Compte tab."""
    dupont = parent(app)
    home = paires(dupont.get(DUPONT_URL), "dl.sommes-compte")
    releve = paires(dupont.get(RELEVE), "dl.fiche-compte")
    compte = staff(app).get(COMPTE).html
    total_du = compte.select_one(".total-du")
    return {
        "home": home,
        "releve": {
            k: v for k, v in releve.items() if k in ("Reste à payer :", "Crédit disponible :")
        },
        "staff_reste": total_du.get_text(strip=True) if total_du else eur("0,00 €"),
        "staff_credit": compte.select_one("#credit").get_text(strip=True),
    }


def test_figures_agree_while_an_invoice_is_due(app):
    found = figures(app)
    # 120,60 € unpaid and no credit: no word of a "solde de 0,00 €"
    assert found["home"] == {"Reste à payer :": eur("120,60 €")}
    assert found["releve"] == found["home"]
    assert found["staff_reste"] == eur("120,60 €")
    assert found["staff_credit"] == eur("0,00 €")
    page = parent(app).get(DUPONT_URL)
    assert "solde" not in cadre(page, "titre-operations").get_text().lower()
    releve = parent(app).get(RELEVE)
    assert "Solde du compte :" not in releve.text
    # the year's balance (the manual's words) is what is due, net of credit
    solde = releve.html.select_one("tr.solde").get_text(" ", strip=True)
    assert solde == "Solde du Compte pour l'année scolaire : " + eur("120,60 €")


def test_figures_agree_with_a_credit_and_an_invoice_sent_to_the_tresor(app):
    def change(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        regie = root["regies"][REGIE]
        service.enregistrer_reglement(
            famille, regie, datetime.date(2015, 5, 2), "150.00", "especes",
            numeros=["AL-36"], registry=registry,
        )  # fmt: skip
        ligne = famille["factures"]["AL-36"].lignes[0]
        lignes = [{**ligne, "quantite": 10, "prix": D("5.00"), "montant": D("50.00")}]
        facture = service.emettre_facture(
            famille, regie, datetime.date(2015, 5, 4), datetime.date(2015, 5, 1),
            datetime.date(2015, 5, 31), lignes, registry=registry,
        )  # fmt: skip
        # the credit settled part of it; the Trésor public collects the rest
        facture.tresor = {"fichier": "PES-1.xml", "date": datetime.date(2015, 5, 4)}
        return facture.numero, facture.reste, service.credit_disponible(famille)

    numero, reste, credit = with_root(app.app, change)
    assert reste > 0 and credit == 0  # the credit went to the new invoice
    found = figures(app)
    assert found["home"] == {"Reste à payer :": euros(reste)} == {"Reste à payer :": "20,60\xa0€"}
    assert found["releve"] == found["home"]
    assert found["staff_reste"] == euros(reste)

    home = parent(app).get(DUPONT_URL)
    impayee = rows(home, "table.impayees")[0]
    assert impayee[0] == numero
    assert impayee[-1] == "Imprimer la facture %s (PDF) Transmise au Trésor public" % numero
    assert [h for h, _t, _ti in links(cadre(home, "titre-impayees"))] == [
        DUPONT_URL + "factures/%s/pdf" % numero
    ]  # no card: not paid online
    releve = parent(app).get(RELEVE)
    ligne = next(r for r in rows(releve, "section.releve table") if r[0] == numero)
    assert ligne[-1] == "Imprimer la facture %s (PDF) Transmise au Trésor public" % numero


def test_a_scheduled_direct_debit_replaces_the_card(app):
    def schedule(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        famille["factures"]["AL-36"].prelevement = {
            "lot": "P-1",
            "echeance": datetime.date(2015, 5, 15),
        }

    with_root(app.app, schedule)
    dupont = parent(app)
    mention = "Imprimer la facture AL-36 (PDF) Prélèvement prévu le 15/05/2015"
    home = dupont.get(DUPONT_URL)
    assert rows(home, "table.impayees")[0][-1] == mention
    releve = dupont.get(RELEVE)
    assert rows(releve, "section.releve table")[0][-1] == mention
    facture = dupont.get(AL36)
    assert paires(facture, "dl.fiche-facture")["État :"] == "Prélèvement prévu le 15/05/2015"
    for page in (home, releve, facture):
        assert AL36 + "payer" not in page.text
    # still due: the figures count it
    assert paires(home, "dl.sommes-compte") == {"Reste à payer :": eur("120,60 €")}


def test_credit_shows_only_when_there_is_one(app):
    def pay(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        service.enregistrer_reglement(
            famille, root["regies"][REGIE], datetime.date(2015, 5, 2), "150.00", "especes",
            numeros=["AL-36"], registry=registry,
        )  # fmt: skip

    with_root(app.app, pay)
    found = figures(app)
    expected = {"Reste à payer :": eur("0,00 €"), "Crédit disponible :": eur("29,40 €")}
    assert found["home"] == expected
    assert found["releve"] == expected
    assert found["staff_credit"] == eur("29,40 €")
    solde = parent(app).get(RELEVE).html.select_one("tr.solde").get_text(" ", strip=True)
    assert solde == "Solde du Compte pour l'année scolaire : " + eur("29,40 €")


def test_statement_rows_carry_the_manuals_icons(shared):
    dupont = parent(shared)
    page = dupont.get(RELEVE, {"annee": "2014-2015"})
    section = page.html.select_one("section.releve")
    assert [h for h, _t, _ti in links(section)] == [
        AL36 + "pdf",
        AL36 + "payer",
        DUPONT_URL + "reglements/AL-228/pdf",
        AL12 + "pdf",
    ]
    icones = [r[-1] for r in rows(page, "section.releve table")[:3]]
    assert icones == [
        "Imprimer la facture AL-36 (PDF) Payer en ligne la facture AL-36",
        "Imprimer le reçu AL-228 (PDF)",
        "Imprimer la facture AL-12 (PDF)",
    ]
    # an invoice's number leads to its page; a payment's has none
    numeros = {a.get_text(strip=True): a["href"] for a in section.select("tbody th a")}
    assert numeros == {"AL-36": AL36, "AL-12": AL12}
    # staff read the same statement, without the card
    agent = staff(shared, "agent").get(RELEVE, {"annee": "2014-2015"})
    assert AL36 + "payer" not in agent.text and AL36 + "pdf" in agent.text


AL36_JOURS = [
    ("07/04/2015", "Mercredi journée"),
    ("08/04/2015", "Mercredi après-midi"),
    ("13/04/2015", "Vacances journée"),
]


def test_invoice_page_lists_the_billed_days(shared):
    dupont = parent(shared)
    page = dupont.get(AL36)
    assert page.html.select_one("h1").get_text(" ", strip=True) == "Facture AL-36"
    fiche = paires(page, "dl.fiche-facture")
    assert fiche["Montant :"] == eur("120,60 €")
    assert fiche["Reste à payer :"] == eur("120,60 €")
    assert fiche["État :"] == "À payer"
    assert [h for h, _t, _ti in links(page.html)] == [AL36 + "pdf", AL36 + "payer"]
    jours = rows(page, "table.jours-factures")
    # April 2015's planning: 2 + 2 + 5 + 2 days, each one unit
    assert len(jours) == 11
    assert [j[0] for j in jours] == sorted(
        (j[0] for j in jours), key=lambda t: datetime.datetime.strptime(t, "%d/%m/%Y")
    )
    for (jour, prestation), row in zip(AL36_JOURS, jours, strict=False):
        assert row[0] == jour and row[1] == "LUCAS DUPONT"
        assert row[2].endswith(prestation) and row[3] == "1"
    total = sum(
        (D(r[4].replace("\xa0€", "").replace(" ", "").replace(",", ".")) for r in jours), D(0)
    )
    assert total == D("120.60")  # the days add up to the invoice
    detail = rows(page, "table.detail-facture")
    assert detail[-1] == ["Total de la facture", eur("120,60 €")]
    # an invoice taken over without its planning cells: its lines only
    old = dupont.get(AL12)
    assert "Le détail par jour n'est pas disponible" in old.text
    assert rows(old, "table.detail-facture")[-1] == ["Total de la facture", eur("243,20 €")]
    # paid by the cheque AL-228: its receipt is one tap away
    assert rows(old, "table.reglements-facture") == [
        [
            "AL-228",
            "08/04/2015",
            "Règlement : Chèque",
            eur("243,20 €"),
            "Imprimer le reçu AL-228 (PDF)",
        ]
    ]
    assert [h for h, _t, _ti in links(old.html)] == [
        AL12 + "pdf",  # paid: no card
        DUPONT_URL + "reglements/AL-228/pdf",
    ]


def test_invoice_page_is_the_familys_own(shared):
    from ..conftest import martin_logged_in

    martin = martin_logged_in(shared)
    martin.get(AL36, status=404)
    client(shared).get(AL36, status=302)  # to the login page
    assert staff(shared, "agent").get(AL36).status_int == 200


def test_invoice_pdf_lists_the_billed_days(shared):
    body = parent(shared).get(AL36 + "pdf").body
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())
    assert "Jours facturés" in text
    for jour, prestation in AL36_JOURS:
        assert jour in text
        assert prestation in text


def test_jours_factures_reads_hours_and_skips_credits():
    jour = datetime.date(2015, 4, 1)
    facture = SimpleNamespace(
        lignes=(
            {
                "enfant": "LÉA", "structure": "Garderie", "prestation": "Soir",
                "prestation_oid": 7, "quantite": D("3.5"), "prix": D("2.00"),
                "jours": (jour, jour + datetime.timedelta(days=1)), "heures": (D("1.5"), D("2")),
            },
            {
                "enfant": "LÉA", "structure": "ALSH", "prestation": "Journée",
                "prestation_oid": 8, "quantite": 2, "prix": D("10.00"),
            },
            {  # hours of an older invoice: no day's share, its line only
                "enfant": "LÉA", "structure": "Garderie", "prestation": "Matin",
                "prestation_oid": 9, "quantite": D("2.5"), "prix": D("2.00"),
            },
            {
                "enfant": "LÉA", "structure": "ALSH", "prestation": "Régularisation",
                "prestation_oid": 8, "quantite": -1, "prix": D("5.00"),
            },
        ),
        cellules=(
            ("lea", 8, jour + datetime.timedelta(days=3)),
            ("lea", 8, jour),
            ("lea", 9, jour),
        ),
    )  # fmt: skip
    found = [
        (j["date"].day, j["prestation"], j["quantite"], j["prix"]) for j in jours_factures(facture)
    ]
    assert found == [
        (1, "Journée", 1, D("10.00")),
        (1, "Soir", D("1.5"), D("3.00")),
        (2, "Soir", D("2"), D("4.00")),
        (4, "Journée", 1, D("10.00")),
    ]
