"""`xjma claim calc` end to end through the installed command (cli.md `claim calc`): the sample claims
workbook, single claims from options, the ledger (--record twice records once; enrollments read from
the ledger), the settlement workbook, and the exit codes 0 / 1 / 2."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
XJMA = str(Path(sys.executable).parent / "xjma")
SAMPLE = ROOT / "samples" / "claims.xlsx"
ROSTER = ROOT / "samples" / "roster_clean.xlsx"
HEADER = [
    "身份证号码",
    "姓名",
    "险种",
    "给付项目",
    "出险日期",
    "保障起始日",
    "份数",
    "是否续保",
    "伤残等级",
    "医疗费用",
    "就诊类型",
    "事故编号",
    "除外原因",
    "疾病名称",
]


def run(*args: str, db: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XJMA_DB": str(db), "COLUMNS": "160"}
    return subprocess.run([XJMA, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def as_json(result: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(result.stdout)


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def claims_count(db: str) -> int:
    from sqlalchemy import text

    from xjma.io.ledger import open_ledger

    with open_ledger(db, create=False) as ledger, ledger.connect() as conn:
        return int(conn.execute(text("select count(*) from claims")).scalar() or 0)


# ---------------------------------------------------------------- the sample workbook, no ledger


def test_the_sample_workbook_computes_every_row_without_a_ledger(tmp_path: Path) -> None:
    book = shutil.copy(SAMPLE, tmp_path / "claims.xlsx")
    result = run("claim", "calc", str(book), "--json", db=tmp_path / "none.db")
    assert result.returncode == 0, result.stderr
    doc = as_json(result)
    assert set(doc) == {"claims", "total", "errors"}
    assert doc["errors"] == []
    assert len(doc["claims"]) == 25
    assert {c["plan"] for c in doc["claims"]} == {
        "inpatient-accident",
        "critical-illness",
        "gig-accident",
        "female-illness",
        "short-accident",
    }
    assert {(c["plan"], c["benefit"]) for c in doc["claims"]} >= {
        ("inpatient-accident", "inpatient"),
        ("inpatient-accident", "accident"),
        ("critical-illness", "severe"),
        ("critical-illness", "mild"),
        ("critical-illness", "sudden-death"),
        ("gig-accident", "disability"),
        ("gig-accident", "medical"),
        ("gig-accident", "sudden-death"),
        ("female-illness", "in-situ"),
        ("female-illness", "malignant"),
        ("short-accident", "disability"),
        ("short-accident", "medical"),
    }
    first = doc["claims"][0]
    assert set(first) == {
        "row",
        "id_number",
        "plan",
        "benefit",
        "event_date",
        "day_index",
        "payout",
        "reasons",
        "exclusion",
        "cover_ended",
        "rules_version",
        "steps",
        "warnings",
    }
    assert (first["row"], first["payout"], first["reasons"]) == (3, "0.00", ["observation"])
    assert doc["claims"][1]["payout"] == "4228.00"
    assert sum(float(c["payout"]) for c in doc["claims"]) == pytest.approx(float(doc["total"]))
    assert not (tmp_path / "none.db").exists(), "claim calc without --record must not create the ledger"
    report = tmp_path / "claims_理赔结果.xlsx"
    assert report.exists()
    import openpyxl

    names = openpyxl.load_workbook(report).sheetnames
    assert names == ["理赔结果", "会员汇总", "无法计算"]


def test_the_terminal_table_hides_the_full_id_number(tmp_path: Path) -> None:
    result = run("claim", "calc", str(SAMPLE), "-o", str(tmp_path / "out.xlsx"), db=tmp_path / "none.db")
    assert result.returncode == 0, result.stderr
    assert "650105199404050039" not in result.stdout + result.stderr
    assert "650105********0039" in result.stdout
    assert "给付合计" in result.stdout


# ---------------------------------------------------------------- single claims


def test_a_single_claim_in_chinese_spellings_pays_the_brochure_example(tmp_path: Path) -> None:
    result = run(
        "claim",
        "calc",
        "--plan",
        "住院+意外",
        "--benefit",
        "住院",
        "--event-date",
        "2027-03-01",
        "--start",
        "2026-12-01",
        "--cause",
        "疾病",
        "--pooled-self-pay",
        "2880",
        "--pooled-fund-paid",
        "16320",
        "--json",
        db=tmp_path / "none.db",
    )
    assert result.returncode == 0, result.stderr
    claim = as_json(result)["claims"][0]
    assert (claim["row"], claim["id_number"], claim["plan"], claim["benefit"]) == (
        None,
        None,
        "inpatient-accident",
        "inpatient",
    )
    assert (claim["payout"], claim["day_index"], claim["rules_version"]) == ("1728.00", 90, "第四期")
    assert not list(tmp_path.glob("*.xlsx")), "a single claim writes a workbook only with -o"


def test_a_single_medical_claim_accepts_the_chinese_care_value(tmp_path: Path) -> None:
    result = run(
        "claim",
        "calc",
        "--plan",
        "gig-accident",
        "--benefit",
        "意外医疗",
        "--event-date",
        "2027-01-05",
        "--start",
        "2026-12-01",
        "--shares",
        "2",
        "--care",
        "门诊",
        "--expense",
        "350",
        "--json",
        "-o",
        str(tmp_path / "理赔结果.xlsx"),
        db=tmp_path / "none.db",
    )
    assert result.returncode == 0, result.stderr
    assert as_json(result)["claims"][0]["payout"] == "250.00"
    assert (tmp_path / "理赔结果.xlsx").exists()


def test_a_single_claim_without_an_enrollment_cannot_be_computed(tmp_path: Path) -> None:
    result = run(
        "claim",
        "calc",
        "--plan",
        "重大疾病",
        "--benefit",
        "重度",
        "--event-date",
        "2027-03-01",
        "--shares",
        "1",
        "--json",
        db=tmp_path / "none.db",
    )
    assert result.returncode == 1
    doc = as_json(result)
    assert doc["claims"] == [] and doc["total"] == "0.00"
    assert "保障起始日" in doc["errors"][0]["message"]


def test_a_plan_five_claim_without_an_end_date_cannot_be_computed(tmp_path: Path) -> None:
    result = run(
        "claim",
        "calc",
        "--plan",
        "短期意外",
        "--benefit",
        "伤残",
        "--event-date",
        "2027-01-05",
        "--start",
        "2026-12-01",
        "--grade",
        "10",
        "--json",
        db=tmp_path / "none.db",
    )
    assert result.returncode == 1
    assert "保障止期" in as_json(result)["errors"][0]["message"]


# ---------------------------------------------------------------- rows that cannot be computed: exit 1


def test_an_exclusion_not_in_the_benefit_list_is_a_row_error_and_other_rows_are_computed(
    tmp_path: Path,
) -> None:
    rows = [
        {
            "身份证号码": "650105199404050039",
            "险种": "重大疾病",
            "给付项目": "重度",
            "出险日期": "2027-03-01",
            "保障起始日": "2026-12-01",
            "份数": "1",
            "除外原因": "abroad",
        },
        {
            "身份证号码": "650105199404050047",
            "险种": "女职工特殊疾病",
            "给付项目": "恶性肿瘤",
            "出险日期": "2027-03-01",
            "保障起始日": "2026-12-01",
            "份数": "1",
            "疾病名称": "乳腺癌",
        },
        {"身份证号码": "650105199404050039", "险种": "火星险", "给付项目": "重度", "出险日期": "2027-03-01"},
        {
            "身份证号码": "",
            "险种": "重大疾病",
            "给付项目": "重度",
            "出险日期": "2027-03-01",
            "保障起始日": "2026-12-01",
            "份数": "1",
        },
    ]
    book = write_csv(tmp_path / "claims.csv", rows)
    result = run("claim", "calc", str(book), "--json", db=tmp_path / "none.db")
    assert result.returncode == 1, result.stderr
    doc = as_json(result)
    assert [e["row"] for e in doc["errors"]] == [2, 4, 5]
    assert "身份证号码" in doc["errors"][2]["message"]
    assert "不适用于该给付项目" in doc["errors"][0]["message"]
    assert [(c["row"], c["payout"]) for c in doc["claims"]] == [(3, "15000.00")]


# ---------------------------------------------------------------- could not run: exit 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.xlsx"], "找不到文件"),
        (["notes.txt"], "不支持的文件类型"),
        ([], "--plan"),
        (["claims.csv", "--plan", "重大疾病"], "不能再用单笔理赔选项"),
    ],
    ids=["a missing file", "an unsupported file type", "neither a file nor a claim", "a file and options"],
)
def test_a_command_that_cannot_run_exits_2_with_one_sentence(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    write_csv(tmp_path / "claims.csv", [])
    result = run("claim", "calc", *args, db=tmp_path / "none.db", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_claims_file_without_the_benefit_column_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("身份证号码,险种,出险日期\n650105199404050039,重大疾病,2027-03-01\n", encoding="utf-8")
    result = run("claim", "calc", str(path), db=tmp_path / "none.db")
    assert result.returncode == 2
    assert "给付项目" in result.stderr


# ---------------------------------------------------------------- the ledger


def test_recording_the_sample_twice_records_it_once(tmp_path: Path, ledger_target: str) -> None:
    out = str(tmp_path / "out.xlsx")
    first = run("claim", "calc", str(SAMPLE), "--record", "--json", "-o", out, db=ledger_target)
    assert first.returncode == 0, first.stderr
    assert claims_count(ledger_target) == 25
    second = run("claim", "calc", str(SAMPLE), "--record", "--json", "-o", out, db=ledger_target)
    assert second.returncode == 0, second.stderr
    assert claims_count(ledger_target) == 25
    assert as_json(second) == as_json(first), "recorded claims must not count twice against themselves"


def test_claims_read_the_enrollment_and_earlier_claims_from_the_ledger(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    enrolled = run(
        "enroll",
        str(ROSTER),
        "--start",
        "2026-12-01",
        "--paid-on",
        "2026-11-28",
        "--json",
        "-o",
        str(tmp_path / "e.xlsx"),
        db=db,
    )
    if enrolled.returncode != 0:
        pytest.skip(
            f"the demo roster does not enroll here (exit {enrolled.returncode}): {enrolled.stderr[:200]}"
        )
    # 李秀英 holds 2 shares of 重大疾病: no 保障起始日 or 份数 in the file, the ledger decides.
    mild = write_csv(
        tmp_path / "mild.csv",
        [
            {
                "身份证号码": "650104199506020045",
                "险种": "重大疾病",
                "给付项目": "轻度",
                "出险日期": "2027-03-01",
            }
        ],
    )
    result = run("claim", "calc", str(mild), "--record", "--json", db=db)
    assert result.returncode == 0, result.stderr
    assert as_json(result)["claims"][0]["payout"] == "6000.00"
    severe = write_csv(
        tmp_path / "severe.csv",
        [
            {
                "身份证号码": "650104199506020045",
                "险种": "重大疾病",
                "给付项目": "重度",
                "出险日期": "2027-09-01",
                "保障起始日": "2026-06-01",
                "份数": "4",
            }
        ],
    )
    result = run("claim", "calc", str(severe), "--json", db=db)
    assert result.returncode == 0, result.stderr
    claim = as_json(result)["claims"][0]
    assert (claim["payout"], claim["reasons"], claim["cover_ended"]) == ("14000.00", ["capped"], True)
    assert "忽略" in result.stderr
