"""The case documents on paper (documents.md): the 汇总表 of `claim submit` prints one page wide with
its signature lines, and each 拒付通知 of `claim reject` is exactly one A4 portrait page."""

from __future__ import annotations

from pathlib import Path

from history_helpers import B, x
from openpyxl import load_workbook
from pdf_render import one_page_wide, printed, require_printing
from test_cases_cli import claims_file, stay, submit
from workbook_checks import print_problems


def test_the_submission_workbook_prints_one_page_wide_with_its_signature_lines(tmp_path: Path) -> None:
    require_printing()
    target = str(tmp_path / "l.db")
    path = claims_file(tmp_path / "c.csv", stay("2027-03-01"), stay("2027-04-01", major="100", number=B))
    submit(target, path)
    book = tmp_path / "c_汇总表.xlsx"
    wb = load_workbook(book)
    assert [p for name in ("汇总表", "案件明细") for p in print_problems(wb[name])] == []
    out = printed(book)
    assert one_page_wide(out, "理赔案件明细", "案件编号", "计算过程") == []
    summary = out.pages_of("理赔案件汇总表")
    assert len(summary) == 1
    text = "".join(out.pages[summary[0]].split())
    assert "经办人" in text and "审核人" in text and "负责人" in text and "6,050.00" in text


def test_each_refusal_notice_is_exactly_one_a4_portrait_page(tmp_path: Path) -> None:
    require_printing()
    target = str(tmp_path / "l.db")
    submit(target, claims_file(tmp_path / "c.csv", stay("2027-03-01"), stay("2027-04-01", number=B),
                               stay("2027-05-01", major="100", number=B)))  # fmt: skip
    notice = tmp_path / "拒付.xlsx"
    code, _, out = x("claim", "reject", "1", "2", "3", "--reason", "经核实，住院期间不在保障范围内（除外责任）",
                     "-o", str(notice), "--db", target, today="2027-08-01")  # fmt: skip
    assert code == 0, out
    pdf = printed(notice)
    pages = pdf.pages_of("职工互助保障活动拒付通知书")
    assert len(pages) == len(pdf.pages) == 3
    for page, case in zip(pages, ("1", "2", "3"), strict=True):
        text = "".join(pdf.pages[page].split())
        assert f"案件编号：{case}" in text and "拒付原因" in text and "经办人" in text
        assert not pdf.landscape(page)
