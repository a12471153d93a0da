"""The 汇总表 of `claim submit` (office.md §5, documents.md "理赔结果 / 汇总表"): 汇总表, the cases of the
submission by plan and benefit (案件数, 金额) with 合计 and the 经办人 / 审核人 / 负责人 signature line;
案件明细, a line per case (its calculation steps whole, missing materials) with 合计 and the same
signature line; 未受理, the rows that are not cases. Through sheet_layout, sheet_table and sheet_blocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.cases import STATE_LABELS
from xjma.core.labels import label, labels
from xjma.io.sheet_blocks import SIGN_OFFICE, write_signature_line
from xjma.io.sheet_layout import Heading, Styles, issuer_for
from xjma.io.sheet_table import Column, write_table
from xjma.io.xlsx_util import atomic_target

if TYPE_CHECKING:
    from xjma.core.claims.model import ClaimError
    from xjma.core.rules import Rules
    from xjma.io.ledger.cases import StoredCase


@dataclass(frozen=True)
class Submitted:
    """What the 汇总表 shows: the submission's number, its cases with the materials each lacks, and the
    rows that are not cases."""

    submission: int | None
    cases: Sequence[tuple[StoredCase, tuple[str, ...]]]
    errors: Sequence[ClaimError]


SUMMARY_COLUMNS = (
    Column("险种", "text", 16),
    Column("给付项目", "text", 12),
    Column("案件数", "int", total=True),
    Column("给付金额（元）", "money", 16, total=True),
)
CASE_COLUMNS = (
    Column("案件编号", "int", 8),
    Column("行号", "int", 6),
    Column("姓名", "text", 12),
    Column("身份证号码", "id"),
    Column("工作单位", "text", 20),
    Column("险种", "text", 12),
    Column("给付项目", "text", 10),
    Column("出险日期", "date"),
    Column("给付金额（元）", "money", 14, total=True),
    Column("状态", "text", 8),
    Column("原因", "wrap", 14),
    Column("缺少材料", "wrap", 16),
    Column("计算过程", "wrap", 50),
)
ERROR_COLUMNS = (Column("行号", "int", 8), Column("原因", "wrap", 80))


def write_submission(path: Path, run: Submitted, rules: Rules, made_on: dt.date) -> None:
    import xlsxwriter

    from xjma.io.prefectures import load_prefectures

    issuer = issuer_for(load_prefectures(), [c.facts.prefecture for c, _ in run.cases])
    which = f"第 {run.submission} 批" if run.submission is not None else "未新增批次"
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False})
        styles = Styles(book)
        ws = book.add_worksheet("汇总表")
        table = write_table(ws, styles, SUMMARY_COLUMNS, _summary(run, rules),
                            heading=Heading(f"理赔案件汇总表（{which}）", issuer, made_on), freeze_cols=1)  # fmt: skip
        write_signature_line(ws, styles, table.next_row + 1, SIGN_OFFICE, len(SUMMARY_COLUMNS) - 1)
        ws = book.add_worksheet("案件明细")
        table = write_table(ws, styles, CASE_COLUMNS, _lines(run, rules),
                            heading=Heading(f"理赔案件明细（{which}）", issuer, made_on), freeze_cols=3)  # fmt: skip
        write_signature_line(ws, styles, table.next_row + 1, SIGN_OFFICE, len(CASE_COLUMNS) - 1)
        ws = book.add_worksheet("未受理")
        write_table(ws, styles, ERROR_COLUMNS, [(e.row, e.message) for e in run.errors],
                    heading=Heading(f"未受理的理赔（{which}）", issuer, made_on), total_label=None)  # fmt: skip
        book.close()


def _plan_name(rules: Rules, plan: str, day: dt.date) -> str:
    try:
        return rules.plan_label(plan, day)
    except Exception:  # noqa: BLE001 - a plan without a version on that day: its short label
        return label(plan)


def _summary(run: Submitted, rules: Rules) -> list[tuple[Any, ...]]:
    from xjma.core.rules import PLAN_BENEFITS, PLAN_CODES

    groups: dict[tuple[str, str], list[Any]] = {}
    for s, _ in run.cases:
        slot = groups.setdefault(
            (s.claim["plan"], s.claim["benefit"]), [0, Decimal("0.00"), s.claim["event_date"]]
        )
        slot[0] += 1
        slot[1] += s.view.payout

    def order(key: tuple[str, str]) -> tuple[int, int]:
        plan, benefit = key
        benefits = list(PLAN_BENEFITS.get(plan, {}))
        return (
            PLAN_CODES.index(plan) if plan in PLAN_CODES else 99,
            benefits.index(benefit) if benefit in benefits else 99,
        )

    return [
        (_plan_name(rules, plan, slot[2]), label(benefit), slot[0], slot[1])
        for (plan, benefit), slot in sorted(groups.items(), key=lambda item: order(item[0]))
    ]


def _lines(run: Submitted, rules: Rules) -> list[tuple[Any, ...]]:
    rows = []
    for s, lacking in run.cases:
        result = s.claim["result"]
        rows.append(
            (
                s.id,
                s.claim["inputs"].get("row"),
                s.facts.name,
                s.claim["id_number"],
                s.facts.unit,
                _plan_name(rules, s.claim["plan"], s.claim["event_date"]),
                label(s.claim["benefit"]),
                s.claim["event_date"],
                s.view.payout,
                STATE_LABELS.get(s.view.state, s.view.state),
                labels(list(result.get("reasons", ())), sep="、"),
                "、".join(lacking),
                "\n".join(f"{i}. {step}" for i, step in enumerate(result.get("steps", ()), start=1)),
            )
        )
    return rows
