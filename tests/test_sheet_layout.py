"""The writing helpers every workbook uses (documents.md "Every sheet"): page setup, title block, one
table with 合计, widths that fit (CJK counts two), wrapped rows tall enough, text columns as text."""

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from workbook_checks import code_cells, header_row, headers, marker_off, print_problems, total_row

from xjma.core.labels import label, labels, looks_like_code
from xjma.io.sheet_layout import DRAFT_MARK, Heading, Styles, display_width, page_setup, wrapped_lines
from xjma.io.sheet_table import Column, Marked, write_table

LONG_UNIT = "乌鲁木齐市天山区某某街道办事处社区工作者服务中心"  # 24 CJK characters: 48 units
COLUMNS = [
    Column("序号", "int", 8),
    Column("姓名", "text", 16),
    Column("身份证号码", "id"),
    Column("工作单位", "text", 30),
    Column("份数", "int", 8, total=True),
    Column("会费（元）", "money", 14, total=True),
    Column("起始日", "date"),
    Column("代码", "id"),
]


def _rows(n: int = 5):
    for i in range(1, n + 1):
        unit = LONG_UNIT if i == 2 else "甲公司"
        yield (i, "张三", "650104199310100012", unit, 2, Decimal("110.00"), dt.date(2026, 12, 2), "capped")


def _write(path, columns=COLUMNS, rows=None, mark="", constant_memory=True):
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "strings_to_formulas": False})
    heading = Heading("参保名单（甲公司）", "中国职工保险互助会新疆办事处", dt.date(2026, 12, 1), mark)
    ws = book.add_worksheet("参保名单")
    table = write_table(
        ws, Styles(book), columns, _rows() if rows is None else rows, heading=heading, freeze_cols=2
    )
    book.close()
    return table, openpyxl.load_workbook(path)["参保名单"]


@pytest.mark.parametrize("constant_memory", [True, False])
def test_a_table_prints_on_a4_one_page_wide_with_its_header_row_repeated(tmp_path, constant_memory):
    _, ws = _write(tmp_path / "t.xlsx", constant_memory=constant_memory)
    assert print_problems(ws) == []
    assert header_row(ws) == 3  # title, 制表单位 line, then the header row
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "C4"  # header row and 序号 + 姓名 stay in view
    assert "参保名单（甲公司）" in ws.oddHeader.center.text
    assert ws["A1"].value == "参保名单（甲公司）"
    assert ws["A2"].value == "制表单位：中国职工保险互助会新疆办事处"
    assert ws["H2"].value == "制表日期：2026-12-01"


def test_a_sheet_wider_than_a_portrait_page_prints_landscape_and_a_narrow_one_portrait(tmp_path):
    _, wide = _write(tmp_path / "w.xlsx")
    _, narrow = _write(tmp_path / "n.xlsx", columns=COLUMNS[:3], rows=[(1, "张三", "650104199310100012")])
    assert wide.page_setup.orientation == "landscape"
    assert narrow.page_setup.orientation == "portrait"


def test_money_dates_and_counts_are_real_numbers_with_their_formats(tmp_path):
    _, ws = _write(tmp_path / "t.xlsx")
    assert ws["F4"].value == 110 and ws["F4"].number_format == "#,##0.00"
    assert ws["G4"].value == dt.datetime(2026, 12, 2) and ws["G4"].number_format == "yyyy-mm-dd"
    assert ws["E4"].value == 2 and ws["E4"].number_format == "0"


def test_id_numbers_are_text_shown_whole_with_the_number_as_text_marker_off(tmp_path):
    path = tmp_path / "t.xlsx"
    _, ws = _write(path)
    assert ws["C4"].value == "650104199310100012" and ws["C4"].data_type == "s"
    assert ws["C4"].number_format == "@"
    assert ws.column_dimensions["C"].width >= 18
    assert marker_off(path, 0, 3, 4) and marker_off(path, 0, 3, 8)
    assert not marker_off(path, 0, 6, 4)  # money is a number, nothing to switch off


def test_a_long_unit_name_is_capped_at_a_readable_width_and_wraps_in_a_taller_row(tmp_path):
    _, ws = _write(tmp_path / "t.xlsx")
    assert ws.column_dimensions["D"].width == pytest.approx(30, abs=1)
    assert ws["D5"].value == LONG_UNIT and ws["D5"].alignment.wrap_text
    assert ws.row_dimensions[5].height >= 2 * 15  # 48 units in a 30-wide column: two lines
    assert ws.row_dimensions[4].height is None  # a row that does not wrap keeps the default


def test_a_column_fits_its_longest_cjk_name_counting_two_per_character(tmp_path):
    rows = [(1, "阿依古丽·买买提", "650104199310100012", "甲", 1, Decimal("1.00"), dt.date(2026, 1, 1), "x")]
    _, ws = _write(tmp_path / "t.xlsx", rows=rows)
    assert display_width("阿依古丽·买买提") == 15
    assert ws.column_dimensions["B"].width >= 15


def test_the_total_row_adds_the_amount_and_count_columns(tmp_path):
    table, ws = _write(tmp_path / "t.xlsx")
    r = total_row(ws)
    assert r == 9
    assert ws.cell(r, 5).value == 10 and ws.cell(r, 6).value == 550
    assert ws.cell(r, 6).number_format == "#,##0.00"
    assert ws.cell(r, 3).value is None  # ID numbers are not added up
    assert table.totals[5] == Decimal("550.00")


def test_a_table_without_rows_still_has_its_header_and_a_zero_total(tmp_path):
    _, ws = _write(tmp_path / "t.xlsx", rows=[])
    assert headers(ws)[0] == "序号" and ws.cell(total_row(ws), 6).value == 0


def test_a_dry_run_marks_the_title_block_and_every_page_header(tmp_path):
    _, ws = _write(tmp_path / "t.xlsx", mark=DRAFT_MARK)
    assert ws["A3"].value.startswith(DRAFT_MARK)
    assert DRAFT_MARK in ws.oddHeader.left.text
    assert header_row(ws) == 4


def test_codes_show_only_in_the_last_column_headed_daima(tmp_path):
    _, ws = _write(tmp_path / "t.xlsx")
    assert code_cells(ws) == []
    rows = [(1, "张三", "650104199310100012", "capped", 1, Decimal("1.00"), dt.date(2026, 1, 1), "capped")]
    _, leaky = _write(tmp_path / "l.xlsx", rows=rows)
    assert code_cells(leaky) == ["参保名单!D4='capped'"]


def test_every_code_a_clerk_may_meet_has_a_chinese_label():
    assert label("id-checksum") == "身份证号码校验码不对"
    assert label("inpatient-accident") == "住院+意外"
    assert label("capped") == "受限额"
    assert label("disease-unknown").startswith("疾病名称不在目录中")
    assert label("third-party", {"third-party": "第三方责任"}) == "第三方责任"
    assert labels(["error", "warning"]) == "错误；提示"
    assert looks_like_code("id-region-unknown") and not looks_like_code("身份证号码")
    assert not looks_like_code("650104199310100012") and not looks_like_code("X")


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [("甲" * 14, 30, 1), ("甲" * 15, 30, 2), ("a\nb", 30, 2), ("", 10, 1)],
)
def test_wrapped_lines_count_what_fits_in_the_column_less_its_padding(text, width, lines):
    assert wrapped_lines(text, width) == lines


def test_page_setup_escapes_an_ampersand_in_the_title(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "a.xlsx"))
    ws = book.add_worksheet("x")
    page_setup(ws, "A&B 公司", 10)
    ws.write_string(0, 0, "x")
    book.close()
    assert openpyxl.load_workbook(tmp_path / "a.xlsx")["x"].oddHeader.center.text == "A&&B 公司"


def test_a_marked_cell_takes_its_style_and_the_others_their_column_format(tmp_path):
    rows = [(1, Marked("张三", "error"), Marked("650104199310100012", "warning"), "甲", 1, Decimal("1.00"),
             dt.date(2026, 1, 1), "x")]  # fmt: skip
    _, ws = _write(tmp_path / "t.xlsx", rows=rows)
    assert ws["B4"].fill.fgColor.rgb.endswith("FFC7CE") and ws["B4"].value == "张三"
    assert ws["C4"].fill.fgColor.rgb.endswith("FFEB9C")
    assert ws["D4"].fill.fgColor.rgb in (None, "00000000")


def test_a_form_to_fill_in_has_its_signature_line_in_the_footer_of_every_page(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "a.xlsx"))
    ws = book.add_worksheet("参保人员名册")
    page_setup(
        ws,
        "职工互助保障活动参保人员名册",
        200,
        header_rows=(3, 3),
        sign=("填报人", "联系电话", "单位盖章", "日期"),
    )
    ws.write_string(0, 0, "x")
    book.close()
    footer = openpyxl.load_workbook(tmp_path / "a.xlsx")["参保人员名册"].oddFooter
    assert footer.left.text.startswith("填报人：＿") and "联系电话：＿" in footer.left.text
    assert footer.right.text.startswith("单位盖章：＿") and "日期：　年　月　日" in footer.right.text
    assert "&P" in footer.center.text and "&N" in footer.center.text


def test_the_data_has_borders_from_one_rule_so_blank_cells_need_not_be_written(tmp_path):
    path = tmp_path / "t.xlsx"
    rows = [(1, "张三", None, None, None, None, None, None)]
    _, ws = _write(path, rows=rows)
    assert ws["C4"].value is None and ws["C4"].has_style is False
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert '<conditionalFormatting sqref="A4:H4">' in xml


def test_a_text_that_looks_like_a_formula_is_a_string_with_the_quote_prefix(tmp_path):
    rows = [(1, "=1+1", "650104199310100012", "@SUM(A1)", 1, Decimal("1.00"), dt.date(2026, 1, 1), "x")]
    _, ws = _write(tmp_path / "t.xlsx", rows=rows)
    assert ws["B4"].value == "=1+1" and ws["B4"].data_type == "s" and ws["B4"].quotePrefix
    assert ws["D4"].value == "@SUM(A1)" and ws["D4"].quotePrefix and ws["D4"].alignment.wrap_text
    assert not ws["C4"].quotePrefix


def test_a_text_repeated_down_a_column_is_written_as_its_first_cell_on_every_row(tmp_path):
    row = (1, "=1+1", "650104199310100012", LONG_UNIT, 1, Decimal("1.00"), "按档次", "x")
    _, ws = _write(tmp_path / "t.xlsx", rows=[row, row, row])
    for r in (4, 5, 6):
        assert ws[f"B{r}"].value == "=1+1" and ws[f"B{r}"].quotePrefix
        assert ws[f"G{r}"].value == "按档次" and ws[f"G{r}"].alignment.wrap_text  # a text in a date column
        assert ws.row_dimensions[r].height >= 2 * 15  # the long unit wraps on every row


def test_one_text_in_a_narrow_and_a_wide_column_wraps_only_in_the_narrow_one(tmp_path):
    text = "新疆维吾尔自治区总工会"  # 22 units: past 姓名's 16, within 工作单位's 30
    rows = [(1, text, "650104199310100012", "甲", 1, Decimal("1.00"), None, "x"),
            (2, "张三", "650104199310100012", text, 1, Decimal("1.00"), None, "x")]  # fmt: skip
    _, ws = _write(tmp_path / "t.xlsx", rows=rows)
    assert ws.row_dimensions[4].height >= 2 * 15
    assert ws.row_dimensions[5].height is None
