"""Tables as files for a spreadsheet program: CSV and Excel workbooks (openpyxl). The one piece every
export goes through (lists, the bank batch file, the ledger, the public disclosure list).

Why one piece: a spreadsheet runs a cell that starts with ``= + - @`` (or a tab or carriage return
before one) as a formula, so a household named ``=cmd`` would become a command on the finance officer's
machine (CSV injection). Every text cell is neutralised here, once, for every file:

- in CSV a text cell starting with one of :data:`FORMULA_START` gets a leading apostrophe, except a
  plain number (``-800.00`` stays a negative number);
- in a workbook every text cell is written as text (never a formula, whatever it starts with), with
  Excel's "quote prefix" so editing it later does not turn it into one either. Money (Decimal) is a number
  with two decimals, so the spreadsheet sums it and a reversal stays a negative number; long digit
  strings (bank accounts, ID numbers) stay text, not 1.2E+18.

Workbooks have a title row, a header, the rows and an optional total row, set up to print on A4 with the
header repeated on every page.
"""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (a plain number is left a number)."""
    if text[:1] in FORMULA_START and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return safe_text(str(value))


def table_csv(headers: list[str], rows: list[list], total: list | None = None) -> str:
    """The table as CSV text in UTF-8 with a byte-order mark (spreadsheet programs then keep the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(h) for h in headers])
    for row in rows + ([total] if total is not None else []):
        writer.writerow([_csv_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def _put(ws, row: int, column: int, value):
    """One cell: Decimal and int as numbers, everything else as text that is never a formula."""
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        value = str(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
        if value[:1] in FORMULA_START or value.isdigit():
            cell.quotePrefix = True
            cell.number_format = "@"
    elif isinstance(value, (Decimal, float)):
        cell.number_format = "0.00"
    return cell


def table_xlsx(title: str, headers: list[str], rows: list[list], total: list | None = None,
               sheet: str = "Sheet1") -> bytes:
    """The workbook as bytes. ``rows`` and ``total`` hold one value per header; Decimal values are money."""
    return workbook_xlsx([(sheet, title, headers, rows, total)])


def workbook_xlsx(sheets: list[tuple]) -> bytes:
    """Several tables, one sheet each: ``(sheet, title, headers, rows, total)`` (the dashboards' export)."""
    book = Workbook()
    book.remove(book.active)
    for sheet, title, headers, rows, total in sheets:
        _sheet(book.create_sheet(), title, headers, rows, total, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(ws, title: str, headers: list[str], rows: list[list], total: list | None, sheet: str) -> None:
    ws.title = re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "Sheet1"
    _put(ws, 1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for column, header in enumerate(headers, start=1):
        _put(ws, 2, column, header).font = Font(bold=True)
    body = rows + ([total] if total is not None else [])
    for offset, row in enumerate(body):
        for column, value in enumerate(row, start=1):
            cell = _put(ws, 3 + offset, column, value)
            if total is not None and offset == len(body) - 1:
                cell.font = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1])) for r in rows]) + 4
        ws.column_dimensions[get_column_letter(index)].width = min(max(width * 1.6, 8), 40)
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
