"""The parent's side of the change requests (issue 3): "Mon compte", the
five request forms, "Liste des demandes", validation, the masked IBAN,
tampered posts and isolation between families."""

import datetime
import re

import pytest
import webtest
from pyramid.threadlocal import get_current_request

from portail_famille import dates
from portail_famille.demandes import service
from portail_famille.demandes.resources import ACCEPTEE, EN_ATTENTE, REFUSEE, REMPLACEE
from portail_famille.demandes.types import TYPES
from portail_famille.demo import COMPTES, DUPONT, MARTIN

from ..conftest import DUPONT_URL, MARTIN_URL, login, make_app, with_root

NUMERO = DUPONT["numero"]
# The family record's types (the children's are tested in test_enfants.py).
TYPES_COMPTE = [nom for nom, kind in TYPES.items() if kind.onglet == "compte" and kind.formulaire]
IBAN_DUPONT = "FR7630001007941234567890185"
IBAN_MASQUE = "FR76 •••• •••• 0185"
# Every way the full IBAN could be written in a page.
IBAN_COMPLET = (IBAN_DUPONT, "FR76 3000 1007 9412 3456 7890 185", "30001007941234567890185")
NOUVEL_IBAN = "FR1420041010050500013M02606"
# Inline code (the layout's own scripts are files of the portal's static).
INLINE_CODE = re.compile(
    r"<script(?![^>]*\ssrc=\"[^\"]*/static-portail/)|\sstyle=|\son[a-z]+=", re.IGNORECASE
)

# --- Mon compte: the manual's values of DUPONT ---------------------------------

RESPONSABLE = {
    "Civilité": "Monsieur",
    "N° Famille": "1001001818331",
    "Nom": "DUPONT",
    "Prénom": "JEAN",
    "Qualité": "Père",
    "Situation": "Séparé",
    "Adresse": "12 RUE DES BONBONS",
    "Code postal": "31400",
    "Ville": "SAINT - JEAN",
    "Téléphone domicile": "01.02.03.04.05",
    "Téléphone prof.": "",
    "Mobile": "",
    "Email": "jean.dupont@wanadoo.fr",
    "Profession": "",
    "CSP": "",
    "Employeur": "",
    "Adresse employeur": "",
    "Autorisation courriel": "Oui",
    "Autorisation SMS": "Non",
}
CONJOINT = {
    "Civilité": "Madame",
    "Nom": "DUPONT",
    "Prénom": "JEANNE",
    "Qualité": "Mère",
    "Situation": "",
    "Adresse": "Lotissement les bons bonbons.",
    "Code postal": "31400",
    "Ville": "SAINT - JEAN",
    "Téléphone domicile": "",
    "Téléphone prof.": "",
    "Mobile": "",
    "Email": "",
    "Profession": "",
    "CSP": "",
    "Employeur": "",
    "Adresse employeur": "",
    "Autorisation courriel": "Oui",
    "Autorisation SMS": "Non",
}
FISCALES = {"Année des revenus": "", "Revenu fiscal de référence": "", "Nombre de parts": ""}
CAF = {
    "Régime allocataire": "Régime général (CAF)",
    "N° allocataire": "1234567",
    "Quotient familial": "",
}
BANCAIRES = {
    "Titulaire du compte": "DUPONT JEAN",
    "Nom banque": "",
    "IBAN": "",
    "BIC": "",
    "Organisme rattachement": "0",
}
TITRES = {
    "responsable": "Infos Responsable",
    "conjoint": "Infos Conjoint",
    "fiscales": "Infos Fiscales",
    "caf": "Infos Caf",
    "bancaires": "Coordonnées Bancaires",
}

# What each form shows first: the record's current values.
PREREMPLI = {
    "responsable": {
        "civilite": "Monsieur",
        "nom": "DUPONT",
        "prenom": "JEAN",
        "qualite": "Père",
        "situation": "Séparé",
        "adresse": "12 RUE DES BONBONS",
        "code_postal": "31400",
        "ville": "SAINT - JEAN",
        "telephone_domicile": "01.02.03.04.05",
        "telephone_prof": "",
        "mobile": "",
        "email": "jean.dupont@wanadoo.fr",
        "profession": "",
        "csp": "",
        "employeur": "",
        "adresse_employeur": "",
        "autorisation_courriel": True,
        "autorisation_sms": False,
    },
    "conjoint": {
        "civilite": "Madame",
        "nom": "DUPONT",
        "prenom": "JEANNE",
        "qualite": "Mère",
        "situation": "",
        "adresse": "Lotissement les bons bonbons.",
        "code_postal": "31400",
        "ville": "SAINT - JEAN",
        "telephone_domicile": "",
        "telephone_prof": "",
        "mobile": "",
        "email": "",
        "profession": "",
        "csp": "",
        "employeur": "",
        "adresse_employeur": "",
        "autorisation_courriel": True,
        "autorisation_sms": False,
    },
    "fiscales": {"annee_revenus": "", "revenu_fiscal_reference": "", "nombre_parts": ""},
    "caf": {"regime": "Général", "numero_allocataire": "1234567", "quotient_familial": ""},
    "bancaires": {
        "titulaire_compte": "DUPONT JEAN",
        "nom_banque": "",
        "iban": "",
        "bic": "",
        "organisme_rattachement": "0",
    },
}


# --- Helpers -------------------------------------------------------------------


def parent(app, login_name="jean.dupont"):
    """A new browser on ``app``, logged in as a parent whose temporary
    password was already changed (jean.dupont)."""
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(browser, login_name, COMPTES[login_name][0])
    return browser


def main(response):
    return response.html.find("main")


def fiche(response, nom):
    """{label: value} of one section of Mon compte."""
    section = main(response).select_one("#rubrique-%s" % nom)
    assert section is not None, nom
    return {
        pair.dt.get_text(strip=True).removesuffix(":").strip(): pair.dd.get_text(strip=True)
        for pair in section.select("dl.fiche-compte .paire")
    }


def form_values(form):
    values = {}
    for name, fields in form.fields.items():
        if name in ("_charset_", "__formid__", "_csrf_token_", "enregistrer"):
            continue
        field = fields[0]
        values[name] = field.checked if isinstance(field, webtest.forms.Checkbox) else field.value
    return values


def demander(browser, kind, status=302, **values):
    """Open the form of ``kind``, change ``values``, press Enregistrer."""
    page = browser.get(DUPONT_URL + "demande-" + kind)
    form = page.forms["demande"]
    for name, value in values.items():
        if isinstance(value, bool):
            form[name].checked = value
        else:
            form[name] = value
    return form.submit("enregistrer", status=status)


def demandes(app, numero=NUMERO):
    """Every request stored for a family: [(type, state, values, old values, who)]."""

    def read(root, registry):
        found = [
            (
                d.type_demande,
                d.etat,
                dict(d.valeurs),
                dict(d.anciennes),
                d.demandeur,
                d.date_demande,
            )
            for d in root["familles"][numero]["demandes"].values()
        ]
        return sorted(found, key=lambda item: item[5])

    return [item[:5] for item in with_root(app.app, read)]


def section(app, nom, numero=NUMERO):
    return with_root(app.app, lambda root, registry: dict(getattr(root["familles"][numero], nom)))


def set_section(app, nom, **values):
    def write(root, registry):
        getattr(root["familles"][NUMERO], nom).update(values)

    with_root(app.app, write)


def traiter(app, kind, action, motif="", now=None):
    """The service accepts or refuses DUPONT's pending request of ``kind``
    (the staff side's own service functions, in a committed transaction)."""

    def run(root, registry):
        demande = service.en_attente(root["familles"][NUMERO], kind)
        request = get_current_request()
        if action == "accepter":
            service.accepter(demande, "agent", request, now=now)
        else:
            service.refuser(demande, "agent", motif, request, now=now)

    with_root(app.app, run)


def field_error(response, name):
    """The message shown beside the field ``name`` (checks it is tied to it)."""
    soup = main(response)
    item = soup.select_one("#item-champ-%s" % name)
    assert "has-error" in item["class"], name
    messages = [p.get_text(strip=True) for p in item.select("p.erreur")]
    assert item.select_one("p.erreur")["id"] == "erreur-champ-%s" % name
    control = item.select_one("#champ-%s" % name)
    assert control["aria-invalid"] == "true"
    assert "erreur-champ-%s" % name in control["aria-describedby"].split()
    # The summary at the top links to the field.
    summary = soup.select_one(".resume-erreurs")
    assert summary["role"] == "alert"
    links = {a["href"]: a.get_text(strip=True) for a in summary.select("a")}
    assert links["#champ-%s" % name].endswith(" ".join(messages))
    return " ".join(messages)


def aujourdhui():
    return dates.today().strftime("%d/%m/%Y")


def quand(moment):
    return dates.local(moment).strftime("%d/%m/%Y %H:%M")


def tableau(response, ident):
    """(headings, rows as lists of cell texts) of a table of the list page."""
    section = main(response).select_one(".demandes-%s" % ident)
    assert section is not None, ident
    table = section.select_one("table")
    if table is None:
        return None, section.get_text(" ", strip=True)
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in table.select("tbody tr")
    ]
    return headings, rows


def check_no_inline_code(label, response):
    assert not INLINE_CODE.search(response.text), (label, INLINE_CODE.findall(response.text))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


# --- Mon compte ------------------------------------------------------------------


def test_mon_compte_shows_every_field_of_the_manual(dupont):
    page = dupont.get(DUPONT_URL + "mon-compte")
    soup = main(page)
    assert soup.h1.get_text(strip=True) == "Informations famille"
    assert [h.get_text(strip=True) for h in soup.select(".rubrique h2")] == list(TITRES.values())
    assert fiche(page, "responsable") == RESPONSABLE
    assert fiche(page, "conjoint") == CONJOINT
    assert soup.select_one("#rubrique-conjoint .intitule").get_text(strip=True) == "Mon conjoint"
    assert fiche(page, "fiscales") == FISCALES
    assert fiche(page, "caf") == CAF
    assert fiche(page, "bancaires") == BANCAIRES
    # Nothing pending yet.
    assert not soup.select(".en-attente")
    # The menu marks the page.
    current = page.html.select_one('nav.menu a[aria-current="page"]')
    assert current.get_text(strip=True) == "Mon compte"


def test_each_section_has_a_named_link_to_its_form(dupont):
    page = dupont.get(DUPONT_URL + "mon-compte")
    for kind, titre in TITRES.items():
        link = main(page).select_one("#rubrique-%s a.modifier" % kind)
        assert link["href"] == DUPONT_URL + "demande-" + kind
        # The accessible name (visible text + hidden part), the icon hidden.
        assert link.get_text(" ", strip=True) == "Modifier " + titre
        assert link.svg["aria-hidden"] == "true"


def test_a_family_without_conjoint_is_told_so(martin):
    page = martin.get(MARTIN_URL + "mon-compte")
    text = main(page).select_one("#rubrique-conjoint").get_text(" ", strip=True)
    assert "Aucun conjoint n'est renseigné." in text
    assert fiche(page, "responsable")["Nom"] == "MARTIN"


def test_staff_see_mon_compte_without_request_links(agent):
    page = agent.get(DUPONT_URL + "mon-compte")
    assert fiche(page, "responsable") == RESPONSABLE
    assert not main(page).select("a.modifier")
    agent.get(DUPONT_URL + "demande-responsable", status=403)


# --- The forms ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", TYPES_COMPTE)
def test_each_form_is_pre_filled_and_labelled(dupont, kind):
    page = dupont.get(DUPONT_URL + "demande-" + kind)
    soup = main(page)
    assert soup.h1.get_text(" ", strip=True) == "Demande de modification " + TITRES[kind]
    assert (
        "Penser à Enregistrer pour que la demande soit transmise au service enfance jeunesse "
        "qui en assurera le traitement." in soup.get_text(" ", strip=True)
    )
    form = page.forms["demande"]
    assert form_values(form) == PREREMPLI[kind]
    assert form.action == DUPONT_URL + "demande-" + kind
    # One label per field, with the record's title.
    titles = TYPES[kind].titles()
    for name, title in titles.items():
        control = soup.select_one('form#demande [name="%s"]' % name)
        label = soup.select_one('label[for="%s"]' % control["id"])
        assert label.get_text(strip=True) == title, name
    button = soup.select_one("form#demande button[type=submit]")
    assert button.get_text(strip=True) == "Enregistrer"
    assert soup.select_one('a[href="%smon-compte"]' % DUPONT_URL)
    check_no_inline_code(kind, page)


def test_a_phone_change_becomes_a_pending_request(app):
    browser = parent(app)
    response = demander(browser, "responsable", telephone_domicile="01 02 03 04 99")
    assert response.location == "http://localhost" + DUPONT_URL + "mon-compte"
    assert demandes(app) == [
        (
            "responsable",
            EN_ATTENTE,
            {"telephone_domicile": "01.02.03.04.99"},
            {"telephone_domicile": "01.02.03.04.05"},
            "jean.dupont",
        )
    ]
    # The record itself does not change before the service accepts.
    assert section(app, "responsable") == DUPONT["responsable"]
    page = response.follow()
    assert [p.get_text(strip=True) for p in page.html.select(".flash")] == [
        "Votre demande a été transmise au service enfance jeunesse."
    ]
    assert fiche(page, "responsable")["Téléphone domicile"] == "01.02.03.04.05"
    pending = main(page).select(".en-attente")
    assert len(pending) == 1
    assert pending[0].find_parent("section")["id"] == "rubrique-responsable"
    assert pending[0].span.get_text(strip=True) == "Demande en attente depuis le " + aujourdhui()
    # The form says a request is pending and that saving again replaces it.
    form_page = browser.get(DUPONT_URL + "demande-responsable")
    assert (
        "Une demande pour cette rubrique est en attente depuis le %s. Si vous enregistrez, "
        "cette nouvelle demande la remplacera." % aujourdhui()
    ) in main(form_page).get_text(" ", strip=True)
    # Still the record's values, not the pending ones.
    assert form_page.forms["demande"]["telephone_domicile"].value == "01.02.03.04.05"


def test_a_second_request_replaces_the_pending_one(app):
    browser = parent(app)
    demander(browser, "responsable", telephone_domicile="0102030499")
    response = demander(browser, "responsable", mobile="+33 6 12 34 56 78", email="j.d@example.org")
    assert demandes(app) == [
        (
            "responsable",
            REMPLACEE,
            {"telephone_domicile": "01.02.03.04.99"},
            {"telephone_domicile": "01.02.03.04.05"},
            "jean.dupont",
        ),
        (
            "responsable",
            EN_ATTENTE,
            {"mobile": "06.12.34.56.78", "email": "j.d@example.org"},
            {"mobile": "", "email": "jean.dupont@wanadoo.fr"},
            "jean.dupont",
        ),
    ]
    page = response.follow()
    assert [p.get_text(strip=True) for p in page.html.select(".flash")] == [
        "Votre demande a été transmise au service enfance jeunesse. "
        "Elle remplace votre demande précédente, qui était encore en attente."
    ]
    assert len(main(page).select(".en-attente")) == 1
    # The replaced one is kept but not listed.
    listing = browser.get(DUPONT_URL + "liste-des-demandes")
    _headings, rows = tableau(listing, "en-attente")
    assert len(rows) == 1 and "06.12.34.56.78" in rows[0][6]


def test_requests_of_other_sections_do_not_replace_each_other(app):
    browser = parent(app)
    demander(browser, "responsable", ville="BIVIERS", code_postal="38330")
    demander(browser, "conjoint", mobile="0612345678")
    demander(browser, "caf", quotient_familial="650,5")
    demander(browser, "fiscales", annee_revenus="2024", nombre_parts="2,5")
    stored = demandes(app)
    assert [(kind, etat) for kind, etat, *_rest in stored] == [
        ("responsable", EN_ATTENTE),
        ("conjoint", EN_ATTENTE),
        ("caf", EN_ATTENTE),
        ("fiscales", EN_ATTENTE),
    ]
    assert stored[0][2] == {"code_postal": "38330", "ville": "BIVIERS"}
    assert str(stored[2][2]["quotient_familial"]) == "650.50"
    assert stored[3][2]["annee_revenus"] == 2024 and str(stored[3][2]["nombre_parts"]) == "2.50"
    page = browser.get(DUPONT_URL + "mon-compte")
    sections = [p.find_parent("section")["id"] for p in main(page).select(".en-attente")]
    assert sections == [
        "rubrique-responsable",
        "rubrique-conjoint",
        "rubrique-fiscales",
        "rubrique-caf",
    ]


def test_checkboxes_are_requests_too(app):
    browser = parent(app)
    demander(browser, "responsable", autorisation_sms=True, autorisation_courriel=False)
    assert demandes(app)[0][2:4] == (
        {"autorisation_courriel": False, "autorisation_sms": True},
        {"autorisation_courriel": True, "autorisation_sms": False},
    )


@pytest.mark.parametrize("kind", TYPES_COMPTE)
def test_saving_without_change_sends_nothing(app, kind):
    if kind == "bancaires":
        set_section(app, "bancaires", iban=IBAN_DUPONT, bic="BNPAFRPP")
    browser = parent(app)
    page = demander(browser, kind, status=200)
    assert main(page).select_one(".alerte").get_text(" ", strip=True) == (
        "Aucune modification : les informations saisies sont identiques à celles de votre "
        "fiche. Aucune demande n'a été transmise."
    )
    assert not page.html.select(".flash")
    assert demandes(app) == []
    if kind == "bancaires":
        assert page.forms["demande"]["iban"].value == IBAN_MASQUE


# --- Validation --------------------------------------------------------------------

INVALIDES = [
    ("responsable", "code_postal", "314", "Le code postal doit comporter 5 chiffres."),
    (
        "responsable",
        "code_postal",
        "31 40A",
        "Le code postal doit comporter 5 chiffres.",
    ),
    (
        "responsable",
        "telephone_domicile",
        "01 02 03",
        "Numéro de téléphone invalide : 10 chiffres commençant par 0 (par exemple 01.02.03.04.05).",
    ),
    (
        "conjoint",
        "mobile",
        "+44 7700 900123",
        "Numéro de téléphone invalide : 10 chiffres commençant par 0 (par exemple 01.02.03.04.05).",
    ),
    ("responsable", "email", "jean.dupont@", "Adresse email invalide."),
    ("conjoint", "email", "jeanne dupont@example.org", "Adresse email invalide."),
    ("bancaires", "iban", "FR7630001007941234567890186", "IBAN invalide : vérifiez le numéro."),
    ("bancaires", "bic", "BNPAZZPP", "BIC invalide : vérifiez le code."),
    ("caf", "quotient_familial", "-12", "Le montant ne peut pas être négatif."),
    ("caf", "quotient_familial", "beaucoup", "Montant invalide : écrivez par exemple 120,60."),
    # amounts are read by the one parser (montants.lire): NaN was a 500,
    # 1e6 a million, Arabic-Indic digits twelve, 12,345 rounded silently
    ("caf", "quotient_familial", "NaN", "Montant invalide : écrivez par exemple 120,60."),
    ("caf", "quotient_familial", "1e3", "Montant invalide : écrivez par exemple 120,60."),
    ("caf", "quotient_familial", "\u0661\u0662", "Montant invalide : écrivez par exemple 120,60."),
    (
        "caf",
        "quotient_familial",
        "812,345",
        "Deux chiffres au plus après la virgule, par exemple 12,34.",
    ),
    (
        "fiscales",
        "revenu_fiscal_reference",
        "Infinity",
        "Montant invalide : écrivez par exemple 120,60.",
    ),
    (
        "fiscales",
        "revenu_fiscal_reference",
        "1_000",
        "Montant invalide : écrivez par exemple 120,60.",
    ),
    ("fiscales", "nombre_parts", "NaN", "Nombre de parts invalide."),
    ("fiscales", "nombre_parts", "1e1", "Nombre de parts invalide."),
    ("fiscales", "nombre_parts", "2,125", "Nombre de parts invalide."),
    (
        "caf",
        "numero_allocataire",
        "12AB34",
        "Le n° allocataire ne comporte que des chiffres (10 au plus).",
    ),
    (
        "caf",
        "numero_allocataire",
        "12345678901",
        "Le n° allocataire ne comporte que des chiffres (10 au plus).",
    ),
    ("fiscales", "annee_revenus", "1789", "Année invalide."),
    ("fiscales", "revenu_fiscal_reference", "-1", "Le montant ne peut pas être négatif."),
    ("fiscales", "nombre_parts", "25", "Nombre de parts invalide."),
]


@pytest.mark.parametrize(("kind", "name", "value", "message"), INVALIDES)
def test_invalid_values_are_refused_beside_the_field(shared, dupont, kind, name, value, message):
    before = demandes(shared)
    page = demander(dupont, kind, status=200, **{name: value})
    assert field_error(page, name) == message
    summary = main(page).select_one(".resume-erreurs .titre-erreurs").get_text(strip=True)
    assert summary == "Votre demande n'a pas été enregistrée : corrigez les champs signalés."
    # What the parent typed is kept, to be corrected.
    assert page.forms["demande"][name].value == value
    assert demandes(shared) == before
    assert section(shared, TYPES[kind].section) == (DUPONT[TYPES[kind].section])
    assert not page.html.select(".flash")
    check_no_inline_code(name, page)


def test_several_errors_at_once_are_all_listed(shared, dupont):
    before = demandes(shared)
    page = demander(
        dupont, "responsable", status=200, code_postal="1", mobile="12", email="@", nom="X" * 101
    )
    assert field_error(page, "code_postal") == "Le code postal doit comporter 5 chiffres."
    assert field_error(page, "email") == "Adresse email invalide."
    assert field_error(page, "mobile").startswith("Numéro de téléphone invalide")
    assert field_error(page, "nom") == "La longueur dépasse la taille maximum autorisée (100)"
    links = [a["href"] for a in main(page).select(".resume-erreurs a")]
    assert links == ["#champ-nom", "#champ-code_postal", "#champ-mobile", "#champ-email"]
    # The fields without error are not marked.
    assert "has-error" not in main(page).select_one("#item-champ-ville")["class"]
    assert demandes(shared) == before


# --- Bank details: the IBAN stays masked ------------------------------------------


def test_the_iban_is_masked_everywhere_a_parent_looks(app):
    set_section(app, "bancaires", iban=IBAN_DUPONT, bic="BNPAFRPP")
    browser = parent(app)
    pages = {}
    pages["mon compte"] = browser.get(DUPONT_URL + "mon-compte")
    assert fiche(pages["mon compte"], "bancaires")["IBAN"] == IBAN_MASQUE
    assert fiche(pages["mon compte"], "bancaires")["BIC"] == "BNPAFRPP"
    pages["form"] = browser.get(DUPONT_URL + "demande-bancaires")
    form = pages["form"].forms["demande"]
    assert form["iban"].value == IBAN_MASQUE
    assert "effacez-le et saisissez le nouvel IBAN complet" in (
        main(pages["form"]).select_one("#aide-champ-iban").get_text()
    )
    # A failure on another field re-shows the IBAN masked, not the real one.
    pages["failure"] = demander(browser, "bancaires", status=200, bic="BNPA1RPP")
    assert field_error(pages["failure"], "bic") == "BIC invalide : vérifiez le code."
    assert pages["failure"].forms["demande"]["iban"].value == IBAN_MASQUE
    # The masked value sent back unchanged keeps the current IBAN: only the
    # bank's name is asked for.
    response = demander(browser, "bancaires", nom_banque="CAISSE D'EPARGNE")
    assert demandes(app) == [
        (
            "bancaires",
            EN_ATTENTE,
            {"nom_banque": "CAISSE D'EPARGNE"},
            {"nom_banque": ""},
            "jean.dupont",
        )
    ]
    pages["after"] = response.follow()
    # A new IBAN, typed with spaces and in lower case, is stored compact.
    demander(browser, "bancaires", iban="fr14 2004 1010 0505 0001 3m02 606")
    assert demandes(app)[-1][2:4] == ({"iban": NOUVEL_IBAN}, {"iban": IBAN_DUPONT})
    pages["list"] = browser.get(DUPONT_URL + "liste-des-demandes?type=bancaires")
    _headings, rows = tableau(pages["list"], "en-attente")
    assert rows == [
        [
            "IBAN : FR76 •••• •••• 0185 → FR14 •••• •••• 2606",
            quand(with_root(app.app, _last_date)),
        ]
    ]
    for label, page in pages.items():
        for full in IBAN_COMPLET + (NOUVEL_IBAN, "20041010050500013M02606"):
            assert full not in page.text, (label, full)


def _last_date(root, registry):
    return max(d.date_demande for d in root["familles"][NUMERO]["demandes"].values())


def test_a_wrong_masked_value_is_not_taken_for_the_iban(app):
    set_section(app, "bancaires", iban=IBAN_DUPONT)
    browser = parent(app)
    page = demander(browser, "bancaires", status=200, iban="FR76 •••• •••• 9999")
    assert field_error(page, "iban") == "IBAN invalide : vérifiez le numéro."
    assert demandes(app) == []


# --- Tampered posts ---------------------------------------------------------------


def test_a_tampered_post_changes_only_the_form_fields(app):
    browser = parent(app)
    page = browser.get(DUPONT_URL + "demande-responsable")
    fields = dict(form_values(page.forms["demande"]))
    fields = {k: ("true" if v is True else v) for k, v in fields.items() if v is not False}
    fields.update(
        {
            "_csrf_token_": page.forms["demande"]["_csrf_token_"].value,
            "__formid__": "demande",
            "telephone_domicile": "0102030499",
            # Not fields of this form: ignored.
            "etat": ACCEPTEE,
            "famille": MARTIN["numero"],
            "type_demande": "bancaires",
            "demandeur": "agent",
            "iban": NOUVEL_IBAN,
            "quotient_familial": "0",
            "anciennes": "x",
        }
    )
    browser.post(DUPONT_URL + "demande-responsable", fields, status=302)
    assert demandes(app) == [
        (
            "responsable",
            EN_ATTENTE,
            {"telephone_domicile": "01.02.03.04.99"},
            {"telephone_domicile": "01.02.03.04.05"},
            "jean.dupont",
        )
    ]
    assert demandes(app, MARTIN["numero"]) == []
    assert section(app, "responsable") == DUPONT["responsable"]
    assert section(app, "bancaires") == DUPONT["bancaires"]


def test_nested_or_unlisted_values_are_refused_without_error_page(app):
    browser = parent(app)
    token = browser.get(DUPONT_URL + "demande-responsable").forms["demande"]["_csrf_token_"].value
    # peppercorn markers trying to make a mapping of a text field: ignored.
    body = [
        ("_csrf_token_", token),
        ("__start__", "nom:mapping"),
        ("x", "PIRATE"),
        ("__end__", "nom:mapping"),
        ("mobile", "0612345678"),
    ]
    browser.post(DUPONT_URL + "demande-responsable", body, status=302)
    # The nested value is not taken; fields left out of the post stay as
    # they are, except the unticked checkbox a browser leaves out.
    assert demandes(app)[0][2] == {"mobile": "06.12.34.56.78", "autorisation_courriel": False}
    # A value that is not one of the choices.
    form = browser.get(DUPONT_URL + "demande-responsable").forms["demande"]
    form["civilite"].force_value("Roi")
    page = form.submit(status=200)
    assert field_error(page, "civilite").startswith('"Roi"')
    assert len(demandes(app)) == 1


def test_a_post_without_the_form_token_is_refused(app):
    browser = parent(app)
    browser.post(
        DUPONT_URL + "demande-responsable", {"telephone_domicile": "0102030499"}, status=400
    )
    assert demandes(app) == []


# --- Isolation --------------------------------------------------------------------

PAGES = ["mon-compte", "liste-des-demandes"] + ["demande-" + kind for kind in TYPES_COMPTE]


def test_a_parent_cannot_see_or_ask_for_another_family(shared, dupont, martin):
    before = demandes(shared)
    for name in PAGES:
        response = martin.get(DUPONT_URL + name, status=404)
        assert "DUPONT" not in response.text and "BONBONS" not in response.text, name
        assert martin.get(DUPONT_URL + name + "?onglet=compte&type=responsable", status=404)
    token = martin.get(MARTIN_URL + "demande-responsable").forms["demande"]["_csrf_token_"].value
    for kind in TYPES_COMPTE:
        response = martin.post(
            DUPONT_URL + "demande-" + kind,
            {
                "_csrf_token_": token,
                "__formid__": "demande",
                "nom": "PIRATE",
                "mobile": "0600000000",
            },
            status=404,
        )
        assert "DUPONT" not in response.text
    assert demandes(shared) == before
    # DUPONT's own pages still work, and MARTIN's own.
    assert dupont.get(DUPONT_URL + "mon-compte").status_int == 200
    assert fiche(martin.get(MARTIN_URL + "mon-compte"), "responsable")["Nom"] == "MARTIN"


def test_anonymous_visitors_are_sent_to_the_login_page(anonymous):
    for name in PAGES:
        response = anonymous.get(DUPONT_URL + name, status=302)
        assert "/connexion?came_from=" in response.location


# --- Liste des demandes ------------------------------------------------------------


def test_liste_des_demandes_shows_pending_refused_and_accepted(app):
    browser = parent(app)
    hier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    demander(browser, "responsable", telephone_domicile="0102030499", profession="Boulanger")
    traiter(app, "responsable", "accepter", now=hier)
    demander(browser, "conjoint", adresse="3 RUE NEUVE", ville="BIVIERS", code_postal="38330")
    traiter(app, "conjoint", "refuser", motif="Justificatif de domicile manquant.", now=hier)
    demander(browser, "caf", quotient_familial="650", regime="MSA")
    stored = with_root(app.app, _dates)
    assert [(kind, etat) for kind, etat, *_rest in demandes(app)] == [
        ("responsable", ACCEPTEE),
        ("conjoint", REFUSEE),
        ("caf", EN_ATTENTE),
    ]

    page = browser.get(DUPONT_URL + "liste-des-demandes")
    soup = main(page)
    assert soup.h1.get_text(strip=True) == "Liste des demandes"
    assert [a.get_text(strip=True) for a in soup.select("nav.onglets a")] == [
        "Mon compte",
        "Mes enfants",
    ]
    assert soup.select_one('nav.onglets a[aria-current="page"]').get_text() == "Mon compte"
    assert [a.get_text(strip=True) for a in soup.select("nav.filtres a")] == [
        "Toutes",
        "Informations responsable",
        "Informations conjoint",
        "Informations fiscales",
        "Informations CAF",
        "Informations bancaires",
        # the SEPA mandate's requests (prelevement)
        "Prélèvement automatique",
        "Arrêt du prélèvement",
    ]
    assert "moins de 31 jours" in soup.get_text(" ", strip=True)
    assert [h.get_text(strip=True) for h in soup.select("section.demandes h2")] == [
        "Demandes en attente",
        "Demandes refusées",
        "Demandes acceptées",
    ]
    headings, rows = tableau(page, "en-attente")
    assert headings == ["Demande", "Modifications", "Date.demande"]
    assert rows == [
        [
            "Informations CAF",
            "Régime allocataire : Régime général (CAF) → MSA "
            "Quotient familial : non renseigné → 650,00\xa0€",
            quand(stored["caf"][0]),
        ]
    ]
    manual = [
        "Responsable",
        "Qualité",
        "Adresse",
        "Tél.domicile",
        "Tél.Prof.",
        "Mobile",
        "Email",
        "Profession",
        "Employeur",
        "Adresse employeur",
    ]
    headings, rows = tableau(page, "refusees")
    assert headings == ["Demande"] + manual + ["Date.demande", "Date.refus", "Motif.refus"]
    assert rows == [
        [
            "Informations conjoint",
            "DUPONT JEANNE",
            "",
            "3 RUE NEUVE 38330 BIVIERS avant : Lotissement les bons bonbons. 31400 SAINT - JEAN",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            quand(stored["conjoint"][0]),
            quand(hier),
            "Justificatif de domicile manquant.",
        ]
    ]
    headings, rows = tableau(page, "acceptees")
    assert headings == ["Demande"] + manual + ["Date.demande", "Date.acceptation"]
    assert rows == [
        [
            "Informations responsable",
            "DUPONT JEAN",
            "",
            "",
            "01.02.03.04.99 avant : 01.02.03.04.05",
            "",
            "",
            "",
            "Boulanger",
            "",
            "",
            quand(stored["responsable"][0]),
            quand(hier),
        ]
    ]
    check_no_inline_code("liste", page)
    # The accepted change is now the record's, and Mon compte shows it.
    compte = browser.get(DUPONT_URL + "mon-compte")
    assert fiche(compte, "responsable")["Téléphone domicile"] == "01.02.03.04.99"
    assert fiche(compte, "responsable")["Profession"] == "Boulanger"
    assert fiche(compte, "conjoint")["Adresse"] == "Lotissement les bons bonbons."
    assert [p.find_parent("section")["id"] for p in main(compte).select(".en-attente")] == [
        "rubrique-caf"
    ]


def _dates(root, registry):
    found = {}
    for demande in root["familles"][NUMERO]["demandes"].values():
        found[demande.type_demande] = (demande.date_demande, demande.date_traitement)
    return found


def test_other_changes_of_a_person_are_listed_as_modifications(app):
    browser = parent(app)
    demander(browser, "responsable", situation="Marié(e)", csp="Cadre", autorisation_sms=True)
    page = browser.get(DUPONT_URL + "liste-des-demandes?type=responsable")
    headings, rows = tableau(page, "en-attente")
    assert headings[0] == "Responsable" and headings[-2:] == ["Modifications", "Date.demande"]
    assert rows[0][0] == "DUPONT JEAN"
    assert rows[0][-2] == (
        "Situation : Séparé → Marié(e) CSP : non renseigné → Cadre Autorisation SMS : Non → Oui"
    )
    assert page.html.select_one("tbody th").get_text(strip=True) == "DUPONT JEAN"


def test_the_type_filter_and_the_children_tab(app):
    browser = parent(app)
    demander(browser, "responsable", mobile="0612345678")
    demander(browser, "caf", numero_allocataire="7654321")
    all_rows = tableau(browser.get(DUPONT_URL + "liste-des-demandes"), "en-attente")[1]
    assert [row[0] for row in all_rows] == ["Informations CAF", "Informations responsable"]

    page = browser.get(DUPONT_URL + "liste-des-demandes?onglet=compte&type=caf")
    assert main(page).select_one('nav.filtres a[aria-current="page"]').get_text() == (
        "Informations CAF"
    )
    headings, rows = tableau(page, "en-attente")
    assert headings == ["Modifications", "Date.demande"]
    assert [row[0] for row in rows] == ["N° allocataire : 1234567 → 7654321"]

    page = browser.get(DUPONT_URL + "liste-des-demandes?type=responsable")
    headings, rows = tableau(page, "en-attente")
    assert headings[0] == "Responsable" and "Modifications" not in headings
    assert rows[0][5] == "06.12.34.56.78"

    # A type with no request.
    page = browser.get(DUPONT_URL + "liste-des-demandes?type=bancaires")
    assert main(page).select_one("p.vide").get_text(strip=True) == "Aucune demande"
    assert not main(page).select("table")
    # A state without request of the type says so.
    page = browser.get(DUPONT_URL + "liste-des-demandes?type=caf")
    assert tableau(page, "acceptees") == (None, "Demandes acceptées Aucune demande acceptée.")

    # Mes enfants: the children's types (test_enfants.py); none asked here.
    page = browser.get(DUPONT_URL + "liste-des-demandes?onglet=enfants")
    soup = main(page)
    assert soup.select_one('nav.onglets a[aria-current="page"]').get_text() == "Mes enfants"
    assert [a.get_text() for a in soup.select("nav.filtres a")] == [
        "Toutes",
        "Autorisations",
        "Données sanitaires",
        "Réservations",
        "Absences",
        "Nouvel enfant",
        "Absences avec justificatif",
        "Inscriptions",  # online enrolment (inscription_en_ligne)
    ]
    assert soup.select_one("p.vide").get_text(strip=True) == "Aucune demande"
    assert not soup.select("table")
    # A type of the other tab is ignored there.
    page = browser.get(DUPONT_URL + "liste-des-demandes?onglet=enfants&type=caf")
    assert main(page).select_one("p.vide").get_text(strip=True) == "Aucune demande"


@pytest.mark.parametrize(
    "query",
    [
        "?onglet=nope",
        "?onglet=&type=",
        "?type=inconnu",
        "?type=responsable&type=caf&onglet=compte&onglet=enfants",
        "?onglet=%3Cscript%3E&type=%22%3E%3Cb%3E",
        "?onglet[]=compte",
        "?type=" + "x" * 5000,
    ],
)
def test_unknown_list_parameters_are_ignored(dupont, query):
    page = dupont.get(DUPONT_URL + "liste-des-demandes" + query)
    assert page.status_int == 200
    assert main(page).h1.get_text(strip=True) == "Liste des demandes"
    assert "<script>" not in page.text and "<b>" not in page.text


def test_old_requests_are_kept_but_not_listed(app):
    def deposit(root, registry):
        famille = root["familles"][NUMERO]
        now = datetime.datetime.now(datetime.UTC)
        for days, mobile in (
            (40, "06.00.00.00.40"),
            (32, "06.00.00.00.32"),
            (30, "06.00.00.00.30"),
        ):
            service.deposer(
                famille,
                "conjoint",
                {"mobile": mobile},
                "jean.dupont",
                registry,
                now=now - datetime.timedelta(days=days),
            )

    with_root(app.app, deposit)
    browser = parent(app)
    page = browser.get(DUPONT_URL + "liste-des-demandes")
    _headings, rows = tableau(page, "en-attente")
    assert [row[6] for row in rows] == ["06.00.00.00.30"]
    assert "06.00.00.00.40" not in page.text and "06.00.00.00.32" not in page.text
    assert [item[1] for item in demandes(app)] == [REMPLACEE, REMPLACEE, EN_ATTENTE]


def test_the_period_is_a_setting(tmp_path):
    app = make_app(tmp_path, **{"portail.demandes_jours": "7"})

    def deposit(root, registry):
        famille = root["familles"][NUMERO]
        now = datetime.datetime.now(datetime.UTC)
        service.deposer(
            famille,
            "caf",
            {"numero_allocataire": "1"},
            "jean.dupont",
            registry,
            now=now - datetime.timedelta(days=8),
        )
        service.deposer(
            famille,
            "fiscales",
            {"annee_revenus": 2024},
            "jean.dupont",
            registry,
            now=now - datetime.timedelta(days=6),
        )

    with_root(app.app, deposit)
    page = parent(app).get(DUPONT_URL + "liste-des-demandes")
    assert "moins de 7 jours" in main(page).get_text(" ", strip=True)
    _headings, rows = tableau(page, "en-attente")
    assert [row[0] for row in rows] == ["Informations fiscales"]
    assert len(demandes(app)) == 2


def test_the_list_is_usable_on_a_phone(app):
    browser = parent(app)
    demander(browser, "responsable", mobile="0612345678")
    page = browser.get(DUPONT_URL + "liste-des-demandes")
    wrapper = main(page).select_one(".demandes-en-attente .table-defilante")
    # The table scrolls inside its own region, reachable with the keyboard.
    assert wrapper["tabindex"] == "0" and wrapper["role"] == "region"
    assert wrapper["aria-labelledby"] == "titre-en-attente"
    css = browser.get("/static-portail/portail.css").text
    assert re.search(r"\.table-defilante \{[^}]*overflow-x: auto", css)


def test_the_pages_take_no_sub_path(dupont):
    for name in PAGES:
        dupont.get(DUPONT_URL + name + "/autre", status=404)
        assert dupont.get(DUPONT_URL + "@@" + name).status_int == 200
