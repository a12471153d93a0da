"""The fees summary workbook (openpyxl): summary, by 地州市 with a native bar chart, by unit, by plan,
by month (with a chart for a year). Built from the `fees summary` JSON document."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.vocab import PLAN_SHORT
from xjma.io.xlsx_util import atomic_target, set_text

_MONEY = "0.00"


def write_fees_workbook(path: Path, doc: dict[str, Any], yearly: bool) -> None:
    """Write the workbook atomically (xlsx_util.atomic_target)."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    _rows(
        summary,
        ["期间", "会费合计（元）", "人数"],
        [[doc["period"], Decimal(doc["total"]), doc["members"]]],
        {1},
    )
    pref = book.create_sheet("按地州市")
    _rows(
        pref,
        ["所属地州市", "人数", "份数", "会费（元）"],
        [[p["prefecture"], p["members"], p["shares"], Decimal(p["fee"])] for p in doc["by_prefecture"]],
        {3},
    )
    _bar_chart(
        pref, f"{doc['period']} 会费（按地州市）", "所属地州市", value_col=4, rows=len(doc["by_prefecture"])
    )
    unit = book.create_sheet("按单位")
    _rows(
        unit,
        ["工作单位", "所属地州市", "人数", "份数", "会费（元）"],
        [[u["unit"], u["prefecture"], u["members"], u["shares"], Decimal(u["fee"])] for u in doc["by_unit"]],
        {4},
    )
    plan = book.create_sheet("按险种")
    _rows(
        plan,
        ["险种", "人数", "份数", "会费（元）"],
        [
            [PLAN_SHORT.get(p["plan"], p["plan"]), p["members"], p["shares"], Decimal(p["fee"])]
            for p in doc["by_plan"]
        ],
        {3},
    )
    month = book.create_sheet("按月")
    _rows(
        month,
        ["月份", "人数", "会费（元）"],
        [[m["month"], m["members"], Decimal(m["fee"])] for m in doc["by_month"]],
        {2},
    )
    if yearly:
        _bar_chart(month, f"{doc['period']} 年逐月会费", "月份", value_col=3, rows=len(doc["by_month"]))
    with atomic_target(path) as tmp:
        book.save(tmp)


def _rows(ws: Any, head: list[str], rows: list[list[Any]], money_cols: set[int]) -> None:
    """Header and rows; text cells are stored as strings (never formulas), money with two decimals."""
    from openpyxl.styles import Font

    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    # Rows are addressed by their index: ws.max_row rescans every cell and made this quadratic.
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            cell = ws.cell(row=r, column=c + 1)
            if isinstance(value, str):
                set_text(cell, value)
            elif isinstance(value, Decimal):
                cell.value = value  # openpyxl writes Decimal as a number
                cell.number_format = _MONEY
            else:
                cell.value = value
    for c, _ in enumerate(head):
        ws.column_dimensions[chr(ord("A") + c)].width = 28 if c == 0 else 14


def _bar_chart(ws: Any, title: str, axis: str, value_col: int, rows: int) -> None:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.x_axis.title = axis
    chart.y_axis.title = "会费（元）"
    chart.legend = None
    data = Reference(ws, min_col=value_col, min_row=1, max_row=max(rows, 1) + 1)
    cats = Reference(ws, min_col=1, min_row=2, max_row=max(rows, 1) + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.width, chart.height = 24, 12
    ws.add_chart(chart, f"{chr(ord('A') + value_col + 1)}2")
