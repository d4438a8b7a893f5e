"""The unpaid follow-up (relances): the Régies' tab "Impayés" (list, age
buckets, filters, totals, paging, exports), the reminders (the button
with its confirmation, the daily script: sent once, by mail and in the
mailbox, logged on the invoice and in the journal, shown on the family's
statement) and the optional blocking of new reservations."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from substanced.util import get_oid

from portail_famille import dates, journal
from portail_famille.demo import DUPONT, MARTIN
from portail_famille.facturation import corrections
from portail_famille.facturation import service as facturation
from portail_famille.planning import cells
from portail_famille.relances import script
from portail_famille.relances import service as relances

from ..conftest import DUPONT_URL, app_du_test, csrf, login, mails, with_root
from ..travaux import une_passe
from .conftest import client
from .test_compte_sdi import reglement, staff, texte
from .test_enfants import browser_for
from .test_reservations import (  # noqa: F401  (fixtures)
    JEUDI_CONTRAT,
    MAM,
    MERCREDI,
    REST,
    _inscrire_lucas,
    cell,
    clock,
    post,
    reserver,
    town,
)

D = Decimal
IMPAYES = "/manage/regies/@@impayes"
RELANCES = "/manage/regies/@@relances-dues"
REGIE = "regie-garderie-alsh"


def facture(app, numero_famille, montant, echeance, structure=None):
    """An invoice of the régie due on ``echeance`` (its line billing a
    prestation of ``structure`` when given); its number."""

    def make(root, registry):
        famille = root["familles"][numero_famille]
        ligne = {"enfant": "X", "montant": D(montant), "quantite": 1, "prix": D(montant)}
        if structure is not None:
            prestation = next(iter(root["structures"][structure].values()))
            ligne["prestation_oid"] = get_oid(prestation)
            ligne["structure"] = prestation.structure.title
        jour = echeance - datetime.timedelta(days=22)
        return facturation.emettre_facture(
            famille,
            root["regies"][REGIE],
            jour,
            jour,
            jour,
            [ligne],
            echeance=echeance,
            registry=registry,
        ).numero

    return with_root(app.app, make)


def lire_facture(app, numero, famille=DUPONT["numero"]):
    def read(root, registry):
        found = root["familles"][famille]["factures"][numero]
        return {
            "relances": [dict(r) for r in found.relances],
            "reste": found.reste,
            "lignes": found.lignes,
            "montant": found.montant,
        }

    return with_root(app.app, read)


def lignes(page):
    """{invoice number: the row's text} of the list."""
    return {
        m.group(1): texte(m.group(2))
        for m in re.finditer(r'data-numero="([^"]+)">(.*?)</tr>', page.text, re.S)
    }


def il_y_a(jours):
    return dates.today() - datetime.timedelta(days=jours)


# --- The list ----------------------------------------------------------------------


def test_the_list_shows_al36_its_age_family_and_totals(regisseur):
    page = regisseur.get(IMPAYES)
    rows = lignes(page)
    assert list(rows) == ["AL-36"]
    row = rows["AL-36"]
    for attendu in ("DUPONT", "08/04/2015", "30/04/2015", "120,60", "Plus de 60 jours"):
        assert attendu in row
    assert "Relance n°1 à envoyer" in row
    # the family's name links to its file, the number to the invoice
    assert '/familles/%s/@@fiche"' % DUPONT["numero"] in page.text
    assert "factures/AL-36/@@facture" in page.text
    total = texte(re.search(r'class="total-general">(.*?)</tr>', page.text, re.S).group(1))
    assert "1" in total and "120,60" in total
    plus = texte(re.search(r'class="total-60\+">(.*?)</tr>', page.text, re.S).group(1))
    assert "120,60" in plus
    assert "Envoyer les relances dues" in page.text
    assert DUPONT["numero"] + "<" not in page.text  # names, not numbers


def test_the_dashboard_links_to_the_list(regisseur, agent, editeur):
    for browser in (regisseur, agent):
        page = browser.get("/manage/@@tableau")
        bloc = texte(re.search(r'class="bloc-impayes"(.*?)</section>', page.text, re.S).group(1))
        assert re.sub("<[^>]+>", "", bloc).count("Factures impayées (toutes régies) : 1") == 1
        assert "/manage/regies/@@impayes" in bloc
    assert "bloc-impayes" not in editeur.get("/manage/@@tableau").text


def test_agent_reads_the_list_but_sends_no_reminder(agent):
    page = agent.get(IMPAYES)
    assert "AL-36" in page.text
    assert "Envoyer les relances dues" not in page.text
    agent.get(RELANCES, status=403)


def test_editor_and_parents_never_see_it(editeur, dupont):
    editeur.get(IMPAYES, status=403)
    assert dupont.get(IMPAYES, expect_errors=True).status_int in (302, 403, 404)


def test_buckets_filters_totals_and_paid_invoices(app):
    recente = facture(app, DUPONT["numero"], "10.00", il_y_a(10))
    moyenne = facture(app, MARTIN["numero"], "20.00", il_y_a(45), structure="garderie-periscolaire")
    future = facture(app, MARTIN["numero"], "5.00", dates.today() + datetime.timedelta(days=5))
    browser = staff(app, "regisseur")
    rows = lignes(browser.get(IMPAYES))
    assert list(rows) == ["AL-36", moyenne, recente, future]  # oldest due date first
    assert "31 à 60 jours" in rows[moyenne] and "MARTIN" in rows[moyenne]
    assert "0 à 30 jours" in rows[recente]
    assert "Non échue" in rows[future]

    page = browser.get(IMPAYES, {"tranche": "31-60"})
    assert list(lignes(page)) == [moyenne]
    # the totals stay those of every bucket
    total = texte(re.search(r'class="total-general">(.*?)</tr>', page.text, re.S).group(1))
    assert "4" in total and "155,60" in total
    assert "20,00" in texte(re.search(r'class="total-31-60">(.*?)</tr>', page.text, re.S).group(1))

    structure = with_root(
        app.app, lambda root, reg: str(get_oid(root["structures"]["garderie-periscolaire"]))
    )
    rows = lignes(browser.get(IMPAYES, {"structure": structure}))
    assert moyenne in rows and recente not in rows and future not in rows
    regie = with_root(app.app, lambda root, reg: str(get_oid(root["regies"][REGIE])))
    assert len(lignes(browser.get(IMPAYES, {"regie": regie}))) == 4

    # a bad filter: a French message beside its field, the list unfiltered
    page = browser.get(IMPAYES, {"regie": "123", "tranche": "<script>"})
    assert "Régie inconnue." in page.text and "Ancienneté inconnue." in page.text
    assert "<script>" not in page.text and len(lignes(page)) == 4

    # paid: out of the list at once
    reglement(browser, montant="120,60")
    assert "AL-36" not in lignes(browser.get(IMPAYES))
    assert lire_facture(app, "AL-36")["reste"] == 0

    # cancelling the payment makes it due again (facturation.corrections)
    def annuler(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        cheque = next(r for r in famille["reglements"].values() if "AL-36" in r.affectations)
        corrections.annuler_reglement(
            cheque, dates.today(), "Chèque sans provision", par="regisseur", registry=registry
        )

    with_root(app.app, annuler)
    assert "120,60" in lignes(browser.get(IMPAYES))["AL-36"]


def test_paging_fifty_a_page(app):
    def many(root, registry):
        famille = root["familles"][MARTIN["numero"]]
        for n in range(55):
            jour = il_y_a(100 - n)
            ligne = {"enfant": "X", "montant": D("1.00"), "quantite": 1, "prix": D("1.00")}
            facturation.emettre_facture(
                famille, root["regies"][REGIE], jour, jour, jour, [ligne], registry=registry
            )

    with_root(app.app, many)
    browser = staff(app, "regisseur")
    page = browser.get(IMPAYES)
    assert len(lignes(page)) == 50 and "Page 1 / 2" in texte(page.text)
    suivante = re.search(r'href="([^"]+)"[^>]*>Page suivante', page.text).group(1)
    page2 = browser.get(suivante.replace("&amp;", "&"))
    assert len(lignes(page2)) == 6 and "Page 2 / 2" in texte(page2.text)
    assert set(lignes(page)).isdisjoint(lignes(page2))
    assert len(lignes(browser.get(IMPAYES, {"page": "99999999999"}))) == 50


def test_exports_csv_and_xlsx_defend_formulas(app):
    def nom(root, registry):
        famille = root["familles"][MARTIN["numero"]]
        famille.responsable = dict(famille.responsable, prenom="=HYPERLINK(1)")

    with_root(app.app, nom)
    facture(app, MARTIN["numero"], "7.50", il_y_a(3))
    browser = staff(app, "regisseur")
    csv = browser.get(IMPAYES + "-csv")
    assert csv.content_type == "text/csv"
    body = csv.body.decode("utf-8-sig")
    assert "AL-36" in body and "120,6" in body and "Plus de 60 jours" in body
    assert "'=HYPERLINK(1) MARTIN" in body
    assert "no-store" in csv.headers.get("Cache-Control", "")
    tranche = browser.get(IMPAYES + "-csv", {"tranche": "0-30"}).body.decode("utf-8-sig")
    assert "AL-36" not in tranche and "7,5" in tranche

    xlsx = browser.get(IMPAYES + "-xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Famille" and len(rows) == 3
    cell = next(c for r in sheet.iter_rows() for c in r if str(c.value).startswith("=HYP"))
    assert cell.data_type == "s"
    assert any(r[2] == "AL-36" and r[7] == pytest.approx(120.6) for r in rows[1:])
    staff(app, "editeur").get(IMPAYES + "-csv", status=403)


# --- Reminders ---------------------------------------------------------------------


def _messages(app, numero=DUPONT["numero"]):
    def read(root, registry):
        return [
            (c.objet, c.messages[-1].texte) for c in root["familles"][numero]["messages"].values()
        ]

    return with_root(app.app, read)


def test_reminders_are_previewed_confirmed_sent_once_and_logged(app):
    browser = staff(app, "regisseur")
    avant = len(mails(app))
    apercu = browser.get(RELANCES)
    assert "AL-36" in apercu.text and "Confirmer l'envoi des relances" in apercu.text
    assert len(mails(app)) == avant and lire_facture(app, "AL-36")["relances"] == []  # GET

    # without the CSRF token: refused, nothing sent
    browser.post(RELANCES, {"confirmer": "1"}, status=400)
    assert lire_facture(app, "AL-36")["relances"] == []

    lignes_avant = lire_facture(app, "AL-36")["lignes"]
    reponse = browser.post(RELANCES, {"confirmer": "1", "csrf_token": csrf(apercu)}, status=302)
    suivi = reponse.follow()
    assert "1 relance(s) mise(s) en file d'envoi." in texte(suivi.text)
    assert "Relances des factures impayées du" in suivi.text and "0 sur 1" in suivi.text
    assert lire_facture(app, "AL-36")["relances"] == [] and len(mails(app)) == avant  # queued
    assert une_passe(app.app) == 1  # the workers send it (relances.envoi)
    assert "1 sur 1" in browser.get(reponse.location).text
    found = lire_facture(app, "AL-36")
    assert found["relances"] == [{"rang": 1, "date": dates.today(), "par": "regisseur"}]
    assert found["lignes"] == lignes_avant and found["montant"] == D("120.60")

    envoyes = mails(app)[avant:]
    assert len(envoyes) == 1
    mail = envoyes[0]
    assert "relance n°1, facture AL-36 impayée" in mail
    assert "Reste à régler : 120,60" in mail and "Échéance : 30/04/2015" in mail
    assert "http://localhost/familles/%s/releve-de-compte" % DUPONT["numero"] in mail
    messages = [m for m in _messages(app) if "AL-36" in m[0]]
    assert messages and "Relance n°1" in messages[0][0] and "120,60" in messages[0][1]

    entrees, _suite = with_root(
        app.app, lambda root, reg: journal.lire(root, quoi=relances.RELANCE_ENVOYEE)
    )
    assert len(entrees) == 1 and entrees[0]["qui"] == "regisseur"
    assert entrees[0]["famille"] == DUPONT["numero"]

    # the same day again: nothing more
    page = browser.get(RELANCES)
    assert "Aucune relance n'est due aujourd'hui." in page.text
    browser.post(RELANCES, {"confirmer": "1", "csrf_token": csrf(apercu)}, status=302)
    une_passe(app.app)
    assert len(lire_facture(app, "AL-36")["relances"]) == 1 and len(mails(app)) == avant + 1

    # the list and the family's statement show it
    row = lignes(browser.get(IMPAYES))["AL-36"]
    assert "n°1 le %s" % dates.courte(dates.today()) in row
    page = browser.get("/manage/familles/%s/factures/AL-36/@@facture" % DUPONT["numero"])
    assert "Relance n°1 envoyée le %s" % dates.courte(dates.today()) in texte(page.text)
    parent = client(app)
    login(parent, "jean.dupont", "Bonbons31400")
    releve = parent.get(
        DUPONT_URL + "releve-de-compte", {"annee": "2014-2015", "onglet": "factures"}
    )
    assert "Relance n°1 envoyée le %s" % dates.courte(dates.today()) in texte(releve.text)


def test_the_second_reminder_waits_its_delay_then_the_tresor(app):
    settings = app.app.registry.settings
    delais = relances.delais(settings)
    assert delais == (15, 30) and relances.delai_tresor(settings) == 45

    def get(root, registry):
        return root["familles"][DUPONT["numero"]]["factures"]["AL-36"]

    def check(root, registry):
        f = get(root, registry)
        jour = dates.today()
        f.relances = ({"rang": 1, "date": jour - datetime.timedelta(days=3), "par": "x"},)
        assert relances.rang_du(f, jour, delais) is None  # 15 days between the two
        f.relances = ({"rang": 1, "date": jour - datetime.timedelta(days=15), "par": "x"},)
        assert relances.rang_du(f, jour, delais) == 2
        f.relances += ({"rang": 2, "date": jour, "par": "x"},)
        assert relances.rang_du(f, jour, delais) is None
        code, _texte = relances.etat(f, jour, delais, 45)
        assert code == relances.A_TRANSMETTRE
        f.prelevement = {"lot": "P-1", "echeance": jour}
        f.relances = ()
        assert relances.rang_du(f, jour, delais) is None  # never a scheduled debit
        assert relances.etat(f, jour, delais, 45)[0] == relances.PRELEVEMENT
        f.prelevement = None
        f.tresor = {"fichier": "PES-1.xml", "date": jour}
        assert relances.rang_du(f, jour, delais) is None
        assert relances.etat(f, jour, delais, 45)[0] == relances.TRESOR_TRANSMISE

    with_root(app.app, check)
    page = staff(app, "regisseur").get(IMPAYES)
    row = lignes(page)["AL-36"]
    assert "Transmise au Trésor public" in row
    assert "Aucune relance" in staff(app, "regisseur").get(RELANCES).text


def test_a_recent_invoice_is_reminded_at_its_delays_only(app):
    numero = facture(app, MARTIN["numero"], "12.00", il_y_a(14))

    def dues(root, registry):
        return [f.numero for f, _r in relances.dues(root, dates.today(), registry.settings)]

    assert with_root(app.app, dues) == ["AL-36"]  # 14 days: not yet
    numero2 = facture(app, MARTIN["numero"], "13.00", il_y_a(15))
    assert with_root(app.app, dues) == ["AL-36", numero2]
    assert numero not in with_root(app.app, dues)


def _ini(app, tmp_path):
    settings = app.app.registry.settings
    for db in app.app.registry._zodb_databases.values():
        db.close()
    ini = tmp_path / "relances.ini"
    lines = ["[app:main]", "use = egg:portail_famille"]
    for key in (
        "zodbconn.uri",
        "substanced.secret",
        "substanced.initial_login",
        "substanced.initial_password",
        "substanced.initial_email",
        "tm.annotate_user",
        "substanced.statsd.enabled",
        "portail.url",
        "portail.mail_directory",
    ):
        lines.append("%s = %s" % (key, settings[key].replace("%", "%%")))
    ini.write_text("\n".join(lines) + "\n")
    return str(ini)


def test_the_daily_script_sends_once(tmp_path, capsys):
    with app_du_test(tmp_path / "app") as app:
        facture(app, MARTIN["numero"], "30.00", il_y_a(20))
        avant = len(mails(app))
        ini = _ini(app, tmp_path)
        assert script.main(["portail-famille-relances", ini]) == 0
        out = capsys.readouterr().out
        assert "2 due, 2 sent" in out and "DUPONT" not in out
        assert len(mails(app)) == avant + 2
        assert script.main(["portail-famille-relances", ini]) == 0
        assert "0 due, 0 sent" in capsys.readouterr().out
        assert len(mails(app)) == avant + 2
        assert script.main(["portail-famille-relances"]) == 2


# --- Blocking ----------------------------------------------------------------------


@pytest.fixture
def bloquee(tmp_path, clock):  # noqa: F811
    """LUCAS enrolled (test_reservations' town), blocking above 100 €."""
    reglages = {"portail.zone_vacances": "C", "portail.relances.blocage_seuil": "100"}
    with app_du_test(tmp_path, **reglages) as app:
        with_root(app.app, _inscrire_lucas)
        yield app


def test_blocking_is_off_by_default(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    page = reserver(dupont, town, MAM, MERCREDI).follow()
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert "restent impayées" not in page.text


def test_blocking_above_the_threshold_tells_the_parent_what_to_pay(bloquee):
    dupont = browser_for(bloquee, "jean.dupont")
    page = reserver(dupont, bloquee, MAM, MERCREDI).follow()
    assert cell(bloquee, MAM, MERCREDI) is None
    message = texte(page.text)
    assert "des factures échues restent impayées (120,60" in message
    assert "Réglez-les depuis votre Relevé de compte" in message
    assert 'href="%sreleve-de-compte"' % DUPONT_URL in page.text
    # an absence on a booked day is still allowed
    absence = post(
        dupont,
        bloquee,
        "declarer-une-absence",
        REST,
        JEUDI_CONTRAT,
        motif="Malade",
        confirmation="oui",
    )
    assert "restent impayées" not in texte(absence.follow().text)
    # paid down to the threshold: booking again
    reglement(staff(bloquee, "regisseur"), montant="20,60")
    page = reserver(dupont, bloquee, MAM, MERCREDI).follow()
    assert cell(bloquee, MAM, MERCREDI) == cells.RESERVE


def test_evolve_step36_indexes_the_invoices_issued_before_it(app):
    from portail_famille.evolve import step36

    def vider(root, registry):
        del root["regies"][REGIE].impayes

    with_root(app.app, vider)
    browser = staff(app, "regisseur")
    assert lignes(browser.get(IMPAYES)) == {}
    with_root(app.app, step36.evolve)
    assert list(lignes(browser.get(IMPAYES))) == ["AL-36"]
