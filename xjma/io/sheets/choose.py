"""Which sheet of a file is the roster: the named one, else the first visible sheet with a header and
rows. Sheets are parsed one at a time and let go when they are not it (decoy sheets cannot pile up).
An empty sheet placed first, or a roster on a hidden sheet, is named in the message (and a first sheet
that holds something else is said not to be a roster, not to be empty)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xjma.core.columns import FieldDef
from xjma.errors import XjmaError
from xjma.io.sheets import Sheet, Table, detect, has_rows, table_of
from xjma.io.sheets.csv import csv_sheets
from xjma.io.sheets.header import HEADER_SCAN_ROWS
from xjma.io.sheets.workbook import load_sheet, open_book, resolve_sheet, sheet_names


def choose_table(
    file: Path,
    display: str,
    suffix: str,
    fields: Sequence[FieldDef],
    sheet: str | None,
    key_fields: tuple[str, ...],
    require_rows: bool,
) -> Table:
    if detect.is_text(file, suffix):
        for source in csv_sheets(file):
            table = table_of(display, source, fields, key_fields)
            if table is not None:
                return _with_rows(table, require_rows)
        raise XjmaError(_no_header_message(file, True, None, fields, key_fields))
    book, date1904 = open_book(file, suffix)
    visible, hidden = sheet_names(book)
    if sheet is not None:
        name = resolve_sheet(sheet, list(book.sheet_names), file)
        table = table_of(display, load_sheet(file, book, name, date1904), fields, key_fields)
        if table is None:
            raise XjmaError(_no_header_message(file, False, name, fields, key_fields))
        return _with_rows(table, require_rows)
    empty: Table | None = None
    first_blank = False  # the first visible sheet holds no cell at all (when it has no header)
    for name in visible:
        parsed = load_sheet(file, book, name, date1904)
        table = table_of(display, parsed, fields, key_fields)
        if table is None:
            first_blank = first_blank or (name == visible[0] and _blank(parsed))
            continue
        if has_rows(table) or not require_rows:
            if empty is not None:
                raise XjmaError(_elsewhere(empty.sheet, name, hidden=False))
            return table
        empty = empty or table
    for name in hidden:  # never read on its own: the clerk may not know it is there
        table = table_of(display, load_sheet(file, book, name, date1904), fields, key_fields)
        if table is not None and has_rows(table):
            if empty is not None:
                raise XjmaError(_elsewhere(empty.sheet, name, hidden=True))
            first = visible[0] if visible else ""
            raise XjmaError(_elsewhere(first, name, hidden=True, blank=first_blank))
    if empty is not None:
        return _with_rows(empty, require_rows)
    raise XjmaError(_no_header_message(file, False, None, fields, key_fields))


def _with_rows(table: Table, require_rows: bool) -> Table:
    if require_rows and not has_rows(table):
        raise XjmaError(
            f"{table.file} 的表头（第 {table.header_row} 行）下面没有任何数据行，请填写人员后再试，"
            "或检查是否选错了文件或工作表。"
        )
    return table


def _elsewhere(first: str, name: str, hidden: bool, blank: bool = True) -> str:
    """The roster is on sheet `name`, not on the sheet `first` read before it: "是空的" when `first` is
    blank or a header without rows (an empty template, roster.md), else it is not a roster."""
    where = "隐藏的工作表" if hidden else "工作表"
    what = "是空的" if blank else "不是名册（没有找到表头）"
    lead = f"工作表“{first}”{what}，" if first else ""
    return f"{lead}名册在{where}“{name}”中，请用 --sheet {name}"


def _blank(source: Sheet) -> bool:
    """No cell of the sheet holds anything (stops at the first that does)."""
    return all(
        cell is None or (isinstance(cell, str) and not cell.strip()) for row in source.rows() for cell in row
    )


def _no_header_message(
    file: Path, text: bool, sheet: str | None, fields: Sequence[FieldDef], key_fields: tuple[str, ...]
) -> str:
    headers = {f.name: f.header for f in fields}
    needed = "、".join(f"“{headers.get(k, k)}”" for k in key_fields)
    if text:
        where = f"文件 {file} 的前 {HEADER_SCAN_ROWS} 行"
    elif sheet is not None:
        where = f"工作表“{sheet}”的前 {HEADER_SCAN_ROWS} 行"
    else:
        where = f"{file} 的任何工作表的前 {HEADER_SCAN_ROWS} 行"
    return f"在{where}中没有找到表头：表头行必须包含 {needed} 列，请检查列名是否正确。"
