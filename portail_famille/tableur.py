"""The lists staff download as spreadsheets: one table (a header row, then
rows of values) written as CSV or as XLSX (openpyxl), and the HTTP answer
that carries the file.

Formula injection: a cell is typed by people (a child's first name, an
allergy...), and a spreadsheet program runs a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return as a formula
(``=HYPERLINK(...)`` leaks data on a click).  Such a text is written as
text: in CSV prefixed with a quote (the OWASP advice, what Excel and
LibreOffice show as the text itself); in XLSX stored as a string cell
(``data_type 's'``), which no program evaluates, so the value keeps its
first character unchanged.  Numbers stay numbers (a Decimal, hours of
the statistics: a number in XLSX, written with a decimal comma in CSV).
"""

import csv
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from pyramid.response import Response

from .fichiers import en_tetes

DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dangereux(value):
    """Whether a spreadsheet program would read ``value`` as a formula."""
    return isinstance(value, str) and value.startswith(DANGEREUX)


def _texte(value):
    return "" if value is None else str(value)


def _nombre(value):
    """Whether ``value`` is written as a number."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def decimal_francais(value):
    """Decimal('12.50') -> '12,5': a quantity as French spreadsheets and
    pages write it (no trailing zero)."""
    return format(value.normalize(), "f").replace(".", ",")


def csv_de(entetes, lignes):
    """The CSV file (bytes, UTF-8 with a BOM so that Excel reads accents,
    ``;`` as the separator of French spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in [entetes, *lignes]:
        cells = []
        for value in row:
            if isinstance(value, Decimal):
                cells.append(decimal_francais(value))
                continue
            if _nombre(value):
                cells.append(value)
                continue
            text = _texte(value)
            cells.append("'" + text if dangereux(text) else text)
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_de(titre, entetes, lignes):
    """The XLSX file (bytes): one sheet named ``titre`` (31 characters at
    most, as Excel wants), the header row in bold."""
    return xlsx_feuilles([(titre, entetes, lignes)])


def xlsx_feuilles(feuilles):
    """The XLSX file (bytes) of several tables: [(titre, entetes,
    lignes)], one sheet each, in that order."""
    classeur = Workbook()
    classeur.remove(classeur.active)
    for titre, entetes, lignes in feuilles:
        _remplir(classeur.create_sheet(), titre, entetes, lignes)
    out = io.BytesIO()
    classeur.save(out)
    return out.getvalue()


def _remplir(feuille, titre, entetes, lignes):
    feuille.title = "".join(c for c in titre if c not in "[]:*?/\\")[:31] or "Liste"
    for numero, row in enumerate([entetes, *lignes], 1):
        for colonne, value in enumerate(row, 1):
            cell = feuille.cell(row=numero, column=colonne)
            if _nombre(value):
                cell.value = value
                continue
            text = _texte(value)
            cell.value = text
            # openpyxl guesses a formula from a leading "=": never for a text.
            cell.data_type = "s"
            if numero == 1:
                cell.font = Font(bold=True)


def nom_de_fichier(filename):
    """``filename`` reduced to ASCII letters, digits, ``.``, ``_`` and
    ``-`` (it goes into a header; a folder's name may hold anything)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", filename)


def piece_jointe(body, content_type, filename):
    """The download of ``body`` as ``filename`` (never cached: the lists
    hold children's names and health data)."""
    response = Response(body=body, content_type=content_type)
    if content_type == CSV:
        response.charset = "utf-8"
    # The headers of every file the portal serves (fichiers.en_tetes).
    return en_tetes(response, nom_de_fichier(filename), inline=False)
