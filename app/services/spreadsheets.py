"""Tables as Excel workbooks (openpyxl), for lists that go on paper or to another office.

A title row, a header, the rows, a total row; money as numbers with two decimals (so the spreadsheet
sums them), set up to print on A4 with the header repeated on every page. Text that a spreadsheet would
take for a formula is written as text.
"""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@")


def safe_text(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in FORMULA_START else text


def _cell(value):
    if isinstance(value, Decimal):
        return value
    if value is None:
        return ""
    return safe_text(value) if isinstance(value, str) else value


def table_xlsx(title: str, headers: list[str], rows: list[list], total: list, sheet: str = "Sheet1") -> bytes:
    """The workbook as bytes. ``rows`` and ``total`` hold one value per header; Decimal values are money."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([safe_text(title)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.append([safe_text(h) for h in headers])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows + [total]:
        ws.append([_cell(v) for v in row])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, (Decimal, float, int)) and not isinstance(cell.value, bool):
                cell.number_format = "0.00" if isinstance(cell.value, (Decimal, float)) else "0"
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1])) for r in rows]) + 4
        ws.column_dimensions[get_column_letter(index)].width = min(max(width * 1.6, 8), 40)
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
