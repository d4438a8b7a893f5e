"""The phone-first planning (issue 20, item 1), as rendered by the server:
the month as a list of days (each activity's state in the grid's words,
the one-tap action of a free or booked day), the hint for touch screens,
and the places left on bookable cells when fewer than the setting
``portail.places_restantes_affichees``.  The town's clock is frozen on
Tuesday 1 December 2026, 09:00 in Paris (test_reservations)."""

import datetime

from portail_famille.planning.views import places_affichees

from .test_enfants import browser_for, main
from .test_reservations import (  # noqa: F401 (clock and town: fixtures)
    JEUDI_CONTRAT,
    MAM,
    MERCREDI,
    REST,
    cell_text,
    child_url,
    clock,
    oid_of,
    reserver,
    set_capacity,
    town,
)

MERCREDI_APM = "Accueil de Loisirs ALSH Mercredi après-midi"
CANTINE = "Garderie périscolaire Restauration scolaire"


def planning(browser, app, mois="2026-12"):
    return browser.get(child_url(app) + "planning?mois=" + mois)


def jour(page, day):
    """The list's item of ``day``: {activity: (state's text, its classes,
    the action's link or None, places' text or None)}."""
    titre = day.strftime("%d")
    for li in main(page).select("ol.planning-liste > li.jour-liste"):
        if li.h3.get_text().split()[1] == titre.lstrip("0"):
            found = {}
            for item in li.select("li.activite-jour"):
                etat = item.select("span")[1]
                lien = item.select_one("a.cellule-action")
                places = item.select_one(".places-texte")
                found[item.select_one(".activite").get_text()] = (
                    etat.get_text(" ", strip=True),
                    etat.get("class") or [],
                    lien,
                    places.get_text() if places else None,
                )
            return li.h3.get_text(), found
    raise AssertionError(day)


def test_the_month_as_a_list_of_days_with_one_tap_actions(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    page = planning(dupont, town)
    soup = main(page)
    # Both hints: the mouse's and the touch screen's (CSS shows one).
    assert "Cliquer droit" in soup.select_one(".aide-souris").get_text()
    assert soup.select_one(".aide-tactile").get_text().startswith("Touchez un jour")
    titres = [h.get_text() for h in soup.select("ol.planning-liste h3.jour-titre")]
    # The days in order, each in words; the weekend has nothing open.
    assert titres[0] == "Mardi 1 Décembre 2026"
    assert not any(t.startswith(("Samedi", "Dimanche")) for t in titres)
    # A free Wednesday: "Libre", one tap asks the reservation.
    titre, activites = jour(page, MERCREDI)
    assert titre == "Mercredi 9 Décembre 2026"
    etat, _classes, lien, places = activites[MERCREDI_APM]
    assert etat == "Libre" and places is None
    assert lien["data-action"] == "reservation"
    assert lien["data-date"] == "2026-12-09"
    assert lien["data-prestation"] == str(oid_of(town, MAM))
    # Its words: the menu's; the item and the day's heading give the context.
    assert lien.get_text() == "Demande de Réservation"
    # Without JavaScript the link is the cell's day page, as in the grid.
    day_page = dupont.get(lien["href"])
    assert "Demander la réservation" in day_page.text
    # A booked canteen day (the contract): one tap declares an absence.
    _titre, activites = jour(page, JEUDI_CONTRAT)
    etat, classes, lien, places = activites[CANTINE]
    assert etat == "✓ Réservé" and "etat-reserve" in classes
    assert lien["data-action"] == "absence" and places is None
    assert lien.get_text() == "Déclarer une absence"
    # Christmas holidays: the Wednesday afternoons are closed, not listed.
    _titre, activites = jour(page, datetime.date(2026, 12, 21))
    assert MERCREDI_APM not in activites and CANTINE not in activites


def test_after_a_reservation_the_list_says_reserved(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    page = reserver(dupont, town, MAM, MERCREDI).follow()
    _titre, activites = jour(page, MERCREDI)
    etat, classes, lien, _places = activites[MERCREDI_APM]
    assert etat == "✓ Réservé" and "etat-reserve" in classes
    assert lien["data-action"] == "absence"


def test_past_days_are_listed_by_their_state_without_action(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    page = planning(dupont, town, "2026-11")
    _titre, activites = jour(page, datetime.date(2026, 11, 5))
    etat, classes, lien, _places = activites[CANTINE]
    assert etat == "✓ Réservé" and lien is None


def test_bookable_cells_show_the_places_left_below_the_setting(town):  # noqa: F811
    set_capacity(town, MAM, 3, others=1)
    dupont = browser_for(town, "jean.dupont")
    page = planning(dupont, town)
    # The grid: the number, and the words for screen readers.
    classes, text = cell_text(page, MERCREDI_APM, MERCREDI)
    assert text == "Libre, 2 places restantes, Mercredi 9 Décembre 2026"
    for tr in main(page).select("table.planning-grille tbody tr"):
        if tr.th.get_text(strip=True) == MERCREDI_APM:
            td = tr.find_all("td")[MERCREDI.day]
            assert td.select_one(".places").get_text() == "2"
    # The other Wednesdays have 3 places left: shown too (3 < 5).
    _classes, text = cell_text(page, MERCREDI_APM, datetime.date(2026, 12, 16))
    assert text == "Libre, 3 places restantes, Mercredi 16 Décembre 2026"
    # The list says it in words.
    _titre, activites = jour(page, MERCREDI)
    assert activites[MERCREDI_APM][3] == "2 places restantes"
    # A booked day never shows places; nor a roomy prestation (the canteen).
    _classes, text = cell_text(page, CANTINE, JEUDI_CONTRAT)
    assert "place" not in text
    assert activites.get(CANTINE) is None or activites[CANTINE][3] is None
    assert not [
        td for td in main(page).select("td .places") if "Restauration" in td.parent.get_text()
    ]


def test_one_place_left_and_a_full_day(town):  # noqa: F811
    set_capacity(town, MAM, 1, others=0)
    dupont = browser_for(town, "jean.dupont")
    page = planning(dupont, town)
    _titre, activites = jour(page, MERCREDI)
    assert activites[MERCREDI_APM][3] == "1 place restante"
    set_capacity(town, MAM, 1, others=1)
    page = planning(dupont, town)
    _titre, activites = jour(page, MERCREDI)
    assert activites[MERCREDI_APM][3] == "Complet"
    assert activites[MERCREDI_APM][2]["data-action"] == "reservation"


def test_the_setting_of_the_places_shown():
    assert places_affichees({}) == 5
    assert places_affichees({"portail.places_restantes_affichees": "3"}) == 3
    assert places_affichees({"portail.places_restantes_affichees": "0"}) == 0
    assert places_affichees({"portail.places_restantes_affichees": "beaucoup"}) == 5
    assert places_affichees({"portail.places_restantes_affichees": "-2"}) == 0
