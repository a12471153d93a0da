"""The fees summary workbook (xlsxwriter): summary, by 地州市 with a native column chart, by unit, by plan,
by month (with a chart for a year). Written from the typed figures (io/ledger/fees.FeeFigures).

xlsxwriter rather than openpyxl: a year over the region has ~19,000 units, and openpyxl's save of that
sheet took longer than all the SQL (benchmarks/README.md).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.columns import PLAN_SHORT
from xjma.io.xlsx_util import TextCells, atomic_target

if TYPE_CHECKING:
    from xjma.io.ledger.fees import FeeFigures

_MONEY = "0.00"


def write_fees_workbook(path: Path, period: str, f: FeeFigures, yearly: bool) -> None:
    """Write the workbook atomically (xlsx_util.atomic_target) from the figures, in their order."""
    import xlsxwriter

    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
        styles = {"head": book.add_format({"bold": True}), "money": book.add_format({"num_format": _MONEY})}
        _sheet(book, styles, "汇总", ["期间", "会费合计（元）", "人数"], [[period, f.total, f.members]])
        pref = _sheet(
            book,
            styles,
            "按地州市",
            ["所属地州市", "人数", "份数", "会费（元）"],
            [[p.prefecture, p.members, p.shares, p.fee] for p in f.by_prefecture],
        )
        _column_chart(book, pref, f"{period} 会费（按地州市）", "所属地州市", 3, len(f.by_prefecture))
        _sheet(
            book,
            styles,
            "按单位",
            ["工作单位", "所属地州市", "人数", "份数", "会费（元）"],
            [[u.unit, u.prefecture, u.members, u.shares, u.fee] for u in f.by_unit],
        )
        _sheet(
            book,
            styles,
            "按险种",
            ["险种", "人数", "份数", "会费（元）"],
            [[PLAN_SHORT.get(p.plan, p.plan), p.members, p.shares, p.fee] for p in f.by_plan],
        )
        month = _sheet(
            book,
            styles,
            "按月",
            ["月份", "人数", "会费（元）"],
            [[m.month, m.members, m.fee] for m in f.by_month],
        )
        if yearly:
            _column_chart(book, month, f"{period} 年逐月会费", "月份", 2, len(f.by_month))
        book.close()


def _sheet(book: Any, styles: dict[str, Any], name: str, head: list[str], rows: list[list[Any]]) -> Any:
    """Header and rows; text cells are strings (never formulas), money a number with two decimals."""
    ws = book.add_worksheet(name)
    ws.set_column(0, 0, 28)
    ws.set_column(1, len(head) - 1, 14)
    for c, title in enumerate(head):
        ws.write_string(0, c, title, styles["head"])
    money, texts = styles["money"], TextCells(book)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if isinstance(value, str):
                texts.write(ws, r, c, value)
            elif isinstance(value, Decimal):
                ws.write_number(r, c, value, money)  # xlsxwriter takes Decimal
            else:
                ws.write_number(r, c, value)
    return ws


def _column_chart(book: Any, ws: Any, title: str, axis: str, value_col: int, rows: int) -> None:
    """A native column chart of one value column against the first column (0-based value_col)."""
    last = max(rows, 1)
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": [ws.name, 0, value_col],
            "categories": [ws.name, 1, 0, last, 0],
            "values": [ws.name, 1, value_col, last, value_col],
        }
    )
    chart.set_title({"name": title})
    chart.set_x_axis({"name": axis})
    chart.set_y_axis({"name": "会费（元）"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 907, "height": 454})  # about 24 × 12 cm, as before
    ws.insert_chart(1, value_col + 2, chart)
