"""The 缴费通知: one A4 page per unit that a unit's finance office can pay, stamp and keep (documents.md)."""

import datetime as dt
from decimal import Decimal

import openpyxl
import xlsxwriter
from pdf_render import one_page_wide, printed
from workbook_checks import print_problems

from xjma.core.payment_terms import PLACEHOLDER, Payee, PaymentTerms
from xjma.io import payment_notice
from xjma.io.office_file import load_payment_terms
from xjma.io.payment_notice import NoticeIssue, NoticeLine, UnitNotice, write_payment_notices
from xjma.io.prefectures import load_prefectures
from xjma.io.sheet_layout import DRAFT_MARK, Styles

S, E = dt.date(2026, 12, 2), dt.date(2027, 12, 1)
ISSUED = dt.date(2026, 12, 1)
LINES = (
    NoticeLine("住院+意外", 40, 40, Decimal("110.00"), Decimal("4400.00")),
    NoticeLine("重大疾病", 7, 7, Decimal("105.00"), Decimal("735.00")),
)
ALL_PLANS = (
    NoticeLine("住院+意外", 12, 12, Decimal("110.00"), Decimal("1320.00")),
    NoticeLine("重大疾病", 5, 9, Decimal("105.00"), Decimal("945.00")),
    NoticeLine("新就业形态意外", 3, 3, Decimal("30.00"), Decimal("90.00")),
    NoticeLine("女职工特殊疾病", 6, 6, Decimal("40.00"), Decimal("240.00")),
    NoticeLine("短期意外", 4, 6, None, Decimal("60.00")),
)
LONG = "新疆维吾尔自治区乌鲁木齐市天山区人民路街道办事处社区卫生服务中心及所属各社区卫生服务站工会委员会"


def _notices():
    return [
        UnitNotice("乌鲁木齐市甲公司", "乌鲁木齐市", S, E, LINES, 40, Decimal("5135.00")),
        UnitNotice("区直乙单位", "区直", S, E, LINES, 40, Decimal("5135.00")),
        UnitNotice(LONG, "伊犁州", S, E, ALL_PLANS, 20, Decimal("2655.00")),
        UnitNotice("没有地州市的丙单位", "", S, E, LINES[:1], 40, Decimal("4400.00")),
    ]


def _write(path, notices=None, mark="", terms=None):
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    issue = NoticeIssue(ISSUED, terms or load_payment_terms(), load_prefectures(), mark)
    write_payment_notices(book, Styles(book), _notices() if notices is None else notices, issue)
    book.close()
    return openpyxl.load_workbook(path)


def _texts(ws):
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_each_unit_gets_its_own_page_on_a4(tmp_path):
    ws = _write(tmp_path / "n.xlsx")["缴费通知"]
    assert print_problems(ws) == []
    assert ws.page_setup.orientation == "portrait"
    titles = [c.row for c in ws["A"] if c.value == "职工互助保障活动缴费通知书"]
    assert len(titles) == 4
    assert [b.id for b in ws.row_breaks.brk] == [t - 1 for t in titles[1:]]  # a break before each next unit


def test_the_amount_is_in_figures_with_the_yuan_sign_and_in_capitals(tmp_path):
    ws = _write(tmp_path / "n.xlsx")["缴费通知"]
    row = next(c.row for c in ws["A"] if c.value == "人民币（大写）：")
    assert ws.cell(row, 2).value == "伍仟壹佰叁拾伍元整"
    assert ws.cell(row, 5).value == 5135 and ws.cell(row, 5).number_format == '"¥"#,##0.00'
    total = next(c.row for c in ws["A"] if c.value == "合计")
    assert [ws.cell(total, col).value for col in (2, 3, 5)] == [40, 47, 5135]


def test_the_plan_table_lists_members_shares_fee_per_share_and_fee(tmp_path):
    ws = _write(tmp_path / "n.xlsx")["缴费通知"]
    head = next(c.row for c in ws["A"] if c.value == "险种")
    assert [ws.cell(head, col).value for col in range(1, 6)] == [
        "险种",
        "人数",
        "份数",
        "每份会费（元）",
        "会费（元）",
    ]
    assert [ws.cell(head + 1, col).value for col in range(1, 6)] == ["住院+意外", 40, 40, 110, 4400]


def test_until_the_office_sets_its_account_the_notice_shows_the_placeholder(tmp_path):
    texts = _texts(_write(tmp_path / "n.xlsx")["缴费通知"])
    assert texts.count(PLACEHOLDER) == 3 * 4  # 收款单位, 开户银行, 账号 on each of the 4 notices


def test_the_payee_and_account_set_by_the_office_are_printed_as_text(tmp_path):
    terms = PaymentTerms(
        Payee("中国职工保险互助会新疆办事处", "工商银行乌鲁木齐民主路支行", "0029 0000 1234"), 10
    )
    ws = _write(tmp_path / "n.xlsx", terms=terms)["缴费通知"]
    row = next(c.row for c in ws["A"] if c.value == "账　　号：")
    assert ws.cell(row, 2).value == "0029 0000 1234" and ws.cell(row, 2).data_type == "s"
    assert "请于 2026-12-10 前（含当日）" in next(t for t in _texts(ws) if t.startswith("请于"))


def test_the_deadline_counts_the_notice_date_as_the_first_of_the_payment_days(tmp_path):
    texts = _texts(_write(tmp_path / "n.xlsx")["缴费通知"])
    assert any(t.startswith("请于 2026-12-15 前") for t in texts)  # 15 days: 12-01 … 12-15


def test_the_contact_is_the_prefecture_staff_or_the_office_for_quzhi_and_none(tmp_path):
    ws = _write(tmp_path / "n.xlsx")["缴费通知"]
    rows = [c.row for c in ws["A"] if c.value == "经办人："]
    people = [(ws.cell(r, 2).value, ws.cell(r, 5).value) for r in rows]
    assert people[0] == ("乌鲁木齐市总工会 苏娟", "18999991261")
    assert people[1] == ("中国职工保险互助会新疆办事处", "0991-2821098 / 0991-2821033")
    assert people[2] == ("伊犁州总工会 伊丽努尔·伊力亚尔", "18890810018")
    assert people[3] == people[1]


def test_every_notice_has_lines_for_the_unit_stamp_and_the_date(tmp_path):
    texts = _texts(_write(tmp_path / "n.xlsx")["缴费通知"])
    assert texts.count("单位盖章：") == 4 and texts.count("日期：") == 4


def test_a_dry_run_notice_says_it_is_not_a_real_notice_on_every_page(tmp_path):
    ws = _write(tmp_path / "n.xlsx", mark=DRAFT_MARK)["缴费通知"]
    assert sum(1 for t in _texts(ws) if t.startswith(DRAFT_MARK)) == 4
    assert DRAFT_MARK in ws.oddHeader.left.text
    plain = _write(tmp_path / "p.xlsx")["缴费通知"]
    assert not any(DRAFT_MARK in t for t in _texts(plain))


def test_more_units_than_excel_allows_page_breaks_continue_on_another_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(payment_notice, "UNITS_PER_SHEET", 3)
    book = _write(tmp_path / "n.xlsx")
    assert book.sheetnames == ["缴费通知", "缴费通知2"]
    assert len(book["缴费通知2"].row_breaks.brk) == 0


def test_printed_each_unit_notice_is_exactly_one_a4_page_one_page_wide(tmp_path):
    path = tmp_path / "n.xlsx"
    _write(path, mark=DRAFT_MARK)
    out = printed(path)
    pages = out.pages_of("职工互助保障活动缴费通知书")
    assert len(pages) == len(out.pages) == 4
    for page, notice in zip(pages, _notices(), strict=True):
        text = "".join(out.pages[page].split())
        assert "".join(notice.unit.split())[:20] in text  # the unit's own notice, whole on its page
        assert "单位盖章" in text and "人民币（大写）" in text and DRAFT_MARK in text
        assert not out.landscape(page)
    assert one_page_wide(out, "职工互助保障活动缴费通知书", "险种", "会费（元）") == []


def _member(id_number, unit, prefecture, *plans):
    from types import SimpleNamespace as NS

    row = NS(id_number=id_number, unit=unit, prefecture=prefecture)
    items = [
        NS(enrollment=NS(plan=plan, tier=tier, shares=shares, end=end), fee=Decimal(fee))
        for plan, tier, shares, fee, end in plans
    ]
    return row, items


def test_a_batch_gives_one_notice_per_unit_a_line_per_plan_and_plan_five_per_tier():
    names = {"inpatient-accident": "住院+意外", "short-accident": "短期意外", "critical-illness": "重大疾病"}
    members = [
        _member(
            "A",
            "甲",
            "巴州",
            ("critical-illness", None, 2, "80.00", E),
            ("inpatient-accident", None, 1, "110.00", E),
        ),
        _member(
            "B",
            "甲",
            "巴州",
            ("inpatient-accident", None, 1, "110.00", E),
            ("short-accident", "10", 2, "20.00", S),
        ),
        _member(
            "C", "乙", "", ("short-accident", "5", 1, "5.00", S), ("short-accident", "10", 1, "10.00", S)
        ),
    ]
    first, second = payment_notice.unit_notices(members, names, S)
    assert (first.unit, first.members, first.total, first.end) == ("甲", 2, Decimal("320.00"), E)
    assert [(x.plan, x.members, x.shares, x.fee_per_share, x.fee) for x in first.lines] == [
        ("住院+意外", 2, 2, Decimal("110.00"), Decimal("220.00")),
        ("重大疾病", 1, 2, Decimal("40.00"), Decimal("80.00")),
        ("短期意外（10元档）", 1, 2, Decimal("10.00"), Decimal("20.00")),
    ]
    assert [x.plan for x in second.lines] == ["短期意外（5元档）", "短期意外（10元档）"]
    assert (second.prefecture, second.members, second.end) == ("", 1, S)


def test_a_line_whose_shares_cost_differently_shows_no_fee_per_share():
    line = payment_notice._line((0, 0, "x"), [{"A"}, 3, Decimal("100.00")], {})
    assert line.fee_per_share is None and line.fee == Decimal("100.00")
