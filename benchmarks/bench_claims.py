"""`xjma claims summary --year 2026` over the bench ledger's 240,000 cases (issue 18: target ≤ 2 s).

Called from bench.py (`make bench`) with its ledger and its `run`; on its own:

    .venv/bin/python benchmarks/bench_claims.py [LEDGER.db]    # default: bench.py's 1.7M ledger
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
XJMA = str(Path(sys.executable).parent / "xjma")
TARGET_SECONDS = 2.0


def claims_summary_case(db: Path, tmp: Path, run: Callable[..., Any], repeat: int = 3) -> dict[str, object]:
    """Median seconds and peak RSS of `claims summary --year 2026 --json` (workbook included)."""
    cmd = [
        XJMA,
        "claims",
        "summary",
        "--year",
        "2026",
        "--db",
        str(db),
        "--json",
        "-o",
        str(tmp / "claims.xlsx"),
    ]
    times, peak, note = [], 0.0, ""
    for _ in range(repeat):
        seconds, rss, rc, stdout = run(cmd)
        times.append(seconds)
        peak = max(peak, rss)
        if rc != 0:
            note = f"exit {rc}"
        elif not note:
            doc = json.loads(stdout)
            note = f"cases {doc['cases']:,}, amount {doc['amount']}, target ≤ {TARGET_SECONDS:.0f} s"
    return {
        "what": "xjma claims summary --year (240k cases)",
        "seconds": statistics.median(times),
        "ratio": None,
        "peak_mb": peak,
        "note": note,
    }


def main() -> int:
    sys.path.insert(0, str(HERE))
    import bench

    db = Path(sys.argv[1]) if len(sys.argv) > 1 else bench.bench_ledger_path()
    if not db.exists():
        print(f"building a ledger of {bench.MEMBERS:,} members …", file=sys.stderr)
        bench.fill_ledger(db, bench.MEMBERS)
    with tempfile.TemporaryDirectory() as tmp:
        row = claims_summary_case(db, Path(tmp), bench.run, bench.REPEAT)
    print(f"{row['what']}: {row['seconds']:.2f} s median, peak {row['peak_mb']:.0f} MB ({row['note']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
