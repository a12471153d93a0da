"""The claims workbook in (roster.md "Claims file") and the settlement workbook out (理赔结果).

Values that came from the input are written as text (write_string), never as formulas."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.claims.model import REASON_LABELS, WARNING_LABELS, ClaimError, ClaimResult
from xjma.core.columns import CLAIMS_FIELDS, PLAN_SHORT
from xjma.core.vocab import BENEFIT_NAMES
from xjma.errors import XjmaError


def read_claims_file(path: Path, sheet: str | None = None) -> list[tuple[int, dict[str, object]]]:
    """Every data row of a claims file: (Excel row, field -> raw cell). XjmaError when it cannot be read."""
    from xjma.io.sheets import read_table

    table = read_table(path, CLAIMS_FIELDS, sheet=sheet, key_fields=("id_number",))
    missing = [
        f.header
        for f in CLAIMS_FIELDS
        if f.name in ("plan", "benefit", "event_date") and f.name not in table.columns
    ]
    if missing:
        raise XjmaError(f"理赔明细 {path} 缺少必需的列：{'、'.join(missing)}")
    return [(raw.row, {f.name: table.value(raw, f.name) for f in CLAIMS_FIELDS}) for raw in table.rows]


def clean(value: object) -> str:
    from xjma.io.xlsx_util import cell_text

    return cell_text(value)


def write_settlement(
    path: Path, results: Sequence[ClaimResult], errors: Sequence[ClaimError], names: dict[int | None, str]
) -> None:
    """理赔结果 (one line per claim with its steps), 会员汇总 (per member totals), 无法计算 (errors)."""
    import xlsxwriter

    from xjma.io.xlsx_util import atomic_target

    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        fmt = {
            "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
            "money": book.add_format({"num_format": "0.00"}),
            "total": book.add_format({"num_format": "0.00", "bold": True, "border": 1}),
            "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        }
        _claims_sheet(book, fmt, results, names)
        _members_sheet(book, fmt, results, names)
        _errors_sheet(book, fmt, errors)
        book.close()


_HEADERS = (
    "行号",
    "身份证号码",
    "姓名",
    "险种",
    "给付项目",
    "出险日期",
    "保障期第几天",
    "给付金额（元）",
    "原因",
    "除外原因",
    "此后保障终止",
    "规则版本",
    "计算过程",
    "提示",
)


def _claims_sheet(
    book: Any, fmt: dict[str, Any], results: Sequence[ClaimResult], names: dict[int | None, str]
) -> None:
    from xjma.io.xlsx_util import TextCells

    texts = TextCells(book)
    sheet = book.add_worksheet("理赔结果")
    sheet.write_row(0, 0, _HEADERS, fmt["head"])
    for i, r in enumerate(results, start=1):
        c = r.claim
        if c.row is not None:
            sheet.write_number(i, 0, c.row)
        values = [
            c.id_number or "",
            names.get(c.row, ""),
            PLAN_SHORT.get(c.plan, c.plan),
            BENEFIT_NAMES.get(c.benefit, c.benefit),
            c.event_date.isoformat(),
        ]
        for col, value in enumerate(values, start=1):
            texts.write(sheet, i, col, value)
        sheet.write_number(i, 6, r.day_index)
        sheet.write_number(i, 7, r.payout, fmt["money"])
        sheet.write_string(i, 8, "、".join(REASON_LABELS.get(x, x) for x in r.reasons))
        texts.write(sheet, i, 9, r.exclusion or "")
        sheet.write_string(i, 10, "是" if r.cover_ended else "否")
        sheet.write_string(i, 11, r.rules_version)
        sheet.write_string(i, 12, clean("\n".join(r.steps)), fmt["wrap"])
        sheet.write_string(i, 13, "、".join(WARNING_LABELS.get(w, w) for w in r.warnings))
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 11, 11)
    sheet.set_column(12, 12, 90)
    sheet.freeze_panes(1, 0)


def _members_sheet(
    book: Any, fmt: dict[str, Any], results: Sequence[ClaimResult], names: dict[int | None, str]
) -> None:
    from xjma.io.xlsx_util import TextCells

    texts = TextCells(book)
    sheet = book.add_worksheet("会员汇总")
    sheet.write_row(0, 0, ("身份证号码", "姓名", "理赔笔数", "给付合计（元）"), fmt["head"])
    totals: dict[str, tuple[str, int, Decimal]] = {}
    for r in results:
        key = r.claim.id_number or ""
        name, count, amount = totals.get(key, (names.get(r.claim.row, ""), 0, Decimal(0)))
        totals[key] = (name, count + 1, amount + r.payout)
    for i, (number, (name, count, amount)) in enumerate(totals.items(), start=1):
        texts.write(sheet, i, 0, number)
        texts.write(sheet, i, 1, name)
        sheet.write_number(i, 2, count)
        sheet.write_number(i, 3, amount, fmt["money"])
    last = len(totals) + 1
    sheet.write_string(last, 0, "合计", fmt["head"])
    sheet.write_number(last, 2, sum(count for _, count, _ in totals.values()), fmt["head"])
    sheet.write_number(last, 3, sum((a for _, _, a in totals.values()), Decimal(0)), fmt["total"])
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 3, 14)


def _errors_sheet(book: Any, fmt: dict[str, Any], errors: Sequence[ClaimError]) -> None:
    sheet = book.add_worksheet("无法计算")
    sheet.write_row(0, 0, ("行号", "原因"), fmt["head"])
    for i, e in enumerate(errors, start=1):
        sheet.write_string(i, 0, str(e.row or ""))
        sheet.write_string(i, 1, clean(e.message))
    sheet.set_column(1, 1, 90)
