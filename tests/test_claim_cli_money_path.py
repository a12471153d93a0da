"""`claim calc` through the installed command on the money path (issues 12, 13): a claim ID that a roster
would refuse is a claim error and is never recorded; --record then a later claim gives what one file
gives; 保障止期 for plan 1 is ignored with the warning; the terminal at 80 columns shows every amount
and step in full, with Chinese labels."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

XJMA = str(Path(sys.executable).parent / "xjma")
MAN = "650102199001011239"
BASE = ["--plan", "新就业形态意外", "--start", "2026-12-01", "--shares", "1"]


def run(*args: str, db: Path | str, columns: int = 160) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XJMA_DB": str(db), "COLUMNS": str(columns)}
    return subprocess.run([XJMA, *args], capture_output=True, text=True, env=env, timeout=120)


def claims_count(db: str) -> int:
    from sqlalchemy import text

    from xjma.io.ledger import open_ledger

    with open_ledger(db, create=False) as ledger:
        if not ledger.exists:
            return 0
        with ledger.connect() as conn:
            return int(conn.execute(text("select count(*) from claims")).scalar() or 0)


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("650102199001011234", "校验码不对"),
        ("65010219900101123", "格式不对"),
        ("6.50105199404050E+17", "被Excel存成了数字"),
    ],
    ids=["wrong check character", "17 digits", "damaged as a number"],
)
def test_a_bad_id_given_with_record_is_a_claim_error_and_nothing_is_recorded(
    tmp_path: Path, id_number: str, message: str
) -> None:
    db = str(tmp_path / "ledger.db")
    result = run(
        "claim", "calc", *BASE, "--benefit", "伤残", "--event-date", "2027-02-01", "--grade", "10",
        "--id", id_number, "--record", "--json", db=db,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["claims"] == [] and doc["total"] == "0.00"
    assert message in doc["errors"][0]["message"]
    assert claims_count(db) == 0


def test_a_claims_file_with_an_id_saved_as_a_number_refuses_that_row_only(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["身份证号码", "险种", "给付项目", "出险日期", "保障起始日", "份数", "伤残等级"])
        writer.writerow(
            ["6.50105199404050E+17", "新就业形态意外", "伤残", "2027-02-01", "2026-12-01", "1", "10"]
        )
        writer.writerow([MAN, "新就业形态意外", "伤残", "2027-02-01", "2026-12-01", "1", "10"])
    result = run("claim", "calc", str(path), "--json", db=tmp_path / "none.db")
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert [e["row"] for e in doc["errors"]] == [2]
    assert "被Excel存成了数字" in doc["errors"][0]["message"]
    assert [(c["row"], c["payout"]) for c in doc["claims"]] == [(3, "5000.00")]


def test_an_end_given_for_plan_1_is_ignored_with_the_warning(tmp_path: Path) -> None:
    result = run(
        "claim", "calc", "--plan", "住院+意外", "--benefit", "住院", "--event-date", "2027-10-01",
        "--start", "2026-12-01", "--end", "2027-06-30", "--cause", "疾病", "--pooled-self-pay", "1000",
        "--pooled-fund-paid", "10000", "--json", db=tmp_path / "none.db",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    claim = json.loads(result.stdout)["claims"][0]
    assert claim["payout"] == "600.00"  # inside 2026-12-01 … 2027-11-30, whatever --end said
    assert claim["warnings"] == ["保障止期只用于短期意外，已按保障起始日推算为 2027-11-30"]


def _one(db: str, *args: str, record: bool = False) -> dict:  # type: ignore[type-arg]
    extra = ["--record"] if record else []
    result = run("claim", "calc", *BASE, "--id", MAN, *args, *extra, "--json", db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["claims"][0]  # type: ignore[no-any-return]


def test_record_then_a_later_claim_gives_what_one_file_gives(tmp_path: Path) -> None:
    rows = [
        ["伤残", "2027-02-01", "2", "", "", "A1"],
        ["意外医疗", "2027-02-03", "", "60", "门诊", "A1"],
        ["意外医疗", "2027-02-05", "", "90", "住院", "A1"],
        ["伤残", "2027-05-01", "1", "", "", "A1"],
    ]
    path = tmp_path / "claims.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["身份证号码", "险种", "给付项目", "出险日期", "保障起始日", "份数", "伤残等级",
                         "医疗费用", "就诊类型", "事故编号"])  # fmt: skip
        for benefit, day, grade, expense, care, ref in rows:
            writer.writerow(
                [MAN, "新就业形态意外", benefit, day, "2026-12-01", "1", grade, expense, care, ref]
            )
    whole = run("claim", "calc", str(path), "--json", db=tmp_path / "none.db")
    assert whole.returncode == 0, whole.stderr
    expected = [(c["payout"], c["reasons"], c["cover_ended"]) for c in json.loads(whole.stdout)["claims"]]
    db = str(tmp_path / "ledger.db")
    got = []
    for benefit, day, grade, expense, care, ref in rows:
        args = ["--benefit", benefit, "--event-date", day, "--accident-ref", ref]
        args += ["--grade", grade] if grade else ["--expense", expense, "--care", care]
        claim = _one(db, *args, record=True)
        got.append((claim["payout"], claim["reasons"], claim["cover_ended"]))
    assert got == expected
    assert [e[0] for e in expected] == ["45000.00", "0.00", "50.00", "5000.00"]


def test_at_80_columns_the_terminal_shows_every_amount_and_step_with_chinese_labels(tmp_path: Path) -> None:
    result = run(
        "claim", "calc", "--plan", "重大疾病", "--benefit", "重度", "--event-date", "2027-03-01",
        "--start", "2026-12-01", "--shares", "4", "--disease", "火星病", "--id", MAN,
        db=tmp_path / "none.db", columns=80,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "…" not in text
    assert "40000.00" in text
    assert "疾病名称不在目录" in text and "disease-unknown" not in text
    assert MAN not in text


def test_record_without_an_id_is_a_claim_error_and_nothing_is_recorded(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    result = run(
        "claim", "calc", *BASE, "--benefit", "伤残", "--event-date", "2027-02-01", "--grade", "10",
        "--record", "--json", db=db,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["claims"] == [] and "没有身份证号码的理赔不能记入台账" in doc["errors"][0]["message"]
    assert claims_count(db) == 0


def test_a_file_at_80_columns_shows_every_name_amount_and_reason_in_full(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["身份证号码", "姓名", "险种", "给付项目", "出险日期", "保障起始日", "份数", "伤残等级",
                         "医疗费用", "就诊类型", "事故编号"])  # fmt: skip
        writer.writerow([MAN, "阿不都热合曼·买买提", "新就业形态意外", "伤残", "2027-02-01", "2026-12-01", "2",
                         "1", "", "", "A1"])  # fmt: skip
        writer.writerow([MAN, "阿不都热合曼·买买提", "新就业形态意外", "伤残", "2027-03-01", "2026-12-01", "2",
                         "3", "", "", "A2"])  # fmt: skip
    result = run(
        "claim", "calc", str(path), "-o", str(tmp_path / "out.xlsx"), db=tmp_path / "none.db", columns=80
    )
    assert result.returncode == 0, result.stderr
    assert "…" not in result.stdout
    assert "100000.00" in result.stdout
    flat = "".join(ch for ch in result.stdout if ch not in "│ \n")
    assert "保障已终止" in flat
