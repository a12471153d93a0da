"""The enrollment workbook (`<stem>_参保结果.xlsx`, xlsxwriter): 参保名单, 单位汇总, 缴费通知 (cli.md `enroll`).

Written from the planned enrollments themselves (the rows and their NewEnrollments), the same data the
JSON document is made of. Values that come from the roster are written as strings (never a formula);
dates are real Excel dates. 参保名单 has one row per member: who, S and E of the one-year plans (the
same for the whole batch), then per plan of the batch 份数, 会费, 观察期止 and 续保份数 (blank when 0;
plan 5 also its own 止期), and the member's fee. A 100,000-member batch is about 1.4M cells, which is
what xlsxwriter's time goes into, so no cell is written twice over.
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
from xjma.io.xlsx_rows import cell_writers, rows_sheet_class
from xjma.io.xlsx_util import atomic_target, cell_text

_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (1900 date system, past the 1900-02-29 bug)


@dataclass
class EnrollSheetData:
    """What the workbook shows: the batch, and each enrolled member's row with its enrollments."""

    start: dt.date
    paid_on: dt.date
    names: dict[str, str]  # plan code -> short name
    members: Sequence[tuple[RosterRow, Sequence[NewEnrollment]]]
    reprint: dt.date | None = None  # `batch report`: marked 补打 with this print date
    plans: list[str] = field(init=False)

    def __post_init__(self) -> None:
        held = {i.enrollment.plan for _, items in self.members for i in items}
        self.plans = [p for p in PLAN_CODES if p in held]


def write_enroll_workbook(path: Path, data: EnrollSheetData) -> None:
    """Write the three sheets to `path` atomically (xlsx_util.atomic_target)."""
    with atomic_target(path) as tmp:
        write_enroll_file(tmp, data)


def write_enroll_file(path: Path, data: EnrollSheetData) -> None:
    """Write the workbook to `path` itself (the caller takes care of atomicity)."""
    import xlsxwriter

    # constant_memory: rows go to disk as they are written (every sheet is written top to bottom).
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "constant_memory": True}
    )
    fmt = {
        "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "money": book.add_format({"num_format": "0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
    }
    if data.reprint:
        book.set_properties({"title": "参保结果" + _reprint_mark(data), "comments": _reprint_mark(data)})
    _roster_sheet(book.add_worksheet("参保名单", rows_sheet_class()), data, fmt)
    groups = _unit_plan_totals(data)
    _unit_sheet(book.add_worksheet("单位汇总"), groups, data.names, fmt)
    _notice_sheet(book.add_worksheet("缴费通知"), data, groups, fmt)
    book.close()


def _roster_sheet(ws: Any, data: EnrollSheetData, fmt: dict[str, Any]) -> None:
    names, plans = data.names, data.plans
    head = ["行号", "姓名", "身份证号码", "工作单位", "所属地州市", "起始日", "止期"]
    first: dict[str, int] = {}  # plan -> its first column
    for p in plans:
        first[p] = len(head)
        name = names.get(p, p)
        head += [f"{name}份数", f"{name}会费", f"{name}观察期止", f"{name}续保份数"]
        if p == "short-accident":
            head.append(f"{name}止期")  # plan 5 ends on its own date; the others on the batch's E
    head.append("会费合计")
    for col, title in enumerate(head):
        ws.write_string(0, col, title, fmt["head"])
    number, string = cell_writers(ws)
    money, date = fmt["money"], fmt["date"]
    serials: dict[dt.date, int] = {}
    texts: dict[str, str] = {}  # units and 地州市 repeat on every row: cleaned once

    def day(value: dt.date) -> int:
        serial = serials.get(value)
        if serial is None:
            serial = serials[value] = (value - _EPOCH).days
        return serial

    def text(value: str) -> str:
        found = texts.get(value)
        if found is None:
            found = texts[value] = cell_text(value)
        return found

    total_col = len(head) - 1
    for r, (row, items) in enumerate(data.members, start=1):
        number(r, 0, row.row)
        for col, value in ((1, cell_text(row.name)), (2, cell_text(row.id_number))):
            if value:
                string(r, col, value)  # from the roster: always a string, never a formula
        for col, value in ((3, text(row.unit)), (4, text(row.prefecture))):
            if value:
                string(r, col, value)
        annual_end = None
        fee = Decimal("0.00")
        for item in items:
            e = item.enrollment
            col = first[e.plan]
            number(r, col, e.shares)
            number(r, col + 1, item.fee, money)
            if item.observation_end is not None:
                number(r, col + 2, day(item.observation_end), date)
            if e.renewed_shares:
                number(r, col + 3, e.renewed_shares)
            if e.plan == "short-accident":
                number(r, col + 4, day(e.end), date)
            else:
                annual_end = e.end
            fee += item.fee
        number(r, 5, day(data.start), date)
        if annual_end is not None:
            number(r, 6, day(annual_end), date)
        number(r, total_col, fee, money)
    ws.freeze_panes(1, 3)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 21)
    ws.set_column(3, len(head), 12)


_Groups = dict[str, tuple[str, dict[str, list[Any]]]]


def _unit_plan_totals(data: EnrollSheetData) -> _Groups:
    """unit -> (地州市, plan -> [member IDs, shares, fee]), units in roster order."""
    groups: _Groups = {}
    for row, items in data.members:
        group = groups.get(row.unit)
        if group is None:
            group = groups[row.unit] = (row.prefecture, {})
        per_plan = group[1]
        for item in items:
            e = item.enrollment
            slot = per_plan.get(e.plan)
            if slot is None:  # not setdefault: that would build a set, a list and a Decimal per item
                slot = per_plan[e.plan] = [set(), 0, Decimal("0.00")]
            slot[0].add(row.id_number)
            slot[1] += e.shares
            slot[2] += item.fee
    return groups


def _unit_sheet(ws: Any, groups: _Groups, names: dict[str, str], fmt: dict[str, Any]) -> None:
    for col, text in enumerate(("工作单位", "所属地州市", "险种", "人数", "份数", "会费（元）")):
        ws.write_string(0, col, text, fmt["head"])
    r = 1
    total = Decimal("0.00")
    for unit, (prefecture, per_plan) in groups.items():
        for plan in (p for p in PLAN_CODES if p in per_plan):
            ids, shares, fee = per_plan[plan]
            _text(ws, r, 0, unit)
            _text(ws, r, 1, prefecture)
            ws.write_string(r, 2, names.get(plan, plan))
            ws.write_number(r, 3, len(ids))
            ws.write_number(r, 4, shares)
            ws.write_number(r, 5, fee, fmt["money"])
            total += fee
            r += 1
    ws.write_string(r, 0, "合计", fmt["bold"])
    ws.write_number(r, 5, total, fmt["money"])
    ws.set_column(0, 0, 28)
    ws.set_column(1, 2, 16)
    ws.set_column(3, 5, 12)


def _text(ws: Any, r: int, c: int, value: str) -> None:
    text = cell_text(value)
    if text:
        ws.write_string(r, c, text)


def _reprint_mark(data: EnrollSheetData) -> str:
    return f"（补打，打印日期 {data.reprint.isoformat()}）" if data.reprint else ""


def _notice_sheet(ws: Any, data: EnrollSheetData, groups: _Groups, fmt: dict[str, Any]) -> None:
    from xjma.core.capital import capital_amount

    names = data.names
    r = 0
    for unit, (prefecture, per_plan) in groups.items():
        ws.write_string(r, 0, "职工互助保障活动 缴费通知" + _reprint_mark(data), fmt["title"])
        ws.write_string(r + 1, 0, "工作单位：")
        _text(ws, r + 1, 1, unit)
        ws.write_string(r + 1, 3, "所属地州市：")
        _text(ws, r + 1, 4, prefecture or "未填写")
        ws.write_string(r + 2, 0, "保障起始日：")
        ws.write_string(r + 2, 1, data.start.isoformat())
        ws.write_string(r + 2, 3, "缴费日期：")
        ws.write_string(r + 2, 4, data.paid_on.isoformat())
        for col, text in enumerate(("险种", "人数", "份数", "金额（元）")):
            ws.write_string(r + 3, col, text, fmt["head"])
        r += 4
        members: set[str] = set()
        shares, total = 0, Decimal("0.00")
        for plan in (p for p in PLAN_CODES if p in per_plan):
            ids, plan_shares, fee = per_plan[plan]
            ws.write_string(r, 0, names.get(plan, plan))
            ws.write_number(r, 1, len(ids))
            ws.write_number(r, 2, plan_shares)
            ws.write_number(r, 3, fee, fmt["money"])
            members |= ids
            shares += plan_shares
            total += fee
            r += 1
        ws.write_string(r, 0, "合计", fmt["bold"])
        ws.write_number(r, 1, len(members))
        ws.write_number(r, 2, shares)
        ws.write_number(r, 3, total, fmt["money"])
        ws.write_string(r + 1, 0, "金额大写：")
        ws.write_string(r + 1, 1, capital_amount(total), fmt["bold"])
        r += 4
    ws.set_column(0, 0, 22)
    ws.set_column(1, 4, 16)
