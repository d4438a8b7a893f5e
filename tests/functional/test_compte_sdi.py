"""The régie's SDI screens of a family's money: the tab "Compte" of a Famille
(operations, credit, unpaid invoices, "Enregistrer un règlement"), the tab
"Facture" ("Émettre un avoir"), the read-only tab of a payment; bad input,
permissions, isolation, and numbered documents that cannot be deleted."""

import datetime
import json
import re
from decimal import Decimal

import pytest

from portail_famille import dates
from portail_famille.demo import DUPONT, MARTIN
from portail_famille.facturation import service
from portail_famille.facturation.resources import DocumentPermanent

from ..conftest import ADMIN, COMPTES, csrf, login, make_app, with_root
from .conftest import client, leaked, no_traceback

D = Decimal
REGIE = "Régie garderie ALSH"
REGIE_NOM = "regie-garderie-alsh"
FAMILLE = "/manage/familles/%s/" % DUPONT["numero"]
COMPTE = FAMILLE + "@@compte"
AL36 = FAMILLE + "factures/AL-36/@@facture"
AL228 = FAMILLE + "reglements/AL-228/@@reglement"


def staff(app, role):
    browser = client(app)
    login(browser, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return browser


def etat(app, numero=DUPONT["numero"]):
    """What a refused form must leave as it was: the régie's sequence, the
    family's documents, its credit and what each invoice still owes."""

    def read(root, registry):
        famille = root["familles"][numero]
        return {
            "sequence": root["regies"]["regie-garderie-alsh"].sequence.dernier,
            "reglements": sorted(famille["reglements"]),
            "factures": sorted(famille["factures"]),
            "credit": service.credit_disponible(famille),
            "restes": {n: f.reste for n, f in famille["factures"].items() if hasattr(f, "reste")},
        }

    return with_root(app.app, read)


def document(app, nom):
    def read(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        found = famille["factures"].get(nom) or famille["reglements"][nom]
        return {
            "affectations": dict(found.affectations),
            "montant": found.montant,
            "par": found.emise_par,
            "reference": getattr(found, "reference", None),
            "mode": getattr(found, "mode", None),
            "annulee_par": getattr(found, "annulee_par", None),
            "motif": getattr(found, "motif", None),
        }

    return with_root(app.app, read)


def jeton(browser):
    """The CSRF token of a staff member's session (the contents grid's)."""
    page = browser.get(FAMILLE + "@@contents")
    return re.search(r'"csrfToken": "([^"]+)"', page.text).group(1)


def suivant(app, n=1):
    """The number the régie gives ``n`` numbers from now."""
    return "AL-%d" % (etat(app)["sequence"] + n)


def reglement(browser, status=302, jeton_csrf="page", **fields):
    """Post "Enregistrer un règlement" on DUPONT's account (``jeton_csrf``:
    the page's token, None for none, or a forged one)."""
    page = browser.get(COMPTE)
    values = {
        "regie": REGIE_NOM,
        "mode": "cheque",
        "montant": "120,60",
        "date": dates.today().isoformat(),
        "reference": "",
        "enregistrer": "1",
    }
    values.update(fields)
    if jeton_csrf is not None:
        values["csrf_token"] = csrf(page) if jeton_csrf == "page" else jeton_csrf
    factures = values.pop("factures", [])
    body = list(values.items()) + [("factures", n) for n in factures]
    return browser.post(COMPTE, body, status=status)


def avoir(browser, url=AL36, status=302, **fields):
    page = browser.get(url)
    montant = re.search(r'name="montant" id="montant"[^>]*value="([^"]*)"', page.text)
    values = {
        "montant": montant.group(1) if montant else "",
        "motif": "Erreur de pointage",
        "date": dates.today().isoformat(),
        "emettre": "1",
        "csrf_token": csrf(page),
    }
    values.update(fields)
    return browser.post(url, values, status=status)


def texte(html):
    return re.sub(r"[ \t\r\n]+", " ", html)


def erreur(html, champ):
    match = re.search(r'id="%s-erreur" class="help-block" role="alert">([^<]+)<' % champ, html)
    return match.group(1) if match else None


def nouvelle_facture(app, numero_famille, montant, jour):
    """An invoice of the régie for ``numero_famille``, as a run would make."""

    def make(root, registry):
        famille = root["familles"][numero_famille]
        ligne = {"enfant": "X", "montant": D(montant), "quantite": 1, "prix": D(montant)}
        facture = service.emettre_facture(
            famille,
            root["regies"]["regie-garderie-alsh"],
            jour,
            jour,
            jour,
            [ligne],
            registry=registry,
        )
        return facture.numero

    return with_root(app.app, make)


# --- The tab -----------------------------------------------------------------------


def test_compte_shows_operations_unpaid_invoices_and_credit(regisseur, agent):
    # the tab is there, after the family's other tabs
    for browser in (regisseur, agent):
        opened = browser.get(FAMILLE + "@@manage_main", status=302)
        assert not opened.location.endswith("@@compte")
        assert 'href="%s">Compte</a>' % COMPTE in browser.get(opened.location).text
    page = regisseur.get(COMPTE)
    text = texte(page.text)
    for numero, description, debit, credit in (
        ("AL-36", "Facture : 01/04/2015 - 30/04/2015", "120,60\xa0€", ""),
        ("AL-228", "Règlement : Chèque", "", "243,20\xa0€"),
        ("AL-12", "Facture : 01/02/2015 - 31/03/2015", "243,20\xa0€", ""),
    ):
        row = re.search(r'<tr id="operation-%s">(.*?)</tr>' % numero, text).group(1)
        assert description in row and REGIE in row and "08/04/2015" in row
        assert 'class="text-right debit">%s<' % debit in row
        assert 'class="text-right credit">%s<' % credit in row
    assert text.index("operation-AL-36") < text.index("operation-AL-228")
    impayee = re.search(r'<tr id="impayee-AL-36">(.*?)</tr>', text).group(1)
    assert "30/04/2015" in impayee and "120,60\xa0€" in impayee
    assert "impayee-AL-12" not in text
    assert '<span id="credit">0,00\xa0€</span>' in text
    form = page.forms["form-reglement"]
    assert form["regie"].value == REGIE_NOM
    assert form["date"].value == dates.today().isoformat()
    assert [v for v, *_ in form["mode"].options][1:] == [
        "cheque",
        "especes",
        "carte",
        "prelevement",
        "cesu",
        "ancv",
    ]
    assert "Carte bancaire (en ligne)" in text and "ANCV" in text


def test_invoice_and_payment_tabs(regisseur):
    facture = texte(regisseur.get(AL36).text)
    lignes = re.findall(r"<tr> <td>LUCAS DUPONT</td>(.*?)</tr>", facture)
    assert len(lignes) == 4
    assert "<td>Vacances journée</td> <td>Journée</td>" in lignes[2]
    assert '<td class="text-right">5</td>' in lignes[2] and "73,00\xa0€" in lignes[2]
    assert 'class="text-right total">120,60\xa0€<' in facture
    assert 'class="text-right reste">120,60\xa0€<' in facture
    assert "Aucun règlement ni avoir affecté à cette facture." in facture
    assert (
        '<a href="/familles/%s/factures/AL-36/pdf" class="pdf">Voir le PDF</a>' % (DUPONT["numero"])
        in facture
    )
    paid = texte(regisseur.get(FAMILLE + "factures/AL-12/@@facture").text)
    assert 'id="affectation-AL-228"' in paid and 'class="text-right reste">0,00\xa0€<' in paid
    tab = texte(regisseur.get(AL228).text)
    assert "AL-228 — Règlement : Chèque" in tab and 'class="mode">Chèque<' in tab
    assert 'class="montant">243,20\xa0€<' in tab and 'class="disponible">0,00\xa0€<' in tab
    assert 'id="affectation-AL-12"' in tab
    assert "<form" not in tab.split('class="container-fluid document"')[1]


def test_cheque_pays_al36_exactly(app):
    browser = staff(app, "regisseur")
    numero = suivant(app)
    response = reglement(browser, montant="120,60", reference="Chèque n° 8812345")
    assert response.location.endswith(COMPTE)
    page = response.follow()
    assert "Règlement %s enregistré : 120,60\xa0€." % numero in page.text
    assert "en crédit" not in page.text
    recorded = document(app, numero)
    assert recorded["affectations"] == {"AL-36": D("120.60")}
    assert recorded["reference"] == "Chèque n° 8812345"
    assert recorded["mode"] == "cheque"
    assert recorded["par"] == "regisseur"
    after = etat(app)
    assert suivant(app, 0) == numero and after["restes"]["AL-36"] == D("0.00")
    assert after["credit"] == D("0.00")
    assert 'id="impayee-AL-36"' not in page.text
    # the payment's own tab
    tab = texte(browser.get(FAMILLE + "reglements/%s/@@reglement" % numero).text)
    assert 'class="mode">Chèque<' in tab and "Chèque n° 8812345" in tab
    assert 'id="affectation-AL-36"' in tab and 'class="disponible">0,00\xa0€<' in tab


def test_overpayment_is_a_credit_on_the_account(app):
    browser = staff(app, "regisseur")
    numero = suivant(app)
    page = reglement(browser, montant="150", mode="especes").follow()
    assert (
        "Règlement %s enregistré : 150,00\xa0€, dont 29,40\xa0€ en crédit sur le compte." % numero
        in page.text
    )
    after = etat(app)
    assert after["credit"] == D("29.40") and after["restes"]["AL-36"] == D("0.00")
    assert '<span id="credit">29,40\xa0€</span>' in page.text
    tab = texte(browser.get(FAMILLE + "reglements/%s/@@reglement" % numero).text)
    assert 'class="mode">Espèces<' in tab and 'class="disponible">29,40\xa0€<' in tab


def test_payment_of_part_of_an_invoice(app):
    browser = staff(app, "regisseur")
    numero = suivant(app)
    page = reglement(browser, montant="50,00", mode="cesu").follow()
    assert "Règlement %s enregistré : 50,00\xa0€." % numero in page.text
    assert etat(app)["restes"]["AL-36"] == D("70.60")
    impayee = re.search(r'<tr id="impayee-AL-36">(.*?)</tr>', texte(page.text)).group(1)
    assert "70,60\xa0€" in impayee
    facture = texte(browser.get(AL36).text)
    assert 'class="text-right regle">50,00\xa0€<' in facture
    assert 'class="text-right reste">70,60\xa0€<' in facture
    assert 'id="affectation-%s"' % numero in facture


def test_ticked_invoice_is_settled_rather_than_the_oldest(app):
    numero = nouvelle_facture(app, DUPONT["numero"], "30.00", datetime.date(2015, 5, 6))
    browser = staff(app, "regisseur")
    page = browser.get(COMPTE)
    cases = [f._value for f in page.forms["form-reglement"].fields["factures"]]
    assert cases.index("AL-36") < cases.index(numero)  # oldest first
    paiement = suivant(app)
    reglement(browser, montant="30", factures=[numero])
    after = etat(app)
    assert after["restes"]["AL-36"] == D("120.60") and after["restes"][numero] == D("0.00")
    assert document(app, paiement)["affectations"] == {numero: D("30.00")}
    # none ticked: the oldest first
    reglement(browser, montant="20")
    assert etat(app)["restes"]["AL-36"] == D("100.60")


# What the régie's forms once accepted (1e6 was 1 000 000,00 €, 12,345 was
# rounded silently), and what they answer now.
INVALIDE = "Montant invalide : écrivez par exemple 120,60."
MONTANTS_HOSTILES = (
    ("1e6", INVALIDE),
    ("1_000", INVALIDE),
    ("\u0661\u0662", INVALIDE),  # Arabic-Indic digits
    ("\uff11\uff12", INVALIDE),  # full-width digits
    ("NaN", INVALIDE),
    ("Infinity", INVALIDE),
    ("0x10", INVALIDE),
    ("12,345", "Deux chiffres au plus après la virgule, par exemple 12,34."),
    ("10 000,01", "Le montant ne peut dépasser 10\u202f000,00\xa0€."),
    ("  ", "Indiquez le montant."),
)


def _bad_cases(app):
    demain = (dates.today() + datetime.timedelta(days=1)).isoformat()
    martin = nouvelle_facture(app, MARTIN["numero"], "12.00", datetime.date(2015, 5, 6))
    return [
        ("montant", {"montant": "0"}, "Le montant doit être supérieur à 0."),
        ("montant", {"montant": "-5"}, "Le montant ne peut pas être négatif."),
        ("montant", {"montant": "abc"}, "Montant invalide : écrivez par exemple 120,60."),
        ("montant", {"montant": "1e30"}, "Montant invalide : écrivez par exemple 120,60."),
        *(("montant", {"montant": typed}, message) for typed, message in MONTANTS_HOSTILES),
        ("montant", {"montant": ""}, "Indiquez le montant."),
        ("date", {"date": demain}, "La date ne peut pas être dans le futur."),
        ("date", {"date": "2015-02-30"}, "Date invalide (AAAA-MM-JJ ou jj/mm/aaaa)."),
        ("mode", {"mode": "bitcoin"}, "Choisissez le mode de règlement."),
        ("regie", {"regie": "inconnue"}, "Choisissez la régie."),
        (
            "factures",
            {"factures": [martin]},
            "%s n'est pas une facture impayée de cette famille à cette régie." % martin,
        ),
        (
            "factures",
            {"factures": ["AL-228"]},
            "AL-228 n'est pas une facture impayée de cette famille à cette régie.",
        ),
        (
            "factures",
            {"factures": ["AL-36", "AL-12"]},
            "AL-12 n'est pas une facture impayée de cette famille à cette régie.",
        ),
    ]


def test_bad_input_is_refused_beside_the_field_and_records_nothing(app):
    cases = _bad_cases(app)
    browser = staff(app, "regisseur")
    before = etat(app)
    for champ, fields, message in cases:
        response = reglement(browser, status=400, **fields)
        assert erreur(response.text, champ) == message, (champ, fields)
        assert no_traceback(response.text)
        assert "enregistré" not in response.text
        # what was typed is shown again
        if "montant" in fields:
            assert response.forms["form-reglement"]["montant"].value == fields["montant"]
        assert etat(app) == before, (champ, fields)
    # and the next payment takes the next number: none was consumed
    numero = suivant(app)
    reglement(browser, montant="1")
    assert etat(app)["reglements"] == sorted(before["reglements"] + [numero])


def test_amounts_grouped_the_french_way_are_read(app):
    browser = staff(app, "regisseur")
    for typed, value in (("1\u202f000,50", D("1000.50")), ("1\u00a0000,50 €", D("1000.50"))):
        numero = suivant(app)
        reglement(browser, montant=typed)
        assert document(app, numero)["montant"] == value
    numero = suivant(app)
    reglement(browser, montant="12.34")
    assert document(app, numero)["montant"] == D("12.34")


def test_the_maximum_amount_is_a_setting(tmp_path):
    app = make_app(tmp_path, **{"portail.montant_max": "50"})
    browser = staff(app, "regisseur")
    before = etat(app)
    response = reglement(browser, status=400, montant="50,01")
    assert erreur(response.text, "montant") == "Le montant ne peut dépasser 50,00\xa0€."
    response = avoir(browser, status=400, montant="50,01")
    assert erreur(response.text, "montant") == "Le montant ne peut dépasser 50,00\xa0€."
    assert etat(app) == before
    numero = suivant(app)
    reglement(browser, montant="50")
    assert document(app, numero)["montant"] == D("50.00")


def test_payment_without_csrf_token_is_refused(app):
    browser = staff(app, "regisseur")
    before = etat(app)
    response = reglement(browser, status=400, jeton_csrf=None)
    assert "Formulaire expiré" in response.text
    response = reglement(browser, status=400, jeton_csrf="faux")
    assert "Formulaire expiré" in response.text
    assert etat(app) == before


# --- Credit notes ------------------------------------------------------------------


def test_credit_note_cancels_the_invoice(app):
    browser = staff(app, "regisseur")
    before = etat(app)
    numero = suivant(app)
    page = browser.get(AL36)
    assert page.forms["form-avoir"]["montant"].value == "120,60"
    assert 'href="/familles/%s/factures/AL-36/pdf"' % DUPONT["numero"] in page.text
    response = avoir(browser, motif="Facturé par erreur <b>")
    assert response.location.endswith(AL36)
    page = response.follow()
    assert "Avoir %s émis : 120,60\xa0€. La facture AL-36 est annulée." % numero in page.text
    assert "Facture annulée par l'avoir %s." % numero in texte(page.text)
    assert "form-avoir" not in page.forms
    recorded = document(app, numero)
    assert recorded["motif"] == "Facturé par erreur <b>" and recorded["par"] == "regisseur"
    assert document(app, "AL-36")["annulee_par"] == numero
    after = etat(app)
    assert after["restes"]["AL-36"] == D("0.00")
    assert after["factures"] == sorted(before["factures"] + [numero])
    tab = texte(browser.get(FAMILLE + "factures/%s/@@avoir" % numero).text)
    pdf = '<a href="/familles/%s/factures/%s/pdf" class="pdf">' % (DUPONT["numero"], numero)
    assert pdf in tab
    assert 'class="motif">Facturé par erreur &lt;b&gt;<' in tab and 'id="affectation-AL-36"' in tab


def test_partial_credit_note_and_its_limits(app):
    browser = staff(app, "regisseur")
    numero = suivant(app)
    page = avoir(browser, montant="14,60").follow()
    assert "Avoir %s émis : 14,60\xa0€ sur la facture AL-36." % numero in page.text
    assert etat(app)["restes"]["AL-36"] == D("106.00")
    assert page.forms["form-avoir"]["montant"].value == "106,00"
    before = etat(app)
    demain = (dates.today() + datetime.timedelta(days=1)).isoformat()
    for champ, fields, message in (
        (
            "montant",
            {"montant": "106,01"},
            "Le montant de l'avoir ne peut dépasser 106,00\xa0€, ce qui reste à créditer "
            "sur cette facture.",
        ),
        ("montant", {"montant": "0"}, "Le montant doit être supérieur à 0."),
        ("montant", {"montant": "douze"}, "Montant invalide : écrivez par exemple 120,60."),
        ("montant", {"montant": "-1"}, "Le montant ne peut pas être négatif."),
        *(("montant", {"montant": typed}, message) for typed, message in MONTANTS_HOSTILES),
        ("motif", {"motif": "   "}, "Indiquez le motif de l'avoir."),
        ("date", {"date": demain}, "La date ne peut pas être dans le futur."),
        ("date", {"date": "2015-04-07"}, "L'avoir ne peut précéder la facture."),
    ):
        response = avoir(browser, status=400, **fields)
        assert erreur(response.text, champ) == message, fields
        assert etat(app) == before
    # the rest cancels it
    avoir(browser, montant="106,00", motif="Annulation")
    assert document(app, "AL-36")["annulee_par"] == suivant(app, 0)


def test_credit_note_on_a_paid_invoice_is_a_credit(app):
    browser = staff(app, "regisseur")
    avoir(browser, url=FAMILLE + "factures/AL-12/@@facture", montant="8")
    assert etat(app)["credit"] == D("8.00")
    assert '<span id="credit">8,00\xa0€</span>' in browser.get(COMPTE).text


# --- Who may do what -----------------------------------------------------------------


def test_agent_reads_but_cannot_record(agent, shared):
    page = agent.get(COMPTE)
    assert "operation-AL-36" in page.text and "form-reglement" not in page.forms
    assert "seuls les régisseurs enregistrent les règlements" in page.text
    facture = agent.get(AL36)
    assert "form-avoir" not in facture.forms and "Reste à payer" in facture.text
    assert agent.get(AL228).status_int == 200
    before = etat(shared)
    values = {
        "regie": REGIE_NOM,
        "mode": "cheque",
        "montant": "10",
        "date": dates.today().isoformat(),
        "csrf_token": jeton(agent),
    }
    agent.post(COMPTE, values, status=403)
    agent.post(AL36, {"montant": "10", "motif": "x", "csrf_token": jeton(agent)}, status=403)
    assert etat(shared) == before


def test_editor_and_parents_get_nothing(editeur, dupont, martin):
    for url in (COMPTE, AL36, AL228):
        editeur.get(url, status=403)
        # parents never see the management interface, not even their own
        for parent in (dupont, martin):
            response = parent.get(url, status=302)
            assert response.location.endswith("/")
            assert not leaked(response.text, "dupont")


def test_martin_never_reaches_dupont_by_a_post(martin, shared):
    before = etat(shared)
    page = martin.get("/mot-de-passe")
    response = martin.post(
        COMPTE,
        {"regie": REGIE_NOM, "mode": "cheque", "montant": "1", "csrf_token": csrf(page)},
        status=302,
    )
    assert response.location.endswith("/") and not leaked(response.text, "dupont")
    assert etat(shared) == before


# --- Never deleted -----------------------------------------------------------------


CONTENTS_ACTIONS = ("form.delete", "form.rename", "form.move", "form.copy", "form.duplicate")


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_numbered_documents_cannot_be_deleted_in_the_sdi(app, role):
    browser = staff(app, role)
    before = etat(app)
    for folder, name in (("factures", "AL-36"), ("reglements", "AL-228")):
        contents = browser.get(FAMILLE + folder + "/@@contents")
        assert "form.delete" not in contents.text and "form.rename" not in contents.text
        for action in CONTENTS_ACTIONS:
            response = browser.post(
                FAMILLE + folder + "/@@contents",
                {action: action, "item-modify": name, "csrf_token": jeton(browser)},
                status=403,
            )
            assert no_traceback(response.text)
    # nor the folders themselves, from the family's contents tab
    contents = browser.get(FAMILLE + "@@contents").text
    for folder in ("factures", "reglements"):
        row = re.search(r'\{"id": "%s"[^{}]*\}' % folder, contents).group(0)
        # agents get no such button in a family (sdi.contenu)
        disabled = ["rename", "copy", "move", "duplicate", "delete"] if role == "admin" else []
        assert row.endswith('"disable": %s}' % json.dumps(disabled))
        for action in CONTENTS_ACTIONS:
            browser.post(
                FAMILLE + "@@contents",
                {action: action, "item-modify": "enfants/" + folder, "csrf_token": jeton(browser)},
                status=403,
            )
    assert etat(app) == before
    names = with_root(app.app, lambda root, registry: set(root["familles"][DUPONT["numero"]]))
    assert {"factures", "reglements"} <= names


def test_other_contents_of_a_family_keep_substanced_actions(app):
    def add(root, registry):
        from substanced.folder import Folder

        root["familles"][DUPONT["numero"]].add("essai", Folder(), registry=registry)

    with_root(app.app, add)
    browser = staff(app, "admin")
    confirmation = browser.post(
        FAMILLE + "@@contents",
        {"form.delete": "delete", "item-modify": "essai", "csrf_token": jeton(browser)},
        status=200,
    )
    assert "Supprimer définitivement ?" in confirmation.text
    browser.post(
        FAMILLE + "@@contents",
        {"form.supprimer": "supprimer", "item-modify": "essai", "csrf_token": jeton(browser)},
        status=302,
    )
    assert "essai" not in with_root(
        app.app, lambda root, registry: list(root["familles"][DUPONT["numero"]])
    )


def test_the_folders_refuse_removal_and_copies(app):
    before = etat(app)

    def attempt(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        with pytest.raises(DocumentPermanent):
            del famille["factures"]["AL-36"]
        with pytest.raises(DocumentPermanent):
            famille["reglements"].rename("AL-228", "AL-1")
        with pytest.raises(DocumentPermanent):
            famille["factures"].copy("AL-36", famille["factures"], "AL-36-1")

    with_root(app.app, attempt)
    assert etat(app) == before
