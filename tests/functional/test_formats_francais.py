"""French formats everywhere (issue 20): the family record's amounts as
"32 500,00 €", its other decimals with a comma ("2,5" parts), on the
family's pages, the staff's record of the family and the RGPD PDF; typed
amounts read with a comma or a dot ("645,50" and "645.50")."""

import io
from decimal import Decimal

import pytest
import webtest
from pypdf import PdfReader

from portail_famille.demo import COMPTES, DUPONT
from portail_famille.montants import decimal, euros, lire

from ..conftest import DUPONT_URL, login, with_root

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ESPACE = "\u202f"  # between thousands
REVENU = "32%s500,00\xa0€" % ESPACE
QUOTIENT = "645,50\xa0€"


def navigateur(app, qui):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(browser, qui, COMPTES[qui][0])
    return browser


def dossier(app):
    """The family record's fiscal and CAF sections filled."""

    def fill(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        famille.fiscales = dict(
            famille.fiscales,
            annee_revenus=2025,
            revenu_fiscal_reference=Decimal("32500.00"),
            nombre_parts=Decimal("2.50"),
        )
        famille.caf = dict(famille.caf, quotient_familial=Decimal("645.50"))

    with_root(app.app, fill)


def valeurs(page):
    """{dt text: dd text} of the page's definition lists."""
    found = {}
    for dt in page.html.select("dt"):
        dd = dt.find_next_sibling("dd")
        if dd is not None:
            found[dt.get_text(" ", strip=True).rstrip(" :")] = dd.get_text(" ", strip=True)
    return found


def test_helpers():
    assert euros(Decimal("32500")) == REVENU
    assert decimal(Decimal("2.50")) == "2,5"
    assert decimal(Decimal("2")) == "2"
    assert decimal(Decimal("12500.25")) == "12%s500,25" % ESPACE
    with pytest.raises(TypeError):
        decimal(2.5)
    assert lire("645,50") == lire("645.50") == lire("645,5") == Decimal("645.50")
    plafond = Decimal("1e7")
    assert lire("32 500,00 €", plafond) == lire("32%s500,00" % ESPACE, plafond) == Decimal("32500")


def test_the_record_in_french_on_the_family_and_staff_pages_and_its_pdf(app):
    dossier(app)
    parent = navigateur(app, "jean.dupont")
    compte = valeurs(parent.get(DUPONT_URL + "mon-compte"))
    assert compte["Revenu fiscal de référence"] == REVENU
    assert compte["Nombre de parts"] == "2,5"
    assert compte["Quotient familial"] == QUOTIENT

    agent = navigateur(app, "agent")
    fiche = agent.get("/manage/familles/%s/@@fiche" % DUPONT["numero"])
    lues = valeurs(fiche)
    assert lues["Revenu fiscal de référence"] == REVENU
    assert lues["Nombre de parts"] == "2,5"
    assert lues["Quotient familial"] == QUOTIENT
    assert "32500" not in fiche.text and "2.50" not in fiche.text

    pdf = parent.get(DUPONT_URL + "mes-donnees.pdf").body
    texte = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "32500.00" not in texte and "2.50" not in texte and "645.50" not in texte
    assert "32 500,00 €" in texte.replace(ESPACE, " ").replace("\xa0", " ")
    assert "645,50 €" in texte.replace("\xa0", " ")


@pytest.mark.parametrize("saisie", ["645,50", "645.50", "645,5"])
def test_a_quotient_typed_with_a_comma_or_a_dot_is_stored_as_a_decimal(app, saisie):
    parent = navigateur(app, "jean.dupont")
    form = parent.get(DUPONT_URL + "demande-caf").forms["demande"]
    form["quotient_familial"] = saisie
    form.submit("enregistrer", status=302)
    fiscal = parent.get(DUPONT_URL + "demande-fiscales").forms["demande"]
    fiscal["revenu_fiscal_reference"] = "32 500,00"
    fiscal["nombre_parts"] = "2,5"
    fiscal.submit("enregistrer", status=302)

    def read(root, registry):
        demandes = root["familles"][DUPONT["numero"]]["demandes"].values()
        return {d.type_demande: dict(d.valeurs) for d in demandes}

    stored = with_root(app.app, read)
    assert stored["caf"]["quotient_familial"] == Decimal("645.50")
    assert isinstance(stored["caf"]["quotient_familial"], Decimal)
    assert stored["fiscales"]["revenu_fiscal_reference"] == Decimal("32500.00")
    assert stored["fiscales"]["nombre_parts"] == Decimal("2.50")
    # the pending request in French on Liste des demandes
    liste = parent.get(DUPONT_URL + "liste-des-demandes").text
    assert QUOTIENT in liste and REVENU in liste
    assert "645.5" not in liste and "32500" not in liste

    # the staff's list of requests and the request's page
    agent = navigateur(app, "agent")
    file = agent.get("/manage/@@demandes")
    assert "Quotient familial : " in file.text and QUOTIENT in file.text
    assert "Nombre de parts : " in file.text and "→ 2,5" in file.text

    def traiter(root, registry):
        demandes = root["familles"][DUPONT["numero"]]["demandes"].values()
        caf = next(d for d in demandes if d.type_demande == "caf")
        return "/manage/familles/%s/demandes/%s/@@traiter" % (DUPONT["numero"], caf.__name__)

    page = agent.get(with_root(app.app, traiter))
    assert QUOTIENT in page.text and "645.5" not in page.text
