"""The first sheet of a 检查结果 (documents.md): the verdict a clerk reads before anything else.

汇总: the unit, the check date, the roster file, "可以提交" or "有 N 个错误需要改正，M 个提示", a sentence
for each problem that hit a whole column (core/verdict.py), the counts by problem under their Chinese
labels (codes in the last column, 代码) with a 合计 row, and whom to ask: the prefecture's on-site staff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xjma.core.labels import SEVERITY_LABELS, label
from xjma.core.verdict import Widespread, verdict
from xjma.io.sheet_blocks import write_facts, write_paragraphs
from xjma.io.sheet_layout import Heading, Styles, page_setup, row_height, wrapped_lines, write_title_block
from xjma.io.sheet_table import Column, write_table

SHEET = "汇总"
COUNT_COLUMNS = (
    Column("问题", "text", 40),
    Column("级别", "text", 6),
    Column("行数", "int", 10, total=True),
    Column("代码", "id"),
)
LAST_COL = len(COUNT_COLUMNS) - 1


@dataclass(frozen=True)
class Verdict:
    """What the verdict sheet says, from a validation outcome."""

    unit: str  # the roster's unit(s), e.g. "甲公司" or "甲公司 等 3 个单位"
    checked_on: dt.date
    file: str
    sheet: str
    start: dt.date
    rows: int
    valid_rows: int
    error_rows: int
    errors: int
    warnings: int
    counts: Sequence[tuple[str, str, int]]  # (code, severity, problems), errors first
    ledger_used: bool
    contacts: Sequence[str]
    widespread: Sequence[Widespread] = ()


def write_verdict_sheet(book: Any, styles: Styles, v: Verdict, issuer: str) -> Any:
    """Add the 汇总 sheet (call it first: it is the first sheet) and return it."""
    ws = book.add_worksheet(SHEET)
    title = f"名册检查结果（{v.unit or '未填写工作单位'}）"
    heading = Heading(title, issuer, v.checked_on)
    r = write_title_block(ws, styles, heading, LAST_COL)
    ok = v.errors == 0
    big = styles.custom(
        "verdict_ok" if ok else "verdict_bad",
        {"bold": True, "font_size": 16, "font_color": "#006100" if ok else "#9C0006", "valign": "vcenter"},
    )
    ws.set_row(r, 32)
    ws.merge_range(r, 0, r, LAST_COL, verdict(v.errors, v.warnings), big)
    r = write_facts(ws, styles, r + 1, _facts(v), LAST_COL)
    if v.widespread:
        r = write_paragraphs(ws, styles, r + 1, [w.sentence() for w in v.widespread], LAST_COL, 70)
    rows = [(label(code), SEVERITY_LABELS.get(sev, sev), n, code) for code, sev, n in v.counts]
    if rows:
        table = write_table(ws, styles, COUNT_COLUMNS, rows, top=r + 1, setup_page=False, freeze=False)
        r = table.next_row
    r = _contacts(ws, styles, r + 1, v.contacts)
    widths = [50, 8, 10, 22]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    page_setup(ws, title, sum(widths))
    return ws


def _facts(v: Verdict) -> list[tuple[str, object]]:
    return [
        ("工作单位", v.unit or "未填写"),
        ("检查日期", v.checked_on.isoformat()),
        ("名册文件", v.file),
        ("工作表", v.sheet or "（CSV）"),
        ("保障起始日", v.start.isoformat()),
        ("数据行数", v.rows),
        ("可参保行数（无错误）", v.valid_rows),
        ("有错误的行数", v.error_rows),
        ("错误", v.errors),
        ("提示", v.warnings),
        ("台账核对", "已对照台账核对" if v.ledger_used else "未核对台账（未指定或不存在）"),
    ]


def _contacts(ws: Any, styles: Styles, r: int, lines: Sequence[str]) -> int:
    ws.write_string(r, 0, "有疑问请联系", styles["bold"])
    for line in lines:
        r += 1
        ws.set_row(r, row_height(wrapped_lines(line, 88)))
        ws.merge_range(r, 0, r, LAST_COL, line, styles["wrap_plain"])
    return r + 1
