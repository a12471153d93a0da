"""The `xjma validate` report workbook 检查结果 (cli.md, documents.md): 汇总 (the verdict), 问题行, 问题清单.

Written with xlsxwriter. Every roster value is written as text (never a formula); problem cells are
red for errors and yellow for warnings, each with a comment holding its messages. A problem that hits
more than a tenth of the rows (a whole column typed wrong) is summarised in one sentence on the verdict
sheet, and only its first 1,000 cells get a comment; past those, a row whose only problems are such
problems is listed by 行号 and 问题 alone, and 问题清单 lists the first 1,000 of them and then one line
saying how many more (Excel itself chokes on 100,000 comments; the clerk fixes the column once).
With --mask every text, comments included, goes through the one masking policy (xlsx_util.cell_text).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.messages import TITLES
from xjma.core.problems import ERROR, Problem
from xjma.io.xlsx_util import QUOTED_FIRST, TextCells, cell_text, workbook_at, write_text

if TYPE_CHECKING:
    from xjma.io.checked_roster import ValidationOutcome

SEVERITY = {"error": "错误", "warning": "提示"}
RED, YELLOW = "#FFC7CE", "#FFEB9C"
COMMENTS_PER_PROBLEM = 1000  # for a problem that hits more than a tenth of the rows
_COMMENT = {"x_scale": 2.5, "y_scale": 1.5, "author": "xjma"}


def write_report(outcome: ValidationOutcome, target: Path, checked_on: dt.date | None = None) -> None:
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with workbook_at(target, options) as book:
        fmt = _formats(book)
        systemic = systemic_codes(outcome)
        _summary(book.add_worksheet("汇总"), outcome, fmt, systemic, checked_on or dt.date.today())
        _problem_rows(book.add_worksheet("问题行"), outcome, fmt, systemic)
        _problem_list(book.add_worksheet("问题清单"), outcome.check.problems, fmt, systemic)


def systemic_codes(outcome: ValidationOutcome) -> dict[str, int]:
    """Codes that hit more than a tenth of the member rows -> the number of rows they hit."""
    total = max(outcome.rows, 1)
    hits = Counter(code for code, _ in {(p.code, p.row) for p in outcome.check.problems})
    return {code: n for code, n in hits.items() if n * 10 > total and n > 1}


def _formats(book: Any) -> dict[str, Any]:
    texts = TextCells(book)  # the roster's own text: headers and cells, with Excel's quote prefix
    return {
        "texts": texts,
        "head": texts.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}),
        "error": texts.add_format({"bg_color": RED, "font_color": "#9C0006", "border": 1}),
        "warning": texts.add_format({"bg_color": YELLOW, "font_color": "#9C5700", "border": 1}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
    }


def _problem_rows(
    sheet: Any, outcome: ValidationOutcome, fmt: dict[str, Any], systemic: dict[str, int]
) -> None:
    """The header, then every row with a problem: 行号, 问题, then the roster's cells (problem cells
    filled and commented)."""
    table = outcome.table
    by_row: dict[int, list[Problem]] = defaultdict(list)
    for p in outcome.check.problems:
        by_row[p.row].append(p)
    col_of: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        if header:
            col_of.setdefault(header, i)
    write_text(sheet, 0, 0, "行号", fmt["head"])
    write_text(sheet, 0, 1, "问题", fmt["head"])
    for i, header in enumerate(table.headers):
        fmt["texts"].write(sheet, 0, i + 2, header, fmt["head"])
    comments: Counter[str] = Counter()
    rows_of: Counter[str] = Counter()  # rows met so far with each systemic problem
    shown_text: dict[str, str] = {}  # a systemic problem's text repeats on every row: made once
    wrap, width = fmt["wrap"], len(table.headers)
    for out, number in enumerate(sorted(by_row), start=1):
        problems = by_row[number]
        sheet.write_number(out, 0, number)
        text = "\n".join([f"【{SEVERITY[p.severity]}】{p.message}" for p in problems])
        said = shown_text.get(text)
        if said is None:
            said = shown_text[text] = cell_text(text)
        sheet.write_string(out, 1, said, wrap)
        if systemic and _past_first_cells(problems, systemic, rows_of):
            continue  # past the first 1,000 of a whole column typed wrong: 行号 and 问题 say it
        raw = outcome.problem_cells.get(number, [])
        cells: dict[int, list[Problem]] = defaultdict(list)
        for p in problems:
            if p.column in col_of:
                cells[col_of[p.column]].append(p)
        texts = list(map(cell_text, raw[:width]))
        sheet.write_row(out, 2, texts)  # "" leaves a cell blank; problem cells are written again
        for i, text in enumerate(texts):
            if text.startswith(QUOTED_FIRST) and i not in cells:
                fmt["texts"].write_clean(sheet, out, i + 2, text)  # Excel's quote prefix
        for i, found in cells.items():
            look = fmt[_worst(found)]
            if i < len(texts) and texts[i]:
                fmt["texts"].write_clean(sheet, out, i + 2, texts[i], look)
            else:
                sheet.write_blank(out, i + 2, None, look)
            shown = [p for p in found if _comment_allowed(p, systemic, comments)]
            if shown:
                sheet.write_comment(out, i + 2, cell_text("\n".join(p.message for p in shown)), _COMMENT)
    sheet.freeze_panes(1, 2)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, len(table.headers) + 1, 14)


def _past_first_cells(problems: list[Problem], systemic: dict[str, int], rows_of: Counter[str]) -> bool:
    """Count this row for each of its systemic problems; True when its only problems are systemic ones
    already shown on their first 1,000 rows."""
    for code in {p.code for p in problems if p.code in systemic}:
        rows_of[code] += 1
    return all(p.code in systemic and rows_of[p.code] > COMMENTS_PER_PROBLEM for p in problems)


def _comment_allowed(p: Problem, systemic: dict[str, int], comments: Counter[str]) -> bool:
    if p.code not in systemic:
        return True
    comments[p.code] += 1
    return comments[p.code] <= COMMENTS_PER_PROBLEM


def _worst(problems: list[Problem]) -> str:
    return "error" if any(p.severity == ERROR for p in problems) else "warning"


def _problem_list(sheet: Any, problems: list[Problem], fmt: dict[str, Any], systemic: dict[str, int]) -> None:
    for i, head in enumerate(("行号", "列", "问题", "级别", "说明", "代码")):
        write_text(sheet, 0, i, head, fmt["head"])
    listed: Counter[str] = Counter()
    shown = []
    for p in problems:
        listed[p.code] += 1
        if p.code not in systemic or listed[p.code] <= COMMENTS_PER_PROBLEM:
            shown.append(p)
    n = 0
    for n, p in enumerate(shown, start=1):
        sheet.write_number(n, 0, p.row)
        write_text(sheet, n, 1, p.column)
        write_text(sheet, n, 2, TITLES.get(p.code, p.code))
        write_text(sheet, n, 3, SEVERITY[p.severity], fmt[p.severity])
        write_text(sheet, n, 4, p.message)
        write_text(sheet, n, 5, p.code)
    for code, count in listed.items():
        if code in systemic and count > COMMENTS_PER_PROBLEM:
            n += 1
            more = count - COMMENTS_PER_PROBLEM
            write_text(sheet, n, 2, TITLES.get(code, code))
            write_text(sheet, n, 4, f"另有 {more:,} 处同样的问题，未逐条列出（见“汇总”和“问题行”的问题列）")
            write_text(sheet, n, 5, code)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(n, 1), 5)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 24)
    sheet.set_column(3, 3, 6)
    sheet.set_column(4, 4, 100)
    sheet.set_column(5, 5, 20)


def verdict(outcome: ValidationOutcome) -> str:
    if not outcome.check.error_rows:
        hint = f"，有 {outcome.warnings} 个提示请核对" if outcome.warnings else ""
        return f"可以提交{hint}"
    return f"有 {outcome.errors} 个错误需要改正，{outcome.warnings} 个提示"


def _units(outcome: ValidationOutcome) -> str:
    seen: dict[str, None] = {}
    for row in outcome.check.rows:
        if row.unit:
            seen.setdefault(row.unit, None)
    names = list(seen)
    if len(names) > 3:
        return f"{'、'.join(names[:3])} 等 {len(names)} 个单位"
    return "、".join(names) or "（未填写）"


def _summary(
    sheet: Any, outcome: ValidationOutcome, fmt: dict[str, Any], systemic: dict[str, int], checked_on: dt.date
) -> None:
    write_text(sheet, 0, 0, "名册检查结果", fmt["title"])
    facts = [
        ("结论", verdict(outcome)),
        ("单位", _units(outcome)),
        ("检查日期", checked_on.isoformat()),
        ("文件", outcome.table.file),
        ("工作表", outcome.table.sheet or "（CSV）"),
        ("保障起始日", outcome.start.isoformat()),
        ("数据行数", outcome.rows),
        ("可参保行数（无错误）", outcome.valid_rows),
        ("错误", outcome.errors),
        ("提示", outcome.warnings),
        ("台账核对", "已对照台账核对" if outcome.ledger_used else "未核对台账（未指定或不存在）"),
    ]
    for i, (label, value) in enumerate(facts, start=2):
        write_text(sheet, i, 0, label, fmt["bold"])
        fmt["texts"].write(sheet, i, 1, value)
    at = len(facts) + 3
    for sentence in _systemic_sentences(outcome, systemic):
        write_text(sheet, at, 0, sentence, fmt["bold"])
        at += 1
    at += 1 if systemic else 0
    for i, head in enumerate(("问题", "级别", "数量", "代码")):
        write_text(sheet, at, i, head, fmt["head"])
    counts = outcome.counts()
    severity = {p.code: p.severity for p in outcome.check.problems}
    ordered = sorted(counts.items(), key=lambda kv: (severity[kv[0]] != ERROR, kv[0]))
    for n, (code, count) in enumerate(ordered, start=at + 1):
        write_text(sheet, n, 0, TITLES.get(code, code))
        write_text(sheet, n, 1, SEVERITY[severity[code]], fmt[severity[code]])
        sheet.write_number(n, 2, count)
        write_text(sheet, n, 3, code)
    if not counts:
        write_text(sheet, at + 1, 0, "没有发现问题，名册可以提交。")
    at += len(counts) + 3
    write_text(sheet, at, 0, "有疑问请联系", fmt["bold"])
    lines = outcome.prefectures.contact_lines(outcome.prefectures_seen())
    for n, line in enumerate(lines, start=at + 1):
        write_text(sheet, n, 0, line)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 3, 10)


def _systemic_sentences(outcome: ValidationOutcome, systemic: dict[str, int]) -> list[str]:
    """ "身份证号码列 96,753 行地区码无法识别：…" for each problem that hits more than a tenth of the rows."""
    first = {code: p for p in reversed(outcome.check.problems) if (code := p.code) in systemic}
    sentences = []
    for code, count in sorted(systemic.items(), key=lambda kv: -kv[1]):
        p = first[code]
        column = f"{p.column}列 " if p.column else ""
        sentences.append(
            f"{column}{count:,} 行{TITLES.get(code, code)}：例如第 {p.row} 行，{p.message}"
            f"（批注只标出前 {COMMENTS_PER_PROBLEM:,} 处，问题列逐行列出）"
        )
    return sentences
