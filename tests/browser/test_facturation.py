"""The régisseur bills days not passed yet, the parent declares an absence on
a billed day, the régisseur finds the regularisation, in Chromium (issue
16, item 4).  A régie à terme échu refuses the period beside its field;
à terme à échoir, the preview, "Valider la facturation" and "Confirmer la
facturation" queue the run, which a worker issues (the job's page follows
it by itself); the absence accepted by the rules gives
a credit note, listed in the régie's "Régularisations" tab."""

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES

from ..conftest import with_root
from ..travaux import une_passe
from .test_planning_actions import (  # noqa: F401 (annees_a_venir: a fixture)
    CANTINE,
    annees_a_venir,
    attendre_absent,
    cellule,
    choisir,
    declarer,
    item,
    menu,
    planning,
)

pytestmark = pytest.mark.browser

REGIE = "/manage/regies/regie-garderie-alsh/"


def test_bill_ahead_then_an_absence_on_a_billed_day_is_regularised(portail, new_page, log_in):
    parent = new_page(viewport={"width": 1280, "height": 800})
    base = planning(portail, parent, log_in)
    day = choisir(parent, base, CANTINE, "etat-reserve")  # booked, a week ahead at least
    debut = dates.today()  # the town's day (Europe/Paris)
    assert (day - debut).days < 92

    regisseur = new_page(viewport={"width": 1280, "height": 800})
    log_in(regisseur, "regisseur", COMPTES["regisseur"][0])
    url = portail.url(
        REGIE + "@@facturation?debut=%s&fin=%s&apercu=1" % (debut.isoformat(), day.isoformat())
    )
    regisseur.goto(url)
    expect(regisseur.locator("#fin-erreur")).to_contain_text(
        "Facturation à terme échu : les jours qui ne sont pas encore passés ne peuvent pas "
        "être facturés."
    )
    expect(regisseur.locator(".apercu")).to_have_count(0)

    def a_echoir(root, registry):
        root["regies"]["regie-garderie-alsh"].terme = "echoir"

    with_root(portail.wsgi, a_echoir)
    regisseur.goto(url)
    expect(regisseur.locator(".apercu")).to_contain_text("Restauration scolaire")
    regisseur.get_by_role("button", name="Valider la facturation").click()
    resume = regisseur.locator("#confirmation .resume-confirmation")
    expect(resume).to_contain_text(
        "Période du %s au %s : " % (dates.courte(debut), dates.courte(day))
    )
    expect(resume).to_contain_text("date de facture %s" % dates.courte(debut))
    regisseur.get_by_role("button", name="Confirmer la facturation").click()
    # queued (issue 22): the job's page, which follows it by itself
    expect(regisseur.get_by_text("Facturation validée et mise en file")).to_be_visible()
    expect(regisseur.locator("#etat-travail")).to_have_text("En attente")
    une_passe(portail.wsgi)  # the workers issue it (facturation.travail)
    expect(regisseur.locator("#bilan-travail")).to_contain_text("Facturation validée : ")
    expect(regisseur.locator("#etat-travail")).to_have_text("Terminé")

    parent.goto(base + "?mois=%04d-%02d" % (day.year, day.month))
    cellule(parent, CANTINE, day).click(button="right")
    expect(menu(parent)).to_be_visible()
    item(parent, "Déclarer une absence").click()
    declarer(parent, "Rendez-vous chez le dentiste")
    attendre_absent(parent, day)

    regisseur.goto(portail.url(REGIE + "@@regularisations"))
    faites = regisseur.locator("#faites")
    expect(faites).to_contain_text("absence acceptée automatiquement")
    expect(faites).to_contain_text(dates.courte(day))
    expect(faites.locator("td.document a")).to_have_count(1)  # the credit note, linked
