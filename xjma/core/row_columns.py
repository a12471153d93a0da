"""The columnar engine of the row builder (xjma/core/rowbuild.py): a block of rows is read a field at a
time; each field's cells are parsed by one pass over the block, memoised by the cell itself (units,
用工形式, 是/否 and share counts repeat on every row).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from xjma.core.model import RosterRow
from xjma.core.roster_cells import MISSING, blank

Column = list[Any]


class Memo(dict[Any, Any]):
    """cell -> parse(cell), computed on the first lookup."""

    __slots__ = ("parse",)

    def __init__(self, parse: Callable[[object], object]) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, key: object) -> object:
        value = self[key] = self.parse(key)
        return value


class FieldColumn:
    """One field's parse of a raw cell (blank: the fallback value), memoised or not."""

    __slots__ = ("col", "direct", "memos", "one", "parse", "value_of")

    def __init__(
        self,
        columns: Mapping[str, int],
        fallback: Mapping[str, object],
        fld: str,
        parse: Callable[[object], object],
        memo: bool,
        direct: Callable[[object], object] | None = None,
    ) -> None:
        self.col: int | None = columns.get(fld)
        present, default = fld in fallback, fallback.get(fld)

        def value_of(cell: object) -> object:
            """The value a field's parse sees: the cell, else the fallback; MISSING when neither."""
            if blank(cell):
                return default if present else MISSING
            return cell

        def one(cell: object) -> object:
            """parse of a raw cell (a closure, not a method: the memos hold it without a reference cycle)."""
            return parse(value_of(cell))

        self.value_of, self.parse, self.one = value_of, parse, one
        self.direct = direct or parse  # parse of a cell that holds a value (no blank, no fallback)
        # One memo per type of cell, so that equal cells of two types (1.0, 1 and True) are never
        # taken for each other.
        self.memos: dict[type, Memo] | None = {} if memo else None

    def given(self, cell: object) -> bool:
        """A value is there (the cell's or the fallback's)."""
        return self.value_of(cell) not in (None, MISSING)

    def unread(self, parsed: Column, raw: Column) -> list[int]:
        """Indexes of the rows whose value is there but parsed to None."""
        if self.given(None):  # a fallback value stands in for blank cells
            return [
                i for i, (p, c) in enumerate(zip(parsed, raw, strict=True)) if p is None and self.given(c)
            ]
        if self.col is None:
            return []
        return [i for i, (p, c) in enumerate(zip(parsed, raw, strict=True)) if p is None and not blank(c)]

    def _memo(self, kind: type) -> Memo:
        assert self.memos is not None
        found = self.memos.get(kind)
        if found is None:
            found = self.memos[kind] = Memo(self.one)
        return found

    def cells(self, grid: list[Sequence[object]], shortest: int) -> Column:
        """The field's cell in each row of the block (None where a row is too short)."""
        col = self.col
        if col is None:
            return [None] * len(grid)
        if col < shortest:
            return list(map(itemgetter(col), grid))
        return [cells[col] if col < len(cells) else None for cells in grid]

    def parsed(self, raw: Column) -> Column:
        if self.col is None:  # no such column: the same value for every row
            return [self.one(None)] * len(raw)
        if self.memos is None:  # a value on every row (ID, phone): the plain text cell parsed directly
            parse, one = self.direct, self.one
            return [parse(c) if c.__class__ is str and c and not c.isspace() else one(c) for c in raw]
        kinds = set(map(type, raw))
        if len(kinds) == 1:  # the usual column: every cell text, or every cell a number
            return list(map(self._memo(kinds.pop()).__getitem__, raw))
        return [self._memo(type(c))[c] for c in raw]


@dataclass(frozen=True)
class RowBlock:
    """One block of rows being built: the rows so far, where the block starts, each field's cells and
    parsed values."""

    rows: list[RosterRow]
    first: int
    got: dict[str, Column]
    raw: dict[str, Column]
    fields: dict[str, FieldColumn]

    def row(self, i: int) -> RosterRow:
        return self.rows[self.first + i]

    def value(self, name: str, i: int) -> object:
        """What the field's parse saw on row i: the cell, else the fallback (MISSING when neither)."""
        return self.fields[name].value_of(self.raw[name][i])
