"""A capacity lowered below the places already taken (issue 16, "the
calendar's guards"): the prestation's form warns with the days and counts,
the bookings stay, the day's counter never goes negative and takes no new
booking until the places taken are back under the capacity.  The town's
clock is frozen on Tuesday 1 December 2026."""

import datetime
import re

from substanced.util import get_oid

from portail_famille.planning import cells, places

from ..conftest import login, with_root
from .conftest import client
from .test_demandes_staff import staff
from .test_fermetures import chloe_a_la_cantine, etat_chloe
from .test_reservations import (  # noqa: F401 (clock and town: fixtures)
    JEUDI_CONTRAT,
    REST,
    cell,
    clock,
    taken,
    town,
)
from .test_structures import erreur

PROPRIETES = "/manage/structures/garderie-periscolaire/restauration-scolaire/@@properties"
EFFECTIFS = PROPRIETES.replace("properties", "effectifs")
LENDEMAIN = JEUDI_CONTRAT + datetime.timedelta(days=1)


def capacite(app):
    return with_root(app.app, lambda root, r: root["structures"][REST[0]][REST[1]].capacite)


def troisieme_famille(app):
    """A third family whose child is enrolled at the canteen (no contract);
    returns (browser logged in as its parent, the child's URL)."""
    from portail_famille.inscriptions import inscrire

    from ..peuplement import familles

    def setup(root, registry):
        ((login_, enfant, url),) = familles(root, registry, 1, 1, "T", "Troisieme-famille1")
        cantine = root["structures"][REST[0]][REST[1]]
        inscrire(enfant, get_oid(cantine), "2026-2027", datetime.date(2026, 9, 1))
        return login_, url

    login_, url = with_root(app.app, setup)
    browser = client(app)
    login(browser, login_, "Troisieme-famille1")
    return browser, url


def reserver(browser, url, prestation_oid, day):
    page = browser.get(url + "planning?mois=%04d-%02d" % (day.year, day.month))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return browser.post(
        url + "demande-de-reservation",
        {"csrf_token": token, "prestation": str(prestation_oid), "date": day.isoformat()},
        status=302,
    )


def test_a_capacity_below_the_bookings_warns_and_keeps_them(town):  # noqa: F811
    chloe_a_la_cantine(town, JEUDI_CONTRAT)
    assert taken(town, REST, JEUDI_CONTRAT) == 2
    assert taken(town, REST, LENDEMAIN) == 1
    agent = staff(town, "agent")
    form = agent.get(PROPRIETES).forms["deform"]
    form["capacite"] = "1"
    saved = form.submit("save", status=302)
    page = saved.follow()
    warning = page.html.select_one("#messages .alert-warning").get_text(" ", strip=True)
    assert (
        "Attention : la capacité de 1 place(s) par jour est inférieure aux places déjà "
        "prises de 1 jour(s) à venir : 10/12/2026 (2 places prises). Ces réservations "
        "sont gardées" in warning
    )
    assert erreur(page, "capacite") is None
    # Saved, the bookings kept, the counter as it was.
    assert capacite(town) == 1
    assert cell(town, REST, JEUDI_CONTRAT) == cells.RESERVE
    assert etat_chloe(town, JEUDI_CONTRAT) == cells.RESERVE
    assert taken(town, REST, JEUDI_CONTRAT) == 2

    def restantes(root, registry):
        return places.restantes(root["structures"][REST[0]][REST[1]], JEUDI_CONTRAT)

    assert with_root(town.app, restantes) == 0
    effectifs = agent.get(EFFECTIFS + "?date=" + JEUDI_CONTRAT.isoformat())
    assert effectifs.html.select_one(".pris").get_text() == "2"
    depassement = effectifs.html.select_one(".depassement").get_text(" ", strip=True)
    assert "1 réservation(s) de plus que de places" in depassement

    # A third family asks for the day: the waiting list, not a 3rd place.
    browser, url = troisieme_famille(town)
    oid = with_root(town.app, lambda root, r: get_oid(root["structures"][REST[0]][REST[1]]))
    page = reserver(browser, url, oid, JEUDI_CONTRAT).follow()
    assert "liste d'attente" in page.text
    assert taken(town, REST, JEUDI_CONTRAT) == 2
    jour = browser.get(url + "planning-jour?prestation=%d&date=%s" % (oid, JEUDI_CONTRAT))
    assert re.search(r"Places restantes</dt><dd>0</dd>", jour.text)

    # Back to a capacity that holds them: no warning.
    form = agent.get(PROPRIETES).forms["deform"]
    form["capacite"] = "120"
    page = form.submit("save", status=302).follow()
    assert page.html.select_one("#messages .alert-warning") is None
