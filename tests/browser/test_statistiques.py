"""The régisseur opens the CAF's statistics (Structures > "Statistiques
CAF"), picks the month, reads the synthesis and downloads the Excel file,
in Chromium; the page is axe-clean (WCAG 2.1 A/AA)."""

import io
import types

import openpyxl
import pytest
from playwright.sync_api import expect

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
