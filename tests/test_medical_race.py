"""Two `medical import --record` runs of one file at the same moment (office.md §0, §8): reading what is
recorded, computing and recording are one transaction under the members' locks, so the second run sees
the first's cases as duplicates and records nothing. Real processes on SQLite and PostgreSQL.

Each child pauses between computing and recording (patched in the child only), so without the lock both
would find nothing recorded: the race is certain, not left to scheduling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from medical_support import EVERY_CLASS, small_ledger, write_settlements

CHILD = """
import sys, time
import xjma.jobs.medical as job
real = job._reconciled
def slow(*args, **kwargs):
    out = real(*args, **kwargs)
    time.sleep(1.5)  # both runs would have read what is recorded by now, were there no lock
    return out
job._reconciled = slow
from xjma.cli import main
sys.argv = ["xjma", *sys.argv[1:]]
main()
"""


def test_two_imports_of_one_file_at_once_record_each_settlement_once(
    ledger_target: str, tmp_path: Path
) -> None:
    from sqlalchemy import text

    from xjma.io.ledger import open_ledger

    small_ledger(ledger_target, tmp_path)
    file = write_settlements(tmp_path / "结算.csv", EVERY_CLASS)
    env = {k: v for k, v in os.environ.items() if k != "XJMA_DB"}
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                "medical",
                "import",
                str(file),
                "--record",
                "--db",
                ledger_target,
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    docs = []
    for child in children:
        stdout, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
        docs.append(json.loads(stdout))
    assert sorted(d["recorded"] for d in docs) == [0, 2]
    assert sorted(d["duplicates"] for d in docs) == [1, 3]
    with open_ledger(ledger_target, mode="read") as ledger, ledger.connect() as conn:
        cases = conn.execute(text("select count(*) from case_details")).scalar()
        events = conn.execute(text("select count(*) from case_events")).scalar()
    assert (cases, events) == (2, 4)
