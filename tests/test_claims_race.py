"""Two `claim calc --record` runs for one member at the same moment (issue 12 item 5, issue 23 item 3):
reading the history, computing and recording are one transaction under a per-member lock, so the second
run sees what the first recorded. Real processes on SQLite and PostgreSQL.

Each child pauses between computing and recording (patched in the child only), so without the lock
both would compute against the same empty history: the race is certain, not left to scheduling."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from conftest import make_id

from xjma.io.ledger import open_ledger

A = make_id("19800501", 10, female=False)
HEADER = ["身份证号码", "险种", "给付项目", "出险日期", "保障起始日", "统筹段个人自付", "统筹基金支付",
          "大额段个人自付", "病因", "意外类型", "是否身故"]  # fmt: skip
CHILD = """
import sys, time
import xjma.jobs.claims as job
real = job._compute
def slow(*args, **kwargs):
    out = real(*args, **kwargs)
    time.sleep(1.5)  # both runs would have read the history by now, were there no lock
    return out
job._compute = slow
from xjma.cli import main
sys.argv = ["xjma", *sys.argv[1:]]
main()
"""


def _claims_file(path: Path, **values: str) -> Path:
    row = {"身份证号码": A, "保障起始日": "2026-12-01", **values}
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerow(row)
    return path


def _race(target: str, *files: Path) -> list[dict[str, object]]:
    open_ledger(target, create=True).close()  # first use by two writers is another issue's matter
    env = {k: v for k, v in os.environ.items() if k != "XJMA_DB"}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, "claim", "calc", str(f), "--record", "--db", target, "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for f in files
    ]
    docs = []
    for child in children:
        stdout, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
        docs.append(json.loads(stdout))
    return docs


def _recorded_total(target: str) -> Decimal:
    from sqlalchemy import text

    with open_ledger(target, create=False) as ledger, ledger.connect() as conn:
        fen = conn.execute(text("select coalesce(sum(payout_fen), 0) from claims")).scalar()
    return Decimal(int(fen or 0)) / 100


def _stay(path: Path, admitted: str) -> Path:
    # 大额段 12000 × 50% = 6000 each: two stays ask 12000 of the 8000 period cap.
    return _claims_file(
        path,
        险种="住院+意外",
        给付项目="住院",
        出险日期=admitted,
        统筹段个人自付="0",
        统筹基金支付="0",
        大额段个人自付="12000",
        病因="疾病",
    )


def test_two_stays_recorded_at_once_never_pay_more_than_the_8000_major_cap(
    ledger_target: str, tmp_path: Path
) -> None:
    files = [_stay(tmp_path / "march.csv", "2027-03-01"), _stay(tmp_path / "june.csv", "2027-06-01")]
    docs = _race(ledger_target, *files)
    assert sorted(d["total"] for d in docs) == ["2000.00", "6000.00"]
    assert _recorded_total(ledger_target) == Decimal("8000.00")


def _death(path: Path, day: str) -> Path:
    return _claims_file(path, 险种="住院+意外", 给付项目="意外", 出险日期=day, 意外类型="生活", 是否身故="是")


def test_two_files_claiming_one_death_at_once_pay_it_once(ledger_target: str, tmp_path: Path) -> None:
    files = [_death(tmp_path / "office1.csv", "2027-03-01"), _death(tmp_path / "office2.csv", "2027-03-02")]
    docs = _race(ledger_target, *files)
    assert sorted(d["total"] for d in docs) == ["0.00", "20000.00"]
    reasons = sorted(tuple(d["claims"][0]["reasons"]) for d in docs)  # type: ignore[index]
    assert reasons == [(), ("death-paid",)]
    assert _recorded_total(ledger_target) == Decimal("20000.00")
