"""`xjma report overview` over the region-sized bench ledger (office.md §7: ≤ 3 s for a year and for
`--cumulative`): 1.7M members, 2.4M enrollments and 240,000 cases.

Called from bench.py (one line); also runs alone: `.venv/bin/python benchmarks/bench_overview.py`.
Wall seconds (as the spec counts them) and CPU seconds (user + system of the child: the machine is shared).

Until benchmarks/ledger_fill.py fills cases itself, `add_cases` writes 240,000 into the bench ledger
once, by set-based SQL, as case_tables.py says a case is (claims + case_details + case_events): one
in seven members has an inpatient case, approved 20 days after its event; half of them paid 20 days
later; one in five is a 一单结算 record. A ledger cached before the overview's indexes existed gets
them here, as its `db migrate` to schema v5 would have made them.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

CASES = 240_000
YEAR = "2026"


def add_cases(db: Path, cases: int = CASES) -> None:
    """240,000 cases into the bench ledger, once (nothing when it holds claims already)."""
    con = sqlite3.connect(db)
    try:
        if con.execute("SELECT count(*) FROM claims").fetchone()[0]:
            return
        con.execute("PRAGMA synchronous=OFF")
        con.execute(
            f"""CREATE TEMP TABLE pick AS
                SELECT e.id AS n, e.id_number, e.start, e.prefecture, e.unit,
                       date(e.start, '+' || (e.id % 300) || ' days') AS event_date
                FROM enrollments e WHERE e.plan = 'inpatient-accident' AND e.id % 7 = 3
                ORDER BY e.id LIMIT {cases}"""
        )
        con.execute(
            """INSERT INTO claims (id, claim_key, id_number, plan, benefit, event_date, period_start,
                   payout_fen, inputs, result, rules_version, recorded_at)
               SELECT n, 'bench-' || n, id_number, 'inpatient-accident', 'inpatient', event_date, start,
                      100000 + (n % 50) * 1000, '{}', '{}', '第四期', event_date || ' 09:00:00.000000'
               FROM pick"""
        )
        con.execute(
            """INSERT INTO case_details (claim_id, prefecture, unit, materials, payer, settlement_no)
               SELECT n, prefecture, unit, '[]', CASE WHEN n % 5 = 0 THEN '一单结算' END,
                      CASE WHEN n % 5 = 0 THEN 'YB' || n END FROM pick"""
        )
        events = (
            ("submitted", 10, "100000 + (n % 50) * 1000", "NULL", "1"),
            ("approved", 20, "100000 + (n % 50) * 1000", "NULL", "1"),
            ("paid", 40, "NULL", "date(event_date, '+40 days')", "n % 2 = 0 OR n % 5 = 0"),
        )
        for state, days, payout, paid_on, where in events:
            con.execute(
                f"""INSERT INTO case_events (claim_id, state, at, operator, payout_fen, paid_on)
                    SELECT n, '{state}', datetime(event_date, '+{days} days') || '.000000', 'bench',
                           {payout}, {paid_on} FROM pick WHERE {where} ORDER BY n"""
            )
        con.commit()
        con.execute("ANALYZE")
    finally:
        con.close()


def ensure_indexes(db: Path) -> None:
    from sqlalchemy import create_engine

    from xjma.io.ledger.case_tables import CASE_STATE_INDEX, OVERVIEW_INDEXES, create_overview_indexes

    con = sqlite3.connect(db)
    have = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    con.close()
    by_groups = "ix_enrollments_overview_groups"  # SQLite keeps cover totals instead (schema v8)
    if {*OVERVIEW_INDEXES, CASE_STATE_INDEX} - {by_groups} <= have:
        return
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        create_overview_indexes(conn)
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {by_groups}")
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def overview_rows(
    db: Path, tmp: Path, run: Callable[..., Any], cpu_run: Callable[..., Any], xjma: str, repeat: int
) -> list[dict[str, object]]:
    """`report overview --year 2026` and `--year 2026 --cumulative`: median wall and CPU seconds."""
    ensure_indexes(db)
    add_cases(db)
    env = {"XJMA_TODAY": f"{YEAR}-12-31"}
    base = [xjma, "report", "overview", "--year", YEAR, "--db", str(db), "--json"]
    rows: list[dict[str, object]] = []
    for name, extra in (("a year", []), ("--cumulative", ["--cumulative"])):
        cmd = [*base, *extra, "-o", str(tmp / f"overview_{len(extra)}.xlsx")]
        walls, cpus, note = [], [], ""
        for _ in range(repeat):
            seconds, _peak, rc, stdout = run(cmd, env)
            cpu, _, _ = cpu_run(cmd, env)
            walls.append(seconds)
            cpus.append(cpu)
            if rc != 0:
                note = f"exit {rc}"
            elif not note:
                doc = json.loads(stdout)
                note = f"members {doc['members']:,}, cases {doc['beneficiary_cases']:,}"
        what = f"xjma report overview, {name} (1.7M members, 240k cases)"
        rows.append({"what": what, "seconds": statistics.median(walls), "ratio": None, "peak_mb": 0.0,
                     "note": note})  # fmt: skip
        rows.append({"what": f"{what}, CPU s", "seconds": statistics.median(cpus), "ratio": None,
                     "peak_mb": 0.0, "note": note})  # fmt: skip
    return rows


def main() -> int:
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import MEMBERS, REPEAT, XJMA, bench_ledger_path, cpu_run, run
    from ledger_fill import fill_ledger

    db = bench_ledger_path()
    if not db.exists():
        fill_ledger(db, MEMBERS)
    with tempfile.TemporaryDirectory() as tmp:
        for r in overview_rows(db, Path(tmp), run, cpu_run, XJMA, REPEAT):
            print(f"{r['what']}: {r['seconds']:.2f} s ({r['note']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
