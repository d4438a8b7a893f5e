"""An agent books or cancels a day for a parent on the phone (issue 18,
item 3): the child's SDI tab "Réserver", the parent's rules and French
refusals, the agent's override with its reason, the journal, the mail to
the family, and who may do it.  The town's clock is frozen on Tuesday
1 December 2026, 09:00 in Paris (``test_reservations``)."""

import datetime
import re
from urllib.parse import quote

import pytest

from portail_famille import journal
from portail_famille.demandes.resources import ACCEPTEE, LISTE_ATTENTE
from portail_famille.planning import cells

from ..conftest import mails, with_root
from . import test_reservations
from .test_demandes_staff import staff
from .test_enfants import browser_for, enfants
from .test_reservations import (
    MAM,
    MERCREDI,
    NOW,
    NUMERO,
    REST,
    VACANCES,
    VJ,
    cell,
    oid_of,
    reserver,
    taken,
)

# The frozen clock and the town of the planning's tests (fixtures).
clock = test_reservations.clock
town = test_reservations.town

D = datetime.date
MERCREDI_PASSE_DELAI = D(2026, 12, 2)  # deadline: Monday 30 November, 10:00


def url(app, day=MERCREDI, **query):
    extra = "".join("&%s=%s" % item for item in query.items())
    return "/manage/familles/%s/enfants/%s/@@reserver?mois=%04d-%02d%s" % (
        NUMERO,
        enfants(app)["LUCAS"][0],
        day.year,
        day.month,
        extra,
    )


def valeur(app, path, day):
    return "%d:%s" % (oid_of(app, path), day.isoformat())


def cliquer(agent, app, path, day, derogation=False, motif=""):
    """The agent clicks the cell (with the override's box and reason)."""
    form = agent.get(url(app, day)).forms["reservation"]
    if derogation:
        form["derogation"] = "oui"
    form["motif"] = motif
    return form.submit("reserver", value=valeur(app, path, day))


def annuler(agent, app, path, day, motif="Malade", derogation=False):
    page = agent.get(url(app, day, annuler=valeur(app, path, day)))
    form = page.forms["annulation"]
    form["motif"] = motif
    if derogation:
        form["derogation"] = "oui"
    return page, form.submit("annuler")


def refus(page):
    return [p.get_text(" ", strip=True) for p in page.html.select(".refus")]


def flashes(page):
    return " ".join(p.get_text(" ", strip=True) for p in page.html.select(".alert-success"))


def entrees(app, quoi):
    """The journal's entries of ``quoi``, oldest first."""

    def read(root, registry):
        found, _suite = journal.lire(root["familles"], quoi=quoi)
        return list(reversed(found))

    return with_root(app.app, read)


def demandes(app):
    """[(type, etat, demandeur, traite_par, motif)] of the planning's requests."""

    def read(root, registry):
        return sorted(
            (d.type_demande, d.etat, d.demandeur, d.traite_par, d.valeurs.get("motif", ""))
            for d in root["familles"][NUMERO]["demandes"].values()
            if d.jour is not None
        )

    return with_root(app.app, read)


def capacite(app, path, value):
    def change(root, registry):
        root["structures"][path[0]][path[1]].capacite = value

    with_root(app.app, change)


# --- Booking ---------------------------------------------------------------------


def test_an_agent_books_a_day_in_one_click_journaled_and_mailed(town):
    agent = staff(town, "agent")
    page = agent.get(url(town))
    assert "Réserver pour la famille — LUCAS DUPONT" in page.text
    done = cliquer(agent, town, MAM, MERCREDI)
    assert done.status_int == 302
    page = done.follow()
    assert (
        "Réservation enregistrée pour LUCAS : Accueil de Loisirs ALSH — Mercredi après-midi, "
        "le 09/12/2026." in flashes(page)
    )
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert taken(town, MAM, MERCREDI) == 1
    assert demandes(town) == [("reservation", ACCEPTEE, "agent", "agent", "")]
    # The cell now offers the cancellation.
    lien = page.html.select_one(
        'a.annuler[href*="annuler=%s"]' % quote(valeur(town, MAM, MERCREDI))
    )
    assert lien.get_text(" ", strip=True).startswith("✓ Réservé. Annuler Accueil de Loisirs ALSH")
    [entree] = entrees(town, "PlanningReservationAgent")
    assert entree["qui"] == "agent" and entree["famille"] == NUMERO
    assert entree["details"]["jour"] == "2026-12-09"
    assert entree["details"]["derogation"] is False
    mail = mails(town)[-1]
    assert "To: jean.dupont@wanadoo.fr" in mail
    assert "Le 01/12/2026 à 09:00, agent, du service enfance jeunesse, a réservé" in mail
    assert "Accueil de Loisirs ALSH — Mercredi après-midi, le 09/12/2026" in mail
    # The parent sees it on his grid.
    dupont = browser_for(town, "jean.dupont")
    grid = dupont.get(
        "/familles/%s/enfants/%s/planning?mois=2026-12" % (NUMERO, enfants(town)["LUCAS"][0])
    )
    assert "etat-reserve" in str(grid.html.select("table.planning-grille tbody tr")[0])


def test_an_agent_booking_needs_no_other_agent_to_validate_it(town):
    agent = staff(town, "agent")
    cliquer(agent, town, VJ, VACANCES)
    assert cell(town, VJ, VACANCES) == cells.RESERVE
    assert demandes(town) == [("reservation", ACCEPTEE, "agent", "agent", "")]


@pytest.mark.parametrize(
    "path, day, message",
    [
        (
            MAM,
            MERCREDI_PASSE_DELAI,
            "Le délai de réservation est dépassé : il fallait réserver le 02/12/2026 "
            "avant le 30/11/2026 à 10:00.",
        ),
        (MAM, D(2026, 12, 8), "Mercredi après-midi n'est pas ouvert le 08/12/2026."),
        (VJ, D(2026, 12, 25), "Vacances journée n'est pas ouvert le 25/12/2026."),
        (
            ("garderie-periscolaire", "garderie-matin"),
            D(2026, 12, 14),
            "LUCAS n'est pas inscrit à cette activité le 14/12/2026.",
        ),
    ],
)
def test_the_parents_rules_refuse_with_the_parents_messages(town, path, day, message):
    agent = staff(town, "agent")
    # Not offered on the page (closed, not enrolled), the POST is refused.
    page = agent.post(
        url(town, day),
        {
            "csrf_token": re.search(
                r'name="csrf_token" value="([^"]+)"', agent.get(url(town, day)).text
            ).group(1),
            "reserver": valeur(town, path, day),
            "motif": "",
        },
    )
    assert refus(page) == [message]
    assert demandes(town) == [] and mails(town) == []
    assert entrees(town, "PlanningReservationAgent") == []


def test_one_change_per_activity_and_date_binds_the_agent_too(town):
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, MAM, MERCREDI)
    agent = staff(town, "agent")
    _page, done = annuler(agent, town, MAM, MERCREDI)
    assert refus(done) == [
        "Vous ne pouvez faire qu'une seule modification par activité pour une même date. "
        "Pour une nouvelle modification, écrivez au service depuis la Boîte de réception."
    ]
    assert cell(town, MAM, MERCREDI) == cells.RESERVE


# --- The override ------------------------------------------------------------------


def test_an_override_needs_a_reason_and_lifts_the_deadline(town):
    agent = staff(town, "agent")
    page = cliquer(agent, town, MAM, MERCREDI_PASSE_DELAI, derogation=True, motif="  ")
    assert page.status_int == 200
    erreur = page.html.select_one("#motif-erreur").get_text(strip=True)
    assert erreur == "Indiquez le motif de la dérogation."
    assert page.forms["reservation"]["derogation"].checked
    assert cell(town, MAM, MERCREDI_PASSE_DELAI) is None and demandes(town) == []

    motif = "Reprise du travail de la mère, accord du directeur"
    cliquer(agent, town, MAM, MERCREDI_PASSE_DELAI, derogation=True, motif=motif)
    assert cell(town, MAM, MERCREDI_PASSE_DELAI) == cells.RESERVE
    assert demandes(town) == [("reservation", ACCEPTEE, "agent", "agent", motif)]
    [entree] = entrees(town, "PlanningReservationAgent")
    assert entree["details"]["derogation"] is True and entree["details"]["motif"] == motif


def test_a_full_day_waits_unless_the_agent_overrides_the_capacity(town):
    capacite(town, MAM, 0)
    agent = staff(town, "agent")
    page = cliquer(agent, town, MAM, MERCREDI).follow()
    assert "La journée est complète : LUCAS est en liste d'attente" in flashes(page)
    assert cell(town, MAM, MERCREDI) == cells.ATTENTE
    assert taken(town, MAM, MERCREDI) == 0
    assert demandes(town)[0][:2] == ("reservation", LISTE_ATTENTE)
    assert "liste d'attente" in mails(town)[-1]

    other = MERCREDI + datetime.timedelta(days=7)
    cliquer(agent, town, MAM, other, derogation=True, motif="Urgence familiale")
    assert cell(town, MAM, other) == cells.RESERVE
    assert taken(town, MAM, other) == 1  # beyond the capacity of 0


# --- Cancelling --------------------------------------------------------------------


def test_an_agent_cancels_a_booked_day_after_a_confirmation_naming_it(town):
    agent = staff(town, "agent")
    # A contract's day (the canteen, Thursday 10 December) is booked.
    rest = REST
    jeudi = D(2026, 12, 10)
    page = agent.get(url(town, jeudi, annuler=valeur(town, rest, jeudi)))
    bouton = page.html.select_one('#annulation button[name="annuler"]').get_text(" ", strip=True)
    assert bouton == (
        "Confirmer l'annulation : Garderie périscolaire Restauration scolaire, Jeudi 10 Décembre 2026"
    )
    form = page.forms["annulation"]
    form["motif"] = ""
    nothing = form.submit("annuler")
    assert nothing.html.select_one("#motif-annulation-erreur").get_text(strip=True) == (
        "Indiquez la raison de l'absence."
    )
    assert cell(town, rest, jeudi) == cells.RESERVE
    _page, done = annuler(agent, town, rest, jeudi, motif="Sortie chez le dentiste")
    assert "Réservation annulée pour LUCAS" in flashes(done.follow())
    assert cell(town, rest, jeudi) == cells.ABSENT_EXCUSE
    assert taken(town, rest, jeudi) == 0
    assert ("absence", ACCEPTEE, "agent", "agent", "Sortie chez le dentiste") in demandes(town)
    [entree] = entrees(town, "PlanningAnnulationAgent")
    assert entree["qui"] == "agent" and entree["details"]["motif"] == "Sortie chez le dentiste"
    mail = mails(town)[-1]
    assert "a annulé la réservation de la journée suivante" in mail
    assert "Cette journée ne sera pas facturée." in mail


def test_a_late_cancellation_is_billed_unless_the_agent_overrides(town, clock):
    agent = staff(town, "agent")
    jeudi, suivant = D(2026, 12, 10), D(2026, 12, 17)  # contract days of the canteen
    # Thursday 10 December, 08:00: both deadlines of absence are past.
    clock.now = datetime.datetime(2026, 12, 10, 8, 0, tzinfo=NOW.tzinfo)
    page, _done = annuler(agent, town, REST, jeudi)
    assert "la journée sera facturée, sauf dérogation" in page.text
    assert cell(town, REST, jeudi) == cells.ABSENT_FACTURE
    assert taken(town, REST, jeudi) == 1  # a billed absence keeps its place
    assert "cette journée sera facturée" in mails(town)[-1]
    annuler(agent, town, REST, suivant, motif="Hospitalisation", derogation=True)
    assert cell(town, REST, suivant) == cells.ABSENT_EXCUSE
    assert entrees(town, "PlanningAnnulationAgent")[-1]["details"]["derogation"] is True


def test_a_second_change_of_a_day_needs_the_override(town):
    agent = staff(town, "agent")
    cliquer(agent, town, MAM, MERCREDI)
    _page, done = annuler(agent, town, MAM, MERCREDI)
    assert refus(done) == [
        "Vous ne pouvez faire qu'une seule modification par activité pour une même date. "
        "Pour une nouvelle modification, écrivez au service depuis la Boîte de réception."
    ]
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert done.forms["annulation"]["motif"].value == "Malade"  # still open, kept
    annuler(agent, town, MAM, MERCREDI, motif="Finalement gardé par sa grand-mère", derogation=True)
    assert cell(town, MAM, MERCREDI) == cells.ABSENT_EXCUSE
    assert taken(town, MAM, MERCREDI) == 0


# --- Who may ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["regisseur", "editeur"])
def test_only_agents_and_administrators_book_for_a_family(town, role):
    agent = staff(town, "agent")
    jeton = re.search(r'name="csrf_token" value="([^"]+)"', agent.get(url(town)).text)
    assert jeton
    other = staff(town, role)
    other.get(url(town), status=403)
    page = other.get("/manage/", status="*")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    other.post(
        url(town),
        {"csrf_token": token.group(1) if token else "", "reserver": valeur(town, MAM, MERCREDI)},
        status=(400, 403),
    )
    assert cell(town, MAM, MERCREDI) is None and demandes(town) == []
    admin = staff(town, "admin")
    cliquer(admin, town, MAM, MERCREDI)
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    assert demandes(town) == [("reservation", ACCEPTEE, "admin", "admin", "")]


def test_a_parent_never_reaches_the_agents_tab(town):
    dupont = browser_for(town, "jean.dupont")
    page = dupont.get(url(town), status="*")
    assert page.status_int in (302, 403, 404)
    assert cell(town, MAM, MERCREDI) is None


# --- The way there ---------------------------------------------------------------


def test_from_the_search_a_child_is_one_click_from_its_month(town):
    """The phone call: "dup", LUCAS in DUPONT's row, the Wednesday."""
    agent = staff(town, "agent")
    results = agent.get("/manage/@@recherche", {"q": "dup"})
    lien = next(a for a in results.html.select("ul.enfants a") if a.text.startswith("LUCAS"))
    page = agent.get(lien["href"]).follow()  # the family's tab finds the child
    assert page.request.path.endswith("/enfants/%s/@@reserver" % enfants(town)["LUCAS"][0])
    assert "Décembre 2026" in page.text
    page.forms["reservation"].submit("reserver", value=valeur(town, MAM, MERCREDI))
    assert cell(town, MAM, MERCREDI) == cells.RESERVE
    # The family's tab lists its children (ambiguous or no first name).
    famille = agent.get("/manage/familles/%s/@@reserver" % NUMERO)
    noms = [a.get_text(strip=True) for a in famille.html.select("ul.enfants a")]
    assert "LUCAS DUPONT" in noms


def test_a_regisseur_finds_the_family_without_the_childs_link(town):
    regisseur = staff(town, "regisseur")
    results = regisseur.get("/manage/@@recherche", {"q": "dup"})
    assert "LUCAS" in results.text
    assert results.html.select("ul.enfants a") == []
    regisseur.get("/manage/familles/%s/@@reserver?prenom=LUCAS" % NUMERO, status=403)


# --- Bad input -----------------------------------------------------------------------


def jeton(agent, app):
    return re.search(r'name="csrf_token" value="([^"]+)"', agent.get(url(app)).text).group(1)


@pytest.mark.parametrize(
    "value",
    ["", "abc", "1:2026-12-09", "9999999999999999999999:2026-12-09", "%d:2026-02-30", "%d", ["x"]],
)
def test_forged_cells_are_refused_in_french(town, value):
    agent = staff(town, "agent")
    if isinstance(value, str) and "%d" in value:
        value = value % oid_of(town, MAM)
    values = [("csrf_token", jeton(agent, town)), ("motif", "")]
    values += [("reserver", v) for v in (value if isinstance(value, list) else [value])]
    page = agent.post(url(town), values)
    assert refus(page) in (
        ["Activité ou date invalide."],
        ["LUCAS n'est pas inscrit à cette activité le 09/12/2026."],
    )
    assert demandes(town) == []


def test_a_reason_too_long_or_with_markup(town):
    agent = staff(town, "agent")
    page = cliquer(agent, town, MAM, MERCREDI_PASSE_DELAI, derogation=True, motif="x" * 501)
    assert page.html.select_one("#motif-erreur").get_text(strip=True) == (
        "Le motif est trop long (500 caractères au plus)."
    )
    assert demandes(town) == []
    motif = "<script>alert(1)</script>"
    # Refused (a closed day): the page comes back with the reason as text.
    page = agent.post(
        url(town),
        {
            "csrf_token": jeton(agent, town),
            "reserver": valeur(town, MAM, D(2026, 12, 8)),
            "derogation": "oui",
            "motif": motif,
        },
    )
    assert refus(page) == ["Mercredi après-midi n'est pas ouvert le 08/12/2026."]
    assert "<script>alert" not in page.text
    assert page.html.select_one("#motif")["value"] == motif
    cliquer(agent, town, MAM, MERCREDI_PASSE_DELAI, derogation=True, motif=motif)
    assert demandes(town)[0][4] == motif


def test_without_the_csrf_token_nothing_is_booked(town):
    agent = staff(town, "agent")
    agent.post(url(town), {"reserver": valeur(town, MAM, MERCREDI)}, status=400)
    assert cell(town, MAM, MERCREDI) is None


def test_nothing_is_booked_for_a_child_who_left(town):
    def partir(root, registry):
        lucas_ = next(
            e for e in root["familles"][NUMERO]["enfants"].values() if e.prenom == "LUCAS"
        )
        lucas_.partie_le = D(2026, 11, 30)

    with_root(town.app, partir)
    agent = staff(town, "agent")
    page = cliquer(agent, town, MAM, MERCREDI)
    assert refus(page) == [
        "Fiche archivée : partie le 30/11/2026. Réactivez-la (onglet Départ) avant de "
        "réserver ou d'annuler."
    ]
    assert cell(town, MAM, MERCREDI) is None and demandes(town) == []
