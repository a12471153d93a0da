"""Blocks around tables that printed documents need (documents.md): label–value facts, paragraphs of
instructions that wrap and print, signature lines (填报人 / 联系电话 / 单位盖章 / 日期, or 经办人 / 审核人 /
负责人), and a chart that prints on the page under its table with a title, axis names and data labels.

Each writer takes the first free row and returns the next one; row heights are set before a row's
cells (xlsxwriter's constant_memory mode writes a row once it is left).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xjma.io.sheet_layout import Styles, row_height, wrapped_lines
from xjma.io.sheet_table import QUOTED_FIRST, Table
from xjma.io.xlsx_util import cell_text

PIXELS_PER_UNIT = 7  # one character unit of column width, in pixels (Calibri 11)
CHART_ROWS = 18  # rows of 20 px the chart covers (360 px): with its table on one page
SIGN_FILER = ("填报人", "联系电话", "单位盖章", "日期")
SIGN_OFFICE = ("经办人", "审核人", "负责人")


def write_facts(
    ws: Any,
    styles: Styles,
    row: int,
    facts: Sequence[tuple[str, object]],
    last_col: int,
    label_width: int = 14,
) -> int:
    """One fact a line: the label in A, the value across B..last_col (wrapped, row tall enough)."""
    value_width = max(40, label_width * max(last_col, 1))
    for label, value in facts:
        text = f"{value:,}" if isinstance(value, int) else cell_text(value)
        ws.set_row(row, row_height(wrapped_lines(text, value_width)))
        ws.write_string(row, 0, label, styles["bold"])
        look = styles["wrap_plain"]
        if text[:1] and text[0] in QUOTED_FIRST:  # a file name like "=1+1.xlsx" stays text when edited
            look = styles.quoted(look)
        if last_col > 1:
            ws.merge_range(row, 1, row, last_col, text, look)
        else:
            ws.write_string(row, 1, text, look)
        row += 1
    return row


def write_paragraphs(
    ws: Any, styles: Styles, row: int, paragraphs: Sequence[str], last_col: int, width: float
) -> int:
    """Paragraphs across columns A..last_col, `width` character units wide in all, each wrapped whole."""
    for text in paragraphs:
        ws.set_row(row, row_height(wrapped_lines(text, int(width))))
        if last_col > 0:
            ws.merge_range(row, 0, row, last_col, text, styles["wrap_plain"])
        else:
            ws.write_string(row, 0, text, styles["wrap_plain"])
        row += 1
    return row


def write_signature_line(ws: Any, styles: Styles, row: int, labels: Sequence[str], last_col: int) -> int:
    """ "填报人：＿＿＿＿" … spread over the columns, with room above to sign; returns the next row."""
    ws.set_row(row, 12)
    ws.set_row(row + 1, 30)
    step = max((last_col + 1) // max(len(labels), 1), 1)
    for i, label in enumerate(labels):
        col = min(i * step, last_col)
        blank = "　　年　　月　　日" if label == "日期" else "＿" * 6
        ws.write_string(row + 1, col, f"{label}：{blank}", styles["plain"])
    return row + 2


def insert_chart(
    book: Any,
    ws: Any,
    table: Table,
    *,
    title: str,
    category_col: int,
    value_col: int,
    x_name: str,
    y_name: str,
    kind: str = "column",
    number_format: str = "#,##0.00",
) -> int:
    """A chart of `table`'s rows (its 合计 row left out) under the table, as wide as the table and
    CHART_ROWS rows tall, with a page break before it when the table fills most of a page so that the
    chart prints whole on one page. Returns the row after the chart."""
    sheet = ws.get_name().replace("'", "''")
    first, last = table.first_row, table.end_row - 1
    chart = book.add_chart({"type": kind})
    chart.add_series(
        {
            "name": y_name,
            "categories": f"='{sheet}'!${_col(category_col)}${first + 1}:${_col(category_col)}${max(last, first) + 1}",
            "values": f"='{sheet}'!${_col(value_col)}${first + 1}:${_col(value_col)}${max(last, first) + 1}",
            "data_labels": {"value": True, "num_format": number_format},
        }
    )
    chart.set_title({"name": title})
    chart.set_x_axis({"name": x_name, "num_font": {"rotation": -45} if last - first > 8 else {}})
    chart.set_y_axis({"name": y_name, "num_format": number_format, "major_gridlines": {"visible": True}})
    chart.set_legend({"none": True})
    width = int(min(max(table.width, 60), 120) * PIXELS_PER_UNIT)
    chart.set_size({"width": width, "height": CHART_ROWS * 20})
    at = table.next_row + 1
    if at - table.header_row > 20:  # the table fills most of a page: the chart starts the next one
        ws.set_h_pagebreaks([at])
    for r in range(at, at + CHART_ROWS):
        ws.set_row(r, 15)
    ws.insert_chart(at, 0, chart, {"object_position": 1})
    return at + CHART_ROWS + 1


def _col(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return str(xl_col_to_name(index))
