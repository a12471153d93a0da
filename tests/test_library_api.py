"""`import xjma` is a library: rules, a roster check, an enrollment, claims and a fee summary, with no
Typer and no terminal (run in a fresh interpreter, so that nothing the tests imported counts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import datetime as dt, sys
from decimal import Decimal
from pathlib import Path
import xjma
from xjma.io.claims_xlsx import read_claims_file

samples, tmp = Path(sys.argv[1]), Path(sys.argv[2])
rules = xjma.load_rules()
assert rules.version_on(dt.date(2026, 12, 1)) is not None
start = dt.date(2026, 12, 1)
outcome = xjma.check_roster(samples / "roster_clean.xlsx", start=start, rules=rules)
assert outcome.errors == 0 and outcome.valid_rows > 0, outcome.errors
db = str(tmp / "ledger.db")
result = xjma.enroll(
    samples / "roster_clean.xlsx", start=start, paid_on=dt.date(2026, 11, 25), db=db,
    output=tmp / "result.xlsx", rules=rules,
)
assert result.exit_code == 0 and result.enrolled == outcome.valid_rows, result.exit_code
assert result.report == tmp / "result.xlsx" and result.report.exists()
fees = xjma.summarise_fees(month="2026-11", db=db, output=tmp / "fees.xlsx")
assert Decimal(fees["total"]) == sum(i.fee for i in result.items), fees["total"]
run = xjma.compute_claims(read_claims_file(samples / "claims.xlsx"), rules=rules, db=db)
assert run.results, "claims computed"
assert "typer" not in sys.modules, "the library API runs without the command line"
print("ok")
"""


def test_the_library_api_checks_enrolls_computes_and_summarises_without_typer(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT / "samples"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
