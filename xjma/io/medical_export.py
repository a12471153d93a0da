"""The coverage file for the medical-insurance platform (office.md §8 `medical export`): CSV in UTF-8 with
BOM (what Excel and the platform's importers read as Chinese), or xlsx through sheet_table (ID numbers as
text). Rows stream from the ledger to the file; an xlsx sheet holds at most SHEET_ROWS of them (Excel's
limit is 1,048,576 rows), the rest go on the next sheet."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from xjma.io.sheet_table import Column
from xjma.io.xlsx_util import atomic_target, check_output

HEADERS = (
    "身份证号码",
    "姓名",
    "保障起始日",
    "保障止期",
    "观察期止",
    "大额补助剩余额度",
    "所属地州市",
    "工作单位",
    "状态",
)
COLUMNS = (
    Column(HEADERS[0], "id"),
    Column(HEADERS[1], "text", 12),
    Column(HEADERS[2], "date"),
    Column(HEADERS[3], "date"),
    Column(HEADERS[4], "date"),
    Column(HEADERS[5], "money"),
    Column(HEADERS[6], "text", 14),
    Column(HEADERS[7], "text", 36),
    Column(HEADERS[8], "text", 8),
)
SHEET_ROWS = 1_000_000
SHEET_NAME = "参保名单"


def write_export(path: Path, rows: Iterable[Sequence[Any]]) -> int:
    """Write the lines (jobs.medical_export.ExportLine, in the order of HEADERS) to `path` (.csv or
    .xlsx); returns how many."""
    check_output(path)
    if path.suffix.lower() == ".csv":
        return _write_csv(path, rows)
    return _write_xlsx(path, rows)


class _Counted:
    """The lines, counted as the writer takes them."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def _write_csv(path: Path, rows: Iterable[Sequence[Any]]) -> int:
    """csv writes each value's text: ISO dates (text or date), money with its two decimals (Decimal
    rounded to the fen), None as an empty cell. The BOM first, then plain UTF-8 (the utf-8-sig codec
    costs a Python call per line)."""
    counted = _Counted(rows)
    with atomic_target(path) as tmp, tmp.open("w", encoding="utf-8", newline="", buffering=1 << 20) as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(counted)
    return counted.count


def _write_xlsx(path: Path, rows: Iterable[Sequence[Any]]) -> int:
    import xlsxwriter

    from xjma.io.sheet_layout import Styles
    from xjma.io.sheet_table import write_table

    stream = _cells(rows)
    count = 0
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False})
        styles = Styles(book)
        for n in itertools.count(1):
            first = next(stream, None)
            if first is None and n > 1:
                break
            ws = book.add_worksheet(SHEET_NAME if n == 1 else f"{SHEET_NAME}{n}")
            part = itertools.chain([first] if first is not None else [], stream)
            table = write_table(ws, styles, COLUMNS, itertools.islice(part, SHEET_ROWS), total_label=None)
            count += table.end_row - table.first_row
            if first is None:
                break
        book.close()
    return count


def _cells(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[object, ...]]:
    """Dates as dates (SQLite gives ISO text: each distinct day parsed once)."""
    days: dict[Any, Any] = {None: None}
    for r in rows:
        start, end, obs = (_date(days, d) for d in r[2:5])
        yield (r[0], r[1], start, end, obs, *r[5:])


def _date(days: dict[Any, Any], value: Any) -> Any:
    found = days.get(value, days)
    if found is days:
        found = days[value] = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return found
