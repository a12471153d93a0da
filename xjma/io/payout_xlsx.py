"""The workbooks of a payment batch (office.md §5 `claim pay`, documents.md 给付通知):

- the bank transfer list (银行转账清单): one line per case — 收款人, 开户行, the whole 收款账号 (the only
  place it is shown whole), 金额 in figures and in capitals — with a 合计 row, for the bank;
- the 给付通知: one A4 page per case (a page break after each), for the member or the relative: the case,
  the member (ID masked), plan, benefit, dates, the calculation steps, the amount in figures and in
  capitals (人民币（大写）), the payee with the account masked to its last 4 digits, the prefecture's
  经办人 and phone, and a line for the office's stamp and the date.

The notices are a workbook of their own beside the bank file, not a sheet of it: the bank file goes to the
bank and holds whole account numbers, the notices go to members and must not. Both are written to the
paths the caller gives (the job writes them to temporary files that replace the targets once the batch is
recorded). Layout of a notice: fixed (portrait, one page wide), as the 缴费通知 of io/payment_notice.py, so that
each is exactly one page; Excel's 1,023 page breaks per sheet: more cases continue on 给付通知2, ….
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xjma.core.capital import capital_amount
from xjma.core.labels import label
from xjma.core.payments import PayItem
from xjma.core.prefectures import Prefectures
from xjma.core.privacy import mask_account, mask_id
from xjma.io.sheet_blocks import notice_contact, notice_formats, write_notice_sheets, write_notice_sign_line
from xjma.io.sheet_layout import YUAN, Heading, Styles, row_height, wrapped_lines
from xjma.io.sheet_table import Column, write_table
from xjma.io.xlsx_util import cell_text

BANK_SHEET = "银行转账清单"
NOTICE_SHEET = "给付通知"
NOTICE_TITLE = "职工互助保障给付通知书"
WIDTHS = (16, 20, 14, 34)  # A–D, character units: 84, A4 portrait at about 100 %
MAX_STEP_LINES = 14  # a notice stays one page: longer explanations end with a pointer to the case
_OPTIONS = {"strings_to_formulas": False}


@dataclass(frozen=True)
class PayoutNotice:
    """One case's notice: its line of the batch and what the notice says about the claim."""

    item: PayItem
    steps: tuple[str, ...]


def write_bank_file(path: Path, batch: int, items: Sequence[PayItem], made_on: dt.date, issuer: str) -> None:
    """The bank transfer list of batch `batch` at `path` (accounts whole, as text)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), _OPTIONS)
    styles = Styles(book)
    ws = book.add_worksheet(BANK_SHEET)
    columns = (
        Column("序号", "int"),
        Column("收款人", "text", 16),
        Column("开户行", "text", 30),
        Column("收款账号", "id"),
        Column("金额（元）", "money", total=True),
        Column("金额（大写）", "text", 36),
        Column("案件编号", "int"),
        Column("会员姓名", "text", 12),
        Column("与会员关系", "text", 10),
    )
    rows = (
        (
            n,
            i.payee,
            i.bank,
            i.account,
            i.amount,
            capital_amount(i.amount),
            i.case,
            i.candidate.member,
            i.relation,
        )
        for n, i in enumerate(items, start=1)
    )
    heading = Heading(f"理赔支付第 {batch} 批 银行转账清单（共 {len(items)} 笔）", issuer, made_on)
    write_table(ws, styles, columns, rows, heading=heading, freeze_cols=2)
    book.close()


def write_payout_notices(
    path: Path, batch: int, notices: Sequence[PayoutNotice], made_on: dt.date, prefectures: Prefectures
) -> None:
    """The 给付通知 of batch `batch` at `path`, one page per case."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), _OPTIONS)
    f, issue = _formats(Styles(book)), (batch, made_on, prefectures)
    write_notice_sheets(
        book, NOTICE_SHEET, NOTICE_TITLE, WIDTHS, notices, lambda ws, n, r: _write_notice(ws, f, n, issue, r)
    )
    book.close()


def _write_notice(
    ws: Any, f: dict[str, Any], notice: PayoutNotice, issue: tuple[int, dt.date, Prefectures], r: int
) -> int:
    """One case's notice from row `r`; returns the row after it."""
    batch, made_on, prefectures = issue
    item, c = notice.item, notice.item.candidate
    ws.set_row(r, 40)
    ws.merge_range(r, 0, r, 3, NOTICE_TITLE, f["title"])
    r = _pair(ws, f, r + 2, ("案件编号：", str(item.case)), ("通知日期：", made_on.isoformat()))
    r = _pair(
        ws,
        f,
        r,
        ("会员姓名：", cell_text(c.member) or "未填写"),
        ("身份证号码：", mask_id(c.claim.id_number or "")),
    )
    r = _field(ws, f, r, "工作单位：", cell_text(c.unit) or "未填写")
    r = _pair(
        ws, f, r, ("所属地州市：", cell_text(c.prefecture) or "未填写"), ("支付批次：", f"第 {batch} 批")
    )
    r = _pair(ws, f, r, ("险种：", label(c.claim.plan)), ("给付项目：", label(c.claim.benefit)))
    r = _pair(
        ws,
        f,
        r,
        ("出险日期：", c.claim.event_date.isoformat()),
        ("审批日期：", c.approved_at.date().isoformat()),
    )
    r = _field(ws, f, r, "计算说明：", _steps(notice.steps))
    ws.set_row(r, 26)
    ws.write_string(r, 0, "人民币（大写）：", f["label"])
    ws.merge_range(r, 1, r, 2, capital_amount(item.amount), f["capital"])
    ws.write_number(r, 3, item.amount, f["yuan"])
    r = _pair(ws, f, r + 2, ("收款人：", cell_text(item.payee)), ("与会员关系：", item.relation))
    r = _field(ws, f, r, "开户行：", cell_text(item.bank))
    r = _field(ws, f, r, "收款账号：", mask_account(item.account))
    r = _field(ws, f, r, "说明：", "上述给付金额将转入收款账户，请注意查收；如有疑问，请与下列经办人联系。")
    who, phone = notice_contact(prefectures, c.prefecture)
    r = _pair(ws, f, r, ("经办人：", who), ("联系电话：", phone))
    return write_notice_sign_line(ws, f, r, ("盖章：", prefectures.office.name))


def _steps(steps: Sequence[str]) -> str:
    lines = [s for s in steps if s.strip()] or ["（无）"]
    if len(lines) > MAX_STEP_LINES:
        lines = [*lines[: MAX_STEP_LINES - 1], "……（完整计算过程见理赔案件记录）"]
    return "\n".join(cell_text(s) for s in lines)


def _field(ws: Any, f: dict[str, Any], r: int, name: str, value: str) -> int:
    """A label in A and its value across B:D, tall enough for the value; returns the next row."""
    ws.set_row(r, max(22.0, row_height(wrapped_lines(value, sum(WIDTHS[1:])))))
    ws.write_string(r, 0, name, f["label"])
    ws.merge_range(r, 1, r, 3, value, f["quoted"] if value[:1] in "=+-@\t" and value else f["value"])
    return r + 1


def _pair(ws: Any, f: dict[str, Any], r: int, left: tuple[str, str], right: tuple[str, str]) -> int:
    """Two label–value pairs on one line (A–B, C–D)."""
    lines = max(wrapped_lines(left[1], WIDTHS[1]), wrapped_lines(right[1], WIDTHS[3]))
    ws.set_row(r, max(22.0, row_height(lines)))
    for col, (name, value) in ((0, left), (2, right)):
        ws.write_string(r, col, name, f["label"])
        ws.write_string(r, col + 1, value, f["quoted"] if value[:1] in "=+-@\t" and value else f["value"])
    return r + 1


def _formats(s: Styles) -> dict[str, Any]:
    return {
        **notice_formats(s),
        "quoted": s.custom("p_quoted", {"valign": "vcenter", "text_wrap": True, "quote_prefix": True}),
        "capital": s.custom("p_capital", {"bold": True, "valign": "vcenter", "font_size": 12}),
        "yuan": s.custom("p_yuan", {"bold": True, "valign": "vcenter", "num_format": YUAN}),
    }
