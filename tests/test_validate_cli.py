"""`xjma validate`: the JSON document, exit codes 0/1/2, the report workbook, and the sample rosters."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from xjma.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
XJMA = str(Path(sys.executable).parent / "xjma")
START = "2026-12-01"
HEADERS = ["序号", "姓名", "性别", "身份证号码", "联系电话", "用工形式", "住院+意外（份）", "重大疾病（份）"]
GOOD = [1, "张伟", "男", "650102198506151013", "13912345678", "正式职工", 1, 0]
KEYS = {"file", "sheet", "start", "rows", "valid_rows", "errors", "warnings", "problems", "report"}


def write_roster(
    path: Path, rows: list[list[object]], preamble=("单位名称：新疆天山建设集团有限公司",)
) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet("名册")
    for i, line in enumerate(preamble):
        sheet.write_string(i, 0, line)
    sheet.write_row(len(preamble), 0, HEADERS)
    for r, row in enumerate(rows, start=len(preamble) + 1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)
    book.close()
    return path


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if k != "XJMA_DB"}
    return subprocess.run(
        [XJMA, *args], capture_output=True, text=True, env={**clean_env, **(env or {})}, check=False
    )


def readme_expected() -> set[tuple[int, str]]:
    text = (SAMPLES / "README.md").read_text(encoding="utf-8").split("## Expected problems", 1)[1]
    return {(int(m.group(1)), m.group(2)) for m in re.finditer(r"^\| (\d+) \| ([a-z-]+) \|$", text, re.M)}


def test_a_clean_roster_exits_0_with_the_json_document(tmp_path):
    roster = write_roster(tmp_path / "名册.xlsx", [GOOD])
    result = run("validate", str(roster), "--start", START, "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == KEYS
    assert doc["rows"] == 1 and doc["valid_rows"] == 1 and doc["errors"] == 0 and doc["problems"] == []
    assert doc["start"] == START and doc["sheet"] == "名册"
    assert doc["report"] == str(tmp_path / "名册_检查结果.xlsx")
    assert Path(doc["report"]).exists()


def test_a_roster_with_an_error_exits_1_and_lists_each_problem(tmp_path):
    bad = [2, "李芳", "女", "650102198506151013", "123", "正式职工", 1, 5]
    roster = write_roster(tmp_path / "r.xlsx", [GOOD, bad])
    result = run("validate", str(roster), "--start", START, "--json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    found = {(p["row"], p["column"], p["code"], p["severity"]) for p in doc["problems"]}
    assert (4, "联系电话", "phone-invalid", "error") in found
    assert (4, "重大疾病（份）", "shares-over-max", "error") in found
    assert (4, "性别", "gender-mismatch", "error") in found
    assert {(3, "身份证号码", "id-duplicate", "error"), (4, "身份证号码", "id-duplicate", "error")} <= found
    assert doc["rows"] == 2 and doc["valid_rows"] == 0 and doc["errors"] == len(doc["problems"])
    assert all(set(p) == {"row", "column", "code", "severity", "message"} for p in doc["problems"])


def test_warnings_alone_exit_0(tmp_path):
    roster = write_roster(
        tmp_path / "r.xlsx", [[1, "张伟", "男", "650102198506151013", "13912345678", "正式职工", 0, 0]]
    )
    result = run("validate", str(roster), "--start", START, "--json")
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    assert (doc["errors"], doc["warnings"], doc["valid_rows"]) == (0, 1, 1)
    assert doc["problems"][0]["code"] == "no-plan"


@pytest.mark.parametrize(
    ("make", "args"),
    [
        (lambda d: d / "missing.xlsx", []),
        (lambda d: (d / "a.txt").write_text("x") and d / "a.txt", []),
        (lambda d: write_roster(d / "r.xlsx", [GOOD]), ["--start", "明天"]),
        (lambda d: write_roster(d / "r.xlsx", [GOOD]), ["--rules", "/nonexistent/plans.yaml"]),
    ],
    ids=["a missing file", "an unsupported file type", "a bad start date", "a missing rules file"],
)
def test_what_cannot_run_exits_2_with_one_sentence_and_no_report(tmp_path, make, args):
    path = make(tmp_path)
    result = run("validate", str(path), *(args or ["--start", START]), "--json")
    assert result.returncode == 2
    doc = json.loads(result.stdout)  # cli.md: `report` is null only when the exit code is 2
    assert doc["report"] is None and doc["problems"] == []
    assert "错误" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*_检查结果.xlsx"))


def test_a_roster_without_a_phone_column_exits_2(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "r.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号码", "用工形式"])
    sheet.write_row(1, 0, ["张伟", "650102198506151013", "正式职工"])
    book.close()
    result = run("validate", str(tmp_path / "r.xlsx"), "--start", START)
    assert result.returncode == 2
    assert "联系电话" in result.stderr


def test_the_cli_runner_gives_the_same_exit_codes(tmp_path):
    clean = write_roster(tmp_path / "c.xlsx", [GOOD])
    bad = write_roster(
        tmp_path / "b.xlsx", [[1, "", "男", "650102198506151013", "13912345678", "正式职工", 1, 0]]
    )
    runner = CliRunner()
    assert runner.invoke(app, ["validate", str(clean), "--start", START]).exit_code == 0
    assert runner.invoke(app, ["validate", str(bad), "--start", START]).exit_code == 1
    assert runner.invoke(app, ["validate", str(tmp_path / "nope.xlsx"), "--start", START]).exit_code == 2


def test_the_terminal_summary_masks_id_numbers(tmp_path):
    roster = write_roster(
        tmp_path / "r.xlsx", [[1, "张伟", "男", "65010219850615101X", "13912345678", "正式职工", 1, 0]]
    )
    result = run("validate", str(roster), "--start", START)
    assert result.returncode == 1
    assert "id-checksum" in result.stdout
    assert "650102198506151" not in result.stdout


def test_the_unit_option_fills_a_roster_without_a_unit(tmp_path):
    roster = write_roster(tmp_path / "r.xlsx", [GOOD], preamble=())
    assert run("validate", str(roster), "--start", START).returncode == 1
    assert run("validate", str(roster), "--start", START, "--unit", "乌鲁木齐市第一中学").returncode == 0


def test_the_report_workbook_has_the_three_sheets_fills_comments_and_text_only(tmp_path):
    import openpyxl

    formula = [2, "=1+1", "男", "650102198506151013", "1234567", "正式职工", 1, 0]
    roster = write_roster(
        tmp_path / "r.xlsx",
        [formula, [3, "王芳", "女", "650102198506151021", "13912345678", "正式职工", 0, 0]],
    )
    before = roster.read_bytes()
    report = tmp_path / "out" / "报告.xlsx"
    report.parent.mkdir()
    result = run("validate", str(roster), "--start", START, "-o", str(report), "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["report"] == str(report)
    assert roster.read_bytes() == before
    assert not (tmp_path / "r_检查结果.xlsx").exists()
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["汇总", "问题行", "问题清单"]  # documents.md: the verdict first
    rows = book["问题行"]  # row 1 the title, row 2 制表单位 / 制表日期, row 3 the header
    assert [c.value for c in rows[3]][:4] == ["行号", "问题", "序号", "姓名"]
    assert rows["A4"].value == 3 and rows["A5"].value == 4
    name = rows["D4"]
    assert name.value == "=1+1" and name.data_type == "s"
    phone = rows["G4"]
    assert phone.fill.fgColor.rgb.endswith("FFC7CE")
    assert "联系电话" in phone.comment.text
    no_plan = rows.cell(5, 2)
    assert "提示" in no_plan.value
    listing = [[c.value for c in r] for r in book["问题清单"].iter_rows(min_row=3)]
    assert listing[0] == ["行号", "列", "问题", "级别", "说明", "代码"]
    assert listing[1][:4] == [3, "联系电话", "联系电话不对", "错误"] and listing[1][5] == "phone-invalid"
    summary = "\n".join(str(c.value) for r in book["汇总"].iter_rows() for c in r if c.value is not None)
    assert "phone-invalid" in summary and "联系电话不对" in summary
    assert "有 1 个错误需要改正，1 个提示" in summary
    assert "0991-2821098" in summary  # no 地州市: the office is the contact


def test_the_report_names_the_prefecture_contact(tmp_path):
    roster = write_roster(
        tmp_path / "r.xlsx",
        [[1, "", "男", "650102198506151013", "13912345678", "正式职工", 1, 0]],
        preamble=("单位名称：某公司", "所属地州市：巴音郭楞"),
    )
    assert run("validate", str(roster), "--start", START).returncode == 1
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "r_检查结果.xlsx")
    summary = "\n".join(str(c.value) for r in book["汇总"].iter_rows() for c in r if c.value is not None)
    assert "赵春梅" in summary and "13709961113" in summary


def test_the_report_is_never_written_over_the_roster(tmp_path):
    roster = write_roster(tmp_path / "r.xlsx", [GOOD])
    before = roster.read_bytes()
    result = run("validate", str(roster), "--start", START, "-o", str(roster))
    assert result.returncode == 2
    assert roster.read_bytes() == before


def test_a_ledger_that_does_not_exist_is_not_created(tmp_path):
    roster = write_roster(tmp_path / "r.xlsx", [GOOD])
    db = tmp_path / "none.db"
    result = run("validate", str(roster), "--start", START, "--db", str(db), "--json")
    assert result.returncode == 0
    assert not db.exists()


def test_the_clean_sample_has_no_problem(tmp_path):
    result = run(
        "validate",
        str(SAMPLES / "roster_clean.xlsx"),
        "--start",
        START,
        "--json",
        "-o",
        str(tmp_path / "clean_report.xlsx"),
    )
    assert result.returncode == 0, result.stdout
    doc = json.loads(result.stdout)
    assert doc["rows"] == 40 and doc["problems"] == []


def test_the_mistakes_sample_reports_exactly_the_planted_problems(tmp_path):
    expected = readme_expected()
    assert len({code for _, code in expected}) >= 15
    result = run(
        "validate",
        str(SAMPLES / "roster_mistakes.xlsx"),
        "--start",
        START,
        "--json",
        "-o",
        str(tmp_path / "m.xlsx"),
    )
    assert result.returncode == 1
    found = {(p["row"], p["code"]) for p in json.loads(result.stdout)["problems"]}
    assert found == expected


def test_make_samples_is_deterministic(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    expected = module.main()
    assert set(expected) == readme_expected()
    for name in ("roster_clean.xlsx", "roster_mistakes.xlsx"):
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes()


def test_a_roster_already_in_the_ledger_is_recorded_not_a_problem_and_another_period_is(tmp_path):
    db, roster = tmp_path / "ledger.db", SAMPLES / "roster_clean.xlsx"
    enrolled = run(
        "enroll", str(roster), "--start", START, "--db", str(db), "--json", "-o", str(tmp_path / "e.xlsx")
    )
    assert enrolled.returncode == 0, enrolled.stderr
    again = run(
        "validate", str(roster), "--start", START, "--db", str(db), "--json", "-o", str(tmp_path / "a.xlsx")
    )
    assert again.returncode == 0
    assert json.loads(again.stdout)["problems"] == []
    later = run(
        "validate",
        str(roster),
        "--start",
        "2027-01-01",
        "--db",
        str(db),
        "--json",
        "-o",
        str(tmp_path / "b.xlsx"),
    )
    assert later.returncode == 1
    codes = {p["code"] for p in json.loads(later.stdout)["problems"]}
    assert "already-enrolled" in codes  # ages and a plan 5 end date also change with S


# ---------------------------------------------------------------- issue 23: special inputs, --mask


def _gbk_name(folder: Path, suffix: str) -> bytes:
    return os.fsencode(folder) + b"/" + "名册".encode("gbk") + suffix.encode()


def test_a_file_name_that_is_not_utf8_is_read_as_xlsx(tmp_path):
    ascii_path = write_roster(
        tmp_path / "r.xlsx", [[1, "张三", "男", "650102198506151013", "13912345678", "正式职工", 1, 0]]
    )
    name = _gbk_name(tmp_path, ".xlsx")
    os.rename(ascii_path, name)
    done = subprocess.run(
        [XJMA, "validate", name, "--start", START, "--json", "-o", str(tmp_path / "out.xlsx")],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    doc = json.loads(done.stdout)
    assert doc["rows"] == 1 and doc["file"].endswith("名册.xlsx")


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; CI installs it"
)
@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_a_file_name_that_is_not_utf8_is_read_as_ods_and_xls(tmp_path, suffix):
    source = write_roster(
        tmp_path / "r.xlsx", [[1, "张三", "男", "650102198506151013", "13912345678", "正式职工", 1, 0]]
    )
    subprocess.run(
        ["soffice", "--headless", "--convert-to", suffix[1:], "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        check=True,
    )
    name = _gbk_name(tmp_path, suffix)
    os.rename(tmp_path / f"r{suffix}", name)
    done = subprocess.run(
        [XJMA, "validate", name, "--start", START, "--json", "-o", str(tmp_path / "out.xlsx")],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["rows"] == 1


def test_a_fifo_given_as_the_roster_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "名册.xlsx"
    os.mkfifo(fifo)
    done = subprocess.run(
        [XJMA, "validate", str(fifo), "--start", START],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2 and "不是普通文件" in done.stderr


def test_mask_masks_the_comments_of_the_report(tmp_path):
    """Item 8: the comments go through the same masking policy as the cells (core/privacy.py)."""
    import openpyxl

    from xjma.core.idnumber import upgrade_legacy
    from xjma.core.privacy import mask_text

    phone, legacy = "1391234567", "650102850615101"  # ten digits; a 15-digit ID (its message holds 18)
    roster = write_roster(tmp_path / "r.xlsx", [[1, "张三", "男", legacy, phone, "正式职工", 1, 0]])
    report = tmp_path / "报告.xlsx"
    done = run("validate", str(roster), "--start", START, "--mask", "-o", str(report))
    assert done.returncode == 1
    book = openpyxl.load_workbook(report)
    comments = [c.comment.text for r in book["问题行"].iter_rows() for c in r if c.comment is not None]
    assert len(comments) == 2
    assert all(mask_text(text) == text for text in comments)
    texts = "\n".join(comments)
    assert phone not in texts and str(upgrade_legacy(legacy)) not in texts


def test_the_report_is_dated_the_run_date_xjma_today_pins(tmp_path):
    """检查日期 and 制表日期 are the run's "today" (XJMA_TODAY pins it), not the machine's clock."""
    import openpyxl

    roster = write_roster(
        tmp_path / "r.xlsx", [[1, "王芳", "女", "650102198506151021", "13912345678", "正式职工", 1, 0]]
    )
    report = tmp_path / "报告.xlsx"
    result = run(
        "validate", str(roster), "--start", START, "-o", str(report), env={"XJMA_TODAY": "2026-11-20"}
    )
    assert result.returncode == 0, result.stderr
    verdict = [str(c.value) for r in openpyxl.load_workbook(report)["汇总"].iter_rows() for c in r if c.value]
    assert "制表日期：2026-11-20" in verdict
    assert "2026-11-20" in verdict  # 检查日期


def test_the_verdict_sheet_writes_its_counts_as_numbers(tmp_path):
    """documents.md: counts as integers, not text ("1,500")."""
    import openpyxl

    bad = [2, "李娜", "女", "650102198506151012", "13912345678", "正式职工", 1, 0]  # check digit wrong
    roster = write_roster(tmp_path / "r.xlsx", [GOOD, bad])
    assert run("validate", str(roster), "--start", START).returncode == 1
    ws = openpyxl.load_workbook(tmp_path / "r_检查结果.xlsx")["汇总"]
    facts = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(1, ws.max_row + 1)}
    assert [facts[k].value for k in ("数据行数", "可参保行数（无错误）", "错误", "提示")] == [2, 1, 1, 0]
    assert {facts[k].number_format for k in ("数据行数", "可参保行数（无错误）", "错误", "提示")} == {"0"}
    assert facts["保障起始日"].value == START and facts["检查日期"].data_type == "s"  # dates stay text
