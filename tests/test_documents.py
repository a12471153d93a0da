"""Every workbook xjma writes, looked at as a clerk would (documents.md): page setup, titles, frozen
panes, formats, 合计 rows, no English code where a clerk looks, and printed with LibreOffice — each
缴费通知 one page, every sheet one page wide; and the terminal at 80 columns with nothing behind "…".

The workbooks are made once per module from the samples (samples/README.md), through the CLI.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from pdf_render import one_page_wide, printed
from terminal80 import at_80_columns, hidden_behind_ellipsis
from typer.testing import CliRunner
from workbook_checks import (
    code_cells,
    headers,
    page_title,
    print_problems,
    table_header_row,
    total_row,
    width_problems,
)

from xjma.cli import app

SAMPLES = Path(__file__).parent.parent / "samples"
TODAY = "2026-11-20"
DRAFT = "试算，非正式通知"


def xjma(*args: str, db: Path | None) -> tuple[int, dict | None, str]:
    where = ["--db", str(db)] if db is not None else []
    result = CliRunner().invoke(app, [*args, *where], env={"XJMA_TODAY": TODAY, "XJMA_DB": ""})
    doc = json.loads(result.stdout) if "--json" in args and result.stdout.strip() else None
    return result.exit_code, doc, result.output


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """The workbooks of one office day: checks, an enrollment, a dry run, refused rows, fees, claims."""
    root = tmp_path_factory.mktemp("documents")
    db = root / "ledger.db"
    out = {
        name: root / f"{name}.xlsx"
        for name in ("clean", "mistakes", "enroll", "dry", "skip", "fees", "claims")
    }
    start = ("--start", "2026-12-01")
    assert (
        xjma("validate", str(SAMPLES / "roster_clean.xlsx"), *start, "-o", str(out["clean"]), db=db)[0] == 0
    )
    assert (
        xjma("validate", str(SAMPLES / "roster_mistakes.xlsx"), *start, "-o", str(out["mistakes"]), db=db)[0]
        == 1
    )
    assert (
        xjma("enroll", str(SAMPLES / "roster_clean.xlsx"), *start, "--dry-run", "-o", str(out["dry"]), db=db)[
            0
        ]
        == 0
    )
    assert xjma("enroll", str(SAMPLES / "roster_clean.xlsx"), *start, "-o", str(out["enroll"]), db=db)[0] == 0
    skip = ("enroll", str(SAMPLES / "roster_mistakes.xlsx"), *start, "--skip-invalid", "-o", str(out["skip"]))
    assert xjma(*skip, db=db)[0] == 0
    assert xjma("fees", "summary", "--year", "2026", "-o", str(out["fees"]), db=db)[0] == 0
    assert xjma("claim", "calc", str(SAMPLES / "claims.xlsx"), "-o", str(out["claims"]), db=db)[0] in (0, 1)
    for kind in ("roster", "claims"):
        out[f"template_{kind}"] = root / f"template_{kind}.xlsx"
        assert xjma("template", kind, "-o", str(out[f"template_{kind}"]), db=None)[0] == 0
    out["db"] = db
    return out


WORKBOOKS = [
    "clean",
    "mistakes",
    "enroll",
    "dry",
    "skip",
    "fees",
    "claims",
    "template_roster",
    "template_claims",
]


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_sheet_prints_on_a4_one_page_wide_with_title_and_page_numbers(made, name):
    book = openpyxl.load_workbook(made[name])
    hidden = {ws.title for ws in book.worksheets if ws.sheet_state != "visible"}
    problems = [p for ws in book.worksheets if ws.title not in hidden for p in print_problems(ws)]
    assert problems == []


@pytest.mark.parametrize("name", WORKBOOKS)
def test_no_cell_a_clerk_sees_holds_an_english_code(made, name):
    book = openpyxl.load_workbook(made[name])
    assert [c for ws in book.worksheets if ws.sheet_state == "visible" for c in code_cells(ws)] == []


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_table_keeps_its_header_row_and_first_column_in_view(made, name):
    book = openpyxl.load_workbook(made[name])
    for ws in book.worksheets:
        row = table_header_row(ws)
        if row is None or ws.sheet_state != "visible":
            continue
        assert ws.freeze_panes is not None and int(ws.freeze_panes.lstrip("ABCDEFGHIJ")) == row + 1, ws.title
        assert ws.freeze_panes[0] != "A", f"{ws.title}: the identifying column scrolls away"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_printed_every_sheet_is_one_page_wide(made, name):
    book = openpyxl.load_workbook(made[name])
    out = printed(made[name])
    for ws in book.worksheets:
        names = [h for h in headers(ws) if h]
        if ws.sheet_state != "visible" or not names:
            continue
        title = page_title(ws)[:14]
        assert one_page_wide(out, title, names[0], names[-1]) == [], ws.title


# ------------------------------------------------------------------ 检查结果


def test_the_check_result_opens_on_its_verdict(made):
    clean = openpyxl.load_workbook(made["clean"])
    assert clean.sheetnames[0] == "汇总"
    texts = [str(c.value) for row in clean["汇总"].iter_rows() for c in row if c.value is not None]
    assert "可以提交" in texts
    mistakes = openpyxl.load_workbook(made["mistakes"])
    texts = [str(c.value) for row in mistakes["汇总"].iter_rows() for c in row if c.value is not None]
    assert any(t.startswith("有 ") and "个错误需要改正" in t for t in texts)
    assert any("赵春梅" in t for t in texts)  # 巴州's on-site staff


def test_problem_rows_put_row_number_and_problem_first_and_show_ids_whole(made):
    ws = openpyxl.load_workbook(made["mistakes"])["问题行"]
    assert headers(ws)[:2] == ["行号", "问题"]
    assert width_problems(ws, "身份证号码") == []
    assert width_problems(ws, "问题", at_most=60) == []


# ------------------------------------------------------------------ 参保结果


def test_the_member_list_has_at_most_fourteen_columns_and_the_unit_summary_a_total(made):
    book = openpyxl.load_workbook(made["enroll"])
    assert book.sheetnames[:3] == ["参保名单", "单位汇总", "缴费通知"]
    assert len([h for h in headers(book["参保名单"]) if h]) <= 14
    units = book["单位汇总"]
    fees = headers(units).index("会费（元）") + 1
    rows = range(table_header_row(units) + 1, total_row(units))
    assert units.cell(total_row(units), fees).value == pytest.approx(
        sum(units.cell(r, fees).value for r in rows)
    )


def test_printed_each_unit_notice_is_one_page_with_capitals_and_stamp_lines(made):
    book = openpyxl.load_workbook(made["enroll"])
    units = {str(c.value) for c in book["缴费通知"]["B"] if c.value} & {
        "新疆天山建设集团有限公司",
        "乌鲁木齐市第一中学",
    }
    out = printed(made["enroll"])
    pages = out.pages_of("职工互助保障活动缴费通知书")
    assert len(pages) == 3  # the sample's three units
    assert all("人民币（大写）" in out.pages[p] and "单位盖章" in out.pages[p] for p in pages)
    assert units


def test_a_dry_run_says_so_on_every_printed_page(made):
    out = printed(made["dry"])
    assert all(DRAFT in page for page in out.pages)


def test_refused_rows_are_listed_for_the_clerk_to_fix(made):
    book = openpyxl.load_workbook(made["skip"])
    ws = book["未登记人员"]
    assert headers(ws)[:2] == ["行号", "姓名"] and headers(ws)[-1] == "代码"
    assert ws.max_row - table_header_row(ws) >= 20


# ------------------------------------------------------------------ 缴费汇总, 理赔结果, templates


def test_the_fee_summary_lists_every_prefecture_zero_rows_included(made):
    ws = openpyxl.load_workbook(made["fees"])["按地州市"]
    names = [ws.cell(r, 1).value for r in range(table_header_row(ws) + 1, total_row(ws))]
    assert len(names) >= 15 and "巴州" in names and "区直" in names
    assert total_row(ws) is not None


def test_the_fee_chart_prints_on_one_page(made):
    out = printed(made["fees"])
    assert len(out.pages_of("会费（按地州市）")) == 1


def test_claim_steps_are_shown_whole_with_a_total_row(made):
    ws = openpyxl.load_workbook(made["claims"])["理赔结果"]
    steps = headers(ws).index("计算过程") + 1
    row = table_header_row(ws) + 1
    assert ws.cell(row, steps).alignment.wrap_text
    lines = str(ws.cell(row, steps).value).count("\n") + 1
    assert (ws.row_dimensions[row].height or 15) >= 15 * lines
    assert total_row(ws) is not None
    assert isinstance(
        ws.cell(total_row(ws), headers(ws).index("给付金额（元）") + 1).value, (int, float, Decimal)
    )


@pytest.mark.parametrize("kind", ["roster", "claims"])
def test_a_template_prints_its_filer_line_on_every_page_and_keeps_id_columns_text(made, kind):
    """The line is in the footer: a "联系电话：" cell above the header would be read back as the
    file-level phone of every row (roster.md)."""
    ws = openpyxl.load_workbook(made[f"template_{kind}"]).worksheets[0]
    footer = (ws.oddFooter.left.text or "") + (ws.oddFooter.right.text or "")
    assert all(f"{name}：" in footer for name in ("填报人", "联系电话", "单位盖章", "日期"))
    ids = headers(ws).index("身份证号码") + 1
    assert ws.column_dimensions[get_column_letter(ids)].number_format == "@"


# ------------------------------------------------------------------ the terminal


def test_plans_at_80_columns_hide_nothing():
    result = at_80_columns(["plans", "--on", "2026-12-01"])
    assert result.exit_code == 0 and hidden_behind_ellipsis(result.stdout) == []


def test_a_single_claim_at_80_columns_hides_nothing(tmp_path):
    args = ["claim", "calc", "--plan", "住院+意外", "--benefit", "住院", "--event-date", "2027-03-01"]
    args += [
        "--start",
        "2026-12-01",
        "--cause",
        "疾病",
        "--pooled-self-pay",
        "2880",
        "--pooled-fund-paid",
        "16320",
    ]
    result = at_80_columns(
        [*args, "--db", str(tmp_path / "none.db")], env={"XJMA_TODAY": TODAY, "XJMA_DB": ""}
    )
    assert result.exit_code == 0 and hidden_behind_ellipsis(result.stdout) == []


def test_member_show_at_80_columns_hides_nothing(made):
    member = openpyxl.load_workbook(made["enroll"])["参保名单"]
    first = table_header_row(member) + 1
    id_number = str(member.cell(first, headers(member).index("身份证号码") + 1).value)
    result = at_80_columns(["member", "show", id_number, "--db", str(made["db"])], env={"XJMA_TODAY": TODAY})
    assert result.exit_code == 0 and hidden_behind_ellipsis(result.stdout) == []


def test_refused_rows_of_enroll_at_80_columns_hide_nothing(tmp_path):
    args = ["enroll", str(SAMPLES / "roster_mistakes.xlsx"), "--start", "2026-12-01", "--dry-run"]
    args += ["-o", str(tmp_path / "r.xlsx"), "--db", str(tmp_path / "l.db")]
    result = at_80_columns(args, env={"XJMA_TODAY": TODAY, "XJMA_DB": ""})
    # "……另有 N 个错误" is prose (how many more, and where to see them), not a value cut short
    assert result.exit_code == 1 and hidden_behind_ellipsis(result.stdout, allowed=("……另有",)) == []
    assert "id-checksum" not in result.stdout and "身份证号码校验码不对" in result.stdout.replace(" ", "")
