"""The second household of a shared child as a parent and an agent expect
it (issue 21, garde alternée): JEANNE LAFOND's "Mes données" and her
messages name LUCAS (his common data, her days only, nothing of DUPONT's
household).

The town's clock is frozen on Tuesday 1 December 2026 (test_reservations)."""

import datetime
import io
import json
from decimal import Decimal

from pypdf import PdfReader

from portail_famille.demandes.resources import LISTE_ATTENTE, REFUSEE
from portail_famille.demo import DUPONT
from portail_famille.facturation import campagne
from portail_famille.facturation import service as facturation
from portail_famille.familles import partage
from portail_famille.messagerie import groupe
from portail_famille.planning import cells

from ..conftest import DUPONT_URL, mails, with_root
from . import test_reservations
from .test_demandes_staff import staff
from .test_garde_alternee import (
    FOYER,
    FOYER_URL,
    MERCREDI_IMPAIR,
    demandes_de,
    jean,
    jeanne,
    lignes_de_decembre,
)
from .test_reservations import (  # noqa: F401  (fixtures)
    MAM,
    MERCREDI,
    absence,
    cell,
    child_url,
    clock,
    enfants,
    oid_of,
    reserver,
    town,
)
from .test_telephone import capacite, entrees

D = datetime.date

# What only DUPONT's household holds (JEANNE must never get it).
SECRETS_DUPONT = ("12 RUE DES BONBONS", "01.02.03.04.05", "jean.dupont@wanadoo.fr", "AL-36")


def test_mes_donnees_of_the_second_household_hold_the_shared_child(town):  # noqa: F811
    browser = jeanne(town)
    reserver(browser, town, MAM, MERCREDI)
    reserver(jean(town), town, MAM, MERCREDI_IMPAIR)
    response = browser.get(FOYER_URL + "mes-donnees.json")
    data = json.loads(response.body)
    assert data["famille"]["numero"] == FOYER
    assert [e["identite"]["prenom"] for e in data["enfants_partages"]] == ["LUCAS"]
    lucas = data["enfants_partages"][0]
    assert lucas["identifiant"] == enfants(town)["LUCAS"][0]
    assert set(lucas) >= {"identite", "sanitaires", "autorisations", "inscriptions"}
    assert lucas["inscriptions"]
    # Her days only: the Wednesday she booked, not JEAN's nor the contract's.
    assert [r["date"] for r in lucas["planning"]] == [MERCREDI.isoformat()]
    # Nothing of DUPONT's household: record, invoices, requests, messages.
    text = response.body.decode("utf-8")
    assert [s for s in SECRETS_DUPONT if s in text] == []
    assert DUPONT["numero"] not in text
    assert all(d["demandeur"] == "jeanne.lafond" for d in data["demandes"])
    assert data["factures"] == [] and data["messages"] == []
    # The readable PDF says it too.
    document = browser.get(FOYER_URL + "mes-donnees.pdf")
    reader = PdfReader(io.BytesIO(document.body))
    texte = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "LUCAS" in texte and "Garde alternée" in texte
    assert [s for s in SECRETS_DUPONT if s in texte] == []
    # DUPONT's own export is unchanged: LUCAS is his household's child.
    dupont = json.loads(jean(town).get(DUPONT_URL + "mes-donnees.json").body)
    assert dupont["enfants_partages"] == []
    assert "LUCAS" in [e["identite"]["prenom"] for e in dupont["enfants"]]


def test_the_second_household_writes_about_the_shared_child_from_its_mailbox(town):  # noqa: F811
    browser = jeanne(town)
    reserver(browser, town, MAM, MERCREDI)
    # A second change of the same day: refused, with the link to write to
    # the service from HER mailbox (not DUPONT's: a 404 for her).
    grille = absence(browser, town, MAM, MERCREDI).follow()
    liens = [a["href"] for a in grille.html.find_all("a") if "boite-de-reception" in a["href"]]
    ecrire = [lien for lien in liens if "enfant=" in lien]
    assert ecrire and all(lien.startswith(FOYER_URL) for lien in ecrire), liens
    page = browser.get(ecrire[0])
    objet = page.html.find("input", {"name": "objet"})["value"]
    assert objet == "Modification du planning : LUCAS — Mercredi après-midi — 09/12/2026"
    # The same pre-fill for another household's child it does not share:
    # ignored (forged values).
    forged = FOYER_URL + "boite-de-reception?enfant=%s&prestation=%s&date=%s" % (
        "inconnu",
        oid_of(town, MAM),
        MERCREDI.isoformat(),
    )
    assert "Modification du planning" not in browser.get(forged).text
    assert child_url(town).startswith(DUPONT_URL)


# --- An agent books by phone for the second household ----------------------------


def _telephone(town, day, **query):  # noqa: F811
    extra = "".join("&%s=%s" % item for item in query.items())
    return "/manage%s@@reserver?mois=%04d-%02d%s" % (child_url(town), day.year, day.month, extra)


def _valeur(town, day):  # noqa: F811
    return "%d:%s" % (oid_of(town, MAM), day.isoformat())


def _foyer_des_jours(town, *days):  # noqa: F811
    oid = oid_of(town, MAM)

    def read(root, registry):
        enfant = test_reservations.lucas(root)
        return [partage.foyer_de_la_cellule(enfant, oid, day) for day in days]

    return with_root(town.app, read)


def test_an_agent_books_by_phone_for_the_second_household_on_its_weeks(town):  # noqa: F811
    agent = staff(town, "agent")
    page = agent.get(_telephone(town, MERCREDI))
    texte = " ".join(page.html.select_one(".foyers-garde").get_text(" ").split())
    assert "DUPONT (N° %s) — Toutes les semaines" % DUPONT["numero"] in texte
    assert "JEANNE LAFOND (N° %s) — Les semaines paires (numéro ISO)" % FOYER in texte
    # JEANNE on the phone: her household chosen, the form carries it.
    lien = page.html.select_one('.foyers-garde a[href*="foyer=%s"]' % FOYER)["href"]
    page = agent.get(lien)
    assert "N° famille %s" % FOYER in " ".join(page.html.select_one(".famille").get_text().split())
    form = page.forms["reservation"]
    assert form["foyer"].value == FOYER
    # An odd week is JEAN's: the parent's refusal, nothing stored.
    form = agent.get(_telephone(town, MERCREDI_IMPAIR, foyer=FOYER)).forms["reservation"]
    refused = form.submit("reserver", value=_valeur(town, MERCREDI_IMPAIR))
    assert refused.status_int == 200
    assert "LUCAS est en garde chez l'autre parent" in refused.html.select_one(".refus").text
    assert cell(town, MAM, MERCREDI_IMPAIR) is None
    # Her even week: booked, her household's request, day, journal and mail.
    done = page.forms["reservation"].submit("reserver", value=_valeur(town, MERCREDI))
    assert done.status_int == 302 and "foyer=%s" % FOYER in done.location
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert demandes_de(town, FOYER) == [("reservation", MERCREDI, "agent")]
    assert all(d[1] != MERCREDI for d in demandes_de(town, DUPONT["numero"]))
    assert _foyer_des_jours(town, MERCREDI) == [FOYER]
    [entree] = entrees(town, "PlanningReservationAgent")
    assert entree["famille"] == FOYER and entree["qui"] == "agent"
    mail = mails(town)[-1]
    assert "To: jeanne.lafond@laposte.net" in mail and "a réservé" in mail
    # She sees it in her list; the cancellation's link is her household's.
    liste = jeanne(town).get(FOYER_URL + "liste-des-demandes?onglet=enfants")
    assert "Mercredi après-midi" in liste.text
    suivi = done.follow()
    annuler = suivi.html.select_one('a.annuler[href*="annuler="]')["href"]
    assert "foyer=%s" % FOYER in annuler
    confirmation = agent.get(annuler)
    assert "Pour le foyer JEANNE LAFOND (N° %s)" % FOYER in " ".join(
        confirmation.html.select_one(".foyer-annulation").get_text().split()
    )
    # Without a choice the agent books for the first household, as before.
    form = agent.get(_telephone(town, MERCREDI_IMPAIR)).forms["reservation"]
    assert form.submit("reserver", value=_valeur(town, MERCREDI_IMPAIR)).status_int == 302
    assert _foyer_des_jours(town, MERCREDI_IMPAIR) == [DUPONT["numero"]]
    # Each household is billed for its day.
    factures = lignes_de_decembre(town)
    assert factures[FOYER] == [MERCREDI]
    assert MERCREDI_IMPAIR in factures[DUPONT["numero"]]


def test_the_second_households_tab_reserver_leads_to_the_shared_child(town):  # noqa: F811
    agent = staff(town, "agent")
    page = agent.get("/manage/familles/%s/@@reserver" % FOYER)
    liens = [a["href"] for a in page.html.find_all("a") if "@@reserver?" in a["href"]]
    assert any(child_url(town) in lien and "foyer=%s" % FOYER in lien for lien in liens), liens
    direct = agent.get("/manage/familles/%s/@@reserver?prenom=lucas" % FOYER)
    assert direct.status_int == 302 and "foyer=%s" % FOYER in direct.location


# --- Staff stop the garde alternée ------------------------------------------------

MERCREDI_JANVIER = D(2027, 1, 13)  # ISO week 2: JEANNE's, invoiced in advance below
MERCREDI_PASSE = D(2026, 11, 25)  # ISO week 48: JEANNE's, a day that happened


def _arreter_url(town):  # noqa: F811
    return "/manage%s@@arreter-garde" % child_url(town)


def _preparer_jours(town):  # noqa: F811
    """JEANNE's days: a past one (not invoiced yet), 9 December (booked on
    her grid), 13 January (booked and already invoiced to her household)."""
    browser = jeanne(town)
    reserver(browser, town, MAM, MERCREDI)
    reserver(browser, town, MAM, MERCREDI_JANVIER)
    oid = oid_of(town, MAM)

    def ecrire(root, registry):
        enfant = test_reservations.lucas(root)
        foyer = root["familles"][FOYER]
        cells.set_cell(enfant, oid, MERCREDI_PASSE, cells.RESERVE)
        partage.noter_foyer(enfant, oid, MERCREDI_PASSE, foyer)
        regie = root["regies"]["regie-garderie-alsh"]
        ligne = {"enfant": "LUCAS", "montant": Decimal("7.50"), "quantite": 1, "prix": "7.50"}
        facture = facturation.emettre_facture(
            foyer,
            regie,
            D(2026, 12, 1),
            MERCREDI_JANVIER,
            MERCREDI_JANVIER,
            [ligne],
            cellules=[(enfant.__name__, oid, MERCREDI_JANVIER)],
            registry=registry,
        )
        return facture.numero

    return with_root(town.app, ecrire)


def _facture(town, numero):  # noqa: F811
    def read(root, registry):
        facture = root["familles"][FOYER]["factures"][numero]
        return (facture.montant, list(facture.cellules), facture.annulee_par, facture.reste)

    return with_root(town.app, read)


def _seconds(town):  # noqa: F811
    def read(root, registry):
        return [f.__name__ for f in partage.seconds_foyers(test_reservations.lucas(root))]

    return with_root(town.app, read)


def test_staff_stop_the_garde_alternee_after_a_confirmation(town):  # noqa: F811
    numero = _preparer_jours(town)
    facture = _facture(town, numero)
    agent = staff(town, "agent")
    onglet = agent.get("/manage%s@@garde" % child_url(town))
    lien = onglet.html.select_one("a.arreter-garde")
    assert lien.get_text(strip=True) == "Arrêter la garde alternée…"
    assert lien["href"].endswith("@@arreter-garde")
    page = agent.get(lien["href"])
    form = page.forms[0]
    assert form["depuis"].value == "02/12/2026"  # tomorrow
    assert form["choix"].value == "annuler"
    token = form["csrf_token"].value
    # Bad dates: a French message beside the field, nothing done.
    for saisie, message in (
        ("31/02/2026", "Saisissez la date à partir de laquelle la garde s'arrête"),
        ("30/11/2026", "La date ne peut pas être passée"),
    ):
        refused = agent.post(
            _arreter_url(town),
            {"depuis": saisie, "choix": "annuler", "preparer": "1", "csrf_token": token},
            status=400,
        )
        assert message in refused.html.select_one("#erreur-depuis").text
    # The confirmation lists what happens to each day; nothing yet.
    confirmation = form.submit("preparer")
    texte = " ".join(confirmation.html.get_text(" ").split())
    assert (
        "Arrêter la garde alternée de « LUCAS DUPONT » avec le foyer LAFOND (N° %s) à partir "
        "du 02/12/2026 ?" % FOYER in texte
    )
    annules = [li.get_text(strip=True) for li in confirmation.html.select(".annules li")]
    assert annules == ["Accueil de Loisirs ALSH — Mercredi après-midi, 09/12/2026"]
    conserves = [li.get_text(strip=True) for li in confirmation.html.select(".conserves li")]
    assert conserves == ["Accueil de Loisirs ALSH — Mercredi après-midi, 13/01/2027"]
    assert "Les journées passées et les factures émises ne changent pas" in texte
    assert _seconds(town) == [FOYER]
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    avant = len(mails(town))
    # Confirmed.
    done = confirmation.forms[0].submit("arreter")
    assert done.status_int == 302 and done.location.endswith("@@garde")
    assert "Garde alternée de LUCAS DUPONT arrêtée à partir du 02/12/2026" in done.follow().text
    assert _seconds(town) == []
    # Her day to come is cancelled, its place given back; the invoiced one,
    # the past one and her invoice stay as they were.
    assert cell(town, MAM, MERCREDI) is None
    assert test_reservations.taken(town, MAM, MERCREDI) == 0
    assert cell(town, MAM, MERCREDI_JANVIER) == cells.RESERVE
    assert cell(town, MAM, MERCREDI_PASSE) == cells.RESERVE
    assert _foyer_des_jours(town, MERCREDI_PASSE, MERCREDI_JANVIER) == [FOYER, FOYER]
    assert _facture(town, numero) == facture
    # Journaled for both households, with who did it; both mailed.
    entries = entrees(town, "GardeArretee")
    assert sorted(e["famille"] for e in entries) == sorted([FOYER, DUPONT["numero"]])
    assert {e["qui"] for e in entries} == {"agent"}
    assert entries[0]["details"]["annules"] == 1 and entries[0]["details"]["conserves"] == 1
    nouveaux = mails(town)[avant:]
    assert any(
        "jeanne.lafond@laposte.net" in m and "ne voit plus cet enfant" in m for m in nouveaux
    )
    assert any("jean.dupont@wanadoo.fr" in m and "toutes les semaines" in m for m in nouveaux)
    assert all("09/12/2026" in m for m in nouveaux)
    # ... and each finds it in its Boîte de réception.
    for browser_, url_ in ((jeanne(town), FOYER_URL), (jean(town), DUPONT_URL)):
        boite = browser_.get(url_ + "boite-de-reception?onglet=recus")
        assert "Fin de la garde alternée de LUCAS DUPONT" in boite.text
    # JEANNE no longer reaches the child, by any of its URLs.
    browser = jeanne(town)
    url = child_url(town)
    for vue in (
        "",
        "planning",
        "planning?mois=2026-12",
        "donnees-sanitaires",
        "autorisations",
        "inscriptions",
        "agenda",
        "planning.ics",
    ):
        assert browser.get(url + vue, expect_errors=True).status_int in (403, 404), vue
    assert "LUCAS" not in browser.get(FOYER_URL + "mes-enfants").text
    jeton = test_reservations.token(browser.get(FOYER_URL + "boite-de-reception?onglet=nouveau"))
    forged = browser.post(
        url + "demande-de-reservation",
        {"csrf_token": jeton, "prestation": str(oid_of(town, MAM)), "date": MERCREDI.isoformat()},
        expect_errors=True,
    )
    assert forged.status_int in (403, 404)
    assert cell(town, MAM, MERCREDI) is None
    assert json.loads(browser.get(FOYER_URL + "mes-donnees.json").body)["enfants_partages"] == []
    # Her invoice of LUCAS's day is still hers to read.
    assert "LUCAS" in browser.get(FOYER_URL + "factures/%s" % numero).text
    assert numero in browser.get(FOYER_URL + "releve-de-compte").text
    # JEAN's household books every week now, the freed day too.
    assert reserver(jean(town), town, MAM, MERCREDI).status_int == 302
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert _foyer_des_jours(town, MERCREDI) == [DUPONT["numero"]]
    # Her past day is still billed to her household, not to JEAN's.
    novembre = _lignes(town, D(2026, 11, 1), D(2026, 11, 30))
    assert MERCREDI_PASSE in novembre[FOYER]
    assert MERCREDI_PASSE not in novembre.get(DUPONT["numero"], [])
    # Nothing to stop any more.
    page = agent.get(_arreter_url(town))
    assert "n'est partagé avec aucun autre foyer" in page.text


def test_stopping_may_move_her_days_to_the_first_household(town):  # noqa: F811
    reserver(jeanne(town), town, MAM, MERCREDI)
    agent = staff(town, "agent")
    form = agent.get(_arreter_url(town)).forms[0]
    form["choix"] = "reporter"
    confirmation = form.submit("preparer")
    reportes = [li.get_text(strip=True) for li in confirmation.html.select(".reportes li")]
    assert reportes == ["Accueil de Loisirs ALSH — Mercredi après-midi, 09/12/2026"]
    assert confirmation.forms[0].submit("arreter").status_int == 302
    # The same day, booked, billed to JEAN's household now.
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert test_reservations.taken(town, MAM, MERCREDI) == 1
    assert _foyer_des_jours(town, MERCREDI) == [DUPONT["numero"]]
    decembre = lignes_de_decembre(town)
    assert MERCREDI in decembre[DUPONT["numero"]]
    assert FOYER not in decembre
    # Her request stays in her list (history), as accepted.
    assert demandes_de(town, FOYER) == [("reservation", MERCREDI, "jeanne.lafond")]


def test_parents_never_reach_the_stop_page(town):  # noqa: F811
    # Parents are sent back to their home from the SDI (test_acces_vues).
    for browser in (jeanne(town), jean(town)):
        page = browser.get(_arreter_url(town), expect_errors=True)
        assert page.status_int == 302 and "arreter-garde" not in page.location
        jeton = test_reservations.token(browser.get(child_url(town) + "planning"))
        response = browser.post(
            _arreter_url(town),
            {"depuis": "02/12/2026", "choix": "annuler", "arreter": "1", "csrf_token": jeton},
            expect_errors=True,
        )
        assert response.status_int == 302 and "arreter-garde" not in response.location
    assert _seconds(town) == [FOYER]


def _lignes(town, debut, fin):  # noqa: F811
    def lignes(root, registry):
        regie = root["regies"]["regie-garderie-alsh"]
        apercu = campagne.apercu(root, regie, debut, fin, aujourdhui=fin)
        return {
            f["numero"]: sorted(
                day for ligne in f["lignes"] if "jours" in ligne for day in ligne["jours"]
            )
            for f in apercu["familles"]
        }

    return with_root(town.app, lignes)


def test_her_pending_request_is_refused_when_the_share_stops(town):  # noqa: F811
    capacite(town, MAM, 0)  # the day is full: her booking waits for a place
    reserver(jeanne(town), town, MAM, MERCREDI)
    assert cell(town, MAM, MERCREDI) == cells.ATTENTE

    def etat(root, registry):
        return [(d.etat, d.motif_refus) for d in root["familles"][FOYER]["demandes"].values()]

    assert with_root(town.app, etat) == [(LISTE_ATTENTE, "")]
    agent = staff(town, "agent")
    form = agent.get(_arreter_url(town)).forms[0]
    form["choix"] = "reporter"  # a request is never moved
    confirmation = form.submit("preparer")
    annules = [li.get_text(strip=True) for li in confirmation.html.select(".annules li")]
    assert annules == ["Accueil de Loisirs ALSH — Mercredi après-midi, 09/12/2026"]
    confirmation.forms[0].submit("arreter", status=302)
    assert with_root(town.app, etat) == [(REFUSEE, "Fin de la garde alternée")]
    assert cell(town, MAM, MERCREDI) is None
    # JEAN's household may ask for that day: its one change is its own.
    capacite(town, MAM, 10)
    assert reserver(jean(town), town, MAM, MERCREDI).status_int == 302
    assert cell(town, MAM, MERCREDI) == cells.RESERVE


def test_a_booking_since_the_confirmation_shows_it_again(town):  # noqa: F811
    agent = staff(town, "agent")
    confirmation = agent.get(_arreter_url(town)).forms[0].submit("preparer")
    assert [li.get_text(strip=True) for li in confirmation.html.select(".annules li")] == []
    # JEANNE books meanwhile: the agent did not see that day.
    reserver(jeanne(town), town, MAM, MERCREDI)
    again = confirmation.forms[0].submit("arreter", status=409)
    assert "ont changé depuis la page précédente" in again.html.select_one(".change").text
    annules = [li.get_text(strip=True) for li in again.html.select(".annules li")]
    assert annules == ["Accueil de Loisirs ALSH — Mercredi après-midi, 09/12/2026"]
    assert _seconds(town) == [FOYER] and cell(town, MAM, MERCREDI) == cells.RESERVE
    # Confirmed as now shown.
    again.forms[0].submit("arreter", status=302)
    assert _seconds(town) == [] and cell(town, MAM, MERCREDI) is None


def test_an_agent_books_nothing_for_an_archived_second_household(town):  # noqa: F811
    def archiver(root, registry):
        foyer = root["familles"][FOYER]
        foyer.partie_le = D(2026, 11, 30)
        foyer.update_acl()

    with_root(town.app, archiver)
    agent = staff(town, "agent")
    form = agent.get(_telephone(town, MERCREDI, foyer=FOYER)).forms["reservation"]
    refused = form.submit("reserver", value=_valeur(town, MERCREDI))
    assert "Fiche archivée : partie le 30/11/2026" in refused.html.select_one(".refus").text
    assert cell(town, MAM, MERCREDI) is None


def test_a_group_message_about_the_childs_activity_reaches_both_households(town):  # noqa: F811
    def cibles(root, registry):
        prestation = root["structures"][MAM[0]][MAM[1]]
        return groupe.numeros(root, "prestation", prestation)

    assert {DUPONT["numero"], FOYER} <= set(with_root(town.app, cibles))
    # Once the share stopped, the second household is no longer told.
    agent = staff(town, "agent")
    agent.get(_arreter_url(town)).forms[0].submit("preparer").forms[0].submit("arreter")
    found = with_root(town.app, cibles)
    assert DUPONT["numero"] in found and FOYER not in found
