"""The `renewals due` workbook (office.md §4, documents.md): a sheet per 地州市 with a line per unit, and a
sheet of the members due — through the shared document helpers (io/sheet_layout, io/sheet_table): title
block with 制表单位 / 制表日期, A4, one page wide, header repeated, 合计 rows, ID numbers as text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.columns import PLAN_SHORT
from xjma.core.rules import PLAN_CODES
from xjma.io.sheet_layout import Heading, Styles, issuer_for
from xjma.io.sheet_table import Column, Marked, write_table
from xjma.io.xlsx_util import atomic_target

if TYPE_CHECKING:
    from xjma.core.renewals import DueMember, RenewalsDue, UnitDue

LAPSED = "已脱保（保障止期 {end}，宽限期已过）"
REFUSALS = {"age": "不可续保：年龄不在参加范围内", "retired": "不可续保：已到法定退休日期"}
UNIT_COLUMNS = (
    Column("工作单位", "wrap", 30),
    Column("单位编码", "id"),
    Column("经办人", "text", 12),
    Column("联系电话", "id"),
    Column("应续保人数", "int", total=True),
    Column("不可续保人数", "int", total=True),
)
# One line per member (all the member's plans due in one cell) under a line naming the unit: a month of
# ends over the region is ~100,000 member-plans, and each cell costs xlsxwriter microseconds — the sheet
# is kept to 6 cells a member.
MEMBER_COLUMNS = (
    Column("姓名", "text", 16),
    Column("身份证号码", "id"),
    Column("续保险种及份数", "wrap", 30),
    Column("最早保障止期", "date"),
    Column("应缴会费（元）", "money", total=True),
    Column("备注", "wrap", 30),
)
PLAN_RANK = {code: n for n, code in enumerate(PLAN_CODES)}


def write_due_workbook(path: Path, result: RenewalsDue, made_on: dt.date | None = None) -> None:
    import xlsxwriter

    from xjma.io.prefectures import load_prefectures

    prefectures = load_prefectures()
    made_on = made_on or dt.date.today()
    names = sorted({u.prefecture for u in result.units}) or ["未填写"]
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        styles = Styles(book)
        for prefecture in names:
            units = [u for u in result.units if u.prefecture == prefecture]
            title = f"续保提醒（{prefecture}，保障止期 {result.before.isoformat()} 前）"
            heading = Heading(title, issuer_for(prefectures, [prefecture]), made_on)
            _unit_sheet(book, styles, prefecture, units, heading)
        title = f"应续保会员名单（保障止期 {result.before.isoformat()} 前）"
        heading = Heading(title, issuer_for(prefectures, names), made_on)
        listed = sorted((*result.members, *result.lapsed), key=_member_order)
        _member_sheet(book, styles, listed, heading)
        book.close()


def _member_order(m: DueMember) -> tuple[str, str, str, str, bool, int]:
    p = m.period
    return (p.prefecture, p.unit, p.code, p.id_number, m.lapsed, PLAN_RANK.get(p.plan, len(PLAN_RANK)))


def _unit_sheet(book: Any, styles: Styles, prefecture: str, units: list[UnitDue], heading: Heading) -> None:
    plans = [code for code in PLAN_CODES if any(code in u.plans for u in units)]
    columns = [*UNIT_COLUMNS]
    for code in plans:
        short = PLAN_SHORT.get(code, code)
        columns += [Column(f"{short}人数", "int", total=True), Column(f"{short}份数", "int", total=True)]
    columns += [Column("应缴会费（元）", "money", total=True), Column("最早保障止期", "date")]

    def rows() -> Any:
        for u in units:
            counts: list[int] = []
            for code in plans:
                count = u.plans.get(code)
                counts += [count.members, count.shares] if count else [0, 0]
            yield (u.unit, u.code, u.contact, u.phone, u.members_due, u.not_renewable, *counts, u.fee_due,
                   u.earliest_end)  # fmt: skip

    ws = book.add_worksheet(prefecture[:31])
    write_table(ws, styles, columns, rows(), heading=heading)


def _member_sheet(book: Any, styles: Styles, members: list[DueMember], heading: Heading) -> None:
    """Per unit (a line naming it, then its members in ID order), a line per member: the plans due with
    their shares, the earliest E, the fee due, and why the rules would refuse a renewal; a lapsed
    member's lapsed plans on a line of their own (after the member's plans due), no fee, 备注 已脱保."""
    shown: dict[str, str] = {}  # plan lists repeat: each is made once

    def rows() -> Any:
        i, unit = 0, None
        while i < len(members):
            first = members[i].period
            if (first.prefecture, first.unit, first.code) != unit:
                unit = (first.prefecture, first.unit, first.code)
                label = f"{first.unit}（{first.code}）" if first.code else first.unit
                yield (Marked(f"{first.prefecture}　{label}", "bold"), None, None, None, None, None)
            j = i + 1
            while j < len(members) and (members[j].period.id_number, members[j].lapsed) == (
                first.id_number,
                members[i].lapsed,
            ):
                j += 1
            mine = members[i:j]
            key = "、".join(
                f"{PLAN_SHORT.get(m.period.plan, m.period.plan)}{m.period.shares}份" for m in mine
            )
            plans = shown.get(key) or shown.setdefault(key, key)
            refusal = next((m.refusal for m in mine if m.refusal), None)
            fee = sum((m.fee for m in mine), Decimal("0.00"))
            end = min(m.period.end for m in mine)
            if members[i].lapsed:
                yield (first.name, first.id_number, plans, end, None, LAPSED.format(end=end.isoformat()))
            else:
                yield (first.name, first.id_number, plans, end, fee, REFUSALS.get(refusal or "") or None)
            i = j

    ws = book.add_worksheet("会员名单")
    write_table(ws, styles, MEMBER_COLUMNS, rows(), heading=heading, freeze_cols=2)
