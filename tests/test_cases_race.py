"""Two `claim approve` runs for two cases of one member at the same moment (office.md §5): each
recomputes against the ledger inside one transaction holding the member's lock, so the second sees the
first's approval and the two never pay beyond the 8,000 大额 cap. Real processes on SQLite and
PostgreSQL; each child pauses between computing and recording (patched in the child only), so without
the lock both would compute against the same history: the race is certain, not left to scheduling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from test_cases_cli import claims_file, show, stay, submit

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


def _approve_at_once(target: str, *cases: str) -> list[dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if k != "XJMA_DB"}
    env["XJMA_TODAY"] = "2027-08-01"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, "claim", "approve", case, "--db", target, "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )  # fmt: skip
        for case in cases
    ]
    docs = []
    for child in children:
        stdout, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
        docs.append(json.loads(stdout))
    return docs


def test_two_approvals_racing_on_one_member_never_pay_beyond_the_8000_major_cap(
    ledger_target: str, tmp_path: Path
) -> None:
    doc = submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01"), stay("2027-06-01")))
    assert [c["payout"] for c in doc["cases"]] == ["6000.00", "2000.00"]  # provisional, in file order
    docs = _approve_at_once(ledger_target, "1", "2")
    paid = sorted(Decimal(d["cases"][0]["payout"]) for d in docs)  # type: ignore[index]
    assert paid == [Decimal("2000.00"), Decimal("6000.00")]
    total = sum(Decimal(show(ledger_target, n)["payout"]) for n in (1, 2))
    assert total == Decimal("8000.00")
