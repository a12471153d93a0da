"""The 给付通知 and the bank transfer list on paper (documents.md): each notice exactly one A4 page, the
bank list one page wide; the layout checks of every sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
from pdf_render import one_page_wide, printed
from workbook_checks import code_cells, print_problems

from xjma.core.claims.model import Claim
from xjma.core.payments import PayCandidate, plan_payments
from xjma.io.payout_xlsx import (
    MAX_STEP_LINES,
    NOTICE_TITLE,
    PayoutNotice,
    write_bank_file,
    write_payout_notices,
)
from xjma.io.prefectures import load_prefectures

LONG_STEPS = tuple(
    f"第 {n} 步：统筹段个人自付 2,880.00 元 × 给付比例 50% = 1,440.00 元，累计给付未超过年度限额"
    for n in range(30)
)


def _candidates() -> list[PayCandidate]:
    def one(case: int, name: str, prefecture: str, death: bool = False, **kw: str) -> PayCandidate:
        claim = Claim("inpatient-accident", "accident" if death else "inpatient", dt.date(2026, 12, 1),
                      f"65010219800501{case:04d}", death=death)  # fmt: skip
        return PayCandidate(case, claim, name, Decimal("12345.60") * case, dt.datetime(2026, 12, 5, 10),
                            prefecture, "新疆维吾尔自治区乌鲁木齐市第一人民医院后勤服务中心", kw.get("payee"),
                            kw.get("relation"), "中国工商银行股份有限公司乌鲁木齐新市区支行营业部",
                            "6222020200112233" + f"{case:03d}")  # fmt: skip

    return [
        one(1, "王伟", "乌鲁木齐市"),
        one(2, "李芳", "巴州", True, payee="王强", relation="配偶"),
        one(3, "张强", "区直"),
    ]


def _write(tmp_path):
    items = plan_payments(_candidates()).items
    notices = [PayoutNotice(i, LONG_STEPS if i.case == 2 else ("给付 1,440.00 元",)) for i in items]
    path = tmp_path / "notices.xlsx"
    write_payout_notices(path, 4, notices, dt.date(2026, 12, 10), load_prefectures())
    bank = tmp_path / "bank.xlsx"
    write_bank_file(bank, 4, items, dt.date(2026, 12, 10), "中国职工保险互助会新疆办事处")
    return path, bank, items


def test_printed_each_payout_notice_is_exactly_one_a4_portrait_page(tmp_path):
    path, _, items = _write(tmp_path)
    out = printed(path)
    pages = out.pages_of(NOTICE_TITLE)
    assert len(pages) == len(out.pages) == 3
    for page, item in zip(pages, items, strict=True):
        text = "".join(out.pages[page].split())
        assert f"案件编号：{item.case}" in text and item.payee in text
        assert "人民币（大写）" in text and "盖章" in text and "****" + item.account[-4:] in text
        assert not out.landscape(page)


def test_a_long_explanation_is_cut_so_that_the_notice_stays_one_page(tmp_path):
    path, _, _ = _write(tmp_path)
    ws = openpyxl.load_workbook(path)["给付通知"]
    steps = [
        str(v) for row in ws.iter_rows(values_only=True) for v in row if v and str(v).startswith("第 0 步")
    ]
    assert len(steps) == 1 and steps[0].count("\n") + 1 == MAX_STEP_LINES
    assert steps[0].endswith("……（完整计算过程见理赔案件记录）")


def test_the_bank_list_prints_one_page_wide_with_every_column(tmp_path):
    _, bank, _ = _write(tmp_path)
    out = printed(bank)
    assert one_page_wide(out, "银行转账清单", "序号", "与会员关系") == []


def test_both_workbooks_print_on_a4_and_show_no_english_codes(tmp_path):
    path, bank, _ = _write(tmp_path)
    for book in (openpyxl.load_workbook(path), openpyxl.load_workbook(bank)):
        for ws in book.worksheets:
            assert code_cells(ws) == []
            assert print_problems(ws) == []
