"""The coverage file for the medical-insurance platform (office.md §8 `medical export`): CSV in UTF-8 with
BOM (what Excel and the platform's importers read as Chinese), or xlsx through sheet_table (ID numbers as
text). Rows stream from the ledger to the file; an xlsx sheet holds at most SHEET_ROWS of them (Excel's
limit is 1,048,576 rows), the rest go on the next sheet."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator
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


def write_export(path: Path, rows: Iterable[Any]) -> int:
    """Write the rows (jobs.medical_export.ExportRow) to `path` (.csv or .xlsx); returns how many."""
    check_output(path)
    if path.suffix.lower() == ".csv":
        return _write_csv(path, rows)
    return _write_xlsx(path, rows)


def _write_csv(path: Path, rows: Iterable[Any]) -> int:
    count = 0
    days: dict[Any, str] = {None: ""}
    with atomic_target(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for r in rows:
            start, end, obs = (_iso(days, d) for d in (r.start, r.end, r.observation_end))
            writer.writerow(
                (r.id_number, r.name, start, end, obs, f"{r.major_left:.2f}", r.prefecture, r.unit, r.state)
            )
            count += 1
    return count


def _iso(days: dict[Any, str], day: Any) -> str:
    text = days.get(day)
    if text is None:
        text = days[day] = day.isoformat()
    return text


def _write_xlsx(path: Path, rows: Iterable[Any]) -> int:
    import xlsxwriter

    from xjma.io.sheet_layout import Styles
    from xjma.io.sheet_table import write_table

    stream = iter(rows)
    count = 0
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False})
        styles = Styles(book)
        for n in itertools.count(1):
            first = next(stream, None)
            if first is None and n > 1:
                break
            ws = book.add_worksheet(SHEET_NAME if n == 1 else f"{SHEET_NAME}{n}")
            part = _cells(itertools.chain([first] if first is not None else [], stream))
            table = write_table(ws, styles, COLUMNS, itertools.islice(part, SHEET_ROWS), total_label=None)
            count += table.end_row - table.first_row
            if first is None:
                break
        book.close()
    return count


def _cells(rows: Iterable[Any]) -> Iterator[tuple[object, ...]]:
    for r in rows:
        yield (
            r.id_number,
            r.name,
            r.start,
            r.end,
            r.observation_end,
            r.major_left,
            r.prefecture,
            r.unit,
            r.state,
        )
