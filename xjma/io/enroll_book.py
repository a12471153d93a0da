"""DRAFT of the reshaped enrollment workbook sheets (参保结果), to replace the sheet writers of
io/enroll_xlsx once the actions reshape is merged: 参保名单 (≤ 14 columns, A4 landscape), 单位汇总 with
合计, 缴费通知 one page per unit (io/payment_notice), 未登记人员 for refused rows (io/refused_sheet);
a dry run marks every sheet 试算，非正式通知, a reprint 补打."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from xjma.io.office_file import load_payment_terms
from xjma.io.payment_notice import NoticeIssue, unit_notices, write_payment_notices
from xjma.io.prefectures import load_prefectures
from xjma.io.refused_sheet import write_refused_sheet
from xjma.io.sheet_layout import DRAFT_MARK, REPRINT_MARK, Heading, Styles, issuer_for
from xjma.io.sheet_table import Column, write_table


def write_enroll_sheets(book: Any, data: Any) -> None:
    """All sheets of the enrollment workbook into an open xlsxwriter workbook."""
    prefectures = load_prefectures()
    made_on = getattr(data, "reprint", None) or data.paid_on
    mark = DRAFT_MARK if data.dry_run else (REPRINT_MARK if getattr(data, "reprint", None) else "")
    seen = list(dict.fromkeys(row.prefecture for row, _ in data.members))
    issuer = issuer_for(prefectures, seen)
    styles = Styles(book)
    period = f"保障期 {data.start.isoformat()} 起"
    roster_sheet(book, styles, data, Heading(f"参保名单（{period}）", issuer, made_on, mark))
    unit_sheet(book, styles, data, Heading(f"参保单位汇总（{period}）", issuer, made_on, mark))
    notices = unit_notices(data.members, data.names, data.start)
    issue = NoticeIssue(data.paid_on if not getattr(data, "reprint", None) else made_on,
                        load_payment_terms(), prefectures, mark)  # fmt: skip
    write_payment_notices(book, styles, notices, issue)
    refused = getattr(data, "refused", ())
    if refused:
        heading = Heading("未登记人员（有错误，未参保，请改正后重新提交）", issuer, made_on, mark)
        write_refused_sheet(book, styles, refused, heading)


def roster_sheet(book: Any, styles: Styles, data: Any, heading: Heading) -> None:
    names, plans = data.names, data.plans
    columns = [
        Column("行号", "int", 8),
        Column("姓名", "text", 16),
        Column("身份证号码", "id"),
        Column("工作单位", "text", 26),
        *(Column(f"{names.get(p, p)}（份）", "int", 9, total=True) for p in plans),
        Column("会费合计", "money", 12, total=True),
        Column("保障期", "wrap", 26),
        Column("观察期止", "date", 22),
        Column("续保", "text", 12),
    ]
    ws = book.add_worksheet("参保名单")
    write_table(ws, styles, columns, (_member_row(row, items, data) for row, items in data.members),
                heading=heading, freeze_cols=2)  # fmt: skip


def _member_row(row: Any, items: Sequence[Any], data: Any) -> list[object]:
    shares: dict[str, int] = {}
    fee = Decimal("0.00")
    for item in items:
        shares[item.enrollment.plan] = item.enrollment.shares
        fee += item.fee
    return [
        row.row,
        row.name,
        row.id_number,
        row.unit,
        *(shares.get(p) for p in data.plans),
        fee,
        _period(data.start, items, data.names),
        _observation(items, data.names),
        _renewal(items, data.names),
    ]


def unit_sheet(book: Any, styles: Styles, data: Any, heading: Heading) -> None:
    columns = [
        Column("工作单位", "text", 36),
        Column("所属地州市", "text", 12),
        Column("险种", "text", 16),
        Column("人数", "int", total=True),
        Column("份数", "int", total=True),
        Column("会费（元）", "money", 14, total=True),
    ]
    rows = []
    for notice in unit_notices(data.members, data.names, data.start):
        for line in notice.lines:
            rows.append((notice.unit, notice.prefecture, line.plan, line.members, line.shares, line.fee))
    ws = book.add_worksheet("单位汇总")
    write_table(ws, styles, columns, rows, heading=heading, freeze_cols=1)


def _period(start: dt.date, items: Sequence[Any], names: dict[str, str]) -> str:
    """保障期: S 至 E of the one-year plans, and a plan with its own end (plan 5) named after it."""
    annual = [i.enrollment.end for i in items if i.enrollment.plan != "short-accident"]
    own = [i for i in items if i.enrollment.plan == "short-accident"]
    parts = [f"{start.isoformat()} 至 {annual[0].isoformat()}"] if annual else []
    for item in own:
        end = item.enrollment.end.isoformat()
        name = names.get(item.enrollment.plan, item.enrollment.plan)
        parts.append(f"{name}至 {end}" if annual else f"{start.isoformat()} 至 {end}")
    return "\n".join(parts)


def _observation(items: Sequence[Any], names: dict[str, str]) -> dt.date | str | None:
    ends = [(i.enrollment.plan, i.observation_end) for i in items if i.observation_end is not None]
    if not ends:
        return None
    if len({day for _, day in ends}) == 1:
        return ends[0][1]  # type: ignore[no-any-return]
    return "\n".join(f"{names.get(p, p)} {day.isoformat()}" for p, day in ends)


def _renewal(items: Sequence[Any], names: dict[str, str]) -> str:
    renewed = [i.enrollment for i in items if i.enrollment.renewed_shares]
    if not renewed:
        return ""
    if len(renewed) == len(items) and all(e.renewed_shares == e.shares for e in renewed):
        return "是"
    return "；".join(f"{names.get(e.plan, e.plan)} {e.renewed_shares}/{e.shares} 份" for e in renewed)
