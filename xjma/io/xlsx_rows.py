"""A faster row writer for xlsxwriter's `constant_memory` mode (the enroll workbook's 参保名单: ~1.4M cells).

xlsxwriter writes each finished row through `Worksheet._write_single_row`, one `_write_cell` per cell,
one attribute escape per attribute and one file write per cell: about 5 µs a cell, most of the enroll
workbook's time. `RowsWorksheet` writes the same row in one piece: the plain cells xjma writes (numbers,
dates, strings, with or without a cell or column format) are formatted here exactly as xlsxwriter formats
them; every other row or cell (row heights or formats, comments, rich strings, formulas, booleans, blanks)
goes through xlsxwriter's own code. Strings are escaped with xlsxwriter's own escapes.

Byte-identical output is checked by tests/test_xlsx_rows.py against the stock writer. Because it leans on
xlsxwriter's internals, `rows_sheet_class()` hands it out only for the versions it was checked on; for
any other version the stock worksheet is used (slower, same file).
"""

from __future__ import annotations

from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

CHECKED = (
    (3, 3),
)  # xlsxwriter major.minor versions tests/test_xlsx_rows.py passed on (3.3.0, 3.3.1; 3.2.x differs)

try:
    from xlsxwriter.worksheet import CellDatetimeTuple as _DATETIME
    from xlsxwriter.worksheet import CellNumberTuple as _NUMBER
    from xlsxwriter.worksheet import CellStringTuple as _STRING
    from xlsxwriter.worksheet import _preserve_whitespace
except ImportError:  # pragma: no cover - an xlsxwriter that moved them: rows_sheet_class() says no
    _preserve_whitespace = None
    _NUMBER = _STRING = _DATETIME = None


def _version() -> tuple[int, int]:
    try:
        major, minor = xlsxwriter.__version__.split(".")[:2]
        return int(major), int(minor)
    except (AttributeError, ValueError):
        return (0, 0)


def rows_sheet_class() -> type[Worksheet] | None:
    """The worksheet class for `add_worksheet(name, worksheet_class)`: RowsWorksheet, or None (stock)."""
    if _version() not in CHECKED or _preserve_whitespace is None:
        return None
    needed = ("_write_single_row", "_write_cell", "_escape_control_characters", "_escape_data")
    return RowsWorksheet if all(hasattr(Worksheet, name) for name in needed) else None


def cell_writers(ws: Worksheet) -> tuple[Any, Any]:
    """(write_number, write_string) of `ws`; for a RowsWorksheet without the A1-notation wrapper
    (row and column are always numbers here), which costs a try and an int() per cell."""
    if isinstance(ws, RowsWorksheet):
        return ws._write_number, ws._write_string
    return ws.write_number, ws.write_string


class RowsWorksheet(Worksheet):
    """xlsxwriter's Worksheet with `_write_single_row` (constant_memory) writing a row in one piece."""

    def __init__(self) -> None:
        super().__init__()
        self._names: dict[int, str] = {}  # column -> its letters
        self._styles: dict[Any, str] = {}  # format -> ' s="<its xf index>"' (fixed once first asked)

    def _write_single_row(self, current_row_num: int = 0) -> None:
        row_num = self.previous_row
        cells: dict[int, Any] | None = self.table.get(row_num)
        if (
            not cells
            or not self.constant_memory
            or row_num in self.row_info
            or row_num in self.comments
            or self.excel_version == 2010
            or self.default_row_height != self.original_row_height
        ):  # anything but a plain row: xlsxwriter's own code
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        columns, names, styles = self.col_info, self._names, self._styles
        number = str(row_num + 1)
        out = [f'<row r="{number}">']
        add = out.append
        for col, cell in sorted(cells.items()):
            kind = cell.__class__
            if kind is not _NUMBER and kind is not _STRING and kind is not _DATETIME:
                self._flush(out)
                self._write_cell(row_num, col, cell)
                continue
            name = names.get(col)
            if name is None:
                name = names[col] = xl_col_to_name(col)
            fmt = cell.format
            if not fmt and col in columns:
                fmt = columns[col].column_format
            style = styles.get(fmt, None) if fmt else ""
            if style is None:
                style = styles[fmt] = f' s="{fmt._get_xf_index()}"'
            if kind is not _STRING:
                add(f'<c r="{name}{number}"{style}><v>{cell.number:.16G}</v></c>')
                continue
            string = cell.string
            if "_x" in string or not string.isprintable():  # else neither of its patterns can match
                string = self._escape_control_characters(string)
            if string.startswith("<r>") and string.endswith("</r>"):
                self._flush(out)
                self._write_cell(row_num, col, cell)
                continue
            space = ' xml:space="preserve"' if _preserve_whitespace(string) else ""  # type: ignore[misc]
            text = self._escape_data(string)
            add(f'<c r="{name}{number}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
        add("</row>")
        self._flush(out)
        self.table.clear()

    def _flush(self, out: list[str]) -> None:
        if out:
            self.fh.write("".join(out))
            out.clear()
