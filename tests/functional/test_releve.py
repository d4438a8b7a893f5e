"""What the parent sees of money: the home page's "Opérations en cours" and
"Factures Impayées", and the "Relevé de compte" page (manual, pp. 2 and 4).

The town's clock is frozen on the manual's day, Monday 4 May 2015, unless
a test moves it; the demo data is loaded on that day too, so DUPONT's
account is the manual's (AL-12, AL-228, AL-36) whatever the real date."""

import datetime
from decimal import Decimal

import pytest

from portail_famille import dates
from portail_famille.demo import DUPONT
from portail_famille.facturation import service

from ..conftest import DUPONT_URL, MARTIN_URL, login, make_app, with_root
from .conftest import leaked, no_traceback

NBSP = "\xa0"
LUNDI_4_MAI = datetime.datetime(2015, 5, 4, 10, 0, tzinfo=dates.PARIS)
RELEVE = DUPONT_URL + "releve-de-compte"
REGIE = "Régie garderie ALSH"


def eur(text):
    """'120,60 €' as the page writes it (a no-break space before €)."""
    return text.replace(" €", NBSP + "€")


def app_du_manuel(tmp_path):
    """A fresh application whose demo data was loaded on the manual's day
    (the demo bills the months of the current school year that are over)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dates, "now", lambda: LUNDI_4_MAI)
        return make_app(tmp_path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The role apps' (dupont, martin, agent…) application, of this module."""
    return app_du_manuel(tmp_path_factory.mktemp("releve"))


@pytest.fixture
def app(tmp_path):
    return app_du_manuel(tmp_path)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    class Clock:
        now = LUNDI_4_MAI

    monkeypatch.setattr(dates, "now", lambda: Clock.now)
    return Clock


def rows(page, selector):
    """The rows of the table ``selector`` as lists of cell texts."""
    table = page.html.select_one(selector)
    assert table is not None, selector
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in table.select("tbody tr, tfoot tr")
    ]


def lignes_operations(page):
    """The rows of "Relevé des opérations" without its icons' column (the
    last one; its links: ``links``)."""
    return [row[:-1] if len(row) > 1 else row for row in rows(page, "section.releve table")]


def cadre(page, titre_id):
    section = page.html.find("section", attrs={"aria-labelledby": titre_id})
    assert section is not None, titre_id
    return section


def links(node):
    """(href, text for a screen reader, title) of each icon link."""
    return [
        (a["href"], a.get_text(" ", strip=True), a.get("title")) for a in node.select("a.icone")
    ]


def dupont_logged_in(app):
    login(app, "jean.dupont", "Bonbons31400")
    return app


def _famille(root):
    return root["familles"][DUPONT["numero"]]


# --- home page ----------------------------------------------------------------


def test_home_shows_the_balance_and_the_unpaid_invoice(dupont, clock):
    page = dupont.get(DUPONT_URL)
    operations = cadre(page, "titre-operations").get_text(" ", strip=True)
    assert "Opérations en cours" in operations
    assert "A la date du Lundi 4 Mai 2015" in operations
    # one meaning per word: what is due, and no credit spoken of without one
    assert "Reste à payer : " + eur("120,60 €") in operations
    assert "solde" not in operations.lower() and "Crédit" not in operations

    impayees = cadre(page, "titre-impayees")
    assert "Vos factures impayées à la date du Lundi 4 Mai 2015 :" in impayees.get_text(
        " ", strip=True
    )
    heads = [th.get_text(strip=True) for th in impayees.select("thead th")]
    assert heads[:4] == ["N° Facture", "Date Facture", "Date Échéance", "Reste à payer"]
    assert rows(page, "table.impayees") == [
        [
            "AL-36",
            "08/04/2015",
            "30/04/2015",
            eur("120,60 €"),
            "Imprimer la facture AL-36 (PDF) Payer en ligne la facture AL-36",
        ],
        ["Reste à payer :", eur("120,60 €")],
    ]
    facture = DUPONT_URL + "factures/AL-36/"
    assert links(impayees) == [
        (facture + "pdf", "Imprimer la facture AL-36 (PDF)", "Imprimer la facture AL-36 (PDF)"),
        (facture + "payer", "Payer en ligne la facture AL-36", "Payer en ligne la facture AL-36"),
    ]
    # the icons are drawn for the eyes only; the link's text is for the ear
    for svg in impayees.select("a.icone svg"):
        assert svg["aria-hidden"] == "true"
    for span in impayees.select("a.icone span"):
        assert "visuellement-cache" in span["class"]
    # a phone scrolls the table inside its own frame, never the page
    wrapper = page.html.select_one("table.impayees").parent
    assert "table-defilante" in wrapper["class"]
    assert "Vous n'avez aucune facture impayée." not in page.text


def test_the_icons_lead_to_the_pdf_and_to_the_payment(dupont):
    page = dupont.get(DUPONT_URL)
    (pdf, _t, _title), (payer, _t2, _title2) = links(cadre(page, "titre-impayees"))
    document = dupont.get(pdf)
    assert document.content_type == "application/pdf"
    assert document.body.startswith(b"%PDF")
    paiement = dupont.get(payer)
    assert paiement.status_int == 200
    assert "AL-36" in paiement.text


def test_home_of_a_family_that_owes_nothing(martin, clock):
    page = martin.get(MARTIN_URL)
    operations = cadre(page, "titre-operations").get_text(" ", strip=True)
    assert "Reste à payer : " + eur("0,00 €") in operations
    assert "Crédit" not in operations
    impayees = cadre(page, "titre-impayees")
    assert impayees.get_text(" ", strip=True) == (
        "Factures Impayées Vous n'avez aucune facture impayée."
    )
    assert "AL-36" not in page.text
    assert leaked(page.text, "dupont") == []


def test_menu_shows_the_statement_to_parents(dupont):
    home = dupont.get(DUPONT_URL)
    entries = [a.get_text(strip=True) for a in home.html.select("nav.menu a")]
    assert entries.index("Relevé de compte") == entries.index("Mes enfants") + 1
    page = dupont.get(RELEVE)
    current = page.html.select_one('nav.menu a[aria-current="page"]')
    assert current.get_text(strip=True) == "Relevé de compte"
    assert current["href"] == RELEVE


def test_a_payment_clears_the_invoice_and_an_overpayment_is_credit(app, clock):
    dupont = dupont_logged_in(app)

    def pay(root, registry):
        famille = _famille(root)
        regie = root["regies"]["regie-garderie-alsh"]
        reglement = service.enregistrer_reglement(
            famille,
            regie,
            datetime.date(2015, 5, 2),
            "150.00",
            "especes",
            numeros=["AL-36"],
            registry=registry,
        )
        return reglement.numero

    numero = with_root(app.app, pay)
    home = dupont.get(DUPONT_URL)
    operations = cadre(home, "titre-operations").get_text(" ", strip=True)
    assert "Reste à payer : " + eur("0,00 €") in operations
    assert "Crédit disponible : " + eur("29,40 €") in operations
    impayees = cadre(home, "titre-impayees")
    assert "Vous n'avez aucune facture impayée." in impayees.get_text(" ", strip=True)
    assert "AL-36" not in home.text
    assert home.html.select("a.icone") == []

    releve = dupont.get(RELEVE, {"annee": "2014-2015"})
    assert lignes_operations(releve)[0] == [
        numero,
        "02/05/2015",
        "Règlement : Espèces",
        REGIE,
        "",
        eur("150,00 €"),
    ]
    # 363,80 owed, 393,20 paid: the year ends with 29,40 of credit
    assert lignes_operations(releve)[-3:] == [
        ["Ancien Solde :", eur("0,00 €"), ""],
        ["Solde du Compte pour l'année scolaire :", "", eur("29,40 €")],
        ["Total des opérations :", eur("363,80 €"), eur("393,20 €")],
    ]
    factures = dupont.get(RELEVE, {"annee": "2014-2015", "onglet": "factures"})
    assert rows(factures, "section.releve table")[0][:7] == [
        "AL-36",
        "08/04/2015",
        "01/04/2015 - 30/04/2015",
        "30/04/2015",
        eur("120,60 €"),
        eur("0,00 €"),
        "Payée",
    ]
    # paid: the PDF stays, the card goes
    assert [href for href, _text, _title in links(factures.html)] == [
        DUPONT_URL + "factures/AL-36/pdf",
        DUPONT_URL + "factures/AL-12/pdf",
    ]
    reglements = dupont.get(RELEVE, {"annee": "2014-2015", "onglet": "reglements"})
    assert rows(reglements, "section.releve table")[0] == [
        numero,
        "02/05/2015",
        "Espèces",
        eur("150,00 €"),
        "AL-36 : " + eur("120,60 €"),
        eur("29,40 €"),
        "Imprimer le reçu %s (PDF)" % numero,
    ]


# --- Relevé de compte ---------------------------------------------------------


def test_statement_of_2014_2015_adds_up(dupont, clock):
    page = dupont.get(RELEVE, {"annee": "2014-2015"})
    assert page.html.select_one("h1").get_text(strip=True) == "Relevé de compte"
    informations = cadre(page, "titre-informations")
    fiche = [
        node.get_text(" ", strip=True)
        for node in informations.select("dl.fiche-compte dt, dl.fiche-compte dd")
    ]
    assert fiche == [
        "N° Famille :",
        DUPONT["numero"],
        "Responsable :",
        "Monsieur JEAN DUPONT",
        "Reste à payer :",
        eur("120,60 €"),
    ]
    section = page.html.select_one("section.releve")
    assert section.select_one("h2").get_text(" ", strip=True) == ("Relevé des opérations 2014-2015")
    heads = [th.get_text(strip=True) for th in section.select("thead th")]
    assert heads == ["N° Opération", "Date", "Description", "Régie", "Débit", "Crédit", "Actions"]
    # newest first, as in the manual; its totals line is mistyped (363.00)
    assert lignes_operations(page) == [
        ["AL-36", "08/04/2015", "Facture : 01/04/2015 - 30/04/2015", REGIE, eur("120,60 €"), ""],
        ["AL-228", "08/04/2015", "Règlement : Chèque", REGIE, "", eur("243,20 €")],
        ["AL-12", "08/04/2015", "Facture : 01/02/2015 - 31/03/2015", REGIE, eur("243,20 €"), ""],
        ["Ancien Solde :", eur("0,00 €"), ""],
        ["Solde du Compte pour l'année scolaire :", eur("120,60 €"), ""],
        ["Total des opérations :", eur("363,80 €"), eur("243,20 €")],
    ]
    attestations = [
        (a["href"], a.get_text(strip=True)) for a in page.html.select(".attestations a")
    ]
    assert attestations == [
        (DUPONT_URL + "attestation-fiscale?annee=2014", "Attestation fiscale 2014"),
        (DUPONT_URL + "attestation-fiscale?annee=2015", "Attestation fiscale 2015"),
    ]


def test_an_empty_year_starts_from_the_previous_balance(dupont, clock):
    clock.now = datetime.datetime(2016, 5, 4, 10, 0, tzinfo=dates.PARIS)
    page = dupont.get(RELEVE)
    selected = page.html.select_one("select#annee option[selected]")
    assert selected.get_text(strip=True) == "2015-2016"
    options = [o["value"] for o in page.html.select("select#annee option")]
    assert options.index("2015-2016") < options.index("2014-2015")
    assert lignes_operations(page) == [
        ["Aucune opération pour cette année scolaire."],
        ["Ancien Solde :", eur("120,60 €"), ""],
        ["Solde du Compte pour l'année scolaire :", eur("120,60 €"), ""],
        ["Total des opérations :", eur("0,00 €"), eur("0,00 €")],
    ]
    assert [a.get_text(strip=True) for a in page.html.select(".attestations a")] == [
        "Attestation fiscale 2015",
        "Attestation fiscale 2016",
    ]
    factures = dupont.get(RELEVE, {"onglet": "factures"})
    assert "Aucune facture pour cette année scolaire." in factures.text
    reglements = dupont.get(RELEVE, {"onglet": "reglements"})
    assert "Aucun règlement pour cette année scolaire." in reglements.text


@pytest.mark.parametrize(
    "annee, choisie",
    [
        ("2014-2015", "2014-2015"),
        ("abc", "2015-2016"),
        ("2013-2014", "2015-2016"),  # no operation that year: not offered
        ("2014-2016", "2015-2016"),
        ("", "2015-2016"),
        ("2015-2016", "2015-2016"),
        ("9" * 400, "2015-2016"),
    ],
)
def test_year_selector(dupont, clock, annee, choisie):
    clock.now = datetime.datetime(2016, 5, 4, 10, 0, tzinfo=dates.PARIS)
    page = dupont.get(RELEVE, {"annee": annee})
    assert page.status_int == 200
    assert page.html.select_one("select#annee option[selected]")["value"] == choisie
    form = page.html.select_one("form.choix-annee")
    assert form["method"] == "get" and form["action"] == RELEVE
    assert page.html.select_one("section.releve h2").get_text(" ", strip=True).endswith(choisie)
    figures = lignes_operations(page)
    if choisie == "2014-2015":
        assert figures[-1] == ["Total des opérations :", eur("363,80 €"), eur("243,20 €")]
    else:
        assert figures[-1] == ["Total des opérations :", eur("0,00 €"), eur("0,00 €")]


def test_tabs_work_without_javascript(dupont, clock):
    page = dupont.get(RELEVE, {"annee": "2014-2015", "onglet": "factures"})
    tabs = page.html.select("nav.onglets a")
    assert [(a.get_text(strip=True), a["href"], a.get("aria-current")) for a in tabs] == [
        ("Relevé des opérations", RELEVE + "?annee=2014-2015", None),
        ("Mes factures", RELEVE + "?annee=2014-2015&onglet=factures", "page"),
        ("Mes règlements", RELEVE + "?annee=2014-2015&onglet=reglements", None),
    ]
    # the year selector keeps the tab
    hidden = page.html.select_one('form.choix-annee input[name="onglet"]')
    assert hidden["value"] == "factures"
    unknown = dupont.get(RELEVE, {"annee": "2014-2015", "onglet": "<x>"})
    current = unknown.html.select_one('nav.onglets a[aria-current="page"]')
    assert current.get_text(strip=True) == "Relevé des opérations"
    assert "&lt;x&gt;" not in unknown.text and "<x>" not in unknown.text


def test_tab_mes_factures(dupont, clock):
    page = dupont.get(RELEVE, {"annee": "2014-2015", "onglet": "factures"})
    heads = [th.get_text(strip=True) for th in page.html.select("section.releve thead th")]
    assert heads[:7] == [
        "N° Facture",
        "Date",
        "Période",
        "Échéance",
        "Montant",
        "Reste à payer",
        "État",
    ]
    assert rows(page, "section.releve table") == [
        [
            "AL-36",
            "08/04/2015",
            "01/04/2015 - 30/04/2015",
            "30/04/2015",
            eur("120,60 €"),
            eur("120,60 €"),
            "À payer",
            "Imprimer la facture AL-36 (PDF) Payer en ligne la facture AL-36",
        ],
        [
            "AL-12",
            "08/04/2015",
            "01/02/2015 - 31/03/2015",
            "30/04/2015",
            eur("243,20 €"),
            eur("0,00 €"),
            "Payée",
            "Imprimer la facture AL-12 (PDF)",
        ],
    ]
    assert [href for href, _text, _title in links(page.html)] == [
        DUPONT_URL + "factures/AL-36/pdf",
        DUPONT_URL + "factures/AL-36/payer",
        DUPONT_URL + "factures/AL-12/pdf",
    ]
    assert "AL-228" not in page.html.select_one("section.releve").get_text()


def test_tab_mes_reglements(dupont, clock):
    page = dupont.get(RELEVE, {"annee": "2014-2015", "onglet": "reglements"})
    heads = [th.get_text(strip=True) for th in page.html.select("section.releve thead th")]
    assert heads == [
        "N° Règlement",
        "Date",
        "Mode",
        "Montant",
        "Factures réglées",
        "Crédit restant",
        "Reçu",
    ]
    assert rows(page, "section.releve table") == [
        [
            "AL-228",
            "08/04/2015",
            "Chèque",
            eur("243,20 €"),
            "AL-12 : " + eur("243,20 €"),
            eur("0,00 €"),
            "Imprimer le reçu AL-228 (PDF)",
        ],
    ]
    # each payment's receipt, and nothing to pay
    assert links(page.html) == [
        (
            DUPONT_URL + "reglements/AL-228/pdf",
            "Imprimer le reçu AL-228 (PDF)",
            "Imprimer le reçu AL-228 (PDF)",
        )
    ]


SCRIPT = "<script>alert('x')</script>"


def test_statement_shows_markup_as_text(app, clock):
    """A régie's title and a credit note's reason typed with markup are
    printed as text."""
    dupont = dupont_logged_in(app)

    def bill(root, registry):
        regie = registry.content.create(
            "Regie", title="Régie " + SCRIPT, prefixe="XS-", echeance_jours=10
        )
        root["regies"].add("xss", regie, registry=registry)
        famille = _famille(root)
        lignes = [
            {
                "enfant": "LUCAS DUPONT",
                "structure": SCRIPT,
                "prestation": SCRIPT,
                "prestation_oid": 0,
                "unite": "jour",
                "quantite": 1,
                "prix": Decimal("10.00"),
                "montant": Decimal("10.00"),
            }
        ]
        facture = service.emettre_facture(
            famille,
            regie,
            datetime.date(2015, 5, 4),
            datetime.date(2015, 5, 1),
            datetime.date(2015, 5, 31),
            lignes,
            registry=registry,
        )
        avoir = service.emettre_avoir(
            facture, regie, datetime.date(2015, 5, 4), "Erreur " + SCRIPT, registry=registry
        )
        return facture.numero, avoir.numero

    facture, avoir = with_root(app.app, bill)
    page = dupont.get(RELEVE, {"annee": "2014-2015"})
    assert SCRIPT not in page.text
    assert "Régie &lt;script&gt;alert(" in page.text
    lignes = lignes_operations(page)
    assert lignes[:2] == [
        [avoir, "04/05/2015", "Avoir : facture " + facture, "Régie " + SCRIPT, "", eur("10,00 €")],
        [
            facture,
            "04/05/2015",
            "Facture : 01/05/2015 - 31/05/2015",
            "Régie " + SCRIPT,
            eur("10,00 €"),
            "",
        ],
    ]
    factures = dupont.get(RELEVE, {"annee": "2014-2015", "onglet": "factures"})
    assert SCRIPT not in factures.text
    lignes = rows(factures, "section.releve table")
    assert lignes[0][:7] == [
        avoir,
        "04/05/2015",
        "Erreur " + SCRIPT,
        "",
        eur("10,00 €"),
        "",
        "Avoir sur la facture " + facture,
    ]
    assert lignes[1][:7] == [
        facture,
        "04/05/2015",
        "01/05/2015 - 31/05/2015",
        "14/05/2015",
        eur("10,00 €"),
        eur("0,00 €"),
        "Annulée par " + avoir,
    ]
    # cancelled: nothing to pay; both print
    assert [href for href, _text, _title in links(factures.html)][:2] == [
        DUPONT_URL + "factures/%s/pdf" % avoir,
        DUPONT_URL + "factures/%s/pdf" % facture,
    ]
    assert lignes[0][7] == "Imprimer l'avoir %s (PDF)" % avoir
    assert DUPONT_URL + "factures/%s/payer" % facture not in factures.text


# --- who may see it -----------------------------------------------------------

DUPONT_MONEY_URLS = (
    RELEVE,
    RELEVE + "?annee=2014-2015",
    RELEVE + "?annee=2014-2015&onglet=factures",
    RELEVE + "?annee=2014-2015&onglet=reglements",
    RELEVE + "/AL-36",
    DUPONT_URL + "factures/",
    DUPONT_URL + "factures/AL-36",
    DUPONT_URL + "factures/AL-36/",
    DUPONT_URL + "factures/AL-36/pdf",
    DUPONT_URL + "factures/AL-36/payer",
    DUPONT_URL + "reglements/AL-228",
    DUPONT_URL + "attestation-fiscale?annee=2015",
)


@pytest.mark.parametrize("url", DUPONT_MONEY_URLS)
def test_another_family_gets_404_and_nothing_of_dupont(martin, url):
    page = martin.get(url, status=404)
    assert leaked(page.text, "dupont", url) == []
    body = page.text.replace(url, "")
    assert "120,60" not in body and "243,20" not in body
    assert "AL-36" not in body and "AL-228" not in body


def test_a_parent_gets_404_for_a_path_under_the_statement(dupont):
    dupont.get(RELEVE + "/2014-2015", status=404)


def test_anonymous_is_sent_to_the_login_page(anonymous):
    response = anonymous.get(RELEVE, status=302)
    assert response.location.split("?")[0].endswith("/connexion")
    assert "came_from" in response.location


def test_staff_who_see_invoices_read_the_statement(agent, regisseur):
    """Staff use the SDI; the family's pages are readable to them, but only
    the family pays online."""
    for staff in (agent, regisseur):
        page = staff.get(RELEVE, {"annee": "2014-2015"})
        assert "Total des opérations" in page.text
        assert eur("363,80 €") in page.text
        assert no_traceback(page.text)
        factures = staff.get(RELEVE, {"annee": "2014-2015", "onglet": "factures"})
        assert [href for href, _text, _title in links(factures.html)] == [
            DUPONT_URL + "factures/AL-36/pdf",
            DUPONT_URL + "factures/AL-12/pdf",
        ]
        home = staff.get(DUPONT_URL)
        assert [href for href, _text, _title in links(home.html)] == [
            DUPONT_URL + "factures/AL-36/pdf"
        ]


def test_staff_without_invoices_get_403(editeur):
    page = editeur.get(RELEVE, {"annee": "2014-2015"}, status=403)
    assert "363,80" not in page.text and "AL-36" not in page.text
