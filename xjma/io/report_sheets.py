"""How the 检查结果 sheets look and print (documents.md): 汇总 first — the verdict in large type, the facts,
the sentences for whole-column problems, the counts by problem in Chinese with a 合计 and the codes
last, whom to ask; 问题行 — 行号, 问题, then the roster's columns, problem cells filled and commented;
问题清单 — one line per problem, codes last. What they say is decided in io/report_xlsx."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from xjma.core.labels import SEVERITY_LABELS, label
from xjma.core.problems import ERROR, Problem
from xjma.io.sheet_blocks import write_facts, write_paragraphs
from xjma.io.sheet_layout import Heading, Styles, page_setup, row_height, wrapped_lines, write_title_block
from xjma.io.sheet_table import Column, Marked, write_table
from xjma.io.xlsx_util import cell_text

COMMENT = {"x_scale": 2.5, "y_scale": 1.5, "author": "xjma"}
_TEXT_HEADERS = ("身份证", "电话", "手机", "账号", "证件")  # roster columns shown whole, as text
SUMMARY_WIDTHS = (30, 10, 10, 36)  # 问题 | 级别 | 数量 | 代码; facts: label | value across B:D


def summary_sheet(
    book: Any,
    styles: Styles,
    heading: Heading,
    verdict: str,
    facts: Sequence[tuple[str, object]],
    sentences: Sequence[str],
    counts: Sequence[tuple[str, str, int]],
    contacts: Sequence[str],
) -> Any:
    """汇总: the verdict first, then the facts, whole-column problems, counts by problem, contacts."""
    ws = book.add_worksheet("汇总")
    last = len(SUMMARY_WIDTHS) - 1
    r = write_title_block(ws, styles, heading, last)
    ok = verdict.startswith("可以提交")
    big = styles.custom(
        "verdict_ok" if ok else "verdict_bad",
        {"bold": True, "font_size": 16, "font_color": "#006100" if ok else "#9C0006", "valign": "vcenter"},
    )
    ws.set_row(r, 32)
    ws.merge_range(r, 0, r, last, verdict, big)
    r = write_facts(ws, styles, r + 1, facts, last)
    if sentences:
        r = write_paragraphs(ws, styles, r + 1, sentences, last, sum(SUMMARY_WIDTHS))
    columns = (Column("问题", "text", 36), Column("级别", "text", 6), Column("数量", "int", total=True),
               Column("代码", "id"))  # fmt: skip
    rows = [(label(code), SEVERITY_LABELS.get(sev, sev), n, code) for code, sev, n in counts]
    if rows:
        r = write_table(ws, styles, columns, rows, top=r + 1, setup_page=False, freeze=False).next_row
    ws.write_string(r + 1, 0, "有疑问请联系", styles["bold"])
    for line in contacts:
        r += 1
        ws.set_row(r + 1, row_height(wrapped_lines(line, sum(SUMMARY_WIDTHS))))
        ws.merge_range(r + 1, 0, r + 1, last, line, styles["wrap_plain"])
    for col, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(col, col, width)
    page_setup(ws, heading.title, sum(SUMMARY_WIDTHS))
    return ws


def problem_rows_sheet(
    book: Any,
    styles: Styles,
    heading: Heading,
    headers: Sequence[str],
    rows: Sequence[tuple[int, Sequence[Problem], Sequence[object]]],
    comment_allowed: Callable[[Problem], bool],
) -> Any:
    """问题行: 行号, 问题, then the roster's columns; problem cells filled (red error, yellow warning)
    and commented with their messages."""
    ws = book.add_worksheet("问题行")
    col_of: dict[str, int] = {}
    for i, header in enumerate(headers):
        if header:
            col_of.setdefault(header, i)
    columns = [Column("行号", "int", 8), Column("问题", "wrap", 60)]
    columns += [Column(h or " ", "id" if any(k in h for k in _TEXT_HEADERS) else "text", 24) for h in headers]
    notes: list[tuple[int, int, str]] = []
    width = len(headers)
    tags = {sev: f"【{text}】" for sev, text in SEVERITY_LABELS.items()}

    def lines() -> Any:
        # Work per problem, not per cell: a row's cells are copied as read, and only the columns that
        # hold a problem are filled and commented (in column order, as comment_allowed counts them).
        for n, (number, problems, raw) in enumerate(rows):
            if len(problems) == 1:
                said = tags[problems[0].severity] + problems[0].message
            else:
                said = "\n".join([tags[p.severity] + p.message for p in problems])
            if not raw:  # listed by 行号 and 问题 alone: no cells to show, fill or comment
                yield [number, said]
                continue
            values: list[object] = [number, said, *raw[:width]]
            if len(raw) < width:
                values += [None] * (width - len(raw))
            cells: dict[int, list[Problem]] = {}
            for p in problems:
                i = col_of.get(p.column)
                if i is not None:
                    cells.setdefault(i, []).append(p)
            for i in sorted(cells):
                found = cells[i]
                values[i + 2] = Marked(values[i + 2], _worst(found))
                shown = [p for p in found if comment_allowed(p)]
                if shown:
                    notes.append((n, i + 2, cell_text("\n".join(p.message for p in shown))))
            yield values

    heading = replace(heading, title=heading.title.replace("名册检查结果", "有问题的行", 1))
    table = write_table(ws, styles, columns, lines(), heading=heading, freeze_cols=2, total_label=None)
    for n, col, text in notes:
        ws.write_comment(table.first_row + n, col, text, COMMENT)
    return ws


def _worst(problems: Sequence[Problem]) -> str:
    return "error" if any(p.severity == ERROR for p in problems) else "warning"


def problem_list_sheet(
    book: Any, styles: Styles, heading: Heading, rows: Sequence[tuple[object, ...]]
) -> Any:
    """问题清单: (行号, 列, 问题, severity, 说明, 代码) a line, the severity shown in Chinese and filled."""
    ws = book.add_worksheet("问题清单")
    columns = (Column("行号", "int", 8), Column("列", "text", 16), Column("问题", "text", 24),
               Column("级别", "text", 6), Column("说明", "wrap", 60), Column("代码", "id"))  # fmt: skip
    lines = (
        (row, column, title, Marked(SEVERITY_LABELS[str(sev)], str(sev)) if sev else "", message, code)
        for row, column, title, sev, message, code in rows
    )
    heading = replace(heading, title=heading.title.replace("名册检查结果", "问题清单", 1))
    table = write_table(ws, styles, columns, lines, heading=heading, freeze_cols=1, total_label=None)
    ws.autofilter(table.header_row, 0, max(table.end_row - 1, table.header_row + 1), len(columns) - 1)
    return ws


def counts_by_problem(problems: Sequence[Problem]) -> list[tuple[str, str, int]]:
    """(code, severity, how many) — errors first, then by code."""
    counts = Counter(p.code for p in problems)
    severity = {p.code: p.severity for p in problems}
    return sorted(((c, severity[c], n) for c, n in counts.items()), key=lambda t: (t[1] != ERROR, t[0]))


def checked_heading(units: str, issuer: str, checked_on: dt.date) -> Heading:
    return Heading(f"名册检查结果（{units}）", issuer, checked_on)
