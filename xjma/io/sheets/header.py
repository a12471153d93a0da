"""The header of a sheet: which row it is (by content), a second header row merged over it, the
file-level `KEY：VALUE` lines above it, and the columns that match no field (roster.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xjma.core.columns import FILE_LEVEL_KEYS, FieldDef, header_index, header_key, match_headers
from xjma.core.messages import message
from xjma.core.normalize import clean_text
from xjma.core.problems import ERROR, WARNING, Problem
from xjma.core.vocab import squash

HEADER_SCAN_ROWS = 20
# "单位名称：A公司 所属地州市：巴州" in one cell: split before each further "KEY:".
_KV_SPLIT = re.compile(r"\s+(?=[^\s:]+:)")
# A header that names a plan's shares the reader does not know: its shares would be lost.
PLAN_WORDS = ("份", "重疾", "住院", "意外", "女工", "女职工", "疾病", "新就业")
TOTALS = frozenset({"合计", "小计", "总计", "共计"})
_TOTALS_FIRST = frozenset(t[0] for t in TOTALS)

Grid = list[list[Any]]
Merge = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Header:
    at: int  # index of the (lower) header row in the sheet's rows
    headers: list[str]
    columns: dict[str, int]
    file_values: dict[str, str]
    file_rows: dict[str, int]  # the Excel row of each file-level value's line


def find_header(head: Grid, fields: Sequence[FieldDef], key_fields: tuple[str, ...]) -> int | None:
    """Index of the first of the first 20 rows that holds every key field's header."""
    for at, row in enumerate(head[:HEADER_SCAN_ROWS]):
        texts = [c if isinstance(c, str) else "" for c in row]
        found = match_headers(texts, fields)
        if all(key in found for key in key_fields):
            return at
    return None


def read_header(head: Grid, at: int, merges: Sequence[Merge], fields: Sequence[FieldDef]) -> Header:
    """The header found at `at`, read together with the row below (or above) when one of the two has
    cells merged over several columns (参保份数 over the plan columns): the lower row names the columns,
    a cell empty there takes the upper row's text (序号 merged down over both rows)."""
    upper = at
    if at + 1 < len(head) and _group_row(head, merges, at, fields):
        upper, at = at, at + 1
    elif at > 0 and _group_row(head, merges, at - 1, fields):
        upper = at - 1
    lower_cells = [clean_header(c) for c in head[at]]
    if upper != at:
        upper_cells = [clean_header(c) for c in head[upper]]
        width = max(len(lower_cells), len(upper_cells))
        lower_cells += [""] * (width - len(lower_cells))
        upper_cells += [""] * (width - len(upper_cells))
        lower_cells = [low or up for low, up in zip(lower_cells, upper_cells, strict=True)]
    while lower_cells and not lower_cells[-1]:
        lower_cells.pop()
    values, rows = read_file_values(head[:upper], fields)
    return Header(at, lower_cells, match_headers(lower_cells, fields), values, rows)


def _group_row(head: Grid, merges: Sequence[Merge], row: int, fields: Sequence[FieldDef]) -> bool:
    """A header row of group labels: a cell merged over several columns whose text names no field and
    is no `KEY：VALUE` line (参保份数, 基本信息), in a row with other filled cells (not a title)."""
    cells = head[row]
    if sum(1 for c in cells if clean_header(c)) < 2:
        return False
    index = header_index(fields)
    for (r0, c0), (_, c1) in merges:
        if r0 != row or c1 <= c0 or c0 >= len(cells):
            continue
        text = clean_text(cells[c0])
        if text and ":" not in text and header_key(text) not in index:
            return True
    return False


def clean_header(cell: object) -> str:
    if cell is None:
        return ""
    return cell.strip() if isinstance(cell, str) else clean_text(cell)


def column_problems(header: Header, header_row: int) -> list[Problem]:
    """One problem per header that matches no field: `column-unknown` (error) when it looks like a
    plan's share column, else `column-ignored` (warning)."""
    used = set(header.columns.values())
    problems: list[Problem] = []
    for col, text in enumerate(header.headers):
        if not text or col in used:
            continue
        if any(word in squash(text) for word in PLAN_WORDS):  # "（份）" included: not header_key
            code, severity = "column-unknown", ERROR
        else:
            code, severity = "column-ignored", WARNING
        problems.append(Problem(header_row, text, code, severity, message(code, header=text)))
    return problems


def totals_test(columns: dict[str, int]) -> Callable[[Sequence[object]], bool]:
    """Is a row a 合计 / 小计 / 总计 / 共计 row: does its 序号 or 姓名 cell say so."""
    cols = [columns[name] for name in ("seq", "name") if name in columns]

    def is_totals(cells: Sequence[object]) -> bool:
        for col in cols:
            cell = cells[col] if col < len(cells) else None
            # The first character decides for nearly every row, without splitting the text.
            if not isinstance(cell, str) or cell.lstrip()[:1] not in _TOTALS_FIRST:
                continue
            if "".join(cell.split()) in TOTALS:
                return True
        return False

    return is_totals


def read_file_values(rows: Grid, fields: Sequence[FieldDef]) -> tuple[dict[str, str], dict[str, int]]:
    """`KEY：VALUE` / `KEY:VALUE` cells above the header, or `KEY：` with the value in the next filled cell
    of the row. Only keys that name a field allowed at file level count; the first occurrence wins.
    Also the Excel row of each value's line (the rows are the sheet's from its first)."""
    index = header_index([f for f in fields if f.name in FILE_LEVEL_KEYS])
    values: dict[str, str] = {}
    at: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        texts = [clean_text(c) for c in row]  # NFKC: "：" is ":" from here on
        for col, text in enumerate(texts):
            for part in _KV_SPLIT.split(text):
                key, colon, value = part.partition(":")
                name = index.get(header_key(key)) if colon else None
                if name is None or name in values:
                    continue
                value = value.strip() or _next_value(texts, col)
                if value:
                    values[name] = value
                    at[name] = number
    return values, at


def _next_value(texts: list[str], col: int) -> str:
    for text in texts[col + 1 :]:
        if text:
            return "" if ":" in text else text  # another "KEY:" cell: this key was left blank
    return ""
