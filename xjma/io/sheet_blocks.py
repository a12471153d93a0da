"""Blocks around tables that printed documents need (documents.md): label–value facts, paragraphs of
instructions that wrap and print, signature lines (填报人 / 联系电话 / 单位盖章 / 日期, or 经办人 / 审核人 /
负责人), and a chart that prints on the page under its table with a title, axis names and data labels.

Each writer takes the first free row and returns the next one; row heights are set before a row's
cells (xlsxwriter's constant_memory mode writes a row once it is left).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xjma.io.sheet_layout import INTEGER, MONEY, Styles, row_height, wrapped_lines
from xjma.io.sheet_table import QUOTED_FIRST, Table
from xjma.io.xlsx_util import cell_text

if TYPE_CHECKING:
    from xjma.core.prefectures import Prefectures

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
    """One fact a line: the label in A, the value across B..last_col (wrapped, row tall enough). A count
    (int) or an amount (Decimal) is written as a number, `0` or `#,##0.00` (documents.md)."""
    value_width = max(40, label_width * max(last_col, 1))
    for label, value in facts:
        number = _number_format(styles, value)
        if number is not None:
            ws.set_row(row, row_height(1))
            ws.write_string(row, 0, label, styles["bold"])
            if last_col > 1:
                ws.merge_range(row, 1, row, last_col, value, number)
            else:
                ws.write_number(row, 1, value, number)
            row += 1
            continue
        text = cell_text(value)
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


def _number_format(styles: Styles, value: object) -> Any | None:
    """The format of a fact written as a number (left-aligned like the text facts); None for text."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    if isinstance(value, int):
        return styles.custom("fact_int", {"num_format": INTEGER, "align": "left", "valign": "top"})
    return styles.custom("fact_money", {"num_format": MONEY, "align": "left", "valign": "top"})


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
    series: Sequence[tuple[int, str]] = (),
) -> int:
    """A chart of `table`'s rows (its 合计 row left out) under the table, as wide as the table and
    CHART_ROWS rows tall, with a page break before it when the table fills most of a page so that the
    chart prints whole on one page. Returns the row after the chart. `series` (column, name) puts
    more series beside the first (e.g. fees and payouts), then named in a legend."""
    sheet = ws.get_name().replace("'", "''")
    first, last = table.first_row, table.end_row - 1
    chart = book.add_chart({"type": kind})
    end = max(last, first) + 1
    for col, name in ((value_col, y_name), *series):
        chart.add_series(
            {
                "name": name,
                "categories": f"='{sheet}'!${_col(category_col)}${first + 1}:${_col(category_col)}${end}",
                "values": f"='{sheet}'!${_col(col)}${first + 1}:${_col(col)}${end}",
                "data_labels": {"value": True, "num_format": number_format},
            }
        )
    chart.set_title({"name": title})
    chart.set_x_axis({"name": x_name, "num_font": {"rotation": -45} if last - first > 8 else {}})
    chart.set_y_axis({"name": y_name, "num_format": number_format, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"} if series else {"none": True})
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


# ---------------------------------------------------------------- notices, one A4 page each
# (给付通知 io/payout_xlsx, 拒付通知 io/refusal_notice; added by the dedup helper, 2026-12-01)

NOTICES_PER_SHEET = 1000  # under Excel's 1,023 page breaks per sheet


def write_notice_sheets(
    book: Any,
    name: str,
    title: str,
    widths: Sequence[float],
    notices: Sequence[Any],
    write_one: Callable[[Any, Any, int], int],
) -> None:
    """Sheets of notices one page each, a page break after each: `name`, then `name`2, … past
    NOTICES_PER_SHEET; fixed columns `widths`, portrait (page_setup). `write_one(ws, notice, row)` writes
    a notice from `row` and returns the row after it. No notice: one empty sheet."""
    from xjma.io.sheet_layout import page_setup

    every = range(0, len(notices), NOTICES_PER_SHEET)
    chunks = [notices[i : i + NOTICES_PER_SHEET] for i in every] or [[]]
    for n, chunk in enumerate(chunks, start=1):
        ws = book.add_worksheet(name if n == 1 else f"{name}{n}")
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        page_setup(ws, title, sum(widths))
        starts, row = [], 0
        for notice in chunk:
            starts.append(row)
            row = write_one(ws, notice, row)
        ws.set_h_pagebreaks(starts[1:])


def notice_contact(prefectures: Prefectures, prefecture: str | None) -> tuple[str, str]:
    """(经办人, phone) a notice names: the prefecture union's on-site staff, or the office (区直, none,
    unknown)."""
    pref = prefectures.get(prefecture) if prefecture else None
    if pref is not None and pref.contact is not None:
        return f"{pref.union} {pref.contact}", pref.phone or ""
    return prefectures.office.name, " / ".join(prefectures.office.phones)


def notice_formats(s: Styles) -> dict[str, Any]:
    """A notice's title (20 pt, centred), labels (bold, right) and values (wrapped text)."""
    return {
        "title": s.custom(
            "notice_title", {"bold": True, "font_size": 20, "align": "center", "valign": "vcenter"}
        ),
        "label": s.custom("notice_label", {"bold": True, "valign": "vcenter", "align": "right"}),
        "value": s.custom("notice_value", {"valign": "vcenter", "text_wrap": True, "num_format": "@"}),
    }


def write_notice_sign_line(ws: Any, f: dict[str, Any], r: int, signer: tuple[str, str]) -> int:
    """A notice's last line after a blank two: the signer's label and value (A–B), 日期 and a blank date
    (C–D), in the formats f["label"] and f["value"]; returns the row after it and a blank one."""
    for row in range(r, r + 3):  # before the cells: a row's height is set before it is written
        ws.set_row(row, 30)
    ws.write_string(r + 2, 0, signer[0], f["label"])
    ws.write_string(r + 2, 1, signer[1], f["value"])
    ws.write_string(r + 2, 2, "日期：", f["label"])
    ws.write_string(r + 2, 3, "　　年　　月　　日", f["value"])
    return r + 4
