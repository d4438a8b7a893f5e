"""Reservations and absences from the planning grid (issue 4): each rule
on the server, the waiting list, the agents' processing, the contract's
bookings, bad input.  The town's clock is frozen on Tuesday 1 December 2026,
09:00 in Paris (zone C: Christmas holidays from 19 December)."""

import datetime
import re

import pytest
from substanced.util import get_oid

from portail_famille import dates
from portail_famille.demandes.resources import ACCEPTEE, LISTE_ATTENTE, REFUSEE
from portail_famille.demo import DUPONT
from portail_famille.planning import cells, places, regles

from ..conftest import (
    DUPONT_URL,
    app_du_test,
    mails,
    martin_logged_in,
    with_root,
)
from .test_demandes_staff import staff
from .test_enfants import browser_for, enfants, main

D = datetime.date
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=dates.PARIS)
ANNEE = "2026-2027"
NUMERO = DUPONT["numero"]
MAM = ("accueil-de-loisirs-alsh", "mercredi-apres-midi")  # automatic, Wednesdays
VJ = ("accueil-de-loisirs-alsh", "vacances-journee")  # agent, holidays
REST = ("garderie-periscolaire", "restauration-scolaire")  # automatic, contract
MERCREDI = D(2026, 12, 9)  # deadline: Monday 7 December, 10:00
VACANCES = D(2026, 12, 21)  # Christmas holidays, zone C
JEUDI_CONTRAT = D(2026, 12, 10)  # a canteen day of the contract


@pytest.fixture
def clock(monkeypatch):
    """The town's clock, frozen (``clock.now`` may be moved)."""

    class Clock:
        now = NOW

    monkeypatch.setattr(dates, "now", lambda: Clock.now)
    monkeypatch.setattr(dates, "horodatage", lambda: Clock.now.astimezone(datetime.UTC))
    return Clock


@pytest.fixture
def town(tmp_path, clock):
    """A fresh application where LUCAS is enrolled for 2026-2027 in the
    Wednesday afternoons, the holidays' days and the canteen (contract)."""
    with app_du_test(tmp_path, **{"portail.zone_vacances": "C"}) as app:
        with_root(app.app, _inscrire_lucas)
        yield app


def _inscrire_lucas(root, registry):
    from substanced.util import get_oid

    from portail_famille.inscriptions import cle, inscrire
    from portail_famille.planning.service import reserver_contrat

    calendrier = root["calendrier"]
    if ANNEE not in calendrier:
        annee = registry.content.create(
            "AnneeScolaire", libelle=ANNEE, debut=D(2026, 9, 1), fin=D(2027, 7, 5)
        )
        calendrier.add(ANNEE, annee, registry=registry)
    enfant = lucas(root)
    for path, jours in ((MAM, ()), (VJ, ()), (REST, ("1", "2", "4", "5"))):
        oid = get_oid(root["structures"][path[0]][path[1]])
        if cle(ANNEE, oid) not in enfant.inscriptions:
            inscription = inscrire(enfant, oid, ANNEE, D(2026, 9, 1), jours)
            reserver_contrat(enfant, inscription, registry.settings)


def lucas(root):
    enfants_ = root["familles"][NUMERO]["enfants"]
    return next(e for e in enfants_.values() if e.prenom == "LUCAS")


def oid_of(app, path):
    from substanced.util import get_oid

    return with_root(app.app, lambda root, registry: get_oid(root["structures"][path[0]][path[1]]))


def cell(app, path, day):
    oid = oid_of(app, path)
    return with_root(app.app, lambda root, registry: cells.etat(lucas(root), oid, day))


def taken(app, path, day):
    def read(root, registry):
        return places.pris(root["structures"][path[0]][path[1]], day)

    return with_root(app.app, read)


def requests(app):
    """[(type, etat, jour, motif)] of the family's planning requests."""

    def read(root, registry):
        return sorted(
            (d.type_demande, d.etat, d.jour, d.valeurs.get("motif", ""))
            for d in root["familles"][NUMERO]["demandes"].values()
            if d.jour is not None
        )

    return with_root(app.app, read)


def in_the_register(app):
    """The family's requests of the planning are records of its register:
    no oid, so in no catalog and not in the objectmap (nothing the town
    shares is written: ``demandes.resources.Demandes``), yet found by
    their name in its requests."""

    def read(root, registry):
        from substanced.util import get_oid

        demandes = root["familles"][NUMERO]["demandes"]
        du_planning = [d for d in demandes.values() if d.jour is not None]
        return bool(du_planning) and all(
            get_oid(d, None) is None
            and d.__name__ in demandes.registre
            and demandes[d.__name__] is d
            and d.__name__ not in demandes.data
            for d in du_planning
        )

    return with_root(app.app, read)


def child_url(app):
    return DUPONT_URL + "enfants/%s/" % enfants(app)["LUCAS"][0]


def token(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def grid(browser, app, day):
    return browser.get(child_url(app) + "planning?mois=%04d-%02d" % (day.year, day.month))


def post(browser, app, view, path, day, status=302, **extra):
    page = grid(browser, app, day)
    values = {
        "csrf_token": token(page),
        "prestation": str(oid_of(app, path)),
        "date": day.isoformat(),
        **extra,
    }
    return browser.post(child_url(app) + view, values, status=status)


def reserver(browser, app, path, day, **kw):
    return post(browser, app, "demande-de-reservation", path, day, **kw)


def absence(browser, app, path, day, motif="Malade", confirmation="oui", **kw):
    return post(
        browser,
        app,
        "declarer-une-absence",
        path,
        day,
        motif=motif,
        confirmation=confirmation,
        **kw,
    )


def premiere_a_traiter(agent, type_demande):
    """The agents' queue of ``type_demande`` and the processing page of its
    first request."""
    queue = agent.get("/manage/@@demandes?type=%s" % type_demande)
    return queue, agent.get(re.search(r'href="([^"]+@@traiter)"', queue.text).group(1))


def flashes(page):
    return [
        p.get_text(" ", strip=True) for p in main(page).select(".messages:not(.erreurs) .flash")
    ]


def refusals(page):
    return [p.get_text(" ", strip=True) for p in main(page).select(".messages.erreurs .flash")]


def cell_text(page, titre, day):
    """The screen-reader text of one cell of the grid."""
    for tr in main(page).select("table.planning-grille tbody tr"):
        if tr.th.get_text(strip=True) == titre:
            td = tr.find_all("td")[day.day]  # [0] is Responsable
            return td.get("class") or [], td.select_one(".visuellement-cache").get_text()
    raise AssertionError(titre)


# --- Rules ---------------------------------------------------------------------


def test_a_reservation_on_an_automatic_prestation_is_booked_at_once(town):
    dupont = browser_for(town, "jean.dupont")
    done = reserver(dupont, town, MAM, MERCREDI)
    page = done.follow()
    assert flashes(page) == ["Réservation enregistrée : Mercredi après-midi, le 09/12/2026."]
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert taken(town, MAM, MERCREDI) == 1
    classes, text = cell_text(page, "Accueil de Loisirs ALSH Mercredi après-midi", MERCREDI)
    assert "etat-reserve" in classes and text.startswith("Réservé")
    assert requests(town) == [("reservation", ACCEPTEE, MERCREDI, "")]
    assert in_the_register(town)
    # Liste des demandes, Mes enfants > Réservations: accepted.
    listing = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants&type=reservation")
    accepted = main(listing).select_one("section.demandes-acceptees").get_text(" ", strip=True)
    assert "LUCAS" in accepted and "09/12/2026" in accepted and "Mercredi après-midi" in accepted


def test_a_reservation_an_agent_validates_then_accepts(town):
    dupont = browser_for(town, "jean.dupont")
    page = reserver(dupont, town, VJ, VACANCES).follow()
    assert "transmise au service enfance jeunesse" in flashes(page)[0]
    assert cell(town, VJ, VACANCES) == cells.RESERVATION_TRAITEMENT
    assert taken(town, VJ, VACANCES) == 1  # the place is held while pending
    december = grid(dupont, town, VACANCES)
    _classes, text = cell_text(december, "Accueil de Loisirs ALSH Vacances journée", VACANCES)
    assert text.startswith("Réservation en cours de traitement")

    queue, traiter = premiere_a_traiter(staff(town, "agent"), "reservation")
    assert "Vacances journée" in queue.text and "21/12/2026" in queue.text
    traiter.forms["form-accepter"].submit("accepter")
    assert cell(town, VJ, VACANCES) == cells.RESERVE
    assert requests(town) == [("reservation", ACCEPTEE, VACANCES, "")]
    mail = mails(town)[-1]
    assert "Demande de Réservation" in mail and "21/12/2026" in mail and "acceptée" in mail


def test_an_agent_refuses_a_reservation_and_the_place_is_given_back(town):
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, VJ, VACANCES)
    _queue, traiter = premiere_a_traiter(staff(town, "agent"), "reservation")
    form = traiter.forms["form-refuser"]
    form["motif"] = "Le centre est complet pour les fêtes."
    form.submit("refuser")
    assert cell(town, VJ, VACANCES) == cells.RESERVATION_REFUSEE
    assert taken(town, VJ, VACANCES) == 0
    assert requests(town)[0][:2] == ("reservation", REFUSEE)
    assert "Le centre est complet pour les fêtes." in mails(town)[-1]
    page = grid(dupont, town, VACANCES)
    _classes, text = cell_text(page, "Accueil de Loisirs ALSH Vacances journée", VACANCES)
    assert text.startswith("Réservation refusée")


def test_one_change_per_activity_and_date(town):
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)
    page = absence(dupont, town, MAM, MERCREDI).follow()
    assert refusals(page) == [
        "Vous ne pouvez faire qu'une seule modification par activité pour une même date. "
        "Pour une nouvelle modification, écrivez au service depuis la Boîte de réception."
    ]
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert len(requests(town)) == 1
    # Another date of the same activity is another cell.
    reserver(dupont, town, MAM, MERCREDI + datetime.timedelta(days=7))
    assert len(requests(town)) == 2


def test_the_reservation_deadline_in_paris_time(town, clock):
    dupont = browser_for(town, "jean.dupont")
    # Wednesday 2 December: the deadline was Monday 30 November, 10:00.
    page = reserver(dupont, town, MAM, D(2026, 12, 2)).follow()
    assert refusals(page) == [
        "Le délai de réservation est dépassé : il fallait réserver le 02/12/2026 "
        "avant le 30/11/2026 à 10:00."
    ]
    assert cell(town, MAM, D(2026, 12, 2)) is None and requests(town) == []
    # 9 December until Monday 7 December 09:59:59 Paris, not 10:00.
    clock.now = datetime.datetime(2026, 12, 7, 9, 59, 59, tzinfo=dates.PARIS)
    reserver(dupont, town, MAM, MERCREDI)
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    clock.now = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=dates.PARIS)
    page = reserver(dupont, town, MAM, MERCREDI + datetime.timedelta(days=-7)).follow()
    assert "Le délai de réservation est dépassé" in refusals(page)[0]


def test_working_days_skip_weekends_and_public_holidays():
    # 2 working days before Tuesday 12 May 2026: Friday 8 May is a public
    # holiday, so Thursday 7 May.
    assert regles.jours_ouvres_avant(D(2026, 5, 12), 2) == D(2026, 5, 7)
    limite = regles.limite(D(2026, 5, 12), 2, "10:00")
    assert limite.isoformat() == "2026-05-07T10:00:00+02:00"  # summer time
    assert regles.limite(D(2026, 12, 9), 2, "10:00").isoformat() == "2026-12-07T10:00:00+01:00"


@pytest.mark.parametrize(
    "path, day, message",
    [
        (MAM, D(2026, 12, 8), "Mercredi après-midi n'est pas ouvert le 08/12/2026."),
        (MAM, D(2026, 12, 23), "Mercredi après-midi n'est pas ouvert le 23/12/2026."),  # holidays
        (VJ, D(2026, 12, 14), "Vacances journée n'est pas ouvert le 14/12/2026."),  # school
        (VJ, D(2026, 12, 25), "Vacances journée n'est pas ouvert le 25/12/2026."),  # F
        (MAM, D(2027, 9, 8), "LUCAS n'est pas inscrit à cette activité le 08/09/2027."),
        (
            ("garderie-periscolaire", "garderie-matin"),
            D(2026, 12, 14),
            "LUCAS n'est pas inscrit à cette activité le 14/12/2026.",
        ),
    ],
)
def test_closed_days_and_activities_without_enrolment_are_refused(town, path, day, message):
    dupont = browser_for(town, "jean.dupont")
    page = reserver(dupont, town, path, day).follow()
    assert refusals(page) == [message]
    assert requests(town) == []


@pytest.mark.parametrize(
    "values",
    [
        {"prestation": "abc", "date": "2026-12-09"},
        {"prestation": "1", "date": "2026-12-09"},
        {"prestation": "", "date": ""},
        {"date": "2026-02-30"},
        {"date": "09/12/2026"},
        {"prestation": "9" * 30},
    ],
)
def test_forged_cells_are_refused_in_french(town, values):
    dupont = browser_for(town, "jean.dupont")
    page = grid(dupont, town, MERCREDI)
    post_values = {"csrf_token": token(page), "prestation": str(oid_of(town, MAM))}
    post_values["date"] = MERCREDI.isoformat()
    post_values.update(values)
    for view in ("demande-de-reservation", "declarer-une-absence", "planning-jour"):
        if view == "planning-jour":
            response = dupont.get(child_url(town) + view, values, status=302)
        else:
            response = dupont.post(
                child_url(town) + view, dict(post_values, motif="x", confirmation="oui"), status=302
            )
        assert refusals(response.follow())
    assert requests(town) == []


def test_without_csrf_token_nothing_is_stored(town):
    dupont = browser_for(town, "jean.dupont")
    values = {"prestation": str(oid_of(town, MAM)), "date": MERCREDI.isoformat()}
    response = dupont.post(child_url(town) + "demande-de-reservation", values, status=400)
    assert "traceback" not in response.text.lower()
    assert requests(town) == [] and cell(town, MAM, MERCREDI) is None


def martin_browser(app):
    return martin_logged_in(app)


def test_another_family_cannot_touch_this_child(town):
    martin = martin_browser(town)
    page = martin.get("/familles/1001001818400/mes-enfants")
    values = {
        "csrf_token": token(page),
        "prestation": str(oid_of(town, MAM)),
        "date": MERCREDI.isoformat(),
        "motif": "x",
        "confirmation": "oui",
    }
    for view in ("planning", "planning-jour"):
        martin.get(child_url(town) + view, values, status=404)
    for view in ("demande-de-reservation", "declarer-une-absence"):
        martin.post(child_url(town) + view, values, status=404)
    assert requests(town) == [] and cell(town, MAM, MERCREDI) is None


# --- Absences --------------------------------------------------------------------


def test_an_absence_needs_a_reason_and_a_confirmation(town):
    dupont = browser_for(town, "jean.dupont")
    page = absence(dupont, town, REST, JEUDI_CONTRAT, motif="  ", confirmation="", status=200)
    assert main(page).select_one("#erreur-motif").get_text() == "Indiquez la raison de l'absence."
    assert (
        main(page).select_one("#erreur-confirmation").get_text()
        == "Cochez la case pour confirmer l'absence."
    )
    page = absence(
        dupont, town, REST, JEUDI_CONTRAT, motif="Rendez-vous", confirmation="", status=200
    )
    assert main(page).select_one("textarea#motif").get_text() == "Rendez-vous"  # kept
    assert cell(town, REST, JEUDI_CONTRAT) == cells.RESERVE and requests(town) == []
    page = absence(dupont, town, REST, JEUDI_CONTRAT, motif="x" * 501, status=200)
    assert "500 caractères" in main(page).select_one("#erreur-motif").get_text()


def test_an_absence_in_time_is_excused_and_frees_the_place(town):
    assert cell(town, REST, JEUDI_CONTRAT) == cells.RESERVE  # the contract
    before = taken(town, REST, JEUDI_CONTRAT)
    dupont = browser_for(town, "jean.dupont")
    page = absence(dupont, town, REST, JEUDI_CONTRAT, motif="Rendez-vous médical").follow()
    assert flashes(page) == ["Absence enregistrée : Restauration scolaire, le 10/12/2026."]
    assert cell(town, REST, JEUDI_CONTRAT) == cells.ABSENT_EXCUSE
    assert taken(town, REST, JEUDI_CONTRAT) == before - 1
    assert requests(town) == [("absence", ACCEPTEE, JEUDI_CONTRAT, "Rendez-vous médical")]
    _classes, text = cell_text(page, "Garderie périscolaire Restauration scolaire", JEUDI_CONTRAT)
    assert text.startswith("Absent excusé")


def test_a_late_absence_goes_to_an_agent_and_is_billed(town):
    dupont = browser_for(town, "jean.dupont")
    today = D(2026, 12, 1)  # its deadline was Friday 27 November
    page = absence(dupont, town, REST, today, motif="Fièvre").follow()
    assert "Le délai est dépassé : la journée peut être facturée." in flashes(page)[0]
    assert cell(town, REST, today) == cells.ABSENCE_TRAITEMENT
    _queue, traiter = premiere_a_traiter(staff(town, "agent"), "absence")
    assert "Fièvre" in traiter.text
    traiter.forms["form-accepter"].submit("accepter")
    assert cell(town, REST, today) == cells.ABSENT_FACTURE


def test_an_absence_needs_a_booked_day_and_not_a_past_one(town):
    dupont = browser_for(town, "jean.dupont")
    page = absence(dupont, town, MAM, MERCREDI).follow()
    assert refusals(page) == [
        "Il n'y a pas de réservation à cette date : pas d'absence à déclarer."
    ]
    page = absence(dupont, town, REST, D(2026, 11, 30)).follow()
    assert refusals(page) == ["Cette date est passée : une absence ne peut plus être déclarée."]
    assert requests(town) == []


# --- Capacity and the waiting list ---------------------------------------------------


def set_capacity(app, path, capacite, others=0, day=MERCREDI):
    """The prestation's capacity, and ``others`` places already taken."""

    def change(root, registry):
        prestation = root["structures"][path[0]][path[1]]
        prestation.capacite = capacite
        for _n in range(others):
            places.prendre(prestation, day, capacite=False)

    with_root(app.app, change)


def test_a_full_day_waits_and_a_freed_place_goes_to_the_first_waiting(town):
    set_capacity(town, MAM, 1, others=1)
    dupont = browser_for(town, "jean.dupont")
    page = reserver(dupont, town, MAM, MERCREDI).follow()
    assert "La journée est complète : votre demande est en liste d'attente" in flashes(page)[0]
    assert cell(town, MAM, MERCREDI) == cells.ATTENTE
    assert requests(town) == [("reservation", LISTE_ATTENTE, MERCREDI, "")]
    _classes, text = cell_text(page, "Accueil de Loisirs ALSH Mercredi après-midi", MERCREDI)
    assert text.startswith("Demande en attente")
    listing = dupont.get(DUPONT_URL + "liste-des-demandes?onglet=enfants")
    assert "Liste d'attente : la journée est complète." in main(listing).select_one(
        "section.demandes-en-attente"
    ).get_text(" ", strip=True)

    # The other child's place is freed: the waiting reservation gets it.
    def free(root, registry):
        from pyramid.request import Request

        from portail_famille.planning.service import promouvoir

        prestation = root["structures"][MAM[0]][MAM[1]]
        places.liberer(prestation, MERCREDI)
        request = Request.blank("/")
        request.registry = registry
        return promouvoir(prestation, MERCREDI, request) is not None

    sent = len(mails(town))
    assert with_root(town.app, free)
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert requests(town) == [("reservation", ACCEPTEE, MERCREDI, "")]
    assert taken(town, MAM, MERCREDI) == 1
    mail = mails(town)[sent]
    assert "une place s'est libérée le 09/12/2026" in mail and "LUCAS" in mail


def test_an_excused_absence_gives_the_place_to_the_first_waiting_family(town, clock):
    """MARTIN's two children wait for the canteen on a full day, EMMA asked
    before CHLOE; DUPONT declares an absence: EMMA gets the place (first
    come, first served), CHLOE still waits."""

    def martin_children(root, registry):
        from substanced.util import get_oid

        from portail_famille.inscriptions import inscrire

        famille = root["familles"]["1001001818400"]
        prestation = root["structures"][REST[0]][REST[1]]
        names = []
        for prenom in ("CHLOE", "EMMA"):
            enfant = registry.content.create("Enfant", nom="MARTIN", prenom=prenom)
            famille["enfants"].add_next(enfant, registry=registry)
            inscrire(enfant, get_oid(prestation), ANNEE, D(2026, 9, 1), ())
            names.append(enfant.__name__)
        prestation.capacite = places.pris(prestation, JEUDI_CONTRAT)  # full
        return names

    chloe, emma = with_root(town.app, martin_children)
    martin = martin_browser(town)
    for name, minute in ((emma, 0), (chloe, 5)):
        clock.now = NOW + datetime.timedelta(minutes=minute)
        url = "/familles/1001001818400/enfants/%s/" % name
        page = martin.get(url + "planning?mois=2026-12")
        martin.post(
            url + "demande-de-reservation",
            {
                "csrf_token": token(page),
                "prestation": str(oid_of(town, REST)),
                "date": JEUDI_CONTRAT.isoformat(),
            },
            status=302,
        )

    def martin_cells(root, registry):
        enfants_ = root["familles"]["1001001818400"]["enfants"]
        return [
            cells.etat(enfants_[name], oid_of(town, REST), JEUDI_CONTRAT) for name in (emma, chloe)
        ]

    assert with_root(town.app, martin_cells) == [cells.ATTENTE, cells.ATTENTE]
    dupont = browser_for(town, "jean.dupont")
    absence(dupont, town, REST, JEUDI_CONTRAT, motif="Sortie scolaire")
    assert cell(town, REST, JEUDI_CONTRAT) == cells.ABSENT_EXCUSE
    assert with_root(town.app, martin_cells) == [cells.RESERVE, cells.ATTENTE]


def test_an_agent_accepts_several_reservations_at_once(town):
    dupont = browser_for(town, "jean.dupont")
    days = (VACANCES, VACANCES + datetime.timedelta(days=1))
    for day in days:
        reserver(dupont, town, VJ, day)
    agent = staff(town, "agent")
    queue = agent.get("/manage/@@demandes?type=reservation")
    oids = re.findall(r'name="oid"\s+value="([^"]+)"', queue.text)
    done = agent.post(
        "/manage/@@demandes",
        {"csrf_token": token(queue), "oid": oids, "accepter_selection": "1"},
    ).follow()
    assert "2 demande(s) acceptée(s)." in done.text
    assert [cell(town, VJ, day) for day in days] == [cells.RESERVE] * 2
    assert [r[1] for r in requests(town)] == [ACCEPTEE, ACCEPTEE]


def test_the_contract_books_its_days(town):
    def read(root, registry):
        from substanced.util import get_oid

        oid = get_oid(root["structures"][REST[0]][REST[1]])
        tree = cells.cellules(lucas(root))
        return {day for (o, day), etat in tree.items() if o == oid and etat == cells.RESERVE}

    booked = with_root(town.app, read)
    december = {d for d in booked if d.year == 2026 and d.month == 12}
    # Mon/Tue/Thu/Fri of school time: the holidays start on 19 December.
    assert december == {D(2026, 12, n) for n in (1, 3, 4, 7, 8, 10, 11, 14, 15, 17, 18)}
    assert D(2027, 5, 6) not in booked  # Ascension Thursday: F
    assert all(d.isoweekday() in (1, 2, 4, 5) for d in booked)
    assert taken(town, REST, D(2026, 12, 10)) == 1


def test_the_day_page_without_javascript(town):
    dupont = browser_for(town, "jean.dupont")
    page = grid(dupont, town, MERCREDI)
    link = main(page).select_one('a.cellule-action[data-date="2026-12-09"]')
    day = dupont.get(link["href"])
    text = main(day).get_text(" ", strip=True)
    assert "Mercredi 9 Décembre 2026" in text
    assert "Aucune réservation" in text and "07/12/2026 à 10:00" in text
    form = next(f for f in day.forms.values() if f.action.endswith("demande-de-reservation"))
    done = form.submit()
    assert done.status_int == 302
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    # Past days and closed days have no action; the canteen's do.
    mam = 'tr[data-prestation="%s"] a.cellule-action' % oid_of(town, MAM)
    assert main(page).select(mam + '[data-date="2026-12-16"]')
    assert not main(page).select(mam + '[data-date="2026-12-08"]')
    rest = 'tr[data-prestation="%s"] a.cellule-action' % oid_of(town, REST)
    assert main(page).select(rest + '[data-date="2026-12-08"]')
    november = grid(dupont, town, D(2026, 11, 1))
    assert main(november).select_one("td.etat-reserve")  # the contract
    assert not main(november).select(rest + '[data-date="2026-11-30"]')  # past


# --- Agents: several at once, refusing an absence, ending an inscription ----------


def test_an_agent_refuses_several_requests_with_one_motif(town):
    dupont = browser_for(town, "jean.dupont")
    days = (VACANCES, VACANCES + datetime.timedelta(days=1))
    for day in days:
        reserver(dupont, town, VJ, day)
    agent = staff(town, "agent")
    queue = agent.get("/manage/@@demandes?type=reservation")
    # The queue says what is asked, without an empty "before".
    assert "Activité : Accueil de Loisirs ALSH — Vacances journée" in queue.text
    assert "Date : 21/12/2026" in queue.text and "(vide)" not in queue.text
    oids = re.findall(r'name="oid"\s+value="([^"]+)"', queue.text)
    assert len(oids) == 2
    values = {"csrf_token": token(queue), "oid": oids, "refuser_selection": "1"}
    # Without a motif: the page again, the message beside the field, nothing done.
    page = agent.post("/manage/@@demandes", dict(values, motif_selection="  "), status=400)
    erreur = re.search(r'id="motif-selection-erreur">([^<]*)<', page.text).group(1)
    assert erreur == "Indiquez le motif du refus."
    assert [cell(town, VJ, day) for day in days] == [cells.RESERVATION_TRAITEMENT] * 2
    done = agent.post(
        "/manage/@@demandes", dict(values, motif_selection="Centre fermé pour travaux.")
    ).follow()
    assert "2 demande(s) refusée(s)." in done.text
    assert [cell(town, VJ, day) for day in days] == [cells.RESERVATION_REFUSEE] * 2
    assert [taken(town, VJ, day) for day in days] == [0, 0]
    assert [r[1] for r in requests(town)] == [REFUSEE, REFUSEE]
    assert sum("Centre fermé pour travaux." in mail for mail in mails(town)) == 2


def test_an_agent_refuses_a_late_absence_and_the_day_stays_booked(town):
    dupont = browser_for(town, "jean.dupont")
    today = D(2026, 12, 1)
    before = taken(town, REST, today)
    absence(dupont, town, REST, today, motif="Fièvre")
    _queue, traiter = premiere_a_traiter(staff(town, "agent"), "absence")
    form = traiter.forms["form-refuser"]
    form["motif"] = "Sans certificat médical, la journée est due."
    form.submit("refuser")
    assert cell(town, REST, today) == cells.RESERVE
    assert taken(town, REST, today) == before
    assert requests(town)[0][:2] == ("absence", REFUSEE)


def test_ending_an_inscription_gives_back_the_contract_days_to_come(town):
    def end(root, registry):
        from substanced.util import get_oid

        from portail_famille.inscriptions import cle
        from portail_famille.planning.service import liberer_contrat

        enfant = lucas(root)
        oid = get_oid(root["structures"][REST[0]][REST[1]])
        booked = [
            day
            for (o, day), etat in cells.cellules(enfant).items()
            if o == oid and etat == cells.RESERVE and day >= D(2026, 12, 2)
        ]
        given_back = liberer_contrat(enfant, enfant.inscriptions[cle(ANNEE, oid)], D(2026, 12, 2))
        return given_back, len(booked)

    past, future = D(2026, 12, 1), JEUDI_CONTRAT
    given_back, booked = with_root(town.app, end)
    assert given_back == booked == 94
    assert cell(town, REST, past) == cells.RESERVE  # the past stays
    assert cell(town, REST, future) is None
    assert taken(town, REST, future) == 0


def test_the_agents_tab_removes_an_inscription_and_its_days_to_come(town, clock):
    agent = staff(town, "agent")
    url = "/manage/familles/%s/enfants/%s/@@inscriptions" % (NUMERO, enfants(town)["LUCAS"][0])
    page = agent.get(url)
    key = "%s:%s" % (ANNEE, oid_of(town, REST))
    button = page.html.find("button", attrs={"name": "supprimer", "value": key})
    csrf_token = button.find_parent("form").find("input", attrs={"name": "csrf_token"})["value"]
    agent.post(url, {"supprimer": key, "csrf_token": csrf_token}, status=200)  # confirmation
    assert cell(town, REST, JEUDI_CONTRAT) == cells.RESERVE
    agent.post(url, {"confirmer_suppression": key, "csrf_token": csrf_token}, status=302)
    assert cell(town, REST, JEUDI_CONTRAT) is None
    assert cell(town, REST, D(2026, 11, 30)) == cells.RESERVE  # before today


def test_a_removed_child_gives_back_its_places_to_come(town):
    """An administrator removes NOÉ, a child no numbered document names
    (LUCAS, on AL-12, can only be archived: test_departs): the places of
    his booked days to come go back (the first family waiting gets one),
    he leaves the prestations' index of enrolled children, and his pending
    request no longer breaks the queue."""

    def add(root, registry):
        from portail_famille.inscriptions import inscrire
        from portail_famille.planning.service import reserver_contrat

        noe = registry.content.create("Enfant", nom="DUPONT", prenom="NOÉ")
        root["familles"][NUMERO]["enfants"].add_next(noe, registry=registry)
        for path, jours in ((VJ, ()), (REST, ("1", "2", "4", "5"))):
            oid = get_oid(root["structures"][path[0]][path[1]])
            inscription = inscrire(noe, oid, ANNEE, D(2026, 9, 1), jours)
            reserver_contrat(noe, inscription, registry.settings)
        return noe.__name__

    noe = with_root(town.app, add)
    dupont = browser_for(town, "jean.dupont")
    url = DUPONT_URL + "enfants/%s/" % noe
    page = dupont.get(url + "planning?mois=2026-12")
    values = {"csrf_token": token(page), "prestation": str(oid_of(town, VJ))}
    values["date"] = VACANCES.isoformat()
    dupont.post(url + "demande-de-reservation", values, status=302)  # pending, holds a place
    assert taken(town, VJ, VACANCES) == 1
    before = taken(town, REST, JEUDI_CONTRAT)

    def remove(root, registry):
        from portail_famille.inscriptions import inscrits

        enfant = root["familles"][NUMERO]["enfants"][noe]
        oid = get_oid(enfant)
        prestation = root["structures"][REST[0]][REST[1]]
        assert oid in inscrits(prestation, ANNEE)
        root["familles"][NUMERO]["enfants"].remove(noe, registry=registry)
        past = places.pris(prestation, D(2026, 11, 30))
        return oid in inscrits(prestation, ANNEE), past

    still_enrolled, past = with_root(town.app, remove)
    assert not still_enrolled
    assert past == 2  # the past stays counted (LUCAS and NOÉ)
    assert taken(town, REST, JEUDI_CONTRAT) == before - 1
    assert taken(town, VJ, VACANCES) == 0
    agent = staff(town, "agent")
    queue = agent.get("/manage/@@demandes?type=reservation")
    oids = re.findall(r'name="oid"\s+value="([^"]+)"', queue.text)
    done = agent.post(
        "/manage/@@demandes",
        {"csrf_token": token(queue), "oid": oids, "accepter_selection": "1"},
    ).follow()
    assert "0 demande(s) acceptée(s)." in done.text
    assert (
        "Demande de Réservation de la famille 1001001818331 (l&#x27;enfant ou "
        "l&#x27;activité de la demande n&#x27;existe plus)"
    ) in done.text
