"""The 缴费通知 sheet of the enrollment workbook: one A4 page per unit, to be stamped and handed over
(documents.md "参保结果"; cli.md `enroll` for the capital numerals).

Each unit's notice: title 职工互助保障活动缴费通知书, 缴费单位, 所属地州市, 保障期, a table by plan (人数, 份数,
每份会费, 会费) with 合计, the amount in figures (¥5,135.00) and in capitals (人民币（大写）伍仟壹佰叁拾伍元整),
收款单位 / 开户银行 / 账号 and 缴费期限 from rules/office.yaml, the prefecture's 经办人 and phone (the office
for 区直 or no 地州市), and lines for 单位盖章 and 日期. A page break follows each unit; a dry run says
试算，非正式通知 on every notice and in every page header.

The layout is fixed (portrait, 100 %, columns that fit A4) rather than fitted, so each notice is exactly
one page and the manual page breaks are honoured. Excel allows 1,023 page breaks on a sheet: a batch of
more units continues on sheets 缴费通知2, 缴费通知3, ….
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xjma.core.capital import capital_amount
from xjma.core.enrollment import NewEnrollment
from xjma.core.model import RosterRow
from xjma.core.payment_terms import PaymentTerms
from xjma.core.prefectures import Prefectures
from xjma.core.rules import PLAN_CODES
from xjma.io.sheet_layout import DRAFT_MARK, YUAN, Styles, page_setup, row_height, wrapped_lines
from xjma.io.xlsx_util import cell_text

SHEET = "缴费通知"
TITLE = "职工互助保障活动缴费通知书"
UNITS_PER_SHEET = 1000  # under Excel's 1,023 page breaks per sheet
WIDTHS = (16, 14, 10, 16, 28)  # A–E, character units: 84, A4 portrait at about 100 %
_VALUE_WIDTH = sum(WIDTHS[1:])  # B:E merged


@dataclass(frozen=True)
class NoticeLine:
    """One plan (or one tier of plan 5) on a unit's notice."""

    plan: str  # the plan's Chinese name
    members: int
    shares: int
    fee_per_share: Decimal | None  # None: several tiers in one line ("按档次")
    fee: Decimal


@dataclass(frozen=True)
class UnitNotice:
    unit: str
    prefecture: str  # short form; "" when the roster gave none
    start: dt.date  # 保障期 S
    end: dt.date  # 保障期 E
    lines: tuple[NoticeLine, ...]
    members: int  # distinct members of the unit (a member in two plans counts once)
    total: Decimal


@dataclass(frozen=True)
class NoticeIssue:
    """What every notice of a run shares: who issues it, when, where to pay, who to call."""

    issued_on: dt.date  # the notice's date (the run); 缴费期限 counts from it
    terms: PaymentTerms
    prefectures: Prefectures
    mark: str = ""  # sheet_layout.DRAFT_MARK on a dry run, REPRINT_MARK on `batch report`


def unit_notices(
    members: Sequence[tuple[RosterRow, Sequence[NewEnrollment]]], names: Mapping[str, str], start: dt.date
) -> list[UnitNotice]:
    """The notices of a batch: one per unit in roster order, a line per plan (plan 5 per tier), the
    unit's distinct members and its fee; 保障期 from S to the latest end of the unit's enrollments."""
    units: dict[str, tuple[str, dict[tuple[str, str | None], list[Any]], set[str], list[dt.date]]] = {}
    for row, items in members:
        unit = units.get(row.unit)
        if unit is None:
            unit = units[row.unit] = (row.prefecture, {}, set(), [start])
        lines, latest = unit[1], unit[3]
        if items:
            unit[2].add(row.id_number)
        for item in items:
            e = item.enrollment
            slot = lines.get((e.plan, e.tier))
            if slot is None:
                slot = lines[(e.plan, e.tier)] = [set(), 0, Decimal("0.00")]
            slot[0].add(row.id_number)
            slot[1] += e.shares
            slot[2] += item.fee
            if e.end > latest[0]:
                latest[0] = e.end
    return [
        UnitNotice(
            unit=unit,
            prefecture=prefecture,
            start=start,
            end=latest[0],
            lines=tuple(_line(key, slot, names) for key, slot in _ordered(lines)),
            members=len(people),
            total=sum((slot[2] for slot in lines.values()), Decimal("0.00")),
        )
        for unit, (prefecture, lines, people, latest) in units.items()
    ]


def _ordered(lines: dict[tuple[str, str | None], list[Any]]) -> list[tuple[tuple[int, int, str], list[Any]]]:
    """The lines keyed by plan order, then plan 5's tiers (a tier written two ways is one line)."""
    keyed: dict[tuple[int, int, str], list[Any]] = {}
    for (plan, tier), (ids, shares, fee) in lines.items():
        key = (_plan_order(plan), int(tier or 0), plan)
        slot = keyed.setdefault(key, [set(), 0, Decimal("0.00")])
        slot[0] |= ids
        slot[1] += shares
        slot[2] += fee
    return sorted(keyed.items())


def _plan_order(plan: str) -> int:
    return PLAN_CODES.index(plan) if plan in PLAN_CODES else len(PLAN_CODES)


def _line(key: tuple[int, int, str], slot: list[Any], names: Mapping[str, str]) -> NoticeLine:
    """One line; 每份会费 is shown when every share of the line cost the same (fee = shares × it)."""
    _, tier, plan = key
    ids, shares, fee = slot
    name = names.get(plan, plan) + (f"（{tier}元档）" if tier else "")
    each = (fee / shares).quantize(Decimal("0.01")) if shares else None
    return NoticeLine(
        name, len(ids), shares, each if each is not None and each * shares == fee else None, fee
    )


def write_payment_notices(
    book: Any, styles: Styles, notices: Sequence[UnitNotice], issue: NoticeIssue
) -> None:
    """Add the 缴费通知 sheet(s) to an open xlsxwriter workbook, one page per unit."""
    chunks = [notices[i : i + UNITS_PER_SHEET] for i in range(0, len(notices), UNITS_PER_SHEET)] or [[]]
    for n, chunk in enumerate(chunks, start=1):
        ws = book.add_worksheet(SHEET if n == 1 else f"{SHEET}{n}")
        for col, width in enumerate(WIDTHS):
            ws.set_column(col, col, width)
        page_setup(ws, TITLE, sum(WIDTHS), mark=issue.mark)
        starts = []
        row = 0
        for notice in chunk:
            starts.append(row)
            row = _write_notice(ws, styles, notice, issue, row)
        ws.set_h_pagebreaks(starts[1:])


def _write_notice(ws: Any, s: Styles, notice: UnitNotice, issue: NoticeIssue, r: int) -> int:
    """One unit's notice from row `r`; returns the row after it."""
    f = _formats(s)
    ws.merge_range(r, 0, r, 4, TITLE, f["title"])
    ws.set_row(r, 40)
    if issue.mark:
        ws.merge_range(r + 1, 0, r + 1, 4, _mark_line(issue.mark), f["mark"])
    ws.set_row(r + 1, 22)
    r = _field(ws, f, r + 2, "缴费单位：", cell_text(notice.unit) or "未填写")
    ws.write_string(r, 0, "所属地州市：", f["label"])
    ws.merge_range(r, 1, r, 2, cell_text(notice.prefecture) or "未填写", f["value"])
    ws.write_string(r, 3, "通知日期：", f["label"])
    ws.write_string(r, 4, issue.issued_on.isoformat(), f["value"])
    ws.set_row(r, 22)
    r = _field(ws, f, r + 1, "保障期：", f"{notice.start.isoformat()} 至 {notice.end.isoformat()}")
    r = _plan_table(ws, f, notice, r + 1)
    ws.write_string(r, 0, "人民币（大写）：", f["label"])
    ws.merge_range(r, 1, r, 3, capital_amount(notice.total), f["capital"])
    ws.write_number(r, 4, notice.total, f["yuan_bold"])
    ws.set_row(r, 26)
    payee = issue.terms.payee
    r = _field(ws, f, r + 2, "收款单位：", payee.name)
    r = _field(ws, f, r, "开户银行：", payee.bank)
    r = _field(ws, f, r, "账　　号：", payee.account)
    deadline = issue.terms.deadline(issue.issued_on).isoformat()
    r = _field(
        ws, f, r, "缴费期限：", f"请于 {deadline} 前（含当日）将会费汇入上述账户，汇款用途请注明缴费单位名称"
    )
    r = _contact(ws, f, notice, issue, r + 1)
    for row in range(r, r + 3):  # before the cells: constant_memory writes a row once it is left
        ws.set_row(row, 30)
    ws.write_string(r + 2, 0, "单位盖章：", f["label"])
    ws.write_string(r + 2, 3, "日期：", f["label"])
    ws.write_string(r + 2, 4, "　　年　　月　　日", f["value"])
    return r + 4


def _mark_line(mark: str) -> str:
    if mark == DRAFT_MARK:
        return f"{DRAFT_MARK}：本通知为试算结果，未记入台账，请勿据此缴费"
    return mark


def _field(ws: Any, f: dict[str, Any], r: int, name: str, value: str) -> int:
    """A label in A and its value across B:E, tall enough for the value; returns the next row."""
    ws.write_string(r, 0, name, f["label"])
    ws.merge_range(r, 1, r, 4, value, f["quoted"] if value[:1] in "=+-@\t" and value else f["value"])
    ws.set_row(r, max(22.0, row_height(wrapped_lines(value, _VALUE_WIDTH))))
    return r + 1


def _plan_table(ws: Any, f: dict[str, Any], notice: UnitNotice, r: int) -> int:
    for col, head in enumerate(("险种", "人数", "份数", "每份会费（元）", "会费（元）")):
        ws.write_string(r, col, head, f["head"])
    ws.set_row(r, 24)
    for line in notice.lines:
        r += 1
        ws.write_string(r, 0, line.plan, f["cell"])
        ws.write_number(r, 1, line.members, f["int"])
        ws.write_number(r, 2, line.shares, f["int"])
        if line.fee_per_share is None:
            ws.write_string(r, 3, "按档次", f["cell"])
        else:
            ws.write_number(r, 3, line.fee_per_share, f["yuan"])
        ws.write_number(r, 4, line.fee, f["yuan"])
        ws.set_row(r, 22)
    r += 1
    ws.write_string(r, 0, "合计", f["total"])
    ws.write_number(r, 1, notice.members, f["total_int"])
    ws.write_number(r, 2, sum(line.shares for line in notice.lines), f["total_int"])
    ws.write_blank(r, 3, None, f["total"])
    ws.write_number(r, 4, notice.total, f["total_yuan"])
    ws.set_row(r, 22)
    return r + 1


def _contact(ws: Any, f: dict[str, Any], notice: UnitNotice, issue: NoticeIssue, r: int) -> int:
    """经办人 and phone: the prefecture union's on-site staff, or the office (区直, none, unknown)."""
    pref = issue.prefectures.get(notice.prefecture) if notice.prefecture else None
    if pref is not None and pref.contact is not None:
        who, phone = f"{pref.union} {pref.contact}", pref.phone or ""
    else:
        office = issue.prefectures.office
        who, phone = office.name, " / ".join(office.phones)
    ws.write_string(r, 0, "经办人：", f["label"])
    ws.merge_range(r, 1, r, 2, who, f["value"])
    ws.write_string(r, 3, "联系电话：", f["label"])
    ws.write_string(r, 4, phone, f["value"])
    ws.set_row(r, max(22.0, row_height(wrapped_lines(who, WIDTHS[1] + WIDTHS[2]))))
    return r + 1


def _formats(s: Styles) -> dict[str, Any]:
    border = {"border": 1, "valign": "vcenter", "font_size": 11}
    return {
        "title": s.custom("n_title", {"bold": True, "font_size": 20, "align": "center", "valign": "vcenter"}),
        "mark": s.custom(
            "n_mark", {"bold": True, "font_color": "#C00000", "align": "center", "font_size": 12}
        ),
        "label": s.custom("n_label", {"bold": True, "valign": "vcenter", "align": "right"}),
        "value": s.custom("n_value", {"valign": "vcenter", "text_wrap": True, "num_format": "@"}),
        "quoted": s.custom("n_quoted", {"valign": "vcenter", "text_wrap": True, "quote_prefix": True}),
        "capital": s.custom("n_capital", {"bold": True, "valign": "vcenter", "font_size": 12}),
        "head": s.custom("n_head", {**border, "bold": True, "align": "center", "bg_color": "#DDEBF7"}),
        "cell": s.custom("n_cell", border),
        "int": s.custom("n_int", {**border, "num_format": "0"}),
        "yuan": s.custom("n_yuan", {**border, "num_format": YUAN}),
        "yuan_bold": s.custom("n_yuan_bold", {"bold": True, "valign": "vcenter", "num_format": YUAN}),
        "total": s.custom("n_total", {**border, "bold": True}),
        "total_int": s.custom("n_total_int", {**border, "bold": True, "num_format": "0"}),
        "total_yuan": s.custom("n_total_yuan", {**border, "bold": True, "num_format": YUAN}),
    }
