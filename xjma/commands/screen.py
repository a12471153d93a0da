"""Tables that stay readable on an 80-column terminal (documents.md "The terminal").

rich cuts a cell that does not fit with "…", which hides amounts, dates and instructions. Here no
column ever does: long texts wrap (Chinese anywhere, other text at spaces, a word longer than its column
folds), every amount, date, ID or code keeps its whole width, and a table whose columns cannot all
get that width is shown as a list instead — one block per row, "表头：值" per line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

_UNBREAKABLE = re.compile(r"[0-9A-Za-z]")  # a word with amounts, dates, IDs, codes: never broken
_CJK_MIN = 8  # a column of Chinese text narrower than this reads as a column of single characters


def min_width(text: str) -> int:
    """The narrowest a column may be and still show `text` without breaking an amount or a code.

    rich wraps at spaces only, so a word holding an amount ("意外：40000.00") needs its whole width;
    a word of Chinese alone may break anywhere."""
    need = min(cell_len(text), _CJK_MIN)
    for word in text.split():
        if _UNBREAKABLE.search(word):
            need = max(need, cell_len(word))
    return need


def fitting_table(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    width: int,
    right: Sequence[int] = (),
    show_lines: bool = False,
) -> RenderableType:
    """A rich Table that wraps instead of cutting, or the list form when it cannot fit `width`."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    need = [
        max([min_width(h)] + [min_width(row[i]) for row in cells if i < len(row)])
        for i, h in enumerate(headers)
    ]
    room = width - 3 * len(headers) - 1  # each column has a space either side and a border
    if sum(need) > room:
        return list_form(title, headers, cells)
    widths = _share(
        need, [_natural(h, [row[i] for row in cells if i < len(row)]) for i, h in enumerate(headers)], room
    )
    table = Table(title=title, title_justify="left", show_lines=show_lines)
    for i, (head, size) in enumerate(zip(headers, widths, strict=True)):
        table.add_column(head, overflow="fold", width=size, justify="right" if i in right else "left")
    for row in cells:
        table.add_row(*(Text(v, overflow="fold") for v in row))
    return table


def _natural(head: str, values: Sequence[str]) -> int:
    """The width a column would take with no wrapping at all."""
    return max(cell_len(line) for text in (head, *values) for line in text.split("\n") or [""])


def _share(need: Sequence[int], natural: Sequence[int], room: int) -> list[int]:
    """Column widths: each its natural width when all fit; else each its minimum, and what is left is
    poured in like water — the columns that want little more are filled first, the wide ones (long
    texts) share the rest equally and wrap."""
    natural = [max(n, m) for n, m in zip(natural, need, strict=True)]
    if sum(natural) <= room:
        return list(natural)
    widths = list(need)
    spare = room - sum(need)
    order = sorted(range(len(widths)), key=lambda i: natural[i] - need[i])
    for done, i in enumerate(order):
        give = min(natural[i] - need[i], spare // (len(order) - done))
        widths[i] += give
        spare -= give
    return widths


def list_form(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> RenderableType:
    """Each row as a block of "表头：值" lines (a wrapped line keeps its whole value)."""
    parts: list[RenderableType] = [Text(title, style="bold")] if title else []
    for n, row in enumerate(rows, start=1):
        lines = [
            f"{head}：{value}".replace("\n", "\n   " + " " * (cell_len(head) + 2))
            for head, value in zip(headers, row, strict=False)
            if value != ""
        ]
        parts.append(Text(f"{n}. " + "\n   ".join(lines), overflow="fold"))
    return Group(*parts)


def key_values(title: str, pairs: Sequence[tuple[str, object]]) -> RenderableType:
    """A short record (a member, a case) as "名称：值" lines."""
    lines = [f"{key}：{'' if value is None else value}" for key, value in pairs]
    body = Text("\n".join(lines), overflow="fold")
    return Group(Text(title, style="bold"), body) if title else body


def numbered(lines: Sequence[str], indent: int = 2) -> RenderableType:
    """Steps "1. …" with a hanging indent: a wrapped step continues under its own text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for i, line in enumerate(lines, start=1):
        grid.add_row(f"{' ' * indent}{i}.", Text(line, overflow="fold"))
    return grid
