"""What documents.md asks of every sheet, as checks on a written workbook (openpyxl, plus the sheet XML
for what openpyxl does not read back: Excel's "number stored as text" switch).

Each `*_problems` function returns a list of sentences (empty = fine), so a test can say
`assert not print_problems(ws)` and a failure names what is wrong.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries

from xjma.core.labels import CODE_HEADER, looks_like_code
from xjma.io.sheet_layout import display_width

A4 = "9"


def print_problems(ws: Any, fit_width: bool = True) -> list[str]:
    """A4, one page wide (height free), a repeated header row, title header, page-x-of-n footer, no
    printed gridlines."""
    found = []
    if str(ws.page_setup.paperSize) != A4:
        found.append(f"{ws.title}: paper {ws.page_setup.paperSize}, not A4")
    if fit_width:
        if not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage:
            found.append(f"{ws.title}: not fitted to the page")
        else:
            wide, tall = ws.page_setup.fitToWidth, ws.page_setup.fitToHeight
            if (1 if wide is None else wide, 1 if tall is None else tall) != (1, 0):  # absent = 1
                found.append(f"{ws.title}: fitted {wide} wide x {tall} tall, not 1 wide with height free")
    if ws.print_options.gridLines:
        found.append(f"{ws.title}: gridlines printed")
    header = ws.oddHeader.center.text or ""
    if not header:
        found.append(f"{ws.title}: no title in the page header")
    footer = ws.oddFooter.center.text or ""
    if "&P" not in footer or "&N" not in footer:
        found.append(f"{ws.title}: footer {footer!r} has no page x of n")
    return found


def header_row(ws: Any) -> int:
    """The table's header row (1-based) as printed titles: repeat_rows."""
    row = table_header_row(ws)
    assert row is not None, f"{ws.title}: no repeated header row"
    return row


def table_header_row(ws: Any) -> int | None:
    """The repeated header row, or None for a sheet without one (a notice, a verdict)."""
    match = re.match(r"\$?(\d+):\$?(\d+)", ws.print_title_rows or "")
    return int(match.group(1)) if match else None


def headers(ws: Any) -> list[str]:
    row = table_header_row(ws)
    if row is None:
        return []
    return [str(c.value) if c.value is not None else "" for c in ws[row]]


def page_title(ws: Any) -> str:
    """The sheet's title as its page header prints it."""
    return (ws.oddHeader.center.text or "").replace("&&", "&")


def code_cells(ws: Any) -> list[str]:
    """Cells a clerk sees that hold a bare English code: anything but a column under a 代码 header."""
    found = []
    code_columns: set[int] = set()
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            if cell.value == CODE_HEADER:
                code_columns.add(cell.column)
            elif cell.column in code_columns or not isinstance(cell.value, str):
                continue
            elif looks_like_code(cell.value):
                found.append(f"{ws.title}!{cell.coordinate}={cell.value!r}")
    return found


def column_values(ws: Any, header: str) -> list[Any]:
    """The data cells under `header`, the 合计 row excluded."""
    col = headers(ws).index(header) + 1
    values = [ws.cell(r, col).value for r in range(header_row(ws) + 1, ws.max_row + 1)]
    first = [ws.cell(r, 1).value for r in range(header_row(ws) + 1, ws.max_row + 1)]
    return [v for v, label in zip(values, first, strict=True) if label != "合计"]


def total_row(ws: Any) -> int | None:
    """The 1-based row whose first cell is 合计, if any."""
    for r in range(ws.max_row, header_row(ws), -1):
        if ws.cell(r, 1).value == "合计":
            return r
    return None


def width_problems(ws: Any, header: str, at_most: float | None = None) -> list[str]:
    """The column under `header` is as wide as its widest single-line value (or capped and wrapped)."""
    col = headers(ws).index(header) + 1
    width = ws.column_dimensions[get_column_letter(col)].width
    found = []
    for value in column_values(ws, header):
        if not isinstance(value, str):
            continue
        need = display_width(value)
        wraps = ws.cell(header_row(ws) + 1, col).alignment.wrap_text
        if need > width and not (wraps and at_most is not None and width >= at_most - 0.5):
            found.append(f"{ws.title}: {header} {width:.1f} wide cuts {value!r} ({need})")
    return found


def text_marker_ranges(xlsx: Path, sheet_index: int) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every range with Excel's number-as-text marker off."""
    with zipfile.ZipFile(xlsx) as z:
        xml = z.read(f"xl/worksheets/sheet{sheet_index + 1}.xml").decode("utf-8")
    ranges = []
    for match in re.finditer(r'<ignoredError sqref="([^"]+)"[^>]*numberStoredAsText="1"', xml):
        ranges += [range_boundaries(part) for part in match.group(1).split()]
    return ranges


def marker_off(xlsx: Path, sheet_index: int, col: int, row: int) -> bool:
    return any(
        c1 <= col <= c2 and r1 <= row <= r2 for c1, r1, c2, r2 in text_marker_ranges(xlsx, sheet_index)
    )
