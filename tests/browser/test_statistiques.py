"""The régisseur opens the CAF's statistics (Structures > "Statistiques
CAF"), picks the month, reads the synthesis and downloads the Excel file,
in Chromium; the hours an agent records on the pointage sheet reach them;
the page is axe-clean (WCAG 2.1 A/AA)."""

import datetime
import io
import types

import openpyxl
import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES

from ..functional.test_statistiques import construire
from .axe import aucune_violation

pytestmark = pytest.mark.browser


def test_regisseur_reads_and_exports_the_caf_statistics(portail, new_page, log_in):
    _jours, mois = construire(types.SimpleNamespace(app=portail.wsgi))
    page = new_page(viewport={"width": 1280, "height": 800})
    log_in(page, "regisseur", COMPTES["regisseur"][0])
    page.goto(portail.url("/manage/structures/"))
    page.get_by_role("link", name="Statistiques CAF").click()
    page.get_by_label("Du mois").fill(mois.strftime("%Y-%m"))
    page.get_by_label("au mois").fill(mois.strftime("%Y-%m"))
    page.get_by_role("button", name="Afficher").click()
    synthese = page.locator("table.synthese tbody tr", has_text="Mercredi après-midi")
    expect(synthese).to_have_count(2)
    expect(synthese.nth(1)).to_contain_text("6 ans et plus")
    expect(synthese.nth(1)).to_contain_text("13,5")
    aucune_violation(page, "Statistiques CAF")

    with page.expect_download() as attente:
        page.get_by_role("link", name="Télécharger (Excel)").click()
    telechargement = attente.value
    assert telechargement.suggested_filename.endswith(".xlsx")
    with open(telechargement.path(), "rb") as fichier:
        classeur = openpyxl.load_workbook(io.BytesIO(fichier.read()))
    assert classeur.sheetnames == ["Synthèse", "Par enfant", "Enfants par jour"]
    lignes = [
        [c.value for c in r]
        for r in classeur["Synthèse"].iter_rows(min_row=2)
        if r[2].value == "Mercredi après-midi"
    ]
    assert [ligne[3:] for ligne in lignes] == [
        ["Moins de 6 ans", 1, 4.5, 0, 0],
        ["6 ans et plus", 2, 13.5, 9, 9],
    ]


def test_hours_recorded_on_the_sheet_reach_the_statistics(portail, new_page, log_in):
    """The agent adds LUCAS present at the "Garderie matin" (billed by the
    hour) from 7:32 to 8:40 on the pointage sheet, then reads his month
    in the statistics: 1,25 hour attended (every quarter hour started)."""
    from .test_pointage import POINTAGE

    page = new_page(viewport={"width": 1280, "height": 800})
    log_in(page, "agent", COMPTES["agent"][0])
    day = dates.today()
    for _n in range(40):  # the last day the garderie opened, today or before
        page.goto(portail.url(POINTAGE % day.isoformat()))
        if not page.locator(".refus").count():
            break
        day -= datetime.timedelta(days=1)
    page.get_by_label("Rechercher un enfant").fill("luc")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.get_by_role("button", name="Ajouter (présent) LUCAS DUPONT").click()
    expect(page.get_by_text("Pointage enregistré")).to_be_visible()
    ligne = page.locator("tr", has_text="DUPONT LUCAS")
    ligne.get_by_label("Arrivée").fill("07:32")
    ligne.get_by_label("Départ").fill("08:40")
    page.get_by_role("button", name="Enregistrer le pointage").click()
    expect(page.get_by_text("Pointage enregistré")).to_be_visible()

    page.goto(portail.url("/manage/structures/"))
    page.get_by_role("link", name="Statistiques CAF").click()
    page.get_by_label("Du mois").fill(day.strftime("%Y-%m"))
    page.get_by_label("au mois").fill(day.strftime("%Y-%m"))
    page.get_by_role("button", name="Afficher").click()
    lucas = page.locator("table.enfants tbody tr", has_text="Garderie matin").filter(
        has_text="LUCAS"
    )
    expect(lucas).to_have_count(1)
    # ... days, hours booked, attended, billed
    expect(lucas.locator("td").nth(-2)).to_have_text("1,25")
    expect(lucas.locator("td").nth(-3)).to_have_text("0")
    expect(lucas.locator("td").nth(-4)).to_have_text("1")
    aucune_violation(page, "Statistiques CAF: heures relevées")
