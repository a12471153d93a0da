"""The fees summary workbook (缴费汇总, documents.md), written from the typed figures (io/ledger/fees):
汇总, 按地州市 with its chart on the same page, 按单位, 按险种, 按月 (with a chart for a year) — each a
titled table with 制表单位 / 制表日期 and a 合计 row, printable on A4. 按地州市 lists every 地州市 of
rules/prefectures.yaml, zero rows included (the figures' order first, then the others, 未填写 last).

xlsxwriter rather than openpyxl: a year over the region has ~19,000 units, and openpyxl's save of that
sheet took longer than all the SQL (benchmarks/README.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xjma.core.columns import PLAN_SHORT
from xjma.io.ledger.fees import FeeFigures
from xjma.io.sheet_blocks import insert_chart
from xjma.io.sheet_table import Column
from xjma.io.summary_workbook import summary_workbook

_COUNTS = (Column("人数", "int", total=True), Column("份数", "int", total=True))
_FEE = Column("会费（元）", "money", total=True)


def write_fees_workbook(path: Path, period: str, f: FeeFigures, yearly: bool, made_on: dt.date) -> None:
    """Write 汇总, 按地州市 (with its chart), 按单位, 按险种, 按月 (with a chart for a year) atomically."""
    with summary_workbook(path, period, made_on) as book:
        summary = (Column("期间", "text", 12), Column("会费合计（元）", "money"), Column("人数", "int"))
        book.sheet("汇总", "会费汇总", summary, [(period, f.total, f.members)], total=None)
        columns: tuple[Column, ...] = (Column("所属地州市", "text", 14), *_COUNTS, _FEE)
        found = {p.prefecture: (p.members, p.shares, p.fee) for p in f.by_prefecture}
        ws, table = book.prefecture_sheet("会费（按地州市）", columns, found)
        insert_chart(book.workbook, ws, table, title=f"{period} 会费（按地州市）", category_col=0, value_col=3,
                     x_name="所属地州市", y_name="会费（元）")  # fmt: skip
        columns = (Column("工作单位", "text", 36), Column("所属地州市", "text", 12), *_COUNTS, _FEE)
        units = ((u.unit, u.prefecture, u.members, u.shares, u.fee) for u in f.by_unit)
        book.sheet("按单位", "会费（按单位）", columns, units)
        plans = ((PLAN_SHORT.get(p.plan, p.plan), p.members, p.shares, p.fee) for p in f.by_plan)
        per_plan = (
            Column("险种", "text", 16),
            Column("人数", "int"),
            _COUNTS[1],
            _FEE,
        )  # a member in two plans counts twice
        book.sheet("按险种", "会费（按险种）", per_plan, plans)
        months = [(m.month, m.members, m.fee) for m in f.by_month]
        columns = (Column("月份", "text", 10), Column("人数", "int"), _FEE)
        ws, table = book.sheet("按月", "会费（逐月）", columns, months)
        if yearly:
            insert_chart(book.workbook, ws, table, title=f"{period} 年逐月会费", category_col=0, value_col=2,
                         x_name="月份", y_name="会费（元）")  # fmt: skip
