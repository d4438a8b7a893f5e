"""tableur: every typed value that a spreadsheet program would run as a
formula is written as text, in CSV and in XLSX; numbers stay numbers."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from portail_famille import tableur

HOSTILES = ["=1+1", "+33 6 00", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", '=HYPERLINK("http://x","y")']


def lire_csv(body):
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.mark.parametrize("value", HOSTILES)
def test_csv_prefixes_a_formula_with_a_quote(value):
    rows = lire_csv(tableur.csv_de(["Prénom"], [[value]]))
    assert rows == [["Prénom"], ["'" + value]]


@pytest.mark.parametrize("value", HOSTILES)
def test_xlsx_writes_a_formula_as_a_string_cell(value):
    feuille = openpyxl.load_workbook(
        io.BytesIO(tableur.xlsx_de("Liste", ["Prénom"], [[value]]))
    ).active
    cell = feuille.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value == value


def test_plain_text_and_numbers_are_kept():
    body = tableur.csv_de(["Nom", "Repas"], [["DUPONT", 3], ["Élodie - B", 0], [None, 12]])
    assert lire_csv(body) == [["Nom", "Repas"], ["DUPONT", "3"], ["Élodie - B", "0"], ["", "12"]]
    data = tableur.xlsx_de(
        "Commande des repas du 01/02/2027 au 07/02/2027", ["Nom", "Repas"], [["DUPONT", 3]]
    )
    feuille = openpyxl.load_workbook(io.BytesIO(data)).active
    # Excel's sheet names: 31 characters at most, no "/".
    assert feuille.title == "Commande des repas du 01022027 "
    assert [c.value for c in feuille[2]] == ["DUPONT", 3]
    assert feuille.cell(row=2, column=2).data_type == "n"


def test_hours_are_numbers_and_sheets_are_several():
    """A Decimal (the statistics' hours) is a number: French in CSV, a
    numeric cell in XLSX; several tables make several sheets."""
    rows = [["=LUCAS", Decimal("13.50"), Decimal("8")]]
    assert lire_csv(tableur.csv_de(["Prénom", "Heures", "Jours"], rows))[1] == [
        "'=LUCAS",
        "13,5",
        "8",
    ]
    data = tableur.xlsx_feuilles(
        [("Synthèse", ["Heures"], [[Decimal("4.5")]]), ("Par enfant", ["Prénom"], rows)]
    )
    classeur = openpyxl.load_workbook(io.BytesIO(data))
    assert classeur.sheetnames == ["Synthèse", "Par enfant"]
    assert classeur["Synthèse"].cell(row=2, column=1).value == 4.5
    cells = classeur["Par enfant"][2]
    assert [c.data_type for c in cells] == ["s", "n", "n"]
    assert cells[0].value == "=LUCAS"


def test_the_file_name_is_plain_ascii():
    response = tableur.piece_jointe(b"x", tableur.CSV, 'liste-Cantine "été"\r\n-2027-02-01.csv')
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="liste-Cantine-t--2027-02-01.csv"; '
        "filename*=UTF-8''liste-Cantine-t--2027-02-01.csv"
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.content_type == "text/csv"
    assert response.charset == "utf-8"
