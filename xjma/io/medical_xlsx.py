"""The 一单结算 reconciliation workbook (office.md §8 `medical import -o`): 汇总 (records and amounts per
class), 对账明细 (one line per record with its class, what the platform paid, what xjma computes and how)
and 问题行 (rows that could not be read, with the reason). Written through sheet_layout + sheet_table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.medical import CLASS_LABELS, CLASSES
from xjma.io.sheet_layout import Heading, Styles
from xjma.io.sheet_table import Column, write_table
from xjma.io.xlsx_util import atomic_target, check_output

SUMMARY = (
    Column("类别", "text", 16),
    Column("记录数", "int", total=True),
    Column("平台互助金支付（元）", "money", total=True),
    Column("xjma 计算（元）", "money", total=True),
    Column("差额（元）", "money", total=True),
)
DETAIL = (
    Column("行号", "int"),
    Column("结算编号", "id"),
    Column("身份证号码", "id"),
    Column("姓名", "text", 12),
    Column("入院日期", "date"),
    Column("出院日期", "date"),
    Column("类别", "text", 14),
    Column("平台互助金支付（元）", "money", total=True),
    Column("xjma 计算（元）", "money", total=True),
    Column("差额（元）", "money", total=True),
    Column("计算过程", "wrap", 60),
)
PROBLEMS = (Column("行号", "int"), Column("原因", "wrap", 80))


def write_reconciliation(path: Path, run: Any, made_on: dt.date) -> None:
    """`run`: a jobs.medical.ImportRun."""
    import xlsxwriter

    from xjma.io.prefectures import load_prefectures

    check_output(path)
    issuer = load_prefectures().office.name
    title = f"一单结算对账（{run.file.name}）"
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False})
        styles = Styles(book)
        ws = book.add_worksheet("汇总")
        write_table(ws, styles, SUMMARY, _summary(run), heading=Heading(f"{title} 汇总", issuer, made_on))
        ws = book.add_worksheet("对账明细")
        write_table(
            ws,
            styles,
            DETAIL,
            _details(run),
            heading=Heading(f"{title} 明细", issuer, made_on),
            freeze_cols=3,
        )
        ws = book.add_worksheet("问题行")
        rows = ((b.row, b.message) for b in run.errors)
        write_table(
            ws,
            styles,
            PROBLEMS,
            rows,
            heading=Heading(f"{title} 无法读取的行", issuer, made_on),
            total_label=None,
        )
        book.close()


def _summary(run: Any) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for cls in CLASSES:
        mine = [i for i in run.items if i.cls == cls]
        platform = sum((i.settlement.platform for i in mine), Decimal("0.00"))
        xjma = sum((i.xjma for i in mine), Decimal("0.00"))
        rows.append((CLASS_LABELS[cls], len(mine), platform, xjma, platform - xjma))
    return rows


def _details(run: Any) -> Any:
    for i in run.items:
        s = i.settlement
        yield (
            s.row,
            s.settlement_no,
            s.id_number,
            s.name,
            s.admitted,
            s.discharged,
            CLASS_LABELS[i.cls],
            s.platform,
            i.xjma,
            s.platform - i.xjma,
            "\n".join(i.steps),
        )
