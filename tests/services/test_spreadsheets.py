"""Every export cell a spreadsheet would run as a formula is text, whatever the character it starts with
(CSV injection, issue #19); real amounts, negative ones too, stay numbers."""
import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.services.spreadsheets import table_csv, table_xlsx

FORMULAS = ["=cmd", "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_cell_is_text_in_csv(text):
    rows = list(csv.reader(io.StringIO(table_csv(["名称", "金额"], [[text, Decimal("-800.00")]]).lstrip("\ufeff"))))
    assert rows[1][0] == "'" + text
    assert rows[1][1] == "-800.00"  # a negative amount is a number, not neutralised


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_cell_is_text_in_xlsx(text):
    sheet = load_workbook(io.BytesIO(table_xlsx("导出", ["名称", "金额"], [[text, Decimal("-800.00")]]))).active
    name, amount = list(sheet.iter_rows())[-1][:2]  # below the title and the headers
    assert name.data_type == "s" and name.quotePrefix and name.value.endswith(text[1:])
    assert amount.data_type == "n" and amount.value == -800
