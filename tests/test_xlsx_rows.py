"""xjma/io/xlsx_rows.py: the fast constant_memory row writer writes exactly the bytes xlsxwriter writes."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import xlsxwriter

from xjma.io import xlsx_rows
from xjma.io.xlsx_rows import RowsWorksheet, rows_sheet_class

needs_checked_version = pytest.mark.skipif(
    rows_sheet_class() is None, reason="this xlsxwriter version is written by the stock worksheet"
)

STRINGS = [
    "努尔比亚·阿不都西库尔",
    "650104199506020045",
    " leading space",
    "trailing space ",
    "\ttab first",
    "a\x01b control",
    "_x0000_ literal escape",
    "amp & lt < gt > quote \" apos '",
    "<r>looks like rich text</r>",
    "=1+1",
    "line\nbreak",
    "",
]
NUMBERS = [0, 1, -7, 0.1, 1e20, 123456789.123, Decimal("110.00"), Decimal("0.01"), Fraction(1, 3), True]


def _write(path: Path, sheet_class: type | None, constant_memory: bool = True) -> None:
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "constant_memory": constant_memory},
    )
    book.set_properties({"created": dt.datetime(2026, 11, 29, 12, 0, 0)})
    money = book.add_format({"num_format": "0.00"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    bold = book.add_format({"bold": True})
    ws = book.add_worksheet("参保名单", sheet_class)
    ws.set_column(4, 4, 12, money)  # a column format, set before the rows are written
    ws.set_row(3, 30)  # a row with a height: xlsxwriter's own row code
    ws.write_string(0, 0, "表头", bold)
    r = 1
    for i, text in enumerate(STRINGS):
        ws.write_string(r, 0, text)
        ws.write_string(r, 1 + i % 3, text, bold if i % 2 else None)
        ws.write_number(r, 4, NUMBERS[i % len(NUMBERS)])  # takes the column's format
        ws.write_number(r, 27, NUMBERS[(i + 3) % len(NUMBERS)], money)  # column AB
        ws.write_number(r, 731, 46357 + i, date)  # column ABD
        r += 2  # gaps between rows
    ws.write_datetime(r, 0, dt.datetime(2026, 12, 1), date)
    ws.write_boolean(r, 1, True)
    ws.write_formula(r, 2, "=SUM(E2:E3)", None, 3)
    ws.write_blank(r, 3, None, money)
    ws.write_rich_string(r, 5, "普通", bold, "加粗", "结尾")
    ws.write_number(r, 6, 5)
    ws.write_comment(r + 1, 0, "备注")
    ws.write_string(r + 1, 1, "a row with a comment")
    ws.write_url(r + 2, 0, "https://example.org/", string="链接")
    ws.write_number(r + 2, 1, 2.5)
    for row in range(r + 3, r + 40):
        ws.write_number(row, 0, row)
        ws.write_string(row, 2, f"单位{row % 7}")
    ws.write_number(1_048_575, 16_383, 42)  # the last cell of a sheet
    ws.freeze_panes(1, 3)
    book.add_worksheet("空表", sheet_class)
    book.close()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@needs_checked_version
def test_the_fast_rows_are_byte_identical_to_xlsxwriters(tmp_path: Path) -> None:
    _write(tmp_path / "stock.xlsx", None)
    _write(tmp_path / "fast.xlsx", RowsWorksheet)
    stock, fast = _parts(tmp_path / "stock.xlsx"), _parts(tmp_path / "fast.xlsx")
    assert stock.keys() == fast.keys()
    sheet = stock["xl/worksheets/sheet1.xml"]
    assert b"<row" in sheet and b"inlineStr" in sheet and b'xml:space="preserve"' in sheet
    for name in stock:
        assert fast[name] == stock[name], name


@needs_checked_version
def test_without_constant_memory_the_class_changes_nothing(tmp_path: Path) -> None:
    _write(tmp_path / "stock.xlsx", None, constant_memory=False)
    _write(tmp_path / "fast.xlsx", RowsWorksheet, constant_memory=False)
    assert _parts(tmp_path / "stock.xlsx") == _parts(tmp_path / "fast.xlsx")


def test_an_unchecked_xlsxwriter_version_gets_the_stock_worksheet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsxwriter, "__version__", "9.0.0")
    assert rows_sheet_class() is None
    monkeypatch.setattr(xlsxwriter, "__version__", "3.3.1")
    monkeypatch.setattr(xlsx_rows, "_preserve_whitespace", lambda text: False)
    assert rows_sheet_class() is RowsWorksheet
    monkeypatch.setattr(xlsxwriter, "__version__", "3.2.9")  # its worksheet keeps rows differently
    assert rows_sheet_class() is None
    monkeypatch.setattr(xlsxwriter, "__version__", "3.3.1")
    monkeypatch.setattr(xlsx_rows, "_preserve_whitespace", None)
    assert rows_sheet_class() is None
