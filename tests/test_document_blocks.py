"""The refused rows, facts, signature lines and a chart that prints on one page."""

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import xlsxwriter
from pdf_render import one_page_wide, printed
from workbook_checks import code_cells, print_problems

from xjma.core.problems import Problem
from xjma.io.refused_sheet import RefusedRow, write_refused_sheet
from xjma.io.sheet_blocks import SIGN_FILER, insert_chart, write_signature_line
from xjma.io.sheet_layout import Heading, Styles
from xjma.io.sheet_table import Column, write_table

DAY = dt.date(2026, 12, 1)
OFFICE = "中国职工保险互助会新疆办事处"
BAD_ID = Problem(3, "身份证号码", "id-checksum", "error", "身份证号码最后一位校验码不对（按前17位应为5）")
OLD = Problem(3, "联系电话", "phone-invalid", "warning", "联系电话不对")


def _book(path, write):
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    write(book, Styles(book))
    book.close()
    return openpyxl.load_workbook(path)


def _texts(ws):
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


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
