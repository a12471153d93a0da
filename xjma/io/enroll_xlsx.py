"""The enrollment workbook (`<stem>_参保结果.xlsx`, xlsxwriter): 参保名单, 单位汇总, 缴费通知 (cli.md `enroll`).

Written from the planned enrollments themselves (the rows and their NewEnrollments), the same data the
JSON document is made of, after the batch is committed. Values that come from the roster are written as
strings with Excel's quote prefix where needed (never a formula); dates are real Excel dates.

参保名单 prints on A4 landscape (documents.md): one row per member in 9 columns — 行号 (the roster's
row), 姓名, 身份证号码, 工作单位, 险种及份数 (compact per-plan text: "住院+意外 1份；重大疾病 2份"), 会费合计,
保障期, 观察期止 (a date, or per plan when they differ) and 续保 (是, or the renewed shares per plan).
The per-plan fees are on 单位汇总 and in the JSON document. About 8 cells a member: the cells are what
xlsxwriter's time goes into.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.enrollment import NewEnrollment
from xjma.core.model import RosterRow
from xjma.core.rules import PLAN_CODES
from xjma.io.office_file import load_payment_terms
from xjma.io.payment_notice import NoticeIssue, UnitNotice, unit_notices, write_payment_notices
from xjma.io.prefectures import load_prefectures
from xjma.io.refused_sheet import RefusedRow, write_refused_sheet
from xjma.io.sheet_layout import DRAFT_MARK, REPRINT_MARK, Heading, Styles, issuer_for
from xjma.io.sheet_table import Column, write_table
from xjma.io.xlsx_util import workbook_at

DRY_RUN_MARK = DRAFT_MARK


@dataclass
class EnrollSheetData:
    """What the workbook shows: the batch, and each enrolled member's row with its enrollments."""

    start: dt.date
    paid_on: dt.date
    names: dict[str, str]  # plan code -> short name
    members: Sequence[tuple[RosterRow, Sequence[NewEnrollment]]]
    dry_run: bool = False
    refused: Sequence[RefusedRow] = ()  # rows left out by --skip-invalid, with their problems
    made_on: dt.date | None = None  # 制表日期 and the notices' date (default: paid_on)
    reprint: dt.date | None = None  # `batch report`: marked 补打, dated the print date
    # plans with their own end date (the rules' `short_term` flag: Version.short_term_plans)
    short_term: frozenset[str] = field(kw_only=True)
    plans: list[str] = field(init=False)

    def __post_init__(self) -> None:
        held = {i.enrollment.plan for _, items in self.members for i in items}
        self.plans = [p for p in PLAN_CODES if p in held]


# Not constant_memory: in memory, each distinct text is escaped once for the shared-strings table instead
# of once per cell as an inline string (names, units and the per-plan texts repeat): 参保名单 of 100,000
# members ~25% faster, and no bigger peak than the batch's own objects.
OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def write_enroll_workbook(path: Path, data: EnrollSheetData) -> None:
    """Write the three sheets to `path` atomically (xlsx_util.workbook_at)."""
    with workbook_at(path, OPTIONS) as book:
        write_enroll_file(book, data)


def write_enroll_file(book: Any, data: EnrollSheetData) -> None:
    """Write the sheets into an xlsxwriter Workbook (the caller saves it): 参保名单, 单位汇总, 缴费通知
    (one A4 page per unit), and 未登记人员 when refused rows were left out (--skip-invalid)."""
    prefectures = load_prefectures()
    reprint = f"{REPRINT_MARK}（打印日期 {data.reprint.isoformat()}）" if data.reprint else ""
    mark = DRY_RUN_MARK if data.dry_run else reprint
    made_on = data.made_on or data.paid_on  # a reprint keeps the first issue's dates
    issuer = issuer_for(prefectures, [row.prefecture for row, _ in data.members[:1000]])
    styles = Styles(book)
    period = f"保障期 {data.start.isoformat()} 起"
    _roster_sheet(book, styles, data, Heading(f"参保名单（{period}）", issuer, made_on, mark))
    notices = unit_notices(data.members, data.names, data.start)
    _unit_sheet(book, styles, notices, Heading(f"参保单位汇总（{period}）", issuer, made_on, mark))
    issue = NoticeIssue(made_on, load_payment_terms(), prefectures, mark)
    write_payment_notices(book, styles, notices, issue)
    if data.refused:
        heading = Heading("未登记人员（有错误，未参保，请改正后重新提交）", issuer, made_on, mark)
        write_refused_sheet(book, styles, data.refused, heading)


ROSTER_COLUMNS = (
    Column("行号", "int", 8),
    Column("姓名", "text", 16),
    Column("身份证号码", "id"),
    Column("工作单位", "text", 26),
    Column("险种及份数", "wrap", 28),
    Column("会费合计", "money", 12, total=True),
    Column("保障期", "wrap", 26),
    Column("观察期止", "date", 22),
    Column("续保", "text", 12),
)


def _roster_sheet(book: Any, styles: Styles, data: EnrollSheetData, heading: Heading) -> None:
    """参保名单: one row per member, 9 columns, A4 landscape; 合计 of the fees."""
    names = data.names
    # A batch's members hold a handful of distinct plan mixes: each one's five cells are made once.
    shown: dict[tuple[object, ...], tuple[object, ...]] = {}

    def rows() -> Any:
        for row, items in data.members:
            key = tuple(_signature(i) for i in items)
            cells = shown.get(key)
            if cells is None:
                fee = sum((i.fee for i in items), start=Decimal("0.00"))
                cells = shown[key] = (_shares(items, names), fee,
                                      _period(data.start, items, names, data.short_term),
                                      _observation(items, names), _renewal(items, names))  # fmt: skip
            yield (row.row, row.name, row.id_number, row.unit, *cells)

    ws = book.add_worksheet("参保名单")
    write_table(ws, styles, ROSTER_COLUMNS, rows(), heading=heading, freeze_cols=2)


def _signature(item: NewEnrollment) -> tuple[object, ...]:
    """What the member's cells after 工作单位 are made of, for one plan (the batch's start aside)."""
    e = item.enrollment
    return (e.plan, e.shares, e.renewed_shares, e.end, item.observation_end, item.fee)


def _shares(items: Sequence[NewEnrollment], names: dict[str, str]) -> str:
    """险种及份数: each plan held with its shares, in plan order ("住院+意外 1份；重大疾病 2份")."""
    order = sorted(items, key=lambda i: PLAN_CODES.index(i.enrollment.plan))
    return "；".join(
        f"{names.get(i.enrollment.plan, i.enrollment.plan)} {i.enrollment.shares}份" for i in order
    )


def _period(
    start: dt.date, items: Sequence[NewEnrollment], names: dict[str, str], short_term: frozenset[str]
) -> str:
    """保障期: S 至 E of the one-year plans, and a plan with its own end (plan 5) named after it."""
    annual = [i.enrollment.end for i in items if i.enrollment.plan not in short_term]
    own = [i for i in items if i.enrollment.plan in short_term]
    parts = [f"{start.isoformat()} 至 {annual[0].isoformat()}"] if annual else []
    for item in own:
        end = item.enrollment.end.isoformat()
        name = names.get(item.enrollment.plan, item.enrollment.plan)
        parts.append(f"{name}至 {end}" if annual else f"{start.isoformat()} 至 {end}")
    return "；".join(parts)


def _observation(items: Sequence[NewEnrollment], names: dict[str, str]) -> dt.date | str | None:
    """观察期止: the one date, or each plan's when they differ; None when no share is in observation."""
    ends = [(i.enrollment.plan, i.observation_end) for i in items if i.observation_end is not None]
    if not ends:
        return None
    if len({day for _, day in ends}) == 1:
        return ends[0][1]
    return "；".join(f"{names.get(p, p)} {day.isoformat()}" for p, day in ends if day is not None)


def _renewal(items: Sequence[NewEnrollment], names: dict[str, str]) -> str:
    """续保: 是 when every share is renewed, else the renewed shares per plan; blank when none."""
    renewed = [i.enrollment for i in items if i.enrollment.renewed_shares]
    if not renewed:
        return ""
    if len(renewed) == len(items) and all(e.renewed_shares == e.shares for e in renewed):
        return "是"
    return "；".join(f"{names.get(e.plan, e.plan)} {e.renewed_shares}/{e.shares} 份" for e in renewed)


UNIT_COLUMNS = (
    Column("工作单位", "text", 36),
    Column("所属地州市", "text", 12),
    Column("险种", "text", 18),
    Column("人数", "int", total=False),
    Column("份数", "int", total=True),
    Column("会费（元）", "money", 14, total=True),
)


def _unit_sheet(book: Any, styles: Styles, notices: Sequence[UnitNotice], heading: Heading) -> None:
    """单位汇总: unit × plan (plan 5 by tier) with members, shares and fee; 合计 of shares and fees."""
    rows = (
        (n.unit, n.prefecture, line.plan, line.members, line.shares, line.fee)
        for n in notices
        for line in n.lines
    )
    ws = book.add_worksheet("单位汇总")
    write_table(ws, styles, UNIT_COLUMNS, rows, heading=heading, freeze_cols=1)
