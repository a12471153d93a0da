"""One table on a sheet, the way every xjma workbook shows one (documents.md "Every sheet").

`write_table` writes a header row, the rows and a 合计 row under them; it freezes the header row with
the first identifying column, borders the data, gives money `#,##0.00`, dates `yyyy-mm-dd` and counts
integer formats (real numbers, so they add up in Excel), writes ID numbers, phones, accounts and codes
as text with Excel's "number stored as text" marker switched off, fits each column to its longest
value (a CJK character counts two) up to the column's maximum and wraps longer texts with a row height
that shows every line. Then it sets up the page (sheet_layout.page_setup).

Rows stream: each is written when it is read, so this works in xlsxwriter's `constant_memory` mode
(a row's height is known before its cells are written: a cell wraps only past its column's maximum).
Values from input files go through xlsx_util.cell_text and are written as strings, never formulas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from xjma.io.sheet_layout import (
    Heading,
    Styles,
    display_width,
    page_setup,
    row_height,
    wrapped_lines,
    write_title_block,
)
from xjma.io.xlsx_util import cell_text

_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (1900 date system)

# kind -> (cell format, 合计 format, fixed width or None = fitted to content)
_KINDS: dict[str, tuple[str, str, int | None]] = {
    "text": ("text", "total_text", None),  # names, units: fitted, wrapped past max_width
    "wrap": ("wrap", "total_text", None),  # long texts (steps, messages): always wrapped
    "id": ("id", "total_text", None),  # ID numbers, phones, accounts, codes: text, shown whole
    "money": ("money", "total_money", None),
    "int": ("int", "total_int", None),
    "date": ("date", "total_text", 11),
}
TEXT_KINDS = ("text", "wrap", "id")
QUOTED_FIRST = "=+-@\t"  # a text Excel would take for a formula once the cell is edited


@dataclass(frozen=True)
class Column:
    """A column of a table: its header, what it holds, how wide it may get, whether 合计 adds it."""

    header: str
    kind: str = "text"  # one of _KINDS
    max_width: int = 30  # character units; longer texts wrap (kind "id" is never wrapped)
    min_width: int = 0
    total: bool = False  # money and counts: summed into the 合计 row

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True, slots=True)
class Marked:
    """A cell written with one of the Styles instead of its column's format (a problem cell of
    问题行: "error" red, "warning" yellow)."""

    value: object
    style: str


@dataclass
class Table:
    """What was written: where, how wide, the 合计 figures (by column index)."""

    header_row: int
    first_row: int  # first data row
    end_row: int  # the row after the last data row (the 合计 row when there is one)
    widths: list[float]
    totals: dict[int, Decimal | int] = field(default_factory=dict)

    @property
    def width(self) -> float:
        return sum(self.widths)

    @property
    def next_row(self) -> int:
        return self.end_row + 1


def write_table(
    ws: Any,
    styles: Styles,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    heading: Heading | None = None,
    top: int = 0,
    freeze_cols: int = 1,
    total_label: str | None = "合计",
    setup_page: bool = True,
    freeze: bool = True,
) -> Table:
    """Write title block (when `heading`), header, rows and 合计 from row `top`; lay out the page.

    A row holds one value per column: str, int, Decimal, date or None (blank). `freeze_cols` is how
    many left columns stay in view (序号 and 姓名, or 工作单位); None as `total_label` leaves out 合计.
    A table that is not the sheet's main one (a small table on a verdict sheet) passes freeze=False and
    setup_page=False."""
    last_col = len(columns) - 1
    if heading is not None:
        top = write_title_block(ws, styles, heading, last_col)
    widths = [float(max(c.min_width, display_width(c.header) + 2)) for c in columns]
    _write_header(ws, styles, columns, top, widths)
    sums: dict[int, Decimal | int] = {i: 0 for i, c in enumerate(columns) if c.total}
    largest: dict[int, Decimal | int] = {i: 0 for i, c in enumerate(columns) if c.kind in ("int", "money")}
    r = _write_rows(ws, styles, columns, rows, top + 1, widths, sums, largest)
    for i, value in largest.items():  # numbers: as wide as the largest (or the 合计, when larger)
        shown = max(abs(Decimal(value)), abs(Decimal(sums.get(i, 0))))
        need = len(f"{shown:,.2f}") + 3 if columns[i].kind == "money" else len(str(shown)) + 2
        widths[i] = max(widths[i], need)
    table = Table(header_row=top, first_row=top + 1, end_row=r, widths=widths, totals=sums)
    if total_label is not None:
        _write_totals(ws, styles, columns, table, total_label)
    _finish(ws, styles, columns, table, freeze_cols if freeze else None)
    if setup_page:
        title = heading.title if heading is not None else ws.get_name()
        mark = heading.mark if heading is not None else ""
        page_setup(ws, title, table.width, header_rows=(top, top), mark=mark)
    return table


def _write_header(ws: Any, styles: Styles, columns: Sequence[Column], row: int, widths: list[float]) -> None:
    lines = 1
    for i, c in enumerate(columns):
        ws.write_string(row, i, c.header, styles["head"])
        if display_width(c.header) + 2 > c.max_width:
            widths[i] = max(widths[i] - display_width(c.header) - 2 + c.max_width, c.min_width)
            lines = max(lines, wrapped_lines(c.header, c.max_width))
    ws.set_row(row, row_height(lines))


def _write_rows(
    ws: Any,
    styles: Styles,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    r: int,
    widths: list[float],
    sums: dict[int, Decimal | int],
    largest: dict[int, Decimal | int],
) -> int:
    """Write the rows from row `r`, widening text columns to their values (up to their cap) and
    setting a row's height when a text wraps; returns the row after the last.

    A text is cleaned, measured and given its format once per column (names, units and the per-plan
    texts repeat on every row): a repeat only writes the cell. ID numbers do not repeat: not kept."""
    cell = _Cells(styles, columns, widths)
    write_string, write_number = ws.write_string, ws.write_number
    numbers = [c.kind in ("int", "money") for c in columns]
    for values in rows:
        lines = 1
        for i, value in enumerate(values):
            if value.__class__ is str:
                if not value:
                    continue  # blank: not written (the borders come from the table's grid)
                seen = cell.seen[i].get(value)
                if seen is None:
                    seen = cell.text(i, value, cell.fmts[i] if cell.texts[i] else cell.wrap)
                text, fmt, taken = seen
                if taken > lines:
                    lines = taken
                write_string(r, i, text, fmt)
            elif value is None:
                continue
            elif value.__class__ is Marked or cell.texts[i]:
                lines = max(lines, cell.other(ws, r, i, value, sums, largest))
            elif numbers[i]:
                if i in sums:
                    sums[i] += value  # type: ignore[operator]
                if value > largest[i]:  # type: ignore[operator]
                    largest[i] = value  # type: ignore[assignment]
                write_number(r, i, value, cell.fmts[i])
            else:  # a date
                write_number(r, i, (value - _EPOCH).days, cell.fmts[i])  # type: ignore[operator]
        if lines > 1:  # the row is still open (constant_memory writes it when the next one starts)
            ws.set_row(r, row_height(lines))
        r += 1
    return r


class _Cells:
    """The per-column state of one table's rows: formats, widths so far, the texts already seen."""

    KEEP = 100_000  # distinct texts kept per column

    def __init__(self, styles: Styles, columns: Sequence[Column], widths: list[float]) -> None:
        self.styles, self.widths = styles, widths
        self.kinds = [c.kind for c in columns]
        self.fmts = [styles[_KINDS[k][0]] for k in self.kinds]
        self.wrap = styles["wrap"]  # a text in a date or number column (e.g. "按档次"): wrapped like any text
        self.caps = [c.max_width for c in columns]
        self.texts = [k in TEXT_KINDS for k in self.kinds]
        self.seen: list[dict[str, tuple[str, Any, int]]] = [{} for _ in columns]
        self.wrapped: dict[tuple[str, int], int] = {}  # (text, width) -> lines: a long message repeats

    def text(self, i: int, value: object, fmt: Any, keep: bool = True) -> tuple[str, Any, int]:
        """A text cell's (text, format, lines): its column widened to it (up to the cap, past which it
        wraps), the quote prefix when Excel would take it for a formula."""
        text = cell_text(value)
        need = (len(text) if text.isascii() else _longest_line(text)) + 2
        lines, cap = 1, self.caps[i]
        if need > cap and self.kinds[i] != "id":
            key = (text, cap)
            lines = self.wrapped.get(key, 0) or wrapped_lines(text, cap)
            if len(self.wrapped) < 10_000:
                self.wrapped[key] = lines
            need = cap
        if need > self.widths[i]:
            self.widths[i] = need
        if text[0] in QUOTED_FIRST:
            fmt = self.styles.quoted(fmt)
        seen = (text, fmt, lines)
        kept = self.seen[i]
        if keep and value.__class__ is str and self.kinds[i] != "id" and len(kept) < self.KEEP:
            kept[value] = seen
        return seen

    def other(
        self, ws: Any, r: int, i: int, value: object, sums: dict[int, Any], largest: dict[int, Any]
    ) -> int:
        """A Marked cell (its own style) or a non-text value in a text column; returns its lines."""
        fmt = self.fmts[i]
        if value.__class__ is Marked:
            fmt = self.styles[value.style]
            value = value.value
            if value is None or value == "":
                ws.write_blank(r, i, None, fmt)
                return 1
        if self.texts[i] or value.__class__ is str:
            text, fmt, lines = self.text(i, value, fmt, keep=False)
            ws.write_string(r, i, text, fmt)
            return lines
        if self.kinds[i] == "date":
            ws.write_number(r, i, (value - _EPOCH).days, fmt)  # type: ignore[operator]
            return 1
        if i in sums:
            sums[i] += value
        if value > largest[i]:
            largest[i] = value
        ws.write_number(r, i, value, fmt)
        return 1


def _longest_line(text: str) -> int:
    return max(display_width(part) for part in text.split("\n")) if "\n" in text else display_width(text)


def _write_totals(ws: Any, styles: Styles, columns: Sequence[Column], table: Table, label: str) -> None:
    r = table.end_row
    ws.write_string(r, 0, label, styles["total_text"])
    for i, c in enumerate(columns[1:], start=1):
        fmt = styles[_KINDS[c.kind][1]]
        if i in table.totals:
            ws.write_number(r, i, table.totals[i], fmt)
        else:
            ws.write_blank(r, i, None, fmt)


def _finish(
    ws: Any, styles: Styles, columns: Sequence[Column], table: Table, freeze_cols: int | None
) -> None:
    """Column widths, frozen panes and the "number stored as text" marker off for text columns."""
    for i, c in enumerate(columns):
        fixed = _KINDS[c.kind][2]
        if fixed is not None:
            table.widths[i] = max(fixed, table.widths[i])
        ws.set_column(i, i, table.widths[i])
    if freeze_cols is not None:
        ws.freeze_panes(table.first_row, freeze_cols)
    if table.end_row > table.first_row:  # borders on every data cell, blank ones included, in one rule
        grid = {"type": "formula", "criteria": "TRUE", "format": styles["grid"]}
        ws.conditional_format(table.first_row, 0, table.end_row - 1, len(columns) - 1, grid)
    ranges = [
        f"{xl_col_to_name(i)}{table.first_row + 1}:{xl_col_to_name(i)}{max(table.end_row, table.first_row + 1)}"
        for i, c in enumerate(columns)
        if c.kind in TEXT_KINDS
    ]
    if ranges:
        styles.switch_off_text_marker(ws, ranges)
