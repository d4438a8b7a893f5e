"""The phone call (issue 18): "Madame Dupont : Lucas mercredi prochain".
The agent types "dup" in the search, clicks LUCAS in DUPONT's row, then
the Wednesday on his month: booked, and the parent's grid shows it; then
he cancels it (reason, confirmation naming the day; a second change of
the day needs his override).  Both pages are
axe-clean (WCAG 2.1 A/AA)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.calendrier.jours import zone_vacances
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.planning import cells, regles

from ..conftest import with_root
from .axe import aucune_violation
from .test_planning_actions import annees_a_venir  # noqa: F401 (LUCAS enrolled ahead)

pytestmark = pytest.mark.browser

MERCREDI = ("accueil-de-loisirs-alsh", "mercredi-apres-midi")
TITRE = "Accueil de Loisirs ALSH Mercredi après-midi"


def mercredi_prochain(portail):
    """(LUCAS's name, the first Wednesday he may still be booked for, its
    cell then)."""
    from substanced.util import get_oid

    def find(root, registry):
        prestation = root["structures"][MERCREDI[0]][MERCREDI[1]]
        enfant = next(
            e for e in root["familles"][DUPONT["numero"]]["enfants"].values() if e.prenom == "LUCAS"
        )
        zone = zone_vacances(registry.settings)
        day = dates.today() + datetime.timedelta(days=1)
        while True:
            if (
                day.weekday() == 2
                and regles.limite_reservation(prestation, day) > dates.now()
                and regles.ouvre_le(root["calendrier"], prestation, day, zone)
                and cells.etat(enfant, get_oid(prestation), day) is None
            ):
                return enfant.__name__, day
            day += datetime.timedelta(days=1)

    return with_root(portail.wsgi, find)


def etat(portail, enfant, day):
    from substanced.util import get_oid

    def read(root, registry):
        prestation = root["structures"][MERCREDI[0]][MERCREDI[1]]
        child = root["familles"][DUPONT["numero"]]["enfants"][enfant]
        return cells.etat(child, get_oid(prestation), day)

    return with_root(portail.wsgi, read)


def test_the_phone_call_books_in_two_clicks_after_the_search(portail, new_page, log_in):
    enfant, day = mercredi_prochain(portail)
    agent = new_page(viewport={"width": 1400, "height": 900})
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/@@recherche"))
    agent.get_by_label("Rechercher une famille").fill("dup")
    agent.get_by_label("Rechercher une famille").press("Enter")

    # 1. LUCAS, in DUPONT's row.
    agent.locator("ul.enfants a", has_text="LUCAS").click()
    expect(agent.locator(".telephone h3")).to_contain_text("LUCAS DUPONT")
    if day.month != dates.today().month:
        agent.get_by_role("link", name="Mois suivant").click()  # not this month
    aucune_violation(agent, "the agent's month of LUCAS")

    # 2. The Wednesday.
    nom = "Réserver %s, %s" % (TITRE, dates.en_toutes_lettres(day))
    agent.get_by_role("button", name=nom).click()
    expect(agent.locator(".alert-success")).to_contain_text(
        "Réservation enregistrée pour LUCAS : Accueil de Loisirs ALSH — Mercredi après-midi, "
        "le %s." % dates.courte(day)
    )
    assert etat(portail, enfant, day) == cells.RESERVE
    cellule = agent.locator("tr", has_text=TITRE).locator("td").nth(day.day - 1)
    expect(cellule).to_have_class(re.compile(r"\betat-reserve\b"))

    # The parent sees it.
    parent = new_page()
    log_in(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(
        portail.url(
            "/familles/%s/enfants/%s/planning?mois=%s"
            % (DUPONT["numero"], enfant, day.strftime("%Y-%m"))
        )
    )
    ligne = parent.locator("tr", has_text="Mercredi après-midi")
    expect(ligne.locator("td").nth(day.day)).to_have_class(re.compile(r"\betat-reserve\b"))

    # The agent cancels it: a confirmation naming the day, with its reason.
    agent.locator("tr", has_text=TITRE).locator("td").nth(day.day - 1).get_by_role("link").click()
    bouton = agent.get_by_role("button", name=re.compile("^Confirmer l'annulation"))
    expect(bouton).to_contain_text(dates.en_toutes_lettres(day))
    aucune_violation(agent, "the cancellation's confirmation")
    agent.get_by_label("Raison de l'absence (obligatoire)").fill("Finalement gardé par sa tante")
    bouton.click()
    # The day was changed once already (the booking): the parent's rule.
    expect(agent.get_by_role("alert")).to_contain_text(
        "Vous ne pouvez faire qu'une seule modification par activité pour une même date."
    )
    assert etat(portail, enfant, day) == cells.RESERVE
    agent.locator("#annulation input[name=derogation]").check()
    agent.get_by_role("button", name=re.compile("^Confirmer l'annulation")).click()
    expect(agent.locator(".alert-success")).to_contain_text("Réservation annulée pour LUCAS")
    assert etat(portail, enfant, day) == cells.ABSENT_EXCUSE
