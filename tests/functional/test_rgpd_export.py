"""Mon compte > "Mes données" (RGPD right of access): the family downloads
everything held about it, as JSON and as a readable PDF, served as
attachments and never cached; nothing of another family is in it; nobody
else downloads it; reading it writes nothing."""

import io
import json

import pytest
from pypdf import PdfReader

from portail_famille.demandes import service
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.fichiers import PDF, Fichier
from portail_famille.messagerie.resources import Conversation, Message

from ..conftest import DUPONT_URL, MARTIN_URL, login, with_root
from .conftest import SECRETS, client, leaked

JSON_URL = "mes-donnees.json"
PDF_URL = "mes-donnees.pdf"
IBAN = "FR7630001007941234567890185"
PIECE = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def texte_pdf(body):
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _attachment(response, extension):
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    assert '.%s"; filename*=' % extension in disposition and disposition.endswith("." + extension)
    assert "no-store" in response.headers["Cache-Control"]


def test_mon_compte_links_to_mes_donnees(dupont):
    page = dupont.get(DUPONT_URL + "mon-compte")
    section = page.html.select_one("#mes-donnees")
    assert section.h2.get_text(strip=True) == "Mes données"
    links = {a["href"] for a in section.find_all("a")}
    assert links == {DUPONT_URL + PDF_URL, DUPONT_URL + JSON_URL}


@pytest.mark.parametrize("parent,autre", [("dupont", "martin"), ("martin", "dupont")])
def test_each_family_gets_its_own_data_and_nothing_of_the_other(request, parent, autre):
    browser = request.getfixturevalue(parent)
    famille = {"dupont": DUPONT, "martin": MARTIN}[parent]
    url = {"dupont": DUPONT_URL, "martin": MARTIN_URL}[parent]
    response = browser.get(url + JSON_URL)
    _attachment(response, "json")
    assert response.content_type == "application/json"
    data = json.loads(response.body)
    assert data["famille"]["numero"] == famille["numero"]
    assert data["famille"]["responsable"]["nom"] == famille["responsable"]["nom"]
    assert leaked(response.text, autre) == []
    assert leaked(json.dumps(data, ensure_ascii=False), parent) == list(SECRETS[parent])

    document = browser.get(url + PDF_URL)
    _attachment(document, "pdf")
    assert document.content_type == "application/pdf"
    text = texte_pdf(document.body)
    assert "Mes données — Famille N° %s" % famille["numero"] in text
    assert leaked(text, autre) == []
    assert famille["responsable"]["nom"] in text


def test_the_demo_family_export_holds_its_record_money_planning_and_messages(dupont):
    data = dupont.get(DUPONT_URL + JSON_URL).json
    assert data["format"] == "portail-famille/mes-donnees"
    famille = data["famille"]
    assert famille["responsable"]["adresse"] == "12 RUE DES BONBONS"
    assert famille["conjoint"]["prenom"] == "JEANNE"
    assert {"fiscales", "caf", "bancaires"} <= set(famille)
    assert [c["identifiant"] for c in famille["comptes"]] == ["jean.dupont"]
    (lucas,) = data["enfants"]
    assert lucas["identite"]["prenom"] == "LUCAS"
    assert lucas["identite"]["date_naissance"] == "2008-05-14"
    assert {"autorisations", "sanitaires", "inscriptions", "planning"} <= set(lucas)
    assert {"annee": "2014-2015", "debut": "2014-09-01"}.items() <= lucas["inscriptions"][0].items()
    assert {"date": "2015-04-08", "prestation": "Mercredi après-midi"}.items() <= next(
        cell for cell in lucas["planning"] if cell["date"] == "2015-04-08"
    ).items()
    assert [f["numero"] for f in data["factures"]] == ["AL-12", "AL-36"]
    assert all(f["lignes"] for f in data["factures"])
    assert [r["numero"] for r in data["reglements"]] == ["AL-228"]
    assert data["reglements"][0]["mode"] == "cheque"
    textes = [m["texte"] for c in data["messages"] for m in c["messages"]]
    assert any("dentiste" in t for t in textes)


def test_health_data_persons_requests_and_attachments_are_in_it(app):
    def remplir(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        famille.bancaires.update({"iban": IBAN})
        enfant = next(iter(famille["enfants"].values()))
        enfant.section_modifiable("sanitaires").update(
            {"allergies": "arachide", "medecin_nom": "Dr MEDECIN", "pai": "Oui"}
        )
        enfant.section_modifiable("autorisations").update(
            {
                "personnes_autorisees": [
                    {"nom": "GRANDMERE", "prenom": "LOUISE", "lien": "Grand-mère", "telephone": ""}
                ],
                "photos": "Non",
            }
        )
        service.deposer(
            famille, "bancaires", {"iban": "FR1420041010050500013M02606"}, "jean.dupont", registry
        )
        conversation = Conversation("Certificat", "famille")
        conversation.messages.append(
            Message(
                "famille",
                "JEAN DUPONT",
                "Voici le certificat.",
                fichier=Fichier(PIECE, PDF, "certificat.pdf"),
            )
        )
        famille["messages"].add("certificat", conversation, registry=registry)

    with_root(app.app, remplir)
    login(app, "jean.dupont", COMPTES["jean.dupont"][0])
    data = app.get(DUPONT_URL + JSON_URL).json
    (lucas,) = data["enfants"]
    assert lucas["sanitaires"]["allergies"] == "arachide"
    assert lucas["sanitaires"]["medecin_nom"] == "Dr MEDECIN"
    assert lucas["autorisations"]["personnes_autorisees"][0]["nom"] == "GRANDMERE"
    (demande,) = data["demandes"]
    assert demande["type"] == "bancaires" and demande["etat"] == "en_attente"
    conversation = next(c for c in data["messages"] if c["objet"] == "Certificat")
    assert conversation["messages"][0]["piece_jointe"] == {
        "nom": "certificat.pdf",
        "type": PDF,
        "taille": len(PIECE),
    }
    # The IBAN masked, as on every page; attachments listed, not included.
    dump = json.dumps(data)
    assert IBAN not in dump and "FR1420041010050500013M02606" not in dump
    assert data["famille"]["bancaires"]["iban"] == "FR76 •••• •••• 0185"
    assert "%PDF-1.4" not in dump
    text = texte_pdf(app.get(DUPONT_URL + PDF_URL).body)
    for expected in (
        "arachide",
        "Dr MEDECIN",
        "GRANDMERE",
        "certificat.pdf",
        "AL-36",
        "AL-228",
        "Chèque",
        "120,60",
    ):
        assert expected in text, expected
    assert IBAN not in text


@pytest.mark.parametrize("role", ["martin", "agent", "regisseur", "editeur", "anonymous"])
def test_nobody_else_downloads_it(request, role):
    browser = request.getfixturevalue(role)
    for name in (JSON_URL, PDF_URL):
        response = browser.get(DUPONT_URL + name, expect_errors=True)
        assert response.status_int in (302, 403, 404), (role, name, response.status)
        assert leaked(response.text, "dupont", DUPONT_URL + name) == []
        assert "attachment" not in response.headers.get("Content-Disposition", "")


def test_get_only_and_nothing_written(shared, dupont):
    storage = shared.app.registry._zodb_databases[""].storage
    before = storage.lastTransaction()
    dupont.get(DUPONT_URL + JSON_URL)
    dupont.get(DUPONT_URL + PDF_URL)
    assert storage.lastTransaction() == before
    response = dupont.post(DUPONT_URL + JSON_URL, expect_errors=True)
    assert response.status_int in (400, 403, 404)
    assert dupont.get(DUPONT_URL + JSON_URL + "/autre", expect_errors=True).status_int == 404


def test_a_new_client_of_the_family_must_log_in(shared):
    browser = client(shared)
    response = browser.get(DUPONT_URL + JSON_URL, expect_errors=True)
    assert response.status_int in (302, 403, 404)


def test_an_administrator_may_download_it_and_is_audited(app):
    from portail_famille import journal

    from ..conftest import ADMIN

    admin = client(app)
    login(admin, *ADMIN)
    data = admin.get(DUPONT_URL + JSON_URL).json
    assert data["famille"]["numero"] == DUPONT["numero"]

    def entries(root, registry):
        found, _suite = journal.lire(root, genre=journal.LECTURE, limite=100)
        return sorted((e["qui"], e["famille"], e["quoi"]) for e in found)

    assert with_root(app.app, entries) == [
        ("admin", DUPONT["numero"], "bancaires"),
        ("admin", DUPONT["numero"], "sanitaires"),
    ]
