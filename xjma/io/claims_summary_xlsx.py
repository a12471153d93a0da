"""The claims summary workbook (赔付汇总, office.md §6, documents.md): 汇总; 按地州市 (every 地州市 of
rules/prefectures.yaml, zero rows included); 按单位; 按险种 with its chart; 按给付项目; 按月 (with a chart
for a year). Each a titled table with 制表单位 / 制表日期 and a 合计 row, printable on A4, Chinese labels
only (plan and benefit codes through core/labels)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.claims_summary import ClaimsFigures, Group
from xjma.core.labels import label
from xjma.core.rules import PLAN_CODES
from xjma.io.sheet_blocks import insert_chart
from xjma.io.sheet_table import Column
from xjma.io.summary_workbook import summary_workbook

STATE_LABELS = {"approved": "按审批月份，含已支付", "paid": "按支付日期，只计已支付"}
_CASES = Column("受益人次", "int", total=True)
_MEMBERS = Column("人数", "int", total=True)
_AMOUNT = Column("赔付金额（元）", "money", total=True)


def plan_rows(groups: Sequence[Group]) -> list[tuple[Any, ...]]:
    """Cases and amount per plan (its benefits added), plans in their fixed order."""
    totals: dict[str, list[Any]] = {}
    for g in groups:
        slot = totals.setdefault(g.key[0], [0, Decimal("0.00")])
        slot[0] += g.cases
        slot[1] += g.amount
    order = sorted(totals, key=lambda p: (PLAN_CODES.index(p) if p in PLAN_CODES else len(PLAN_CODES), p))
    return [(label(p), totals[p][0], totals[p][1]) for p in order]


def write_claims_workbook(
    path: Path, period: str, state: str, f: ClaimsFigures, yearly: bool, made_on: dt.date
) -> None:
    """Write the workbook atomically."""
    with summary_workbook(path, period, made_on, f"（{STATE_LABELS[state]}）") as book:
        summary = (
            Column("期间", "text", 12),
            Column("受益人次", "int"),
            Column("人数", "int"),
            Column("赔付金额（元）", "money"),
            Column("拒付案件", "int"),
            Column("未结案件（已受理、退回补件）", "int", 16),
        )
        book.sheet(
            "汇总", "赔付汇总", summary, [(period, f.cases, f.members, f.amount, f.rejected, f.open)], None
        )
        columns: tuple[Column, ...] = (Column("所属地州市", "text", 14), _CASES, _MEMBERS, _AMOUNT)
        # The 合计 of 人数 adds the 地州市 (a member of two 地州市 counts in each).
        found = {g.key[0]: (g.cases, g.members, g.amount) for g in f.by_prefecture}
        book.prefecture_sheet("赔付（按地州市）", columns, found)
        columns = (
            Column("工作单位", "text", 36),
            Column("所属地州市", "text", 12),
            _CASES,
            _MEMBERS,
            _AMOUNT,
        )
        book.sheet(
            "按单位", "赔付（按单位）", columns, ((*g.key, g.cases, g.members, g.amount) for g in f.by_unit)
        )
        columns = (Column("险种", "text", 16), _CASES, _AMOUNT)
        ws, table = book.sheet("按险种", "赔付（按险种）", columns, plan_rows(f.by_plan))
        insert_chart(book.workbook, ws, table, title=f"{period} 赔付金额（按险种）", category_col=0, value_col=2,
                     x_name="险种", y_name="赔付金额（元）")  # fmt: skip
        columns = (Column("险种", "text", 16), Column("给付项目", "text", 12), _CASES, _MEMBERS, _AMOUNT)
        benefits = ((label(g.key[0]), label(g.key[1]), g.cases, g.members, g.amount) for g in f.by_plan)
        book.sheet("按给付项目", "赔付（按险种和给付项目）", columns, benefits)
        columns = (Column("月份", "text", 10), _CASES, _AMOUNT)
        ws, table = book.sheet(
            "按月", "赔付（逐月）", columns, [(g.key[0], g.cases, g.amount) for g in f.by_month]
        )
        if yearly:
            insert_chart(book.workbook, ws, table, title=f"{period} 年逐月赔付金额", category_col=0, value_col=2,
                         x_name="月份", y_name="赔付金额（元）")  # fmt: skip
