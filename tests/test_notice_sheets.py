"""Notices one page each (io/sheet_blocks.write_notice_sheets, notice_contact): the sheets they take and
the contact they name."""

from pathlib import Path

import openpyxl
import xlsxwriter

from xjma.io.prefectures import load_prefectures
from xjma.io.sheet_blocks import NOTICES_PER_SHEET, notice_contact, write_notice_sheets


def _written(path: Path, count: int) -> openpyxl.Workbook:
    book = xlsxwriter.Workbook(str(path))

    def one(ws: object, n: int, r: int) -> int:
        ws.write_string(r, 0, f"通知 {n}")  # type: ignore[attr-defined]
        return r + 3

    write_notice_sheets(book, "通知", "标题", (10, 20), list(range(count)), one)
    book.close()
    return openpyxl.load_workbook(path)


def test_past_the_notices_a_sheet_holds_they_go_on_a_second_sheet_each_after_a_page_break(tmp_path):
    read = _written(tmp_path / "n.xlsx", NOTICES_PER_SHEET + 1)
    assert read.sheetnames == ["通知", "通知2"]
    first, second = read["通知"], read["通知2"]
    assert first.cell(1, 1).value == "通知 0" and first.cell(3 * NOTICES_PER_SHEET - 2, 1).value == "通知 999"
    assert second.cell(1, 1).value == "通知 1000"
    assert [b.id for b in first.row_breaks.brk][:2] == [3, 6]
    assert len(first.row_breaks.brk) == NOTICES_PER_SHEET - 1


def test_no_notice_is_one_empty_sheet(tmp_path):
    read = _written(tmp_path / "n.xlsx", 0)
    assert read.sheetnames == ["通知"] and read["通知"].max_row == 1 and read["通知"].cell(1, 1).value is None


def test_a_prefecture_with_on_site_staff_is_named_and_any_other_gets_the_office():
    prefectures = load_prefectures()
    staffed = next(p for p in prefectures.items if p.contact is not None)
    assert notice_contact(prefectures, staffed.short) == (
        f"{staffed.union} {staffed.contact}",
        staffed.phone or "",
    )
    office = (prefectures.office.name, " / ".join(prefectures.office.phones))
    assert notice_contact(prefectures, None) == office
    unstaffed = next(p for p in prefectures.items if p.contact is None)  # 区直: served by the office
    assert notice_contact(prefectures, unstaffed.short) == office
    assert notice_contact(prefectures, "不存在的地州市") == office
