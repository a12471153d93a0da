"""The `xjma validate` report workbook (cli.md): 问题行, 问题清单, 汇总.

Written with xlsxwriter. Every roster value is written as text (never a formula); problem cells are
red for errors and yellow for warnings, each with a comment holding its messages.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.messages import TITLES
from xjma.core.problems import ERROR, Problem
from xjma.io.xlsx_util import atomic_target, write_text

if TYPE_CHECKING:
    from xjma.jobs.validate import ValidationOutcome

SEVERITY = {"error": "错误", "warning": "警告"}
RED, YELLOW = "#FFC7CE", "#FFEB9C"


def write_report(outcome: ValidationOutcome, target: Path) -> None:
    import xlsxwriter

    with atomic_target(target) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        fmt = _formats(book)
        _problem_rows(book.add_worksheet("问题行"), outcome, fmt)
        _problem_list(book.add_worksheet("问题清单"), outcome.check.problems, fmt)
        _summary(book.add_worksheet("汇总"), outcome, fmt)
        book.close()


def _formats(book: Any) -> dict[str, Any]:
    return {
        "head": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}),
        "error": book.add_format({"bg_color": RED, "font_color": "#9C0006", "border": 1}),
        "warning": book.add_format({"bg_color": YELLOW, "font_color": "#9C5700", "border": 1}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
    }


def _problem_rows(sheet: Any, outcome: ValidationOutcome, fmt: dict[str, Any]) -> None:
    """The header, then every row with a problem: its Excel row number first, then its cells, then 问题."""
    table = outcome.table
    by_row: dict[int, list[Problem]] = defaultdict(list)
    for p in outcome.check.problems:
        by_row[p.row].append(p)
    col_of: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        if header:
            col_of.setdefault(header, i)
    last = len(table.headers) + 1
    write_text(sheet, 0, 0, "行号", fmt["head"])
    for i, header in enumerate(table.headers):
        write_text(sheet, 0, i + 1, header, fmt["head"])
    write_text(sheet, 0, last, "问题", fmt["head"])
    out = 1
    for raw in table.rows:
        problems = by_row.get(raw.row)
        if not problems:
            continue
        sheet.write_number(out, 0, raw.row)
        cells: dict[int, list[Problem]] = defaultdict(list)
        for p in problems:
            if p.column in col_of:
                cells[col_of[p.column]].append(p)
        for i, value in enumerate(raw.cells[: len(table.headers)]):
            found = cells.get(i)
            style = fmt[_worst(found)] if found else None
            write_text(sheet, out, i + 1, value, style)
        for i, found in cells.items():
            if i >= len(raw.cells):
                write_text(sheet, out, i + 1, "", fmt[_worst(found)])
            sheet.write_comment(
                out,
                i + 1,
                "\n".join(p.message for p in found),
                {"x_scale": 2.5, "y_scale": 1.5, "author": "xjma"},
            )
        write_text(
            sheet,
            out,
            last,
            "\n".join(f"【{SEVERITY[p.severity]}】{p.message}" for p in problems),
            fmt["wrap"],
        )
        out += 1
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, len(table.headers), 14)
    sheet.set_column(last, last, 70)


def _worst(problems: list[Problem]) -> str:
    return "error" if any(p.severity == ERROR for p in problems) else "warning"


def _problem_list(sheet: Any, problems: list[Problem], fmt: dict[str, Any]) -> None:
    for i, head in enumerate(("行号", "列", "代码", "级别", "说明")):
        write_text(sheet, 0, i, head, fmt["head"])
    for n, p in enumerate(problems, start=1):
        sheet.write_number(n, 0, p.row)
        write_text(sheet, n, 1, p.column)
        write_text(sheet, n, 2, p.code)
        write_text(sheet, n, 3, SEVERITY[p.severity], fmt[p.severity])
        write_text(sheet, n, 4, p.message)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(problems), 1), 4)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 20)
    sheet.set_column(3, 3, 6)
    sheet.set_column(4, 4, 100)


def _summary(sheet: Any, outcome: ValidationOutcome, fmt: dict[str, Any]) -> None:
    check = outcome.check
    write_text(sheet, 0, 0, "名册检查结果", fmt["title"])
    facts = [
        ("文件", outcome.table.file),
        ("工作表", outcome.table.sheet or "（CSV）"),
        ("保障起始日", outcome.start.isoformat()),
        ("数据行数", len(check.rows)),
        ("可参保行数（无错误）", outcome.valid_rows),
        ("有错误的行数", len(check.error_rows)),
        ("错误", outcome.errors),
        ("警告", outcome.warnings),
        ("台账核对", "已对照台账核对" if outcome.ledger_used else "未核对台账（未指定或不存在）"),
    ]
    for i, (label, value) in enumerate(facts, start=2):
        write_text(sheet, i, 0, label, fmt["bold"])
        write_text(sheet, i, 1, value)
    at = len(facts) + 3
    for i, head in enumerate(("代码", "说明", "级别", "数量")):
        write_text(sheet, at, i, head, fmt["head"])
    counts = outcome.counts()
    severity = {p.code: p.severity for p in check.problems}
    for n, (code, count) in enumerate(
        sorted(counts.items(), key=lambda kv: (severity[kv[0]] != ERROR, kv[0])), start=at + 1
    ):
        write_text(sheet, n, 0, code)
        write_text(sheet, n, 1, TITLES.get(code, code))
        write_text(sheet, n, 2, SEVERITY[severity[code]], fmt[severity[code]])
        sheet.write_number(n, 3, count)
    if not counts:
        write_text(sheet, at + 1, 0, "没有发现问题，名册可以提交。")
    at += len(counts) + 3
    write_text(sheet, at, 0, "有疑问请联系", fmt["bold"])
    lines = outcome.prefectures.contact_lines(outcome.prefectures_seen())
    for n, line in enumerate(lines, start=at + 1):
        write_text(sheet, n, 0, line)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 3, 8)
