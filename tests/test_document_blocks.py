"""The verdict sheet, the refused rows, facts, signature lines and a chart that prints on one page."""

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import xlsxwriter
from pdf_render import one_page_wide, printed
from workbook_checks import code_cells, print_problems

from xjma.core.findings import Problem
from xjma.core.verdict import COMMENTS_PER_WIDESPREAD, Widespread, comment_allowed, verdict, widespread
from xjma.io.refused_sheet import RefusedRow, write_refused_sheet
from xjma.io.sheet_blocks import SIGN_FILER, insert_chart, write_signature_line
from xjma.io.sheet_layout import Heading, Styles
from xjma.io.sheet_table import Column, write_table
from xjma.io.verdict_sheet import Verdict, write_verdict_sheet

DAY = dt.date(2026, 12, 1)
OFFICE = "中国职工保险互助会新疆办事处"
BAD_ID = Problem(3, "身份证号码", "id-checksum", "error", "身份证号码最后一位校验码不对（按前17位应为5）")
OLD = Problem(3, "联系电话", "phone-invalid", "warning", "联系电话不对")


def _verdict(
    errors=1, warnings=1, counts=(("id-checksum", "error", 1), ("phone-invalid", "warning", 1)), wide=()
):
    return Verdict("甲公司", DAY, "名册.xlsx", "Sheet1", dt.date(2026, 12, 2), 10, 9, errors, errors, warnings,
                   counts, False, ["巴州：巴州总工会驻场办公人员 赵春梅，电话 13709961113"], wide)  # fmt: skip


def _book(path, write):
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    write(book, Styles(book))
    book.close()
    return openpyxl.load_workbook(path)


def _texts(ws):
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_the_verdict_is_said_in_one_line():
    assert verdict(0, 0) == "可以提交"
    assert verdict(0, 2) == "可以提交（有 2 个提示，请核对）"
    assert verdict(3, 1200) == "有 3 个错误需要改正，1,200 个提示"


def test_a_problem_on_more_than_a_tenth_of_the_rows_is_widespread_and_one_on_a_tenth_is_not():
    rows = [Problem(r, "身份证号码", "id-region-unknown", "warning", "…") for r in range(2, 13)]  # 11 rows
    assert widespread(rows, 100) == [Widespread("id-region-unknown", "身份证号码", 11)]
    assert widespread(rows[:10], 100) == []
    assert widespread(rows, 0) == []
    sentence = widespread(rows, 100)[0].sentence()
    assert sentence.startswith("身份证号码列 11 行身份证地区码不认识")


def test_a_widespread_problem_gets_comments_on_its_first_thousand_cells_only():
    wide = {("id-as-number", "身份证号码")}
    seen = __import__("collections").Counter()
    p = Problem(2, "身份证号码", "id-as-number", "error", "…")
    allowed = [comment_allowed(seen, p, wide) for _ in range(COMMENTS_PER_WIDESPREAD + 1)]
    assert allowed.count(True) == COMMENTS_PER_WIDESPREAD and not allowed[-1]
    assert comment_allowed(seen, BAD_ID, wide)


def test_the_verdict_sheet_names_unit_date_file_verdict_counts_in_chinese_and_the_contact(tmp_path):
    book = _book(tmp_path / "v.xlsx", lambda b, s: write_verdict_sheet(b, s, _verdict(), OFFICE))
    ws = book["汇总"]
    texts = _texts(ws)
    assert ws["A1"].value == "名册检查结果（甲公司）"
    assert "有 1 个错误需要改正，1 个提示" in texts
    assert {"名册.xlsx", "2026-12-01", "身份证号码校验码不对", "联系电话不对", "错误", "提示"} <= set(texts)
    assert any("赵春梅" in t and "13709961113" in t for t in texts)
    assert print_problems(ws) == []
    head = next(c.row for c in ws["A"] if c.value == "问题")
    assert [ws.cell(head, c).value for c in range(1, 5)] == ["问题", "级别", "行数", "代码"]
    assert ws.cell(head + 3, 1).value == "合计" and ws.cell(head + 3, 3).value == 2


def test_a_clean_roster_says_it_can_be_submitted_and_a_whole_column_problem_in_a_sentence(tmp_path):
    wide = (Widespread("id-as-number", "身份证号码", 96753),)
    book = _book(tmp_path / "v.xlsx", lambda b, s: write_verdict_sheet(b, s, _verdict(0, 0, (), ()), OFFICE))
    assert "可以提交" in _texts(book["汇总"])
    book = _book(tmp_path / "w.xlsx", lambda b, s: write_verdict_sheet(b, s, _verdict(wide=wide), OFFICE))
    assert any(
        t.startswith("身份证号码列 96,753 行身份证号码被Excel存成了数字") for t in _texts(book["汇总"])
    )


def test_refused_rows_are_listed_with_their_problems_in_chinese_and_codes_last(tmp_path):
    rows = [RefusedRow(3, "张三", "650104199310100013", "甲公司", (BAD_ID, OLD))]
    heading = Heading("未登记人员（有错误，未参保）", OFFICE, DAY)
    book = _book(tmp_path / "r.xlsx", lambda b, s: write_refused_sheet(b, s, rows, heading))
    ws = book["未登记人员"]
    assert [c.value for c in ws[3]] == ["行号", "姓名", "身份证号码", "工作单位", "问题", "代码"]
    assert ws["C4"].value == "650104199310100013"
    assert ws["E4"].value.startswith("【错误】身份证号码校验码不对：身份证号码最后一位")
    assert "\n【提示】联系电话不对" in ws["E4"].value and ws["E4"].alignment.wrap_text
    assert ws["F4"].value == "id-checksum；phone-invalid"
    assert code_cells(ws) == [] and print_problems(ws) == []
    assert ws.row_dimensions[4].height >= 30


def test_a_signature_line_leaves_room_to_sign(tmp_path):
    def write(b, s):
        ws = b.add_worksheet("模板")
        write_signature_line(ws, s, 0, SIGN_FILER, 7)

    texts = _texts(_book(tmp_path / "s.xlsx", write)["模板"])
    assert [t.split("：")[0] for t in texts] == list(SIGN_FILER)


def test_a_chart_under_its_table_has_a_title_axis_names_and_data_labels_and_prints_on_one_page(tmp_path):
    names = ["巴州", "喀什地区", "昌吉州", "克州", "伊犁州", "博州", "和田地区", "塔城地区", "吐鲁番市",
             "乌鲁木齐市", "哈密市", "阿勒泰地区", "克拉玛依市", "阿克苏地区", "区直", "未填写"]  # fmt: skip
    rows = [(n, i * 10, i * 12, Decimal(i * 1100)) for i, n in enumerate(names)]
    columns = [Column("所属地州市", "text", 12), Column("人数", "int", total=True),
               Column("份数", "int", total=True), Column("会费（元）", "money", total=True)]  # fmt: skip

    def write(b, s):
        ws = b.add_worksheet("按地州市")
        table = write_table(ws, s, columns, rows, heading=Heading("2026-11 会费（按地州市）", OFFICE, DAY))
        insert_chart(b, ws, table, title="2026-11 会费（按地州市）", category_col=0, value_col=3,
                     x_name="所属地州市", y_name="会费（元）")  # fmt: skip

    path = tmp_path / "c.xlsx"
    ws = _book(path, write)["按地州市"]
    assert print_problems(ws) == []
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/charts/chart1.xml").decode("utf-8")
    assert xml.count("<c:title>") == 3  # the chart's, and each axis's name
    assert "2026-11 会费（按地州市）" in xml and "所属地州市" in xml
    assert '<c:showVal val="1"/>' in xml
    out = printed(path)
    assert len(out.pages) == 1
    assert one_page_wide(out, "2026-11 会费（按地州市）", "所属地州市", "会费（元）") == []
