"""The overview workbook (开展概况, office.md §7, documents.md): 开展概况 (the brochure's sentence and
the window's figures), 按地州市 (every 地州市 of rules/prefectures.yaml, zero rows included, 合计, and a
chart of 赔付率 by 地州市), 按险种 (every plan, 合计, and a chart of fees and payouts by plan).

The 合计 row holds the window's own figures, not sums of the rows: a member in two plans is one member,
and each figure's earned fee is rounded once (core/overview). Ratios are shown as percentages with two
decimals (赔付率（%）: 61.23), blank when there is nothing to divide by.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.labels import label
from xjma.core.overview import Figures, Overview
from xjma.io.sheet_blocks import insert_chart, write_facts, write_paragraphs
from xjma.io.sheet_layout import Heading, Styles, page_setup, write_title_block
from xjma.io.sheet_table import Column, Marked, write_table
from xjma.io.xlsx_util import atomic_target

FIGURE_COLUMNS = (
    Column("会员单位", "int"),
    Column("会员", "int"),
    Column("参保人次", "int"),
    Column("会费（元）", "money"),
    Column("已赚会费（元）", "money"),
    Column("受益人次", "int"),
    Column("受益会员", "int"),
    Column("赔付（元）", "money"),
    Column("赔付率（%）", "money"),
    Column("续保率（%）", "money"),
)
_TOTAL_STYLES = ("total_text", *("total_money" if c.kind == "money" else "total_int" for c in FIGURE_COLUMNS))


def percent(ratio: Decimal | None) -> Decimal | None:
    """0.6123 -> 61.23 (the ratio's 4 places as a percentage with 2); None stays blank."""
    return None if ratio is None else ratio * 100


def figure_cells(f: Figures) -> tuple[object, ...]:
    return (
        f.units,
        f.members,
        f.enrollments,
        f.fees,
        f.earned_fees,
        f.beneficiary_cases,
        f.beneficiary_members,
        f.payouts,
        percent(f.loss_ratio),
        percent(f.renewal_ratio),
    )


def period_text(result: Overview) -> str:
    return f"{'累计 ' if result.cumulative else ''}{result.lo.isoformat()} 至 {result.hi.isoformat()}"


def write_overview_workbook(path: Path, result: Overview, issuer: str, made_on: dt.date) -> None:
    """Write 开展概况, 按地州市 (with its chart) and 按险种 (with its chart) atomically."""
    import xlsxwriter

    period = period_text(result)
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False})
        styles = Styles(book)
        _summary_sheet(book, styles, result, Heading(f"开展概况（{period}）", issuer, made_on))
        rows = [(name, *figure_cells(f)) for name, f in result.by_prefecture]
        ws, table = _table_sheet(book, styles, "按地州市", ("所属地州市", rows), result.total,
                                 Heading(f"开展概况（按地州市，{period}）", issuer, made_on))  # fmt: skip
        insert_chart(book, ws, table, title="赔付率（按地州市）", category_col=0, value_col=9,
                     x_name="所属地州市", y_name="赔付率（%）")  # fmt: skip
        rows = [(label(code), *figure_cells(f)) for code, f in result.by_plan]
        ws, table = _table_sheet(book, styles, "按险种", ("险种", rows), result.total,
                                 Heading(f"开展概况（按险种，{period}）", issuer, made_on))  # fmt: skip
        insert_chart(book, ws, table, title="会费与赔付（按险种）", category_col=0, value_col=4,
                     x_name="险种", y_name="会费（元）", series=((8, "赔付（元）"),))  # fmt: skip
        book.close()


def _summary_sheet(book: Any, styles: Styles, result: Overview, heading: Heading) -> None:
    ws = book.add_worksheet("开展概况")
    last_col = 3
    widths = (18.0, 24.0, 24.0, 24.0)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    row = write_title_block(ws, styles, heading, last_col)
    row = write_paragraphs(ws, styles, row, [result.sentence], last_col, sum(widths)) + 1
    f = result.total
    facts = [(c.header, _fact(v)) for c, v in zip(FIGURE_COLUMNS, figure_cells(f), strict=True)]
    write_facts(ws, styles, row, [("统计期间", period_text(result)), *facts], last_col)
    page_setup(ws, heading.title, sum(widths))


def _fact(value: object) -> object:
    """A figure as written on 开展概况: the number itself (write_facts formats it), a ratio whose
    denominator is zero as words."""
    return "—（分母为零）" if value is None else value


def _table_sheet(
    book: Any,
    styles: Styles,
    name: str,
    first: tuple[str, Sequence[tuple[object, ...]]],
    total: Figures,
    heading: Heading,
) -> tuple[Any, Any]:
    """A table of figures, one row per name, and the window's own figures as its 合计 row."""
    ws = book.add_worksheet(name)
    header, rows = first
    columns = (Column(header, "text", 16), *FIGURE_COLUMNS)
    totals = tuple(Marked(v, s) for v, s in zip(("合计", *figure_cells(total)), _TOTAL_STYLES, strict=True))
    table = write_table(ws, styles, columns, [*rows, totals], heading=heading, total_label=None)
    table.end_row -= 1  # the 合计 row is not a category of the chart
    return ws, table
