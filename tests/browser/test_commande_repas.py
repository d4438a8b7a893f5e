"""The kitchen's order for next week, as an agent gets it on a Monday
morning: from the dashboard, one click to the meal counts per day, site and
diet (axe-clean), then the same figures in the spreadsheet the kitchen
receives (issue 18 item 5)."""

import datetime
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES

from .axe import aucune_violation

pytestmark = pytest.mark.browser


def test_the_kitchen_order_of_next_week_from_the_dashboard(portail, page, log_in):
    log_in(page, "agent", COMPTES["agent"][0])
    expect(page).to_have_url(re.compile(r"/manage/@@tableau$"))
    page.get_by_role("link", name="Commande des repas de la semaine prochaine").click()
    expect(page).to_have_url(re.compile(r"/manage/structures/@@commande-repas$"))

    today = dates.today()
    lundi = today + datetime.timedelta(days=7 - today.weekday())
    dimanche = lundi + datetime.timedelta(days=6)
    titre = "Commande des repas du %s au %s" % (dates.courte(lundi), dates.courte(dimanche))
    expect(page.get_by_role("heading", name=titre)).to_be_visible()
    aucune_violation(page, "commande des repas")

    entetes = page.locator("table.comptes thead th").all_inner_texts()
    lignes = [
        ligne.locator("td").all_inner_texts()
        for ligne in page.locator("table.comptes tbody tr").all()
    ]
    assert entetes[:3] == ["Date", "Site", "Repas"]
    assert lignes, "the demo books meals next week"

    with page.expect_download() as attendu:
        page.get_by_role("link", name="Télécharger (Excel)").click()
    telechargement = attendu.value
    assert telechargement.suggested_filename == "commande-repas-%s-%s.xlsx" % (
        lundi.isoformat(),
        dimanche.isoformat(),
    )
    contenu = io.BytesIO(telechargement.path().read_bytes())
    feuille = openpyxl.load_workbook(contenu).active
    valeurs = [
        [("" if v is None else str(v)) for v in row] for row in feuille.iter_rows(values_only=True)
    ]
    debut = next(i for i, row in enumerate(valeurs) if row[:3] == ["Date", "Site", "Repas"])
    assert valeurs[debut + 1 : debut + 1 + len(lignes)] == lignes
