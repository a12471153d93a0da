"""The 赔付汇总 workbook (documents.md): every 地州市 listed, a 合计 under every table, a chart by plan and
one by month, Chinese labels only, A4 printing."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from pdf_render import printed
from workbook_checks import code_cells, print_problems, table_header_row, total_row

from xjma.core.claims_summary import CaseLine, summarise
from xjma.io.claims_summary_xlsx import write_claims_workbook

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
LINES = [
    CaseLine("A", "inpatient-accident", "inpatient", "乌鲁木齐市", "一中", "2026-03", 100_000),
    CaseLine("A", "inpatient-accident", "inpatient", "乌鲁木齐市", "一中", "2026-03", 50_000),
    CaseLine("B", "critical-illness", "severe", "", "", "2026-05", 2_000_000),
    CaseLine("C", "inpatient-accident", "accident", "巴州", "二中", "2026-05", 30_000),
]


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "s.xlsx"
    write_claims_workbook(
        path, "2026", "approved", summarise(LINES, MONTHS, 1, 2), True, dt.date(2026, 12, 10)
    )
    return path


def test_every_prefecture_is_listed_zero_rows_included_and_unfilled_last(book):
    ws = openpyxl.load_workbook(book)["按地州市"]
    names = [ws.cell(r, 1).value for r in range(table_header_row(ws) + 1, total_row(ws))]
    assert names[-1] == "未填写" and names[0] == "乌鲁木齐市"
    assert len(names) >= 16 and "区直" in names and "巴州" in names
    assert ws.cell(total_row(ws), 4).value == pytest.approx(21800.00)


def test_the_plan_sheet_adds_its_benefits_and_every_table_has_a_total(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["按险种"]
    rows = [(ws.cell(r, 1).value, ws.cell(r, 2).value, Decimal(str(ws.cell(r, 3).value)))
            for r in range(table_header_row(ws) + 1, total_row(ws))]  # fmt: skip
    assert rows == [("住院+意外", 3, Decimal("1800")), ("重大疾病", 1, Decimal("20000"))]
    for name in ("按地州市", "按单位", "按险种", "按给付项目", "按月"):
        assert total_row(wb[name]) is not None, name


def test_there_is_a_chart_by_plan_and_one_by_month(book):
    with zipfile.ZipFile(book) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        text = "".join(z.read(n).decode("utf-8") for n in charts)
    assert len(charts) == 2
    assert "赔付金额（按险种）" in text and "逐月赔付金额" in text and "月份" in text


def test_no_english_code_and_every_sheet_prints_on_a4(book):
    for ws in openpyxl.load_workbook(book).worksheets:
        assert code_cells(ws) == []
        assert print_problems(ws) == []


def test_the_plan_chart_prints_on_one_page_with_its_table(book):
    out = printed(book)
    assert len(out.pages_of("赔付（按险种）")) == 1
    assert len(out.pages_of("赔付（逐月）")) == 1
