"""The settlement workbook `claim calc -o` writes (理赔结果, documents.md): 理赔结果, one line per claim with
its calculation steps shown whole (wrapped, row heights set) and a 合计 row, reasons, exclusions and
warnings in Chinese with their codes in a last 代码 column; 会员汇总 with 合计 and the 经办人 / 审核人 /
负责人 signature line; 无法计算. Values from the claims file are written as text, never formulas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.claims.model import ClaimError, ClaimResult
from xjma.core.labels import label
from xjma.io.sheet_blocks import SIGN_OFFICE, write_signature_line
from xjma.io.sheet_layout import Heading, Styles
from xjma.io.sheet_table import Column, write_table
from xjma.io.xlsx_util import atomic_target

CLAIM_COLUMNS = (
    Column("行号", "int", 8),
    Column("身份证号码", "id"),
    Column("姓名", "text", 14),
    Column("险种", "text", 14),
    Column("给付项目", "text", 10),
    Column("出险日期", "date"),
    Column("保障期第几天", "int", 8),
    Column("给付金额（元）", "money", 14, total=True),
    Column("原因", "wrap", 16),
    Column("除外原因", "wrap", 16),
    Column("此后保障终止", "text", 8),
    Column("规则版本", "text", 8),
    Column("计算过程", "wrap", 60),
    Column("提示", "wrap", 20),
    Column("代码", "id", 24),
)
MEMBER_COLUMNS = (
    Column("身份证号码", "id"),
    Column("姓名", "text", 14),
    Column("理赔笔数", "int", total=True),
    Column("给付合计（元）", "money", 16, total=True),
)
ERROR_COLUMNS = (Column("行号", "int", 8), Column("原因", "wrap", 80))


def write_settlement(
    path: Path,
    results: Sequence[ClaimResult],
    errors: Sequence[ClaimError],
    names: Mapping[int | None, str],
    made_on: dt.date,
    exclusion_labels: Mapping[str, str] | None = None,
) -> None:
    """理赔结果, 会员汇总, 无法计算, written atomically; 制表单位 the office (rules/prefectures.yaml)."""
    from xjma.io.prefectures import load_prefectures

    issuer = load_prefectures().office.name
    import xlsxwriter

    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        styles = Styles(book)
        rows = [_claim_row(r, names, exclusion_labels or {}) for r in results]
        ws = book.add_worksheet("理赔结果")
        write_table(
            ws, styles, CLAIM_COLUMNS, rows, heading=Heading("理赔计算结果", issuer, made_on), freeze_cols=3
        )
        ws = book.add_worksheet("会员汇总")
        table = write_table(ws, styles, MEMBER_COLUMNS, _member_rows(results, names),
                            heading=Heading("理赔给付汇总（按会员）", issuer, made_on), freeze_cols=2)  # fmt: skip
        write_signature_line(ws, styles, table.next_row + 1, SIGN_OFFICE, len(MEMBER_COLUMNS) - 1)
        ws = book.add_worksheet("无法计算")
        failed = [(e.row, e.message) for e in errors]
        write_table(ws, styles, ERROR_COLUMNS, failed, heading=Heading("无法计算的理赔", issuer, made_on),
                    total_label=None)  # fmt: skip
        book.close()


def _claim_row(
    r: ClaimResult, names: Mapping[int | None, str], exclusions: Mapping[str, str]
) -> tuple[object, ...]:
    c = r.claim
    codes = [*r.reasons, *([r.exclusion] if r.exclusion else []), *r.warnings]
    return (
        c.row,
        c.id_number or "",
        names.get(c.row, ""),
        label(c.plan),
        label(c.benefit),
        c.event_date,
        r.day_index,
        r.payout,
        "、".join(label(x) for x in r.reasons),
        label(r.exclusion, exclusions) if r.exclusion else "",
        "是" if r.cover_ended else "否",
        r.rules_version,
        "\n".join(r.steps),
        "、".join(label(w) for w in r.warnings),
        "；".join(codes),
    )


def _member_rows(results: Sequence[ClaimResult], names: Mapping[int | None, str]) -> list[tuple[object, ...]]:
    totals: dict[str, list[Any]] = {}
    for r in results:
        key = r.claim.id_number or ""
        slot = totals.setdefault(key, [names.get(r.claim.row, ""), 0, Decimal("0.00")])
        slot[1] += 1
        slot[2] += r.payout
    return [(number, name, count, amount) for number, (name, count, amount) in totals.items()]
