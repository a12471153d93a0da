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

from xjma.core.claims_summary import UNFILLED, ClaimsFigures, Group
from xjma.core.labels import label
from xjma.core.prefectures import Prefectures
from xjma.core.rules import PLAN_CODES
from xjma.io.sheet_blocks import insert_chart
from xjma.io.sheet_layout import Heading, Styles
from xjma.io.sheet_table import Column, write_table
from xjma.io.xlsx_util import atomic_target

STATE_LABELS = {"approved": "按审批月份，含已支付", "paid": "按支付日期，只计已支付"}
_CASES = Column("受益人次", "int", total=True)
_MEMBERS = Column("人数", "int", total=True)
_AMOUNT = Column("赔付金额（元）", "money", total=True)


def prefecture_rows(groups: Sequence[Group], prefectures: Prefectures) -> list[tuple[Any, ...]]:
    """The figures' 地州市 in their order (未填写 last), then every other 地州市 with zeros. The 合计 of
    人数 adds the 地州市 (a member of two 地州市 counts in each)."""
    found = {g.key[0]: g for g in groups}
    order = [name for name in found if name != UNFILLED]
    order += [p.short for p in prefectures.items if p.short not in found]
    if UNFILLED in found:
        order.append(UNFILLED)
    zero = Decimal("0.00")
    return [
        (name, found[name].cases, found[name].members, found[name].amount)
        if name in found
        else (name, 0, 0, zero)
        for name in order
    ]


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
    import xlsxwriter

    from xjma.io.prefectures import load_prefectures

    prefectures = load_prefectures()
    issuer = prefectures.office.name
    basis = STATE_LABELS[state]
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False})
        styles = Styles(book)

        def sheet(
            name: str, title: str, columns: Sequence[Column], rows: Any, total: str | None = "合计"
        ) -> Any:
            ws = book.add_worksheet(name)
            heading = Heading(f"{period} {title}（{basis}）", issuer, made_on)
            return ws, write_table(ws, styles, columns, rows, heading=heading, total_label=total)

        summary = (
            Column("期间", "text", 12),
            Column("受益人次", "int"),
            Column("人数", "int"),
            Column("赔付金额（元）", "money"),
            Column("拒付案件", "int"),
            Column("未结案件（已受理、退回补件）", "int", 16),
        )
        sheet("汇总", "赔付汇总", summary, [(period, f.cases, f.members, f.amount, f.rejected, f.open)], None)
        columns: tuple[Column, ...] = (Column("所属地州市", "text", 14), _CASES, _MEMBERS, _AMOUNT)
        sheet("按地州市", "赔付（按地州市）", columns, prefecture_rows(f.by_prefecture, prefectures))
        columns = (
            Column("工作单位", "text", 36),
            Column("所属地州市", "text", 12),
            _CASES,
            _MEMBERS,
            _AMOUNT,
        )
        sheet(
            "按单位", "赔付（按单位）", columns, ((*g.key, g.cases, g.members, g.amount) for g in f.by_unit)
        )
        columns = (Column("险种", "text", 16), _CASES, _AMOUNT)
        ws, table = sheet("按险种", "赔付（按险种）", columns, plan_rows(f.by_plan))
        insert_chart(book, ws, table, title=f"{period} 赔付金额（按险种）", category_col=0, value_col=2,
                     x_name="险种", y_name="赔付金额（元）")  # fmt: skip
        columns = (Column("险种", "text", 16), Column("给付项目", "text", 12), _CASES, _MEMBERS, _AMOUNT)
        benefits = ((label(g.key[0]), label(g.key[1]), g.cases, g.members, g.amount) for g in f.by_plan)
        sheet("按给付项目", "赔付（按险种和给付项目）", columns, benefits)
        columns = (Column("月份", "text", 10), _CASES, _AMOUNT)
        ws, table = sheet(
            "按月", "赔付（逐月）", columns, [(g.key[0], g.cases, g.amount) for g in f.by_month]
        )
        if yearly:
            insert_chart(book, ws, table, title=f"{period} 年逐月赔付金额", category_col=0, value_col=2,
                         x_name="月份", y_name="赔付金额（元）")  # fmt: skip
        book.close()
