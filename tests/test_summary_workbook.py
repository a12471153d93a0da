"""The 按地州市 rows the summary workbooks share (io/summary_workbook)."""

from decimal import Decimal

from xjma.io.prefectures import load_prefectures
from xjma.io.sheet_table import Column
from xjma.io.summary_workbook import UNFILLED, prefecture_rows

COLUMNS = (Column("所属地州市", "text"), Column("人次", "int"), Column("金额（元）", "money"))


def test_found_prefectures_come_first_then_the_others_with_a_zero_of_each_columns_kind_and_unfilled_last():
    prefectures = load_prefectures()
    found = {UNFILLED: (1, Decimal("5.00")), "伊犁州": (2, Decimal("9.50"))}
    rows = prefecture_rows(found, COLUMNS, prefectures)
    assert rows[0] == ("伊犁州", 2, Decimal("9.50"))
    assert rows[-1] == (UNFILLED, 1, Decimal("5.00"))
    others = rows[1:-1]
    assert [r[0] for r in others] == [p.short for p in prefectures.items if p.short != "伊犁州"]
    assert all(r[1:] == (0, Decimal("0.00")) and type(r[1]) is int for r in others)
