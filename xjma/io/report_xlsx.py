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

from xjma.core.messages import TITLES, column_title
from xjma.core.problems import ERROR, Problem
from xjma.io.report_sheets import problem_list_sheet, problem_rows_sheet, summary_sheet
from xjma.io.sheet_layout import Heading, Styles, issuer_for
from xjma.io.xlsx_util import workbook_at

if TYPE_CHECKING:
    from xjma.io.checked_roster import ValidationOutcome

COMMENTS_PER_PROBLEM = 1000  # for a problem that hits more than a tenth of the rows


def write_report(outcome: ValidationOutcome, target: Path, checked_on: dt.date | None = None) -> None:
    with workbook_at(target, {"strings_to_formulas": False, "strings_to_urls": False}) as book:
        styles = Styles(book)
        systemic = systemic_codes(outcome)
        units = _units(outcome)
        issuer = issuer_for(outcome.prefectures, outcome.prefectures_seen())
        heading = Heading(f"名册检查结果（{units}）", issuer, checked_on or dt.date.today())
        _summary(book, styles, heading, outcome, systemic, units)
        _problem_rows(book, styles, heading, outcome, systemic)
        _problem_list(book, styles, heading, outcome.check.problems, systemic)


def systemic_codes(outcome: ValidationOutcome) -> dict[str, int]:
    """Codes that hit more than a tenth of the member rows -> the number of rows they hit."""
    total = max(outcome.rows, 1)
    hits = Counter(code for code, _ in {(p.code, p.row) for p in outcome.check.problems})
    return {code: n for code, n in hits.items() if n * 10 > total and n > 1}


def _problem_rows(
    book: Any, styles: Styles, heading: Heading, outcome: ValidationOutcome, systemic: dict[str, int]
) -> None:
    """Every row with a problem: 行号, 问题, then the roster's cells (problem cells filled and
    commented); past the first 1,000 rows of a whole column typed wrong, 行号 and 问题 alone."""
    by_row: dict[int, list[Problem]] = defaultdict(list)
    for p in outcome.check.problems:
        by_row[p.row].append(p)
    comments: Counter[str] = Counter()
    rows_of: Counter[str] = Counter()  # rows met so far with each systemic problem

    def rows() -> Any:
        cells = outcome.problem_cells
        for number in sorted(by_row):
            problems = by_row[number]
            alone = _past_first_cells(problems, systemic, rows_of)
            yield number, problems, [] if alone else cells.get(number, [])

    headers = outcome.table.headers
    problem_rows_sheet(
        book, styles, heading, headers, rows(), lambda p: _comment_allowed(p, systemic, comments)
    )


def _past_first_cells(problems: list[Problem], systemic: dict[str, int], rows_of: Counter[str]) -> bool:
    """Count this row for each of its systemic problems; True when its only problems are systemic ones
    already shown on their first 1,000 rows."""
    if len(problems) == 1:  # most rows of a problem-heavy roster
        code = problems[0].code
        if code not in systemic:
            return False
        rows_of[code] += 1
        return rows_of[code] > COMMENTS_PER_PROBLEM
    for code in {p.code for p in problems if p.code in systemic}:
        rows_of[code] += 1
    return all(p.code in systemic and rows_of[p.code] > COMMENTS_PER_PROBLEM for p in problems)


def _comment_allowed(p: Problem, systemic: dict[str, int], comments: Counter[str]) -> bool:
    if p.code not in systemic:
        return True
    comments[p.code] += 1
    return comments[p.code] <= COMMENTS_PER_PROBLEM


def _problem_list(
    book: Any, styles: Styles, heading: Heading, problems: list[Problem], systemic: dict[str, int]
) -> None:
    """One line per problem; a whole-column problem past its first 1,000 lines says how many more."""
    listed: Counter[str] = Counter()
    rows: list[tuple[object, ...]] = []
    for p in problems:
        listed[p.code] += 1
        if p.code not in systemic or listed[p.code] <= COMMENTS_PER_PROBLEM:
            rows.append((p.row, p.column, TITLES.get(p.code, p.code), p.severity, p.message, p.code))
    for code, count in listed.items():
        if code in systemic and count > COMMENTS_PER_PROBLEM:
            more = f"另有 {count - COMMENTS_PER_PROBLEM:,} 处同样的问题，未逐条列出（见“汇总”和“问题行”的问题列）"
            rows.append((None, "", TITLES.get(code, code), "", more, code))
    problem_list_sheet(book, styles, heading, rows)


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
    book: Any,
    styles: Styles,
    heading: Heading,
    outcome: ValidationOutcome,
    systemic: dict[str, int],
    units: str,
) -> None:
    facts: list[tuple[str, object]] = [
        ("单位", units),
        ("检查日期", heading.made_on.isoformat()),
        ("文件", outcome.table.file),
        ("工作表", outcome.table.sheet or "（CSV）"),
        ("保障起始日", outcome.start.isoformat()),
        ("数据行数", outcome.rows),
        ("可参保行数（无错误）", outcome.valid_rows),
        ("错误", outcome.errors),
        ("提示", outcome.warnings),
        ("台账核对", "已对照台账核对" if outcome.ledger_used else "未核对台账（未指定或不存在）"),
    ]
    counts = outcome.counts()
    severity = {p.code: p.severity for p in outcome.check.problems}
    ordered = sorted(counts.items(), key=lambda kv: (severity[kv[0]] != ERROR, kv[0]))
    sentences = _systemic_sentences(outcome, systemic)
    contacts = outcome.prefectures.contact_lines(outcome.prefectures_seen())
    rows = [(code, severity[code], n) for code, n in ordered]
    summary_sheet(book, styles, heading, verdict(outcome), facts, sentences, rows, contacts)


def _systemic_sentences(outcome: ValidationOutcome, systemic: dict[str, int]) -> list[str]:
    """ "身份证号码列 96,753 行地区码无法识别：…" for each problem that hits more than a tenth of the rows;
    the note on comments only when some of its cells have none (more than COMMENTS_PER_PROBLEM)."""
    first = {code: p for p in reversed(outcome.check.problems) if (code := p.code) in systemic}
    cells = Counter(p.code for p in outcome.check.problems if p.code in systemic)
    sentences = []
    for code, count in sorted(systemic.items(), key=lambda kv: -kv[1]):
        p = first[code]
        column = f"{p.column}列 " if p.column else ""
        limited = cells[code] > COMMENTS_PER_PROBLEM
        note = f"（批注只标出前 {COMMENTS_PER_PROBLEM:,} 处，问题列逐行列出）" if limited else ""
        sentences.append(f"{column}{count:,} 行{column_title(code)}：例如第 {p.row} 行，{p.message}{note}")
    return sentences
