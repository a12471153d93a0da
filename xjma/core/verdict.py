"""What a clerk reads first on a 检查结果 (documents.md): the verdict, and problems that hit a whole column.

"可以提交" when no row has an error, else "有 N 个错误需要改正，M 个提示". A problem that hits more than a
tenth of the data rows (a whole column typed wrong, e.g. IDs saved as numbers) is said once, in one
sentence, instead of being left to thousands of comments: only the first COMMENTS_PER_WIDESPREAD cells
of such a problem get a comment (the 问题 column still names it on every row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from xjma.core.findings import ERROR, Problem
from xjma.core.messages import TITLES

WIDESPREAD_SHARE = 0.1
COMMENTS_PER_WIDESPREAD = 1000


def verdict(errors: int, warnings: int) -> str:
    """The one line that says whether the roster can be submitted."""
    if errors == 0:
        return "可以提交" if warnings == 0 else f"可以提交（有 {warnings:,} 个提示，请核对）"
    return f"有 {errors:,} 个错误需要改正，{warnings:,} 个提示"


@dataclass(frozen=True)
class Widespread:
    code: str
    column: str
    count: int  # rows hit

    def sentence(self) -> str:
        """ "身份证号码列 96,753 行身份证地区码不认识：…" — the column, how many rows, what is wrong."""
        where = f"{self.column}列" if self.column else "整行"
        return f"{where} {self.count:,} 行{TITLES.get(self.code, self.code)}：很可能整列填写或格式有误，请先整列改正"


def widespread(problems: Sequence[Problem], rows: int, share: float = WIDESPREAD_SHARE) -> list[Widespread]:
    """Problems (code and column) that hit more than `share` of the `rows` data rows, errors first."""
    if rows <= 0:
        return []
    hits = Counter((p.code, p.column) for p in {(p.row, p.code, p.column): p for p in problems}.values())
    severity = {p.code: p.severity for p in problems}
    found = [Widespread(code, column, n) for (code, column), n in hits.items() if n > rows * share]
    return sorted(found, key=lambda w: (severity[w.code] != ERROR, -w.count, w.code))


def comment_allowed(seen: Counter[tuple[str, str]], problem: Problem, wide: set[tuple[str, str]]) -> bool:
    """Whether this problem's cell still gets a comment: always, except past the first
    COMMENTS_PER_WIDESPREAD cells of a widespread problem. `seen` counts as it goes."""
    key = (problem.code, problem.column)
    if key not in wide:
        return True
    seen[key] += 1
    return seen[key] <= COMMENTS_PER_WIDESPREAD
