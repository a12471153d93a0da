"""The 拒付通知 of `claim reject` (office.md §5, documents.md): one A4 page per case, to be handed to the
member through the unit — title 职工互助保障活动拒付通知书, the case and the member, the claim (险种,
给付项目, 出险日期), the reason, how it was computed, the office's contact, and lines for 经办人 and 日期.

Laid out like the 缴费通知 (io/payment_notice.py): fixed portrait columns at 100 %, a page break after
each case, at most 1,000 cases per sheet (Excel allows 1,023 page breaks), then 拒付通知2, ….
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.labels import label
from xjma.io.sheet_blocks import notice_contact, notice_formats, write_notice_sheets, write_notice_sign_line
from xjma.io.sheet_layout import Styles, row_height, wrapped_lines
from xjma.io.xlsx_util import atomic_target, cell_text

if TYPE_CHECKING:
    from xjma.io.ledger.cases import StoredCase

SHEET = "拒付通知"
TITLE = "职工互助保障活动拒付通知书"
WIDTHS = (16, 24, 16, 28)  # A–D: 84 character units, A4 portrait at about 100 %
_VALUE_WIDTH = sum(WIDTHS[1:])


def write_refusal_notices(path: Path, cases: Sequence[StoredCase], issued_on: dt.date) -> None:
    """One page per rejected case, written atomically."""
    import xlsxwriter

    from xjma.io.prefectures import load_prefectures

    prefectures = load_prefectures()
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        f = notice_formats(Styles(book))
        write_notice_sheets(
            book, SHEET, TITLE, WIDTHS, cases, lambda ws, c, r: _notice(ws, f, c, issued_on, prefectures, r)
        )
        book.close()


def _reason(case: StoredCase) -> str:
    rejected = [e for e in case.view.history if e.state == "rejected"]
    return (rejected[-1].note or "") if rejected else ""


def _notice(
    ws: Any, f: dict[str, Any], case: StoredCase, issued_on: dt.date, prefectures: Any, r: int
) -> int:
    claim, facts = case.claim, case.facts
    ws.merge_range(r, 0, r, 3, TITLE, f["title"])
    ws.set_row(r, 40)
    r += 2
    r = _pair(ws, f, r, ("案件编号：", str(case.id)), ("通知日期：", issued_on.isoformat()))
    r = _pair(
        ws,
        f,
        r,
        ("会员姓名：", cell_text(facts.name) or "未填写"),
        ("身份证号码：", cell_text(claim["id_number"])),
    )
    r = _field(ws, f, r, "工作单位：", cell_text(facts.unit) or "未填写")
    r = _field(ws, f, r, "所属地州市：", cell_text(facts.prefecture) or "未填写")
    r = _pair(ws, f, r, ("险　　种：", label(claim["plan"])), ("给付项目：", label(claim["benefit"])))
    r = _pair(
        ws, f, r, ("出险日期：", claim["event_date"].isoformat()), ("给付金额：", "0.00 元（不予给付）")
    )
    r += 1
    text = (
        f"经审核，您于 {claim['event_date'].isoformat()} 申请的{label(claim['plan'])}{label(claim['benefit'])}"
        f"互助金不予给付。拒付原因：{cell_text(_reason(case)) or '（未写明）'}"
    )
    r = _field(ws, f, r, "审核意见：", text)
    steps = claim["result"].get("steps", ())
    r = _field(ws, f, r, "计算过程：", "\n".join(f"{i}. {s}" for i, s in enumerate(steps, start=1)) or "—")
    r = _field(
        ws,
        f,
        r,
        "说　　明：",
        "如对本通知有异议，请在收到本通知之日起 30 日内持相关材料向所在单位工会或办事处提出复核。",
    )
    who, phone = notice_contact(prefectures, facts.prefecture)
    r = _pair(ws, f, r + 1, ("经办单位：", who), ("联系电话：", phone))
    return write_notice_sign_line(ws, f, r, ("经办人：", "＿" * 8))


def _field(ws: Any, f: dict[str, Any], r: int, name: str, value: str) -> int:
    ws.write_string(r, 0, name, f["label"])
    ws.merge_range(r, 1, r, 3, value, f["value"])
    ws.set_row(r, max(22.0, row_height(sum(wrapped_lines(line, _VALUE_WIDTH) for line in value.split("\n")))))
    return r + 1


def _pair(ws: Any, f: dict[str, Any], r: int, left: tuple[str, str], right: tuple[str, str]) -> int:
    ws.write_string(r, 0, left[0], f["label"])
    ws.write_string(r, 1, left[1], f["value"])
    ws.write_string(r, 2, right[0], f["label"])
    ws.write_string(r, 3, right[1], f["value"])
    lines = max(wrapped_lines(left[1], WIDTHS[1]), wrapped_lines(right[1], WIDTHS[3]))
    ws.set_row(r, max(22.0, row_height(lines)))
    return r + 1
