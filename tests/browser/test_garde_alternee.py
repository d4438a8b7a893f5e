"""Two separated parents, in Chromium (issue 21): JEAN DUPONT and JEANNE,
each with her own account and household, share LUCAS one week in two
(here JEAN's household the odd ISO weeks, JEANNE's the even ones).  Each
logs in, sees LUCAS, books a Wednesday on her weeks, is refused on the
other's with the French reason, and cannot open the other's statement or
invoices."""

import datetime

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT, JEANNE_FOYER
from portail_famille.familles import partage

from ..conftest import with_root
from .test_planning_actions import (  # noqa: F401  (annees_a_venir: LUCAS enrolled)
    MERCREDI,
    PRISES,
    annees_a_venir,
    attendre_reserve,
    cellule,
    item,
    ligne,
    menu,
)

pytestmark = pytest.mark.browser

PARENTS = {
    "jean.dupont": (DUPONT["numero"], False),  # odd weeks
    "jeanne.lafond": (JEANNE_FOYER["numero"], True),  # even weeks
}


@pytest.fixture(scope="module", autouse=True)
def semaines_alternees(portail, annees_a_venir):  # noqa: F811
    def regler(root, registry):
        enfants = root["familles"][DUPONT["numero"]]["enfants"].values()
        enfant = next(e for e in enfants if e.prenom == "LUCAS")
        enfant.gardes[DUPONT["numero"]] = partage.Garde(partage.IMPAIRES)
        enfant.gardes[JEANNE_FOYER["numero"]] = partage.Garde(partage.PAIRES)

    with_root(portail.wsgi, regler)


def ouvrir_planning(portail, page, log_in, login):
    numero = PARENTS[login][0]
    log_in(page, login, COMPTES[login][0])
    assert page.url == portail.url("/familles/%s/" % numero)
    page.get_by_role("link", name="Mes enfants").first.click()
    page.get_by_role("link", name="LUCAS").first.click()
    expect(page.locator("h1")).to_contain_text("LUCAS")
    page.get_by_role("link", name="Planning").click()
    return page.url.split("?")[0]


def mercredi_libre(page, base, paire):
    """The first free Wednesday of "Mercredi après-midi" at least a week
    ahead in an even (``paire``) or odd ISO week."""
    debut = dates.today() + datetime.timedelta(days=7)
    page.goto(base + "?mois=%04d-%02d" % (debut.year, debut.month))
    for _mois in range(12):
        liens = ligne(page, MERCREDI).locator("a.cellule-action")
        jours = liens.evaluate_all(
            "liens => liens.filter(a => !a.parentElement.className)"
            ".map(a => a.getAttribute('data-date'))"
        )
        for iso in jours:
            day = datetime.date.fromisoformat(iso)
            if day >= debut and day not in PRISES and (day.isocalendar().week % 2 == 0) == paire:
                PRISES.add(day)
                return day
        page.get_by_role("link", name="Mois suivant").click()
        page.wait_for_load_state()
    raise AssertionError("no free Wednesday")


def demander(page, day):
    cellule(page, MERCREDI, day).click(button="right")
    expect(menu(page)).to_be_visible()
    item(page, "Demande de Réservation").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("login", sorted(PARENTS))
def test_each_parent_books_on_her_weeks_only(portail, new_page, log_in, login):
    page = new_page(viewport={"width": 1280, "height": 800})
    base = ouvrir_planning(portail, page, log_in, login)
    paire = PARENTS[login][1]
    day = mercredi_libre(page, base, paire)
    demander(page, day)
    attendre_reserve(page, day)
    # The other household's week: refused, with the reason, nothing booked.
    autre = mercredi_libre(page, base, not paire)
    demander(page, autre)
    lundi = autre - datetime.timedelta(days=autre.weekday())
    alerte = page.locator(".messages.erreurs[role=alert] .flash.erreur")
    expect(alerte).to_have_text(
        "Du lundi %s au dimanche %s, LUCAS est en garde chez l'autre parent : seul l'autre "
        "foyer peut réserver ou déclarer une absence cette semaine-là."
        % (
            lundi.strftime("%d/%m/%Y"),
            (lundi + datetime.timedelta(days=6)).strftime("%d/%m/%Y"),
        )
    )
    expect(cellule(page, MERCREDI, autre).locator("xpath=..")).not_to_have_class("etat-reserve")


def test_each_parent_sees_only_her_own_statement(portail, new_page, log_in):
    for login, (numero, _paire) in PARENTS.items():
        autre = next(n for n, _p in PARENTS.values() if n != numero)
        page = new_page()
        log_in(page, login, COMPTES[login][0])
        page.get_by_role("link", name="Relevé de compte").first.click()
        expect(page.locator("h1")).to_contain_text("Relevé de compte")
        if login == "jeanne.lafond":
            # JEAN's invoices (the manual's AL-12 and AL-36) are not hers.
            expect(page.locator("main")).not_to_contain_text("AL-36")
        response = page.goto(portail.url("/familles/%s/releve-de-compte" % autre))
        assert response.status == 404
        expect(page.locator("h1")).to_have_text("Page introuvable")
        response = page.goto(portail.url("/familles/%s/factures/AL-36" % DUPONT["numero"]))
        assert response.status == (200 if login == "jean.dupont" else 404)
        page.context.close()
