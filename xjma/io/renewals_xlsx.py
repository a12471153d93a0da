"""The `renewals due` workbook (office.md §4, documents.md): a sheet per 地州市 with a line per unit, and a
sheet of the members due. A4 landscape, header row repeated, one page wide, a 合计 row, ID numbers and
codes as text.

Written with xlsxwriter directly: the shared document helpers (the "docs" work) are not on main yet;
when they are, `_page` and `_head` are what they replace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.columns import PLAN_SHORT
from xjma.core.rules import PLAN_CODES
from xjma.io.xlsx_util import atomic_target, write_text

if TYPE_CHECKING:
    from xjma.core.renewals import DueMember, RenewalsDue, UnitDue

REFUSALS = {"age": "不可续保：年龄不在参加范围内", "retired": "不可续保：已到法定退休日期"}
UNIT_HEAD = ["工作单位", "单位编码", "经办人", "联系电话", "应续保人数", "不可续保人数"]
# One line per member (all the member's plans due in one cell) under a line naming the unit: a month of
# ends over the region is ~100,000 member-plans, and each cell costs xlsxwriter microseconds — the sheet
# is kept to 5 cells a member.
MEMBER_HEAD = ["姓名", "身份证号码", "续保险种及份数", "最早保障止期", "应缴会费（元）", "备注"]
EXCEL_EPOCH = dt.date(1899, 12, 30)


def write_due_workbook(path: Path, result: RenewalsDue) -> None:
    import xlsxwriter

    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp))  # shared strings: units, plans repeat on many lines
        styles = {
            "head": book.add_format({"bold": True, "border": 1, "text_wrap": True}),
            "money": book.add_format({"num_format": "#,##0.00"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "total": book.add_format({"bold": True}),
            "total_money": book.add_format({"bold": True, "num_format": "0.00"}),
        }
        prefectures = sorted({u.prefecture for u in result.units}) or ["未填写"]
        for prefecture in prefectures:
            units = [u for u in result.units if u.prefecture == prefecture]
            _unit_sheet(book, styles, prefecture, units)
        _member_sheet(book, styles, sorted(result.members, key=_member_order))
        book.close()


PLAN_RANK = {code: n for n, code in enumerate(PLAN_CODES)}


def _member_order(m: DueMember) -> tuple[str, str, str, str, int]:
    p = m.period
    return (p.prefecture, p.unit, p.code, p.id_number, PLAN_RANK.get(p.plan, len(PLAN_RANK)))


def _page(ws: Any, columns: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.repeat_rows(0)
    ws.fit_to_pages(1, 0)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 1, 22)
    ws.set_column(2, columns - 1, 12)


def _head(ws: Any, styles: dict[str, Any], head: list[str]) -> None:
    for c, title in enumerate(head):
        ws.write_string(0, c, title, styles["head"])


def _unit_sheet(book: Any, styles: dict[str, Any], prefecture: str, units: list[UnitDue]) -> None:
    plans = [code for code in PLAN_CODES if any(code in u.plans for u in units)]
    head = [*UNIT_HEAD]
    for code in plans:
        head += [f"{PLAN_SHORT.get(code, code)}人数", f"{PLAN_SHORT.get(code, code)}份数"]
    head += ["应缴会费（元）", "最早保障止期"]
    ws = book.add_worksheet(prefecture[:31])
    _page(ws, len(head))
    _head(ws, styles, head)
    totals = [0] * (2 + 2 * len(plans))
    r = 0
    for r, u in enumerate(units, start=1):
        for c, text in enumerate((u.unit, u.code, u.contact, u.phone)):
            write_text(ws, r, c, text)
        values: list[int] = [u.members_due, u.not_renewable]
        for code in plans:
            count = u.plans.get(code)
            values += [count.members, count.shares] if count else [0, 0]
        for c, value in enumerate(values, start=4):
            ws.write_number(r, c, value)
            totals[c - 4] += value
        ws.write_number(r, len(head) - 2, u.fee_due, styles["money"])
        write_text(ws, r, len(head) - 1, u.earliest_end)
    ws.write_string(r + 1, 0, "合计", styles["total"])
    for c, value in enumerate(totals, start=4):
        ws.write_number(r + 1, c, value, styles["total"])
    fee = sum((u.fee_due for u in units), Decimal("0.00"))
    ws.write_number(r + 1, len(head) - 2, fee, styles["total_money"])


def _member_sheet(book: Any, styles: dict[str, Any], members: list[DueMember]) -> None:
    """Per unit (a line naming it, then its members in ID order), a line per member: the plans due with
    their shares, the earliest E, the fee due, and why the rules would refuse a renewal."""
    ws = book.add_worksheet("会员名单")
    _page(ws, len(MEMBER_HEAD))
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 20)
    ws.set_column(2, 2, 30)
    ws.set_column(5, 5, 30)
    _head(ws, styles, MEMBER_HEAD)
    shown: dict[str, str] = {}  # plan lists repeat: each is made once
    serial: dict[dt.date, int] = {}
    money, date, write_string, write_number = (
        styles["money"],
        styles["date"],
        ws.write_string,
        ws.write_number,
    )
    r, total, i, unit = 0, Decimal("0.00"), 0, None
    while i < len(members):
        first = members[i].period
        if (first.prefecture, first.unit, first.code) != unit:
            unit = (first.prefecture, first.unit, first.code)
            r += 1
            label = f"{first.unit}（{first.code}）" if first.code else first.unit
            write_text(ws, r, 0, f"{first.prefecture}　{label}", styles["total"])
        j = i + 1
        while j < len(members) and members[j].period.id_number == first.id_number:
            j += 1
        mine = members[i:j]
        r += 1
        key = "、".join(f"{PLAN_SHORT.get(m.period.plan, m.period.plan)}{m.period.shares}份" for m in mine)
        plans = shown.get(key) or shown.setdefault(key, key)
        end = min(m.period.end for m in mine)
        fee = sum((m.fee for m in mine), Decimal("0.00"))
        total += fee
        write_text(ws, r, 0, first.name)
        write_text(ws, r, 1, first.id_number)  # masked with --mask
        write_string(r, 2, plans)
        days = serial.get(end)
        if days is None:
            days = serial[end] = (end - EXCEL_EPOCH).days
        write_number(r, 3, days, date)
        write_number(r, 4, fee, money)
        refusal = next((m.refusal for m in mine if m.refusal), None)
        if refusal:
            write_string(r, 5, REFUSALS.get(refusal, ""))
        i = j
    ws.write_string(r + 1, 0, "合计", styles["total"])
    ws.write_number(r + 1, 4, total, styles["total_money"])
