"""The overview workbook (开展概况, documents.md) and the terminal: the sentence on top, every 地州市 and
plan listed with the window's own figures as 合计, two charts with titles, printed with LibreOffice one
page wide with each chart on one page; at 80 columns nothing hides behind "…"."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pdf_render import one_page_wide, printed
from terminal80 import at_80_columns, hidden_behind_ellipsis
from test_overview import build
from workbook_checks import code_cells, headers, page_title, print_problems, total_row

SENTENCE = "2027年发展会员单位2家，发展会员3人，受益会员达5人次，赔付互助金总额1250.00元"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from history_helpers import x

    folder = tmp_path_factory.mktemp("overview")
    db = str(folder / "ledger.db")
    build(db, folder)
    out = folder / "开展概况.xlsx"
    code, _, text = x("report", "overview", "--year", "2027", "--db", db, "-o", str(out), today="2028-01-10")
    assert code == 0, text
    return {"db": Path(db), "xlsx": out}


def test_the_sentence_heads_the_workbook(made: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(made["xlsx"])["开展概况"]
    assert ws["A1"].value.startswith("开展概况（2027-01-01 至 2027-12-31）")
    assert ws["A3"].value == SENTENCE
    facts = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, ws.max_row + 1)}
    # documents.md: money as #,##0.00 numbers, counts as integers, not text
    assert facts["会员"] == 3 and ws.cell(_row_of(ws, "会员"), 2).number_format == "0"
    assert facts["已赚会费（元）"] == pytest.approx(339.2) and facts["赔付率（%）"] == pytest.approx(368.51)
    assert ws.cell(_row_of(ws, "已赚会费（元）"), 2).number_format == "#,##0.00"


def _row_of(ws: Any, label: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def test_every_prefecture_and_plan_with_the_window_as_total(made: dict[str, Path]) -> None:
    from xjma.io.prefectures import load_prefectures

    book = openpyxl.load_workbook(made["xlsx"])
    ws = book["按地州市"]
    row = total_row(ws)
    assert row is not None
    names = [ws.cell(r, 1).value for r in range(4, row)]
    assert names == [p.short for p in load_prefectures().items]
    head = headers(ws)
    assert ws.cell(row, head.index("会员") + 1).value == 3
    assert Decimal(str(ws.cell(row, head.index("已赚会费（元）") + 1).value)) == Decimal("339.2")
    plans = book["按险种"]
    assert [plans.cell(r, 1).value for r in range(4, total_row(plans) or 0)] == [
        "住院+意外", "重大疾病", "新就业形态意外", "女职工特殊疾病", "短期意外",
    ]  # fmt: skip
    # A member with two plans is one member: the 合计 row is the window's, not the rows' sum (4 + 1).
    assert plans.cell(total_row(plans) or 0, head.index("会员") + 1).value == 3


def test_two_charts_with_titles(made: dict[str, Path]) -> None:
    import zipfile

    with zipfile.ZipFile(made["xlsx"]) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        texts = [z.read(n).decode("utf-8") for n in charts]
    assert len(charts) == 2
    assert any("赔付率（按地州市）" in t for t in texts)
    assert any("会费与赔付（按险种）" in t and t.count("<c:ser>") == 2 for t in texts)


def test_every_sheet_prints_on_a4_one_page_wide_with_no_english_code(made: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(made["xlsx"])
    assert [p for ws in book.worksheets for p in print_problems(ws)] == []
    assert [c for ws in book.worksheets for c in code_cells(ws)] == []


def test_printed_one_page_wide_and_each_chart_on_one_page(made: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(made["xlsx"])
    out = printed(made["xlsx"])
    for name in ("按地州市", "按险种"):
        ws = book[name]
        names = [h for h in headers(ws) if h]
        assert one_page_wide(out, page_title(ws)[:14], names[0], names[-1]) == [], name
    assert len(out.pages_of(page_title(book["开展概况"])[:14])) == 1
    assert SENTENCE in out.pages[out.pages_of(page_title(book["开展概况"])[:14])[0]]


def test_the_terminal_starts_with_the_sentence_and_hides_nothing_at_80_columns(made: dict[str, Path]) -> None:
    result = at_80_columns(
        [
            "report",
            "overview",
            "--year",
            "2027",
            "--db",
            str(made["db"]),
            "-o",
            str(made["xlsx"].with_name("t.xlsx")),
        ],
        env={"XJMA_TODAY": "2028-01-10", "XJMA_DB": ""},
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == SENTENCE
    assert "赔付率：368.51%" in result.output
    assert hidden_behind_ellipsis(result.output) == []
