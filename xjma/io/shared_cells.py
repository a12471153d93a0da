"""A big sheet's rows with equal cells of a column sharing one Python object (issue 5: 1M rows in 2 GB).

python-calamine makes a new Python object of every cell: a 1,000,000-row roster of 20 columns is 20M
objects, ~1.3 GB, held while calamine's own copy of the sheet (~1 GB) is still alive. Most columns repeat
a handful of values (units, 地州市, 性别, 是/否, share counts), so here the rows are taken one block at a
time from `iter_rows()` and, column by column, every value equal to one seen before (same type, equal
value) is replaced by that first object: the Python rows of the bench's 1M roster shrink by ~40%.
Columns whose values are mostly distinct (ID and phone numbers, names, 序号) stop being looked up after
the first block. The values are equal to what `to_python()` gives; only object identity differs.

Small sheets do not need it (it costs ~2.5 µs a row), see SHARE_ROWS.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

SHARE_ROWS = 200_000  # sheets with more rows than this are read through shared_rows()
BLOCK = 4096
_DISTINCT = 0.5  # a column with more distinct values than this share of its rows is left alone


def shared_rows(rows: Iterable[list[Any]], left: int = 0) -> list[list[Any]]:
    """`rows` (all of one length) as lists with `left` empty cells first, equal cells of a column shared."""
    memos: list[dict[type, dict[Any, Any]] | None] = []
    grid: list[list[Any]] = []
    seen = 0
    for block in _blocks(rows):
        if not memos:
            memos = [{} for _ in block[0]]
        seen += len(block)
        pad = [("",) * len(block)] * left
        columns = [_shared(col, memos, i, seen) for i, col in enumerate(zip(*block, strict=True))]
        grid.extend(map(list, zip(*pad, *columns, strict=True)))
    return grid


def _blocks(rows: Iterable[list[Any]]) -> Iterator[list[list[Any]]]:
    source = iter(rows)
    while block := list(itertools.islice(source, BLOCK)):
        yield block


def _shared(col: tuple[Any, ...], memos: list[dict[type, dict[Any, Any]] | None], i: int, seen: int) -> Any:
    memo = memos[i]
    if memo is None:
        return col
    kinds = set(map(type, col))
    if len(kinds) == 1:  # the usual case: one type, looked up at C speed
        same = memo.setdefault(kinds.pop(), {})
        col = tuple(map(same.setdefault, col, col))
    else:  # by type, so that 1, 1.0 and True stay what they are
        col = tuple(memo.setdefault(v.__class__, {}).setdefault(v, v) for v in col)
    if sum(map(len, memo.values())) > seen * _DISTINCT:
        memos[i] = None
    return col
