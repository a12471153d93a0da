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
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet

CHECKED = (
    (3, 3),
)  # xlsxwriter major.minor versions tests/test_xlsx_rows.py passed on (3.3.0, 3.3.1; 3.2.x differs)

try:
    from xlsxwriter.worksheet import _preserve_whitespace
except ImportError:  # pragma: no cover - an xlsxwriter that moved it: rows_sheet_class() says no
    _preserve_whitespace = None


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
        columns = self.col_info
        out = [f'<row r="{row_num + 1}">']
        add = out.append
        for col in sorted(cells):
            cell = cells[col]
            kind = cell.__class__.__name__
            if kind not in ("Number", "Datetime", "String"):
                self._flush(out)
                self._write_cell(row_num, col, cell)
                continue
            ref = xl_rowcol_to_cell_fast(row_num, col)
            if cell.format:
                style = f' s="{cell.format._get_xf_index()}"'
            elif col in columns and columns[col].column_format is not None:
                style = f' s="{columns[col].column_format._get_xf_index()}"'
            else:
                style = ""
            if kind != "String":
                add(f'<c r="{ref}"{style}><v>{cell.number:.16G}</v></c>')
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
            add(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
        add("</row>")
        self._flush(out)
        self.table.clear()

    def _flush(self, out: list[str]) -> None:
        if out:
            self.fh.write("".join(out))
            out.clear()
