"""xjma/io/shared_cells.py: a big sheet's equal cells share one object; values and types stay as read."""

from __future__ import annotations

import datetime as dt

import pytest

import xjma.io.shared_cells as shared_cells
from xjma.io.shared_cells import shared_rows


def fresh(text: str) -> str:
    return "".join(list(text))  # an equal string that is a different object, as calamine makes them


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(shared_cells, "BLOCK", 4)


def test_equal_cells_of_a_column_become_one_object_across_blocks():
    rows = [[fresh("乌鲁木齐市"), fresh("男"), float(i % 2)] for i in range(10)]
    grid = shared_rows(rows)
    assert grid == rows
    assert len({id(r[0]) for r in grid}) == 1
    assert len({id(r[1]) for r in grid}) == 1
    assert len({id(r[2]) for r in grid}) == 2


def test_values_and_their_types_stay_exactly_as_read():
    column = [1.0, True, 1, "1", dt.date(2026, 12, 1), dt.datetime(2026, 12, 1), 0.0, False, 0, "", None]
    rows = [[value, fresh("是")] for value in column]
    grid = shared_rows(rows)
    assert grid == rows
    assert [type(r[0]) for r in grid] == [type(v) for v in column]


def test_empty_cells_are_put_before_each_row_when_the_sheet_starts_further_right():
    grid = shared_rows([["a", 1.5], ["b", 2.5]], left=2)
    assert grid == [["", "", "a", 1.5], ["", "", "b", 2.5]]
    assert all(type(r) is list for r in grid)


def test_a_column_of_mostly_distinct_values_is_no_longer_looked_up_after_the_first_block():
    ids = [f"6501021990010{i:05d}" for i in range(6)]
    rows = [[fresh(i), fresh("甲公司")] for i in ids] + [[fresh(ids[0]), fresh("甲公司")]]
    grid = shared_rows(rows)
    assert grid == rows
    assert grid[6][0] is not grid[0][0]  # the ID column stopped being shared
    assert grid[6][1] is grid[0][1]  # the unit column did not


def test_no_rows_give_an_empty_grid():
    assert shared_rows([]) == []


class FakeSheet:
    """A CalamineSheet whose used area is B3:C4, with iter_rows starting at row `first_row`."""

    height, start, end = 2, (2, 1), (3, 2)
    GRID = [["", "", ""], ["", "", ""], ["", "a", 1.5], ["", "b", 2.5]]

    def __init__(self, first_row: int, left: int = 1):
        self.first_row, self.left = first_row, left

    def iter_rows(self):
        return iter([r[self.left :] for r in self.GRID[self.first_row :]])

    def to_python(self, skip_empty_area=True, nrows=None):
        assert not skip_empty_area
        return [list(r) for r in self.GRID[:nrows]]


@pytest.mark.parametrize("first_row", [0, 2], ids=["from row 1", "from the first used row"])
def test_a_big_sheet_grid_starts_at_a1_whichever_row_iter_rows_starts_at(monkeypatch, first_row):
    from xjma.io.table_reader import _grid

    monkeypatch.setattr(shared_cells, "SHARE_ROWS", 0)
    parsed = [FakeSheet(first_row)]
    assert _grid(parsed, None) == FakeSheet.GRID  # type: ignore[arg-type]
    assert parsed == []  # calamine's copy is let go


def test_an_iter_rows_of_another_width_falls_back_to_to_python(monkeypatch):
    from xjma.io.table_reader import _grid

    monkeypatch.setattr(shared_cells, "SHARE_ROWS", 0)
    assert _grid([FakeSheet(0, left=2)], None) == FakeSheet.GRID  # type: ignore[arg-type]
    assert _grid([FakeSheet(0)], 2) == FakeSheet.GRID[:2]  # type: ignore[arg-type]
