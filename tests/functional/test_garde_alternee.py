"""A child shared between two households (issue 21, part 2): the demo's
JEANNE (LAFOND), separated from JEAN DUPONT, has her own household sharing LUCAS
(JEAN's household books every week, hers the even ISO weeks).  She sees
the child and its common data, books on her weeks only (a French refusal
on the others), her requests and her days are her household's (its list,
its invoice), and she reaches nothing else of JEAN's household.  Staff
share a child from its tab "Garde alternée", after a confirmation.

The town's clock is frozen on Tuesday 1 December 2026 (test_reservations)."""

import datetime
import re

from substanced.util import find_objectmap, get_oid

from portail_famille.demo import COMPTES, JEANNE_FOYER, MARTIN
from portail_famille.facturation import campagne
from portail_famille.familles import partage
from portail_famille.planning import cells

from ..conftest import DUPONT_URL, csrf, login, with_root
from .conftest import client
from .test_reservations import (  # noqa: F401  (fixtures)
    MAM,
    MERCREDI,
    cell,
    child_url,
    clock,
    lucas,
    oid_of,
    refusals,
    reserver,
    town,
)

D = datetime.date
JEANNE = "jeanne.lafond"
FOYER = JEANNE_FOYER["numero"]
FOYER_URL = "/familles/%s/" % FOYER
MERCREDI_IMPAIR = D(2026, 12, 16)  # ISO week 51: JEAN's household only


def jeanne(app):
    browser = client(app)
    login(browser, JEANNE, COMPTES[JEANNE][0])
    return browser


def jean(app):
    browser = client(app)
    login(browser, "jean.dupont", COMPTES["jean.dupont"][0])
    return browser


def demandes_de(app, numero):
    def read(root, registry):
        return sorted(
            (d.type_demande, d.jour, d.demandeur)
            for d in root["familles"][numero]["demandes"].values()
        )

    return with_root(app.app, read)


def test_the_second_household_sees_the_shared_child_and_its_common_data(town):  # noqa: F811
    browser = jeanne(town)
    assert login(client(town), JEANNE, COMPTES[JEANNE][0]).location.endswith(FOYER_URL)
    page = browser.get(FOYER_URL + "mes-enfants")
    assert child_url(town) in page.text and "LUCAS" in page.text
    url = child_url(town)
    for vue in ("", "autorisations", "donnees-sanitaires", "inscriptions", "planning"):
        page = browser.get(url + vue)
        # her own household's pages around it, never JEAN's
        assert 'href="%smes-enfants"' % FOYER_URL in page.text, vue
        assert 'href="%smes-enfants"' % DUPONT_URL not in page.text, vue
        assert "12 RUE DES BONBONS" not in page.text
    # The common data change through the first household only.
    assert "demande-sanitaires" not in browser.get(url + "donnees-sanitaires").text
    browser.get(url + "demande-sanitaires", status=404)
    browser.get(url + "demande-autorisations", status=404)


def test_each_household_books_on_its_weeks(town):  # noqa: F811
    browser = jeanne(town)
    grille = browser.get(child_url(town) + "planning?mois=2026-12")
    assert (
        "Garde alternée : votre foyer réserve et déclare les absences les semaines paires "
        "(numéro ISO)." in " ".join(grille.html.select_one(".garde-alternee").get_text().split())
    )
    # An odd week is JEAN's: refused, in French, nothing stored.
    page = reserver(browser, town, MAM, MERCREDI_IMPAIR).follow()
    assert refusals(page) == [
        "Du lundi 14/12/2026 au dimanche 20/12/2026, LUCAS est en garde chez l'autre "
        "parent : seul l'autre foyer peut réserver ou déclarer une absence cette semaine-là."
    ]
    assert cell(town, MAM, MERCREDI_IMPAIR) is None
    # An even week is hers: booked, her household's request and day.
    page = reserver(browser, town, MAM, MERCREDI).follow()
    assert refusals(page) == []
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert demandes_de(town, FOYER) == [("reservation", MERCREDI, JEANNE)]
    assert all(d[1] != MERCREDI for d in demandes_de(town, "1001001818331"))
    oid = oid_of(town, MAM)

    def foyer(root, registry):
        return partage.foyer_de_la_cellule(lucas(root), oid, MERCREDI)

    assert with_root(town.app, foyer) == FOYER
    liste = browser.get(FOYER_URL + "liste-des-demandes?onglet=enfants")
    assert "Mercredi après-midi" in liste.text
    # JEAN's household books every week, the odd one too.
    page = reserver(jean(town), town, MAM, MERCREDI_IMPAIR).follow()
    assert refusals(page) == []
    assert cell(town, MAM, MERCREDI_IMPAIR) == cells.RESERVE


def lignes_de_decembre(town):  # noqa: F811
    """{N° famille: the days billed to it} of December 2026's invoicing
    preview of the ALSH's régie."""

    def lignes(root, registry):
        regie = root["regies"]["regie-garderie-alsh"]
        apercu = campagne.apercu(
            root, regie, D(2026, 12, 1), D(2026, 12, 31), aujourdhui=D(2027, 1, 4)
        )
        return {
            f["numero"]: sorted(
                day for ligne in f["lignes"] if "jours" in ligne for day in ligne["jours"]
            )
            for f in apercu["familles"]
        }

    return with_root(town.app, lignes)


def test_each_household_is_billed_for_the_days_it_booked(town):  # noqa: F811
    reserver(jeanne(town), town, MAM, MERCREDI)
    reserver(jean(town), town, MAM, MERCREDI_IMPAIR)

    found = lignes_de_decembre(town)
    assert found[FOYER] == [MERCREDI]
    assert MERCREDI not in found["1001001818331"]
    assert MERCREDI_IMPAIR in found["1001001818331"]


def test_the_second_household_reaches_nothing_else_of_the_first(town):  # noqa: F811
    browser = jeanne(town)
    for path in (
        "",
        "mon-compte",
        "mes-enfants",
        "releve-de-compte",
        "liste-des-demandes",
        "boite-de-reception",
        "comptes-parents",
        "factures/",
        "reglements/",
        "messages/",
    ):
        browser.get(DUPONT_URL + path, status=404)

    def numeros(root, registry):
        famille = root["familles"]["1001001818331"]
        return [f for f in famille["factures"]]

    for numero in with_root(town.app, numeros):
        browser.get(DUPONT_URL + "factures/%s" % numero, status=404)
        browser.get(DUPONT_URL + "factures/%s/pdf" % numero, status=404)
    # JEAN's household does not see hers either.
    jean(town).get(FOYER_URL, status=404)
    jean(town).get(FOYER_URL + "mon-compte", status=404)


def test_staff_share_a_child_after_a_confirmation(town):  # noqa: F811
    agent = client(town)
    login(agent, "agent", COMPTES["agent"][0])

    def chloe(root, registry):
        enfant = next(iter(root["familles"][MARTIN["numero"]]["enfants"].values()))
        return enfant.__name__

    url = "/manage/familles/%s/enfants/%s/@@garde" % (MARTIN["numero"], with_root(town.app, chloe))
    # From the family's file (its first tab): the child's "Garde alternée".
    fiche = agent.get("/manage/familles/%s/@@fiche" % MARTIN["numero"])
    lien = fiche.html.find("a", string=re.compile("Garde alternée de CHLOÉ"))
    assert lien["href"].endswith(url)
    page = agent.get(url)
    token = csrf(page) if 'name="csrf_token"' in page.text else None
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    # Bad input: French messages beside the fields, nothing linked.
    refused = agent.post(
        url,
        {
            "numero": "999",
            "mode": partage.ALTERNEE,
            "depuis": "",
            "preparer": "1",
            "csrf_token": token,
        },
        status=400,
    )
    assert "Aucune famille n'a ce numéro." in refused.text
    assert "Saisissez la date d'un jour de la première semaine" in refused.text
    # The confirmation names both households and their weeks; nothing yet.
    values = {
        "numero": FOYER,
        "mode": partage.ALTERNEE,
        "depuis": "09/12/2026",
        "csrf_token": token,
    }
    confirmation = agent.post(url, dict(values, preparer="1"))
    texte = " ".join(confirmation.html.get_text(" ").split())
    assert "Partager « CHLOÉ MARTIN » avec la famille LAFOND (N° %s) ?" % FOYER in texte
    assert "Une semaine sur deux, à partir de la semaine 50 (lundi 07/12/2026)" in texte
    assert "Une semaine sur deux, à partir de la semaine 51 (lundi 14/12/2026)" in texte

    def partages(root, registry):
        enfant = next(iter(root["familles"][MARTIN["numero"]]["enfants"].values()))
        return [f.__name__ for f in partage.seconds_foyers(enfant)]

    assert with_root(town.app, partages) == []
    done = agent.post(url, dict(values, partager="1"))
    assert done.status_int == 302
    assert with_root(town.app, partages) == [FOYER]
    assert "Chaque foyer a sa fiche" in done.follow().text
    # Both files say it.
    fiche = agent.get("/manage/familles/%s/@@fiche" % MARTIN["numero"])
    assert "Garde alternée entre les foyers MARTIN (N° %s), LAFOND (N° %s)." % (
        MARTIN["numero"],
        FOYER,
    ) in " ".join(fiche.html.get_text(" ").split())
    fiche = agent.get("/manage/familles/%s/@@fiche" % FOYER)
    assert "Garde alternée : CHLOÉ MARTIN, dont le dossier est tenu par le foyer MARTIN" in (
        " ".join(fiche.html.get_text(" ").split())
    )
    # JEANNE now sees CHLOÉ, not MARTIN's record.
    browser = jeanne(town)
    assert "CHLOÉ" in browser.get(FOYER_URL + "mes-enfants").text
    browser.get("/familles/%s/mon-compte" % MARTIN["numero"], status=404)
    # A child is shared with one other household only.
    again = agent.post(url, dict(values, numero="1001001818331", preparer="1"), status=400)
    assert "Cet enfant est déjà partagé entre deux foyers." in again.text
    assert with_root(town.app, partages) == [FOYER]


def test_the_childs_acl_follows_the_second_households_accounts(town):  # noqa: F811
    def acl(root, registry):
        enfant = lucas(root)
        users = root["principals"]["users"]
        return [oid for _a, oid, _p in enfant.__acl__ if oid == get_oid(users[JEANNE])]

    assert len(with_root(town.app, acl)) == 1

    def objectmap_ok(root, registry):
        return find_objectmap(root) is not None

    assert with_root(town.app, objectmap_ok)


def test_an_archived_second_household_sees_the_child_but_books_nothing(town):  # noqa: F811
    def archiver(root, registry):
        foyer = root["familles"][FOYER]
        foyer.partie_le = D(2026, 11, 30)
        foyer.update_acl()

    with_root(town.app, archiver)
    browser = jeanne(town)
    assert browser.get(child_url(town)).status_int == 200
    reserver(browser, town, MAM, MERCREDI, status=404)
    assert cell(town, MAM, MERCREDI) is None


def test_staff_change_the_weeks_and_the_rules_follow(town):  # noqa: F811
    agent = client(town)
    login(agent, "agent", COMPTES["agent"][0])
    url = "/manage" + child_url(town) + "@@garde"
    page = agent.get(url)
    texte = " ".join(page.html.get_text(" ").split())
    assert "DUPONT 1001001818331 Toutes les semaines" in texte
    assert "LAFOND %s Les semaines paires (numéro ISO)" % FOYER in texte
    token = csrf(page)
    refused = agent.post(
        url,
        {"mode": partage.ALTERNEE, "depuis": "31/02/2026", "modifier": "1", "csrf_token": token},
        status=400,
    )
    assert "Saisissez la date d'un jour de la première semaine" in refused.text
    done = agent.post(
        url, {"mode": partage.IMPAIRES, "depuis": "", "modifier": "1", "csrf_token": token}
    )
    texte = " ".join(done.follow().html.get_text(" ").split())
    assert "DUPONT 1001001818331 Les semaines paires (numéro ISO)" in texte
    assert "LAFOND %s Les semaines impaires (numéro ISO)" % FOYER in texte
    # JEANNE now books the odd weeks, and no longer the even ones.
    browser = jeanne(town)
    assert refusals(reserver(browser, town, MAM, MERCREDI_IMPAIR).follow()) == []
    assert cell(town, MAM, MERCREDI_IMPAIR) == cells.RESERVE
    assert refusals(reserver(browser, town, MAM, MERCREDI).follow())
    assert cell(town, MAM, MERCREDI) is None
