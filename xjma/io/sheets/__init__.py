"""Read a roster or claims file into a Table: header row found by content, file-level `KEY：VALUE`
lines, Excel row numbers kept (roster.md "Files xjma reads", "Reading the files clerks really send").

The data rows are a stream (`Table.iter_rows()`), read again on demand from the parsed sheet or the
decoded text, so a big roster is never held as Python cells all at once. Modules: detect.py (what a file
is), csv.py, workbook.py (calamine), header.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from xjma.core.columns import FieldDef
from xjma.core.messages import message
from xjma.core.problems import ERROR, WARNING, Problem
from xjma.errors import XjmaError
from xjma.io.sheets import detect
from xjma.io.sheets.header import (
    HEADER_SCAN_ROWS,
    Header,
    column_problems,
    find_header,
    read_header,
    totals_test,
)

SUFFIXES = detect.SUFFIXES
DATE_FIELDS = ("prev_end", "short_end", "retire_date", "event_date", "accident_date", "start", "end")
Merge = tuple[tuple[int, int], tuple[int, int]]


class Sheet(Protocol):
    name: str
    merges: list[Merge]
    bad_rows: set[int]  # Excel rows with text read in another encoding (CSV only)

    def rows(self) -> Iterator[list[Any]]: ...


@dataclass(slots=True)
class RawRow:
    row: int  # the Excel row number a person sees
    # str | int | float | bool | date | datetime | None, as read: an empty cell may be "" or None.
    cells: list[Any]


@dataclass
class Table:
    file: str
    sheet: str  # "" for CSV
    header_row: int
    headers: list[str]
    columns: dict[str, int]
    file_values: dict[str, str]
    source: Sheet
    first_data: int  # index of the row after the header
    # Problems of the file itself: unknown columns (known at once), then totals rows and text-encoding
    # rows (added as the rows are streamed).
    problems: list[Problem] = field(default_factory=list)
    file_rows: dict[str, int] = field(default_factory=dict)  # the Excel row of each file_values line

    def header_of(self, field: str) -> str:
        """The header as it appears in the file, "" when the file has no such column."""
        col = self.columns.get(field)
        return "" if col is None else self.headers[col]

    def value(self, raw: RawRow, field: str) -> object:
        """The raw cell of a field; None when the file has no such column or the row is short."""
        col = self.columns.get(field)
        if col is None or col >= len(raw.cells):
            return None
        value = raw.cells[col]
        return None if value == "" else value

    @property
    def row_hint(self) -> int:
        """About how many data rows follow the header (a progress bar's total)."""
        return max(getattr(self.source, "total_rows", 0) - self.first_data, 0)

    @property
    def rows(self) -> list[RawRow]:
        """Every data row at once, totals rows included (claims files, tests); a roster is streamed with
        iter_rows(), which leaves the totals rows out and names them."""
        return list(self.iter_rows(note=False, totals=False))

    def iter_rows(self, note: bool = True, totals: bool = True) -> Iterator[RawRow]:
        """The data rows (blank rows and, with `totals`, totals rows left out), merged cells filled
        down. With `note`, the totals rows and text-encoding rows met are added to `problems`."""
        fill = _fill_down(self.source.merges, self.first_data)
        dates = _date_columns(self.source, self.columns)
        is_totals = totals_test(self.columns if totals else {})
        rows = itertools.islice(self.source.rows(), self.first_data, None)
        for number, cells in enumerate(rows, start=self.first_data + 1):
            if fill is not None:
                cells = fill(number - 1, cells)
            if _is_blank(cells):
                continue
            if is_totals(cells):
                if note:
                    self.problems.append(_problem(number, "totals-row-skipped", WARNING))
                continue
            if dates is not None:
                cells = dates(cells)
            if note and number in self.source.bad_rows:
                self.problems.append(_problem(number, "text-encoding", ERROR))
            yield RawRow(number, cells)

    def cells_of(self, numbers: set[int]) -> dict[int, list[Any]]:
        """A second, bounded pass: the cells of just these rows (the report's rows with problems)."""
        found: dict[int, list[Any]] = {}
        if not numbers:
            return found
        last = max(numbers)
        for raw in self.iter_rows(note=False):
            if raw.row in numbers:
                found[raw.row] = raw.cells
            if raw.row >= last:
                break
        return found


def _problem(row: int, code: str, severity: str) -> Problem:
    return Problem(row, "", code, severity, message(code))


def read_table(
    path: str | Path,
    fields: Sequence[FieldDef],
    sheet: str | None = None,
    key_fields: tuple[str, ...] = ("name", "id_number"),
    require_rows: bool = True,
) -> Table:
    """The table of `path`: the sheet named `sheet` (CSV: ignored), else the first sheet with a header
    row, i.e. a row within the first 20 that holds every one of `key_fields`. XjmaError when it cannot,
    and (unless require_rows=False) when no data row follows the header: a header alone is not a roster."""
    from xjma.io.sheets.choose import choose_table

    file = Path(path)
    try:
        suffix = detect.check_file(file)
        return choose_table(file, detect.readable(str(path)), suffix, fields, sheet, key_fields, require_rows)
    except XjmaError as exc:  # a name that is not UTF-8 is told as it reads, not as escapes
        raise XjmaError(detect.readable(str(exc))) from None


def table_of(
    display: str, source: Sheet, fields: Sequence[FieldDef], key_fields: tuple[str, ...]
) -> Table | None:
    """The sheet's Table when a header is found in its first 20 rows."""
    head = list(itertools.islice(source.rows(), HEADER_SCAN_ROWS + 1))
    at = find_header(head, fields, key_fields)
    if at is None:
        return None
    header: Header = read_header(head, at, source.merges, fields)
    table = Table(
        file=display,
        sheet=source.name,
        header_row=header.at + 1,
        headers=header.headers,
        columns=header.columns,
        file_values=header.file_values,
        source=source,
        first_data=header.at + 1,
        file_rows=header.file_rows,
    )
    table.problems.extend(column_problems(header, header.at + 1))
    return table


def has_rows(table: Table) -> bool:
    return next(table.iter_rows(note=False), None) is not None


def _is_blank(cells: list[Any]) -> bool:
    # Returns at the first filled cell, which for a data row is nearly always the first one.
    for cell in cells:
        if cell is None or cell == "":
            continue
        if not isinstance(cell, str) or not cell.isspace():
            return False
    return True


def _fill_down(merges: Sequence[Merge], first: int) -> Callable[[int, list[Any]], list[Any]] | None:
    """A merged range's value counts for every row of the range (工作单位 merged down over a unit's
    rows): index -> the rows' cells with the range's top-left value copied down its first column."""
    ranges = [(r0, c0, r1) for (r0, c0), (r1, _) in merges if r1 > r0 and r1 >= first]
    if not ranges:
        return None
    starts: dict[int, list[int]] = {}
    for r0, c0, _ in ranges:
        starts.setdefault(r0, []).append(c0)
    active: dict[int, tuple[int, Any]] = {}  # column -> (last row of its range, value)
    ends = {(r0, c0): r1 for r0, c0, r1 in ranges}

    def fill(index: int, cells: list[Any]) -> list[Any]:
        for col in starts.get(index, ()):
            active[col] = (ends[(index, col)], cells[col] if col < len(cells) else "")
        if not active:
            return cells
        cells = list(cells)
        for col, (last, value) in list(active.items()):
            if index > last:
                del active[col]
                continue
            if len(cells) <= col:
                cells += [""] * (col + 1 - len(cells))
            if cells[col] == "" or cells[col] is None:
                cells[col] = value
        return cells

    return fill


def _date_columns(source: Sheet, columns: dict[str, int]) -> Callable[[list[Any]], list[Any]] | None:
    """In a 1904-date workbook, plain numbers in date columns become dates of that system."""
    date_of = getattr(source, "date_of", None)
    if date_of is None or not getattr(source, "date1904", False):
        return None
    cols = [columns[f] for f in DATE_FIELDS if f in columns]

    def convert(cells: list[Any]) -> list[Any]:
        for col in cols:
            if col < len(cells) and type(cells[col]) in (int, float):
                cells[col] = date_of(cells[col])
        return cells

    return convert if cols else None
