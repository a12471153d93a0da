"""Roster and claims files are read into a Table with the row numbers Excel shows (roster.md "Files
xjma reads"); files xjma cannot read stop with one Chinese sentence (XjmaError, exit 2)."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from xjma.core.columns import CLAIMS_FIELDS, ROSTER_FIELDS
from xjma.core.normalize import parse_date
from xjma.errors import XjmaError
from xjma.io.sheets import read_table

HEADER = ["序号", "姓名", "身份证号码", "联系电话"]


ID = "65010219900101123X"


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], at: tuple[int, int] = (1, 1)) -> Path:
    """One sheet per entry; rows start at Excel row/column `at` (1-based); None leaves a cell empty."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.cell(at[0] + r, at[1] + c, value)
    book.save(path)
    return path


def roster(tmp_path: Path, rows: list[list[object]], **kw: object) -> Path:
    return write_xlsx(tmp_path / "名册.xlsx", {"名册": rows}, **kw)  # type: ignore[arg-type]


def test_the_header_is_found_under_title_rows_and_file_level_lines_are_read(tmp_path):
    path = roster(
        tmp_path,
        [
            ["2026年度职工互助保障参保人员名册"],
            ["单位名称：乌鲁木齐市第一建筑公司", None, None, "所属地州市:巴州"],
            ["填报日期：2026-01-05", None, "联系电话：0991-1234567"],
            HEADER,
            [1, "张三", ID, "13709961113"],
            [2, "李四", ID, "13709961114"],
        ],
    )
    table = read_table(path, ROSTER_FIELDS)
    assert (table.sheet, table.header_row) == ("名册", 4)
    assert table.file_values == {"unit": "乌鲁木齐市第一建筑公司", "prefecture": "巴州"}
    assert [r.row for r in table.rows] == [5, 6]
    assert table.value(table.rows[1], "name") == "李四"
    assert table.file == str(path)


def test_a_file_level_key_may_have_its_value_in_the_next_filled_cell(tmp_path):
    path = roster(tmp_path, [["单位名称：", None, "某某公司", "所属地州市：", "所属地州市：巴州"], HEADER])
    # "所属地州市：" is followed by another "KEY：" cell, so it stays blank and the later line counts.
    assert read_table(path, ROSTER_FIELDS, require_rows=False).file_values == {
        "unit": "某某公司",
        "prefecture": "巴州",
    }


def test_two_file_level_lines_in_one_cell_are_both_read(tmp_path):
    path = roster(tmp_path, [["单位名称：新疆某公司（乌鲁木齐） 所属地州市：哈密市"], HEADER])
    assert read_table(path, ROSTER_FIELDS, require_rows=False).file_values == {
        "unit": "新疆某公司(乌鲁木齐)",
        "prefecture": "哈密市",
    }


def test_aliases_and_full_plan_names_map_to_their_fields(tmp_path):
    headers = [
        "编号",
        "单位名称",
        "职工姓名",
        "身份证号",
        "手机号码",
        "合同期限（月）",
        "在职职工重大疾病（35重+25轻）互助保障（份）",
    ]
    path = roster(tmp_path, [headers, [1, "A公司", "张三", ID, "13709961113", 24, 2]])
    table = read_table(path, ROSTER_FIELDS)
    assert table.columns == {
        "seq": 0, "unit": 1, "name": 2, "id_number": 3, "phone": 4, "term_months": 5, "shares:critical-illness": 6,
    }  # fmt: skip
    assert table.header_of("shares:critical-illness") == headers[6]
    assert table.value(table.rows[0], "shares:critical-illness") == 2


def test_headers_with_spaces_and_full_width_brackets_match_and_keep_their_spelling(tmp_path):
    path = roster(
        tmp_path, [[" 姓 名 ", "公民身份号码", "聘用期限 （月）", "住院+意外(份)"], ["张三", ID, 13, 1]]
    )
    table = read_table(path, ROSTER_FIELDS)
    assert table.columns == {"name": 0, "id_number": 1, "term_months": 2, "shares:inpatient-accident": 3}
    assert table.header_of("name") == "姓 名"
    assert table.header_of("phone") == ""


def test_blank_rows_are_skipped_and_excel_row_numbers_are_kept(tmp_path):
    path = roster(tmp_path, [HEADER, [1, "张三", ID, None], [None], ["  ", None, " "], [3, "王五", ID, None]])
    table = read_table(path, ROSTER_FIELDS)
    assert [(r.row, table.value(r, "name")) for r in table.rows] == [(2, "张三"), (5, "王五")]


def test_leading_empty_rows_and_columns_do_not_shift_row_numbers(tmp_path):
    path = roster(tmp_path, [HEADER, [None], [1, "张三", ID, "13709961113"]], at=(3, 3))
    table = read_table(path, ROSTER_FIELDS)
    assert table.header_row == 3
    assert table.columns["name"] == 3  # column D: A and B are empty, C holds 序号
    assert [r.row for r in table.rows] == [5]
    assert table.value(table.rows[0], "name") == "张三"


def test_an_id_typed_as_a_number_comes_back_as_a_number(tmp_path):
    path = roster(tmp_path, [HEADER, [1, "张三", 650102199001011234, 13709961113], [2, "李四", ID, None]])
    table = read_table(path, ROSTER_FIELDS)
    assert isinstance(table.value(table.rows[0], "id_number"), (int, float))
    assert table.value(table.rows[1], "id_number") == ID


def test_empty_cells_are_none_and_short_rows_or_absent_columns_read_as_none(tmp_path):
    path = roster(tmp_path, [HEADER, [1, "张三", None, None]])
    table = read_table(path, ROSTER_FIELDS)
    raw = table.rows[0]
    assert table.value(raw, "id_number") is None
    assert table.value(raw, "employment") is None
    raw.cells = raw.cells[:2]
    assert table.value(raw, "phone") is None


def test_date_cells_come_back_as_dates(tmp_path):
    path = roster(tmp_path, [[*HEADER, "上期保障止期"], [1, "张三", ID, None, dt.date(2025, 12, 31)]])
    table = read_table(path, ROSTER_FIELDS)
    assert parse_date(table.value(table.rows[0], "prev_end")) == dt.date(2025, 12, 31)


def test_a_named_sheet_is_read_and_an_unknown_one_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"一月": [HEADER, [1, "甲", ID]], "二月": [HEADER, [1, "乙", ID]]})
    table = read_table(path, ROSTER_FIELDS, sheet="二月")
    assert (table.sheet, table.value(table.rows[0], "name")) == ("二月", "乙")
    assert read_table(path, ROSTER_FIELDS, sheet=" 二月 ").sheet == "二月"
    with pytest.raises(XjmaError, match="三月.*一月.*二月"):
        read_table(path, ROSTER_FIELDS, sheet="三月")


def test_without_sheet_the_first_sheet_with_a_header_is_read(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"填表说明": [["请按模板填写"]], "名册": [HEADER, [1, "甲", ID]]})
    assert read_table(path, ROSTER_FIELDS).sheet == "名册"


def test_hidden_sheets_are_passed_over_unless_named(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"旧": [HEADER, [1, "旧", ID]], "新": [HEADER, [1, "新", ID]]})
    book = openpyxl.load_workbook(path)
    book["旧"].sheet_state = "hidden"
    book.save(path)
    assert read_table(path, ROSTER_FIELDS).sheet == "新"
    assert read_table(path, ROSTER_FIELDS, sheet="旧").sheet == "旧"


def test_a_named_sheet_without_a_header_is_an_error(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"说明": [["x"]], "名册": [HEADER]})
    with pytest.raises(XjmaError, match="说明"):
        read_table(path, ROSTER_FIELDS, sheet="说明")


def test_a_roster_without_name_and_id_columns_says_which_columns_are_needed(tmp_path):
    path = roster(tmp_path, [["姓名", "电话"], ["张三", "13709961113"]])
    with pytest.raises(XjmaError, match="姓名.*身份证号码"):
        read_table(path, ROSTER_FIELDS)


@pytest.mark.parametrize(("title_rows", "found"), [(19, True), (20, False)])
def test_the_header_must_be_within_the_first_20_rows(tmp_path, title_rows, found):
    path = roster(tmp_path, [*[["标题"]] * title_rows, HEADER, [1, "张三", ID]])
    if found:
        assert read_table(path, ROSTER_FIELDS).header_row == 20
    else:
        with pytest.raises(XjmaError, match="20"):
            read_table(path, ROSTER_FIELDS)


def test_a_claims_file_needs_only_an_id_column_and_reads_the_diagnosis_date_alias(tmp_path):
    path = write_xlsx(
        tmp_path / "理赔.xlsx",
        {
            "理赔": [
                ["身份证号码", "险种", "给付项目", "确诊日期", "医疗费用（元）"],
                [ID, "重大疾病", "重度", dt.date(2026, 3, 1), None],
            ]
        },
    )
    table = read_table(path, CLAIMS_FIELDS, key_fields=("id_number",))
    assert table.columns == {"id_number": 0, "plan": 1, "benefit": 2, "event_date": 3, "expense": 4}
    assert table.header_of("event_date") == "确诊日期"
    assert parse_date(table.value(table.rows[0], "event_date")) == dt.date(2026, 3, 1)
    assert table.file_values == {}


def test_a_claims_file_without_an_id_column_names_that_column(tmp_path):
    path = write_xlsx(tmp_path / "理赔.xlsx", {"理赔": [["姓名", "险种"]]})
    with pytest.raises(XjmaError, match="身份证号码") as caught:
        read_table(path, CLAIMS_FIELDS, key_fields=("id_number",))
    assert "姓名" not in caught.value.message


# --- CSV ------------------------------------------------------------------------------------------


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "名册.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gbk(tmp_path, encoding):
    path = write_csv(
        tmp_path,
        f"单位名称：某公司\r\n姓名,身份证号码,联系电话\r\n努尔比亚·阿不都,{ID},13709961113\r\n",
        encoding,
    )
    table = read_table(path, ROSTER_FIELDS)
    assert (table.sheet, table.header_row, table.file_values) == ("", 2, {"unit": "某公司"})
    assert [r.cells for r in table.rows] == [["努尔比亚·阿不都", ID, "13709961113"]]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_with_semicolons_or_tabs_is_read_when_the_header_uses_them(tmp_path, delimiter):
    path = write_csv(
        tmp_path, delimiter.join(HEADER) + "\n" + delimiter.join(["1", "张三", ID, "0991-1234567"]) + "\n"
    )
    table = read_table(path, ROSTER_FIELDS)
    assert table.value(table.rows[0], "phone") == "0991-1234567"


def test_csv_cells_are_text_quoted_commas_stay_and_blank_lines_keep_row_numbers(tmp_path):
    path = write_csv(
        tmp_path, f'姓名,身份证号码,工作单位\n张三,{ID},"甲公司,二分厂"\n\n,,\n李四,650102199001011234\n'
    )
    table = read_table(path, ROSTER_FIELDS)
    assert [r.row for r in table.rows] == [2, 5]
    assert table.value(table.rows[0], "unit") == "甲公司,二分厂"
    assert table.value(table.rows[1], "id_number") == "650102199001011234"
    assert table.value(table.rows[1], "unit") is None


def test_a_csv_without_a_header_is_an_error(tmp_path):
    with pytest.raises(XjmaError, match="表头"):
        read_table(write_csv(tmp_path, "a,b\n1,2\n"), ROSTER_FIELDS)


# --- files xjma cannot read -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名册.txt", b"x", "不支持的文件类型"),
        ("名册", b"x", "不支持的文件类型"),
        ("名册.xlsx", b"", "空的"),
        ("名册.csv", b"", "空的"),
        ("名册.csv", b"\xef\xbb\xbf \r\n", "空的"),
        ("名册.xlsx", "这是一个文本文件".encode(), "已损坏"),
        ("名册.ods", b"PK\x03\x04 not a zip", "已损坏"),
        ("名册.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "已损坏"),
        ("名册.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "密码"),
        ("名册.xls", "<html><table><tr><td>姓名</td></tr></table></html>".encode(), "网页"),
    ],
)
def test_unreadable_files_stop_with_one_sentence(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(XjmaError, match=message):
        read_table(path, ROSTER_FIELDS)


def test_a_missing_file_and_a_folder_are_errors(tmp_path):
    with pytest.raises(XjmaError, match="找不到文件"):
        read_table(tmp_path / "无.xlsx", ROSTER_FIELDS)
    with pytest.raises(XjmaError, match="文件夹"):
        read_table(tmp_path, ROSTER_FIELDS)


def test_a_file_without_read_permission_is_an_error(tmp_path, monkeypatch):
    path = roster(tmp_path, [HEADER])

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)  # chmod 0 does not stop root, who may run the tests
    with pytest.raises(XjmaError, match="权限"):
        read_table(path, ROSTER_FIELDS)


def test_an_xlsx_saved_under_the_name_xls_is_still_read(tmp_path):
    path = roster(tmp_path, [HEADER, [1, "张三", ID]])
    table = read_table(path.rename(tmp_path / "名册.xls"), ROSTER_FIELDS)
    assert table.value(table.rows[0], "name") == "张三"


def test_uppercase_extensions_are_accepted(tmp_path):
    path = roster(tmp_path, [HEADER, [1, "张三", ID]]).rename(tmp_path / "名册.XLSX")
    assert len(read_table(path, ROSTER_FIELDS).rows) == 1


def test_a_csv_the_csv_module_cannot_parse_is_an_error_not_a_traceback(tmp_path):
    path = write_csv(tmp_path, "姓名,身份证号码\n张三," + "1" * 200_000 + "\n")
    with pytest.raises(XjmaError, match="第 2 行"):
        read_table(path, ROSTER_FIELDS)
