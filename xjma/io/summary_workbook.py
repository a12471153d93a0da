"""What the period summary workbooks (缴费汇总 io/fees_xlsx, 赔付汇总 io/claims_summary_xlsx) share: the
book written atomically with the office as 制表单位, a titled table a sheet, and the 按地州市 sheet that
lists every 地州市 of rules/prefectures.yaml, zero rows included."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.prefectures import Prefectures
from xjma.io.sheet_layout import Heading, Styles
from xjma.io.sheet_table import Column, write_table
from xjma.io.xlsx_util import atomic_target

UNFILLED = "未填写"  # the 地州市 of rows that give none: listed last
_ZERO = {"int": 0, "money": Decimal("0.00")}


@dataclass(frozen=True)
class SummaryBook:
    """An open summary workbook: each sheet's title is "<period> <title><suffix>"."""

    workbook: Any
    styles: Styles
    prefectures: Prefectures
    period: str
    suffix: str
    made_on: dt.date

    def sheet(
        self, name: str, title: str, columns: Sequence[Column], rows: Any, total: str | None = "合计"
    ) -> tuple[Any, Any]:
        """A sheet holding one titled table; (the worksheet, the table written)."""
        ws = self.workbook.add_worksheet(name)
        heading = Heading(f"{self.period} {title}{self.suffix}", self.prefectures.office.name, self.made_on)
        return ws, write_table(ws, self.styles, columns, rows, heading=heading, total_label=total)

    def prefecture_sheet(
        self, title: str, columns: Sequence[Column], found: Mapping[str, Sequence[Any]]
    ) -> tuple[Any, Any]:
        """按地州市: `found` (name -> the figures after it) in its order, 未填写 last, then every other
        地州市 with zeros."""
        return self.sheet("按地州市", title, columns, prefecture_rows(found, columns, self.prefectures))


def prefecture_rows(
    found: Mapping[str, Sequence[Any]], columns: Sequence[Column], prefectures: Prefectures
) -> list[tuple[Any, ...]]:
    """The found 地州市 in their order (未填写 last), then every other 地州市 with a zero for each figure
    column."""
    order = [name for name in found if name != UNFILLED]
    order += [p.short for p in prefectures.items if p.short not in found]
    if UNFILLED in found:
        order.append(UNFILLED)
    zeros = tuple(_ZERO[c.kind] for c in columns[1:])
    return [(name, *found[name]) if name in found else (name, *zeros) for name in order]


@contextlib.contextmanager
def summary_workbook(path: Path, period: str, made_on: dt.date, suffix: str = "") -> Iterator[SummaryBook]:
    """The workbook at `path`, put in place when the block ends without an error."""
    import xlsxwriter

    from xjma.io.prefectures import load_prefectures

    prefectures = load_prefectures()
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False})
        yield SummaryBook(book, Styles(book), prefectures, period, suffix, made_on)
        book.close()
