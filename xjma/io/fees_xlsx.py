"""The fees summary workbook (缴费汇总, documents.md), written from the typed figures (io/ledger/fees):
汇总, 按地州市 with its chart on the same page, 按单位, 按险种, 按月 (with a chart for a year) — each a
titled table with 制表单位 / 制表日期 and a 合计 row, printable on A4. 按地州市 lists every 地州市 of
rules/prefectures.yaml, zero rows included (the figures' order first, then the others, 未填写 last).

xlsxwriter rather than openpyxl: a year over the region has ~19,000 units, and openpyxl's save of that
sheet took longer than all the SQL (benchmarks/README.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.columns import PLAN_SHORT
from xjma.core.prefectures import Prefectures
from xjma.io.ledger.fees import FeeFigures, PrefectureFees
from xjma.io.sheet_blocks import insert_chart
from xjma.io.sheet_layout import Heading, Styles
from xjma.io.sheet_table import Column, write_table
from xjma.io.xlsx_util import atomic_target

UNFILLED = "未填写"
_COUNTS = (Column("人数", "int", total=True), Column("份数", "int", total=True))
_FEE = Column("会费（元）", "money", total=True)


def prefecture_rows(
    by_prefecture: Sequence[PrefectureFees], prefectures: Prefectures
) -> list[tuple[Any, ...]]:
    """The figures' 地州市 in their order (未填写 last), then every other 地州市 of prefectures.yaml
    with zeros."""
    found = {p.prefecture: p for p in by_prefecture}
    order = [name for name in found if name != UNFILLED]
    order += [p.short for p in prefectures.items if p.short not in found]
    if UNFILLED in found:
        order.append(UNFILLED)
    zero = Decimal("0.00")
    return [
        (name, found[name].members, found[name].shares, found[name].fee)
        if name in found
        else (name, 0, 0, zero)
        for name in order
    ]


def write_fees_workbook(path: Path, period: str, f: FeeFigures, yearly: bool, made_on: dt.date) -> None:
    """Write 汇总, 按地州市 (with its chart), 按单位, 按险种, 按月 (with a chart for a year) atomically."""
    import xlsxwriter

    from xjma.io.prefectures import load_prefectures

    prefectures = load_prefectures()
    issuer = prefectures.office.name
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False})
        styles = Styles(book)

        def sheet(
            name: str, title: str, columns: Sequence[Column], rows: Any, total: str | None = "合计"
        ) -> Any:
            ws = book.add_worksheet(name)
            heading = Heading(f"{period} {title}", issuer, made_on)
            return ws, write_table(ws, styles, columns, rows, heading=heading, total_label=total)

        summary = (Column("期间", "text", 12), Column("会费合计（元）", "money"), Column("人数", "int"))
        sheet("汇总", "会费汇总", summary, [(period, f.total, f.members)], total=None)
        columns: tuple[Column, ...] = (Column("所属地州市", "text", 14), *_COUNTS, _FEE)
        ws, table = sheet(
            "按地州市", "会费（按地州市）", columns, prefecture_rows(f.by_prefecture, prefectures)
        )
        insert_chart(book, ws, table, title=f"{period} 会费（按地州市）", category_col=0, value_col=3,
                     x_name="所属地州市", y_name="会费（元）")  # fmt: skip
        columns = (Column("工作单位", "text", 36), Column("所属地州市", "text", 12), *_COUNTS, _FEE)
        units = ((u.unit, u.prefecture, u.members, u.shares, u.fee) for u in f.by_unit)
        sheet("按单位", "会费（按单位）", columns, units)
        plans = ((PLAN_SHORT.get(p.plan, p.plan), p.members, p.shares, p.fee) for p in f.by_plan)
        per_plan = (
            Column("险种", "text", 16),
            Column("人数", "int"),
            _COUNTS[1],
            _FEE,
        )  # a member in two plans counts twice
        sheet("按险种", "会费（按险种）", per_plan, plans)
        months = [(m.month, m.members, m.fee) for m in f.by_month]
        columns = (Column("月份", "text", 10), Column("人数", "int"), _FEE)
        ws, table = sheet("按月", "会费（逐月）", columns, months)
        if yearly:
            insert_chart(book, ws, table, title=f"{period} 年逐月会费", category_col=0, value_col=2,
                         x_name="月份", y_name="会费（元）")  # fmt: skip
        book.close()
