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
from xjma.io.xlsx_util import TextCells, cell_text, workbook_at

DRY_RUN_MARK = "试算，非正式通知"
_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (1900 date system, past the 1900-02-29 bug)


@dataclass
class EnrollSheetData:
    """What the workbook shows: the batch, and each enrolled member's row with its enrollments."""

    start: dt.date
    paid_on: dt.date
    names: dict[str, str]  # plan code -> short name
    members: Sequence[tuple[RosterRow, Sequence[NewEnrollment]]]
    dry_run: bool = False
    reprint: dt.date | None = None  # `batch report`: marked 补打 with this print date (office.md §2)
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
    """Write the three sheets into an xlsxwriter Workbook (the caller saves it)."""
    texts = TextCells(book)
    fmt = {
        "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "money": book.add_format({"num_format": "0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
    }
    _roster_sheet(book.add_worksheet("参保名单"), data, fmt, texts)
    groups = _unit_plan_totals(data)
    _unit_sheet(book.add_worksheet("单位汇总"), groups, data.names, fmt, texts)
    _notice_sheet(book.add_worksheet("缴费通知"), data, groups, fmt, texts)
    if data.dry_run:
        for ws in book.worksheets():
            ws.set_header(f"&C{DRY_RUN_MARK}")
    if data.reprint:
        for ws in book.worksheets():
            ws.set_header(f"&C{_reprint_mark(data)}")


def _roster_sheet(ws: Any, data: EnrollSheetData, fmt: dict[str, Any], texts: TextCells) -> None:
    names = data.names
    head = ["行号", "姓名", "身份证号码", "工作单位", "险种及份数", "会费合计", "保障期", "观察期止", "续保"]
    for col, title in enumerate(head):
        ws.write_string(0, col, title, fmt["head"])
    money, date = fmt["money"], fmt["date"]
    write_number, write_string, write_text = ws.write_number, ws.write_string, texts.write_clean
    per_items: dict[tuple[Any, ...], _RowTexts] = {}  # a batch repeats a handful of plan combinations
    units: dict[str, str] = {}
    for r, (row, items) in enumerate(data.members, start=1):
        write_number(r, 0, row.row)
        for col, value in ((1, row.name), (2, row.id_number)):
            text = cell_text(value)  # from the roster: always a string, never a formula
            if text:
                write_text(ws, r, col, text)
        unit = units.get(row.unit)
        if unit is None:
            unit = units[row.unit] = cell_text(row.unit)
        if unit:
            write_text(ws, r, 3, unit)
        key = tuple(
            (i.enrollment.plan, i.enrollment.shares, i.enrollment.renewed_shares, i.enrollment.end,
             i.observation_end, i.fee)
            for i in items
        )  # fmt: skip
        shown = per_items.get(key)
        if shown is None:
            shown = per_items[key] = _row_texts(data.start, items, names)
        shares, fee, period, observed, renewal = shown
        write_string(r, 4, shares)
        write_number(r, 5, fee, money)
        write_string(r, 6, period)
        if isinstance(observed, dt.date):
            write_number(r, 7, (observed - _EPOCH).days, date)
        elif observed:
            write_string(r, 7, observed)
        if renewal:
            write_string(r, 8, renewal)
    _roster_layout(ws)


_RowTexts = tuple[str, Decimal, str, "dt.date | str | None", str]


def _row_texts(start: dt.date, items: Sequence[NewEnrollment], names: dict[str, str]) -> _RowTexts:
    """What 参保名单 shows of a member's enrollments: 险种及份数, 会费合计, 保障期, 观察期止, 续保."""
    fee = sum((i.fee for i in items), start=Decimal("0.00"))
    return (
        _shares(items, names),
        fee,
        _period(start, items, names),
        _observation(items, names),
        _renewal(items, names),
    )


def _shares(items: Sequence[NewEnrollment], names: dict[str, str]) -> str:
    """险种及份数: each plan held with its shares, in plan order ("住院+意外 1份；重大疾病 2份")."""
    order = sorted(items, key=lambda i: PLAN_CODES.index(i.enrollment.plan))
    return "；".join(
        f"{names.get(i.enrollment.plan, i.enrollment.plan)} {i.enrollment.shares}份" for i in order
    )


def _roster_layout(ws: Any) -> None:
    ws.freeze_panes(1, 2)
    for first, last, width in ((0, 0, 6), (1, 1, 10), (2, 2, 20), (3, 3, 24), (4, 4, 26), (5, 5, 10)):
        ws.set_column(first, last, width)
    ws.set_column(6, 6, 24)
    ws.set_column(7, 8, 14)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.hide_gridlines(0)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _period(start: dt.date, items: Sequence[NewEnrollment], names: dict[str, str]) -> str:
    """保障期: S 至 E of the one-year plans, and a plan with its own end (plan 5) named after it."""
    annual = [i.enrollment.end for i in items if i.enrollment.plan != "short-accident"]
    own = [i for i in items if i.enrollment.plan == "short-accident"]
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


def _unit_sheet(
    ws: Any, groups: _Groups, names: dict[str, str], fmt: dict[str, Any], texts: TextCells
) -> None:
    for col, text in enumerate(("工作单位", "所属地州市", "险种", "人数", "份数", "会费（元）")):
        ws.write_string(0, col, text, fmt["head"])
    r = 1
    total = Decimal("0.00")
    for unit, (prefecture, per_plan) in groups.items():
        for plan in (p for p in PLAN_CODES if p in per_plan):
            ids, shares, fee = per_plan[plan]
            texts.write(ws, r, 0, unit)
            texts.write(ws, r, 1, prefecture)
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


def _reprint_mark(data: EnrollSheetData) -> str:
    return f"（补打，打印日期 {data.reprint.isoformat()}）" if data.reprint else ""


def _notice_sheet(
    ws: Any, data: EnrollSheetData, groups: _Groups, fmt: dict[str, Any], texts: TextCells
) -> None:
    from xjma.core.capital import capital_amount

    names = data.names
    r = 0
    for unit, (prefecture, per_plan) in groups.items():
        ws.write_string(r, 0, "职工互助保障活动 缴费通知" + _reprint_mark(data), fmt["title"])
        ws.write_string(r + 1, 0, "工作单位：")
        texts.write(ws, r + 1, 1, unit)
        ws.write_string(r + 1, 3, "所属地州市：")
        texts.write(ws, r + 1, 4, prefecture or "未填写")
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
