"""Several days at once on a phone (issue 20, item 2), in Chromium with
Playwright's "iPhone 13" and "Pixel 7" descriptors: from LUCAS's planning, "Réserver
plusieurs jours", three Wednesdays of "Mercredi après-midi", the days
listed before the confirmation, then the summary; nothing wider than the
screen, the form's targets at least 24×24 px (WCAG 2.5.8)."""

import datetime

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.dates import en_toutes_lettres
from portail_famille.demo import COMPTES, DUPONT

from ..conftest import with_root
from .appareils import IPHONE_13, PIXEL_7
from .axe import aucune_violation
from .test_planning_actions import annees_a_venir  # noqa: F401 (module fixture)

pytestmark = pytest.mark.browser

ACTIVITE = "Accueil de Loisirs ALSH Mercredi après-midi"
CANTINE = "Garderie périscolaire Restauration scolaire"
MERCREDI_PATH = ("accueil-de-loisirs-alsh", "mercredi-apres-midi")
CANTINE_PATH = ("garderie-periscolaire", "restauration-scolaire")


def trois_jours(portail, annuler=False):
    """The first three Wednesdays in a row, at least a week ahead, that the
    rules would book for LUCAS now (no holiday, no deadline); to
    ``annuler``, the first three Thursdays in a row of the canteen's
    contract whose absence would be excused."""
    from substanced.util import get_oid

    from portail_famille.planning import service

    def find(root, registry):
        enfant = next(
            e for e in root["familles"][DUPONT["numero"]]["enfants"].values() if e.prenom == "LUCAS"
        )
        path = CANTINE_PATH if annuler else MERCREDI_PATH
        oid = get_oid(root["structures"][path[0]][path[1]])
        now = datetime.datetime.now(datetime.UTC)
        day = dates.today() + datetime.timedelta(days=7)
        weekday = 3 if annuler else 2
        day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
        for _n in range(40):
            days = [day + datetime.timedelta(days=7 * k) for k in range(3)]
            try:
                for d in days:
                    if not annuler:
                        service.verifier_reservation(enfant, oid, d, registry.settings, now)
                    elif service.verifier_absence(enfant, oid, d, registry.settings, now)[1]:
                        raise service.Refus("late")
            except service.Refus:
                day += datetime.timedelta(days=7)
                continue
            return days
        raise AssertionError("no three days in a row")

    return with_root(portail.wsgi, find)


def sans_defilement(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("appareil", [IPHONE_13, PIXEL_7], ids=["iPhone 13", "Pixel 7"])
def test_book_three_wednesdays_at_once_on_a_phone(portail, new_page, log_in, appareil):
    days = trois_jours(portail)
    page = new_page(**appareil)
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    page.goto(portail.url("/familles/%s/mes-enfants" % DUPONT["numero"]))
    page.get_by_role("link", name="LUCAS").first.tap()
    page.get_by_role("link", name="Planning").tap()
    page.get_by_role("link", name="Réserver plusieurs jours").tap()
    expect(page.get_by_role("heading", name="Réserver plusieurs jours")).to_be_visible()
    sans_defilement(page)
    aucune_violation(page, "le formulaire")

    page.get_by_label("Activité").select_option(label=ACTIVITE)
    page.get_by_label("Du", exact=True).fill(days[0].isoformat())
    page.get_by_label("Au", exact=True).fill(days[-1].isoformat())
    mercredi = page.get_by_role("checkbox", name="Mercredi")
    box = mercredi.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    mercredi.tap()
    expect(mercredi).to_be_checked()
    page.get_by_role("button", name="Voir les jours").tap()

    jours = page.locator("ul.liste-jours li")
    expect(jours).to_have_count(3)
    for li, day in zip(jours.all(), days, strict=True):
        expect(li).to_contain_text(en_toutes_lettres(day))
        expect(li).to_contain_text("Sera demandé")
    expect(page.locator(".resume-plusieurs")).to_contain_text("3 jour(s) sur 3")
    sans_defilement(page)
    aucune_violation(page, "la confirmation")

    page.get_by_role("button", name="Confirmer les réservations").tap()
    expect(page.locator(".resume-plusieurs")).to_contain_text("3 jour(s) demandé(s), 0 refusé(s).")
    for li in page.locator("ul.liste-jours li").all():
        expect(li).to_contain_text("Réservé")
    sans_defilement(page)
    aucune_violation(page, "le résumé")

    page.get_by_role("link", name="Voir le planning").tap()
    for day in days:
        if (day.year, day.month) == (days[0].year, days[0].month):
            cell = page.locator(
                'tr[data-titre="%s"] a.cellule-action[data-date="%s"]' % (ACTIVITE, day.isoformat())
            )
            expect(cell.locator("xpath=..")).to_have_class("etat-reserve")


def test_cancel_several_days_on_a_laptop_errors_beside_the_fields(portail, new_page, log_in):
    """1366×900: "Annuler plusieurs jours" of three Thursdays of the
    canteen's contract, a reason forgotten then given."""
    days = trois_jours(portail, annuler=True)
    page = new_page(viewport={"width": 1366, "height": 900})
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    page.goto(portail.url("/familles/%s/mes-enfants" % DUPONT["numero"]))
    page.get_by_role("link", name="LUCAS").first.click()
    page.get_by_role("link", name="Planning").click()
    page.get_by_role("link", name="Annuler plusieurs jours").click()
    page.get_by_label("Activité").select_option(label=CANTINE)
    page.get_by_label("Du", exact=True).fill(days[0].isoformat())
    page.get_by_label("Au", exact=True).fill(days[-1].isoformat())
    page.get_by_role("checkbox", name="Jeudi").check()
    page.get_by_role("button", name="Voir les jours").click()
    motif = page.get_by_label("Raison de l'absence")
    expect(motif).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#erreur-motif")).to_have_text("Indiquez la raison de l'absence.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    aucune_violation(page, "le formulaire en erreur")
    motif.fill("Stage de tennis")
    page.get_by_role("button", name="Voir les jours").click()
    jours = page.locator("ul.liste-jours li")
    expect(jours).to_have_count(3)
    for li, day in zip(jours.all(), days, strict=True):
        expect(li).to_contain_text(en_toutes_lettres(day) + " Sera annulé")
    page.get_by_role("button", name="Confirmer les absences").click()
    expect(page.locator(".resume-plusieurs")).to_contain_text("3 jour(s) demandé(s), 0 refusé(s).")
    for li in page.locator("ul.liste-jours li").all():
        expect(li).to_contain_text("Absent excusé")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
