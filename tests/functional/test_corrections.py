"""Payments are corrected, never erased (facturation.corrections): a
régisseur cancels a mistyped payment (a numbered counter-entry, the
original kept and marked) and refunds a credit; both are on the family's
statement and the régie's journal; bad, forged and unauthorised POSTs
write nothing."""

import datetime
import re
from decimal import Decimal

from portail_famille import dates
from portail_famille.demo import DUPONT
from portail_famille.facturation import corrections, originaux, service

from .. import hostile
from ..conftest import DUPONT_URL, csrf, login, with_root
from .acces import derniere_transaction
from .conftest import client, no_traceback
from .test_compte_sdi import (
    COMPTE,
    FAMILLE,
    REGIE_NOM,
    erreur,
    etat,
    nouvelle_facture,
    reglement,
    staff,
    suivant,
    texte,
)

D = Decimal
REMBOURSER = FAMILLE + "@@rembourser"
JOURNAL = "/manage/regies/%s/@@journal" % REGIE_NOM


def page_reglement(numero):
    return FAMILLE + "reglements/%s/@@reglement" % numero


def page_annuler(numero):
    return FAMILLE + "reglements/%s/@@annuler" % numero


def lire(app, numero):
    """The stored document ``numero`` of DUPONT, as plain values."""

    def read(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        found = famille["factures"].get(numero) or famille["reglements"].get(numero)
        if found is None:
            return None
        return {
            "type": type(found).__name__,
            "montant": found.montant,
            "affectations": dict(found.affectations),
            "annule_par": getattr(found, "annule_par", None),
            "reglement": getattr(found, "reglement", None),
            "factures": getattr(found, "factures", None),
            "motif": getattr(found, "motif", None),
            "mode": getattr(found, "mode", None),
            "par": found.emise_par,
            "fige": originaux.original(found) is not None,
        }

    return with_root(app.app, read)


def annuler(browser, reglement_, status=302, jeton="page", **fields):
    page = browser.get(COMPTE)  # the session's token (a refused payment's page has no form)
    values = {"motif": "Erreur de saisie : 42,00 €", "date": dates.today().isoformat()}
    values["confirmer"] = "1"
    values.update(fields)
    if jeton is not None:
        values["csrf_token"] = csrf(page) if jeton == "page" else jeton
    return browser.post(page_annuler(reglement_), values, status=status)


def rembourser(browser, status=200, confirmer=False, **fields):
    page = browser.get(REMBOURSER)
    values = {
        "regie": REGIE_NOM,
        "mode": "especes",
        "montant": "299,40",
        "date": dates.today().isoformat(),
        "motif": "Trop-perçu rendu au guichet",
        "reference": "",
        "csrf_token": csrf(page),
    }
    values["confirmer" if confirmer else "verifier"] = "1"
    values.update(fields)
    return browser.post(REMBOURSER, values, status=status)


def payer_420(app, browser):
    """The mistyped cash payment: 420,00 € for AL-36 (120,60 €)."""
    numero = suivant(app)
    reglement(browser, montant="420,00", mode="especes")
    assert etat(app)["credit"] == D("299.40")
    return numero


def test_cancel_a_mistyped_cash_payment_then_record_the_right_one(app):
    browser = staff(app, "regisseur")
    faux = payer_420(app, browser)
    assert etat(app)["restes"]["AL-36"] == D("0.00")

    # the payment's tab offers the cancellation; its page says what it does
    onglet = browser.get(page_reglement(faux))
    assert 'href="%s"' % page_annuler(faux) in onglet.text
    confirmation = texte(browser.get(page_annuler(faux)).text)
    assert "La facture AL-36 du 08/04/2015 redevient due de 120,60\xa0€" in re.sub(
        r"<[^>]+>", "", confirmation
    )
    assert "Le crédit de 299,40\xa0€ laissé par ce règlement est retiré du compte." in re.sub(
        r"<[^>]+>", "", confirmation
    )
    assert "Confirmer l'annulation" in confirmation

    annulation = suivant(app)
    response = annuler(browser, faux)
    assert response.location.endswith(page_reglement(faux))
    page = texte(response.follow().text)
    assert "Règlement %s annulé par %s : 420,00\xa0€." % (faux, annulation) in page
    aujourdhui = dates.courte(dates.today())
    assert "Annulé le %s (%s : Erreur de saisie : 42,00 €)" % (aujourdhui, annulation) in page

    # the original is kept, marked, and has nothing left
    original = lire(app, faux)
    assert original["type"] == "Reglement" and original["montant"] == D("420.00")
    assert original["annule_par"] == annulation
    assert original["affectations"] == {annulation: D("420.00")}
    contre = lire(app, annulation)
    assert contre["type"] == "Annulation" and contre["montant"] == D("420.00")
    assert contre["reglement"] == faux and contre["factures"] == (("AL-36", D("120.60")),)
    assert contre["par"] == "regisseur" and contre["fige"]
    after = etat(app)
    assert after["restes"]["AL-36"] == D("120.60") and after["credit"] == D("0.00")

    # the right payment
    bon = suivant(app)
    reglement(browser, montant="42,00", mode="especes")
    after = etat(app)
    assert after["restes"]["AL-36"] == D("78.60") and after["credit"] == D("0.00")
    # gapless: payment, cancellation, payment, one after the other
    assert [faux, annulation, bon] == ["AL-229", "AL-230", "AL-231"]
    assert after["sequence"] == 231

    # the family's statement: the cancellation cancels the payment's credit
    parent = client(app)
    login(parent, "jean.dupont", "Bonbons31400")
    releve = parent.get(DUPONT_URL + "releve-de-compte")
    lignes = {
        tr.select_one("th").get_text(strip=True): [
            td.get_text(" ", strip=True)
            for td in tr("td")
            if "actions-facture" not in td.get("class", [])  # the icons (test_argent)
        ]
        for tr in releve.html.select("section.releve tbody tr")
    }
    assert lignes[faux][3:] == ["", "420,00\xa0€"]
    assert lignes[faux][1].startswith("Règlement : Espèces Annulé le")
    assert lignes[annulation][1:] == [
        "Annulation du règlement %s" % faux,
        "Régie garderie ALSH",
        "420,00\xa0€",
        "",
    ]
    assert lignes[bon][3:] == ["", "42,00\xa0€"]
    # 120,60 owed before this school year, + 420 - 420 - 42
    solde = releve.html.select_one("tr.solde").get_text(" ", strip=True)
    assert solde.endswith("78,60\xa0€")
    mes = parent.get(DUPONT_URL + "releve-de-compte", {"onglet": "reglements"})
    ligne = next(tr for tr in mes.html.select("tbody tr") if tr.th.get_text() == faux)
    assert "Annulé le %s (%s" % (aujourdhui, annulation) in ligne.get_text(" ")
    assert "AL-36" not in ligne.get_text(" ")
    # the cancellation's PDF, frozen, served to the family
    pdf = parent.get(DUPONT_URL + "reglements/%s/pdf" % annulation)
    assert pdf.content_type == "application/pdf"

    # the régie's journal: the three numbers, in order
    journal = browser.get(JOURNAL)
    numeros = [tr["id"].removeprefix("journal-") for tr in journal.html.select("#journal tbody tr")]
    assert numeros[-3:] == [faux, annulation, bon]
    ligne = journal.html.select_one("#journal-%s" % annulation)
    assert ligne.select_one(".nature").get_text() == "Annulation"
    assert ligne.select_one(".debit").get_text() == "420,00\xa0€"
    assert "Règlement %s : Erreur de saisie" % faux in ligne.select_one(".reference").get_text()
    assert "Annulé le" in journal.html.select_one("#journal-%s .reference" % faux).get_text()


def test_cancelling_reopens_every_invoice_the_payment_settled_and_uses_the_credit_left(app):
    browser = staff(app, "regisseur")
    faux = payer_420(app, browser)
    # a later invoice, settled at once by the credit the payment left
    mai = nouvelle_facture(app, DUPONT["numero"], "100.00", datetime.date(2015, 5, 31))
    assert etat(app)["restes"][mai] == D("0.00")
    # another payment, all of it a credit
    autre = suivant(app)
    reglement(browser, montant="30", mode="cheque")
    assert etat(app)["credit"] == D("229.40")
    page = texte(re.sub(r"<[^>]+>", "", browser.get(page_annuler(faux)).text))
    assert "La facture %s du 31/05/2015 redevient due de 100,00\xa0€" % mai in page
    assert "Le crédit restant sur le compte à cette régie (30,00\xa0€)" in page
    annulation = suivant(app)
    annuler(browser, faux)
    after = etat(app)
    # the other payment's 30 € settle the oldest invoice given back
    assert after["restes"]["AL-36"] == D("90.60")
    assert after["restes"][mai] == D("100.00")
    assert after["credit"] == D("0.00")
    assert lire(app, autre)["affectations"] == {"AL-36": D("30.00")}
    assert lire(app, annulation)["factures"] == (("AL-36", D("120.60")), (mai, D("100.00")))


def test_refund_of_a_credit(app):
    browser = staff(app, "regisseur")
    paiement = payer_420(app, browser)
    compte = browser.get(COMPTE)
    assert 'href="%s"' % REMBOURSER in compte.text
    avant = derniere_transaction(app)

    # checked, then a confirmation that states it; nothing written yet
    page = rembourser(browser)
    resume = texte(page.html.select_one(".confirmation").get_text(" "))
    assert "Rembourser 299,40\xa0€ ( Espèces" in resume
    assert "299,40\xa0€ avant, 0,00\xa0€ après" in resume
    assert derniere_transaction(app) == avant
    # "Modifier" gives the form back with what was typed
    form = page.forms["form-confirmation"]
    retour = form.submit("modifier")
    assert retour.forms["form-remboursement"]["montant"].value == "299,40"
    assert derniere_transaction(app) == avant

    numero = suivant(app)
    response = page.forms["form-confirmation"].submit("confirmer", status=302)
    assert response.location.endswith(COMPTE)
    assert "Remboursement %s enregistré : 299,40\xa0€." % numero in response.follow().text
    found = lire(app, numero)
    assert found["type"] == "Remboursement" and found["mode"] == "especes"
    assert found["affectations"] == {paiement: D("299.40")} and found["fige"]
    assert lire(app, paiement)["affectations"] == {"AL-36": D("120.60"), numero: D("299.40")}
    assert etat(app)["credit"] == D("0.00")
    # a debit on the statement; the account has nothing left to refund
    text = texte(browser.get(COMPTE).text)
    row = re.search(r'<tr id="operation-%s">(.*?)</tr>' % numero, text).group(1)
    assert "Remboursement : Espèces" in row and 'class="text-right debit">299,40\xa0€<' in row
    assert 'href="%s"' % REMBOURSER not in text
    # a refunded payment cannot be cancelled any more
    refus = texte(browser.get(page_annuler(paiement)).text)
    assert "Une partie de ce règlement a été remboursée (%s)" % numero in refus
    assert "form-annulation" not in refus
    avant = etat(app)
    annuler(browser, paiement, status=400)
    assert etat(app) == avant


def test_refund_beyond_the_credit_and_bad_input_are_refused_beside_the_field(app):
    browser = staff(app, "regisseur")
    payer_420(app, browser)
    avant = etat(app)
    cas = [
        ("montant", {"montant": "299,41"}, "disponible à cette régie (299,40\xa0€)."),
        ("montant", {"montant": "0"}, "Le montant doit être supérieur à 0."),
        ("montant", {"montant": "-5"}, "Le montant ne peut pas être négatif."),
        ("mode", {"mode": "cheque"}, "Choisissez le mode de remboursement."),
        ("regie", {"regie": "inconnue"}, "Choisissez la régie."),
        ("motif", {"motif": "  "}, "Indiquez le motif du remboursement."),
        ("date", {"date": "2015-02-30"}, "Date invalide (AAAA-MM-JJ ou jj/mm/aaaa)."),
    ]
    for champ, fields, message in cas:
        for confirmer in (False, True):  # a forged confirmation is checked as well
            response = rembourser(browser, status=400, confirmer=confirmer, **fields)
            assert erreur(response.text, champ).endswith(message), (champ, fields)
            assert no_traceback(response.text)
            assert etat(app) == avant


def test_a_cancellation_without_a_reason_is_refused_beside_the_field(app):
    browser = staff(app, "regisseur")
    faux = payer_420(app, browser)
    avant = etat(app)
    response = annuler(browser, faux, status=400, motif="   ")
    assert erreur(response.text, "motif") == "Indiquez le motif de l'annulation."
    assert response.forms["form-annulation"]["date"].value == dates.today().isoformat()
    hier = (dates.today() - datetime.timedelta(days=400)).isoformat()
    response = annuler(browser, faux, status=400, date=hier)
    assert erreur(response.text, "date") == "L'annulation ne peut précéder le règlement."
    assert response.forms["form-annulation"]["motif"].value == "Erreur de saisie : 42,00 €"
    demain = (dates.today() + datetime.timedelta(days=1)).isoformat()
    response = annuler(browser, faux, status=400, date=demain)
    assert erreur(response.text, "date") == "La date ne peut pas être dans le futur."
    assert etat(app) == avant and lire(app, faux)["annule_par"] == ""
    # and the next number is still the next one
    annulation = suivant(app)
    annuler(browser, faux)
    assert lire(app, faux)["annule_par"] == annulation


def test_an_agent_cannot_cancel_nor_refund(app):
    regisseur = staff(app, "regisseur")
    faux = payer_420(app, regisseur)
    agent = staff(app, "agent")
    # he reads the payment, without the button
    onglet = agent.get(page_reglement(faux))
    assert page_annuler(faux) not in onglet.text and "Annuler ce règlement" not in onglet.text
    assert REMBOURSER not in agent.get(COMPTE).text
    jeton = csrf(agent.get("/mot-de-passe"))
    avant, transaction = etat(app), derniere_transaction(app)
    agent.get(page_annuler(faux), status=403)
    agent.get(REMBOURSER, status=403)
    fields = {"motif": "x", "date": dates.today().isoformat(), "confirmer": "1"}
    agent.post(page_annuler(faux), dict(fields, csrf_token=jeton), status=403)
    fields = {
        "regie": REGIE_NOM,
        "mode": "especes",
        "montant": "10",
        "date": dates.today().isoformat(),
        "motif": "x",
        "confirmer": "1",
        "csrf_token": jeton,
    }
    agent.post(REMBOURSER, fields, status=403)
    agent.get(JOURNAL, status=403)
    assert etat(app) == avant and derniere_transaction(app) == transaction


def test_forged_cancellations_write_nothing(app):
    browser = staff(app, "regisseur")
    faux = payer_420(app, browser)
    avant, transaction = etat(app), derniere_transaction(app)
    # without a token, with a wrong one
    for jeton in (None, "faux"):
        response = annuler(browser, faux, status=400, jeton=jeton)
        assert "Formulaire expiré" in response.text
    assert etat(app) == avant and derniere_transaction(app) == transaction
    annulation = suivant(app)
    # extra fields change nothing: the whole payment, by the next number
    annuler(browser, faux, montant="1,00", numero="AL-999", par="admin", factures="AL-12")
    found = lire(app, annulation)
    assert found["montant"] == D("420.00") and found["par"] == "regisseur"
    assert lire(app, "AL-999") is None
    # a cancellation is no payment: no such view on it, nor on an invoice
    jeton = csrf(browser.get(COMPTE))
    for url in (
        FAMILLE + "reglements/%s/@@annuler" % annulation,
        FAMILLE + "factures/AL-36/@@annuler",
    ):
        browser.post(url, {"csrf_token": jeton, "motif": "x", "confirmer": "1"}, status=404)
    # twice: refused, nothing written
    avant, transaction = etat(app), derniere_transaction(app)
    response = annuler(browser, faux, status=400)
    assert "Ce règlement est déjà annulé (%s)." % annulation in response.text
    assert etat(app) == avant and derniere_transaction(app) == transaction


def test_an_online_card_payment_is_refunded_not_cancelled(app):
    def payer_en_ligne(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        regie = root["regies"][REGIE_NOM]
        return service.enregistrer_reglement(
            famille, regie, dates.today(), D("120.60"), "carte", registry=registry
        ).numero

    carte = with_root(app.app, payer_en_ligne)
    browser = staff(app, "regisseur")
    page = texte(browser.get(page_annuler(carte)).text)
    assert "Un paiement par carte en ligne a été encaissé par la banque" in page
    avant = etat(app)
    annuler(browser, carte, status=400)
    assert etat(app) == avant


def test_the_journal_pages_through_the_numbers(app):
    def emettre(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        regie = root["regies"][REGIE_NOM]
        jour = datetime.date(2015, 5, 31)
        ligne = {"enfant": "X", "montant": D("1.00"), "quantite": 1, "prix": D("1.00")}
        for _n in range(60):
            service.emettre_facture(famille, regie, jour, jour, jour, [ligne], registry=registry)

    with_root(app.app, emettre)  # AL-229 .. AL-288
    browser = staff(app, "regisseur")
    page = browser.get(JOURNAL)
    numeros = [tr["id"].removeprefix("journal-") for tr in page.html.select("#journal tbody tr")]
    assert numeros == ["AL-%d" % n for n in range(239, 289)]
    assert page.html.select_one("a[rel=next]")["href"] == "#"
    # the previous page: the numbers before, down to those taken over
    page = browser.get(page.html.select_one("a[rel=prev]")["href"])
    numeros = [tr["id"].removeprefix("journal-") for tr in page.html.select("#journal tbody tr")]
    assert numeros == ["AL-228"] + ["AL-%d" % n for n in range(229, 239)]
    page = browser.get(page.html.select_one("a[rel=prev]")["href"])
    numeros = [tr["id"].removeprefix("journal-") for tr in page.html.select("#journal tbody tr")]
    assert numeros == ["AL-12", "AL-36"]
    assert page.html.select_one("a[rel=prev]")["href"] == "#"
    ligne = page.html.select_one("#journal-AL-36")
    assert ligne.select_one(".nature").get_text() == "Facture"
    assert ligne.select_one(".debit").get_text() == "120,60\xa0€"
    assert "%s JEAN DUPONT" % DUPONT["numero"] in ligne.get_text(" ")
    # straight to a number
    page = browser.get(JOURNAL, {"numero": "al-280"})
    numeros = [tr["id"].removeprefix("journal-") for tr in page.html.select("#journal tbody tr")]
    assert numeros == ["AL-%d" % n for n in range(280, 289)]
    page = browser.get(JOURNAL, {"numero": "<b>x</b>"})
    assert "Ce n'est pas un numéro de cette régie." in page.text and "<b>x</b>" not in page.text


def test_evolve_step21_indexes_the_documents_issued_before(app):
    from portail_famille.evolve import step21
    from portail_famille.facturation import journal_regie

    def sans_index(root, registry):
        regie = root["regies"][REGIE_NOM]
        del regie.numeros
        assert journal_regie.index(regie) is None

    def reindexer(root, registry):
        step21.evolve(root, registry)
        regie = root["regies"][REGIE_NOM]
        tree = journal_regie.index(regie)
        return {n: d.numero for n, d in tree.items()}

    with_root(app.app, sans_index)
    assert with_root(app.app, reindexer) == {12: "AL-12", 36: "AL-36", 228: "AL-228"}
    # idempotent
    assert with_root(app.app, reindexer) == {12: "AL-12", 36: "AL-36", 228: "AL-228"}


def test_mention_of_a_payment_not_cancelled_is_none(app):
    def read(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        return corrections.mention(famille["reglements"]["AL-228"])

    assert with_root(app.app, read) is None


def test_reasons_with_markup_are_shown_as_text(app):
    browser = staff(app, "regisseur")
    faux = payer_420(app, browser)
    balises = hostile.BALISES[:5]
    annuler(browser, faux, motif=balises[0] + balises[1])
    reglement(browser, montant="130", mode="especes")  # 9,40 € of credit
    page = rembourser(browser, montant="9,40", motif=balises[2] + balises[3] + balises[4])
    assert hostile.obeit(page.text) == []
    page.forms["form-confirmation"].submit("confirmer", status=302)
    parent = client(app)
    login(parent, "jean.dupont", "Bonbons31400")
    for browser_, url in (
        (browser, page_reglement(faux)),
        (browser, FAMILLE + "reglements/AL-230/@@annulation"),
        (browser, FAMILLE + "reglements/AL-232/@@remboursement"),
        (browser, JOURNAL),
        (browser, COMPTE),
        (parent, DUPONT_URL + "releve-de-compte"),
        (parent, DUPONT_URL + "releve-de-compte?onglet=reglements"),
    ):
        html = browser_.get(url).text
        assert hostile.obeit(html) == [], url
        assert "PFX1" in hostile.texte_de(html) or "PFX3" in hostile.texte_de(html), url


def test_a_cancelled_payment_leaves_the_tax_certificate(app):
    """The demo's cheque AL-228 (2015) paid AL-12: cancelled, it paid
    nothing, and the 2015 attestation fiscale counts nothing of it."""
    from portail_famille.facturation import attestation

    def rajeunir(root, registry):
        # LUCAS under six on 1 January 2015: his childcare counts
        for enfant in root["familles"][DUPONT["numero"]]["enfants"].values():
            enfant.date_naissance = datetime.date(2012, 3, 1)

    def frais(root, registry):
        return attestation.frais_de_garde(root["familles"][DUPONT["numero"]], 2015)["total"]

    with_root(app.app, rajeunir)
    assert with_root(app.app, frais) > D("0.00")
    annuler(staff(app, "regisseur"), "AL-228", motif="Chèque rejeté par la banque")
    assert with_root(app.app, frais) == D("0.00")
    assert etat(app)["restes"]["AL-12"] == D("243.20")
