"""Fill a SQLite ledger with N members (the region has 1.7 million) by set-based SQL, for the fees benchmark.

The schema comes from xjma itself (open_ledger creates and migrates it); the rows are generated inside
SQLite by recursive CTEs, so 1.7M members take seconds, not minutes. The shape follows the brochure:
19,178 units, each in one 地州市; a member belongs to one unit; a unit pays on one date a year (one batch),
one unit in three on two dates (two batches, half of its members each). Every member holds plan 1;
about a third also hold critical illness, one in twenty the gig-worker plan. Payment dates spread over 2026.
The ledger's fee totals (schema v2) are brought up to date once here, as the first `fees summary` would.

Claims cases (schema v5): 240,000 for 1.7M members (the brochure's 23.98 万人次 a year), proportionally
fewer for a smaller ledger, about 200,000 members (one in five of them with two cases), events spread
over 2026 (`_cases`): of every 20 cases
one rejected, one still submitted, one returned, five approved and paid (a payment batch per month of
approval), twelve approved and not yet paid.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gen import (
    PREFECTURES,  # the one list of 地州市 of the benchmarks (bench.py puts this folder on sys.path)
)

UNITS = 19_178
CASES_PER_MEMBER = 240_000 / 1_700_000


def _units_and_batches(db: sqlite3.Connection) -> None:
    """One row per batch: unit u (in prefecture u % 15) pays on day (u * 37) % 365 of 2026, and a third
    of the units a second time half a year later."""
    db.execute("CREATE TEMP TABLE pref(i INTEGER PRIMARY KEY, name TEXT)")
    db.executemany("INSERT INTO pref VALUES (?, ?)", list(enumerate(PREFECTURES)))
    db.execute(
        f"""CREATE TEMP TABLE unit_batch AS
            WITH RECURSIVE u(u) AS (SELECT 0 UNION ALL SELECT u + 1 FROM u WHERE u < {UNITS - 1}),
                 k(k) AS (VALUES (0), (1))
            SELECT u * 2 + k + 1 AS batch_id, u, k,
                   (SELECT name FROM pref WHERE i = u % 15) AS prefecture,
                   (SELECT name FROM pref WHERE i = u % 15) || '单位' || u AS unit,
                   date('2026-01-01', '+' || ((u * 37 + k * 182) % 365) || ' days') AS paid_on
            FROM u, k WHERE k = 0 OR u % 3 = 0"""
    )
    db.execute(
        """INSERT INTO batches (id, file_name, sha256, unit, prefecture, start, "end", paid_on, created_at, rows)
           SELECT batch_id, unit || '.xlsx', '', unit, prefecture, date(paid_on, '+1 day'), NULL, paid_on,
                  paid_on || ' 10:00:00', 0
           FROM unit_batch"""
    )


def fill_ledger(path: Path, members: int) -> None:
    from xjma.io.ledger import open_ledger

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    open_ledger(str(tmp), mode="write").close()  # schema and migrations, as xjma makes them
    db = sqlite3.connect(tmp)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    _units_and_batches(db)
    db.execute(
        f"""CREATE TEMP TABLE gen AS
            WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {members})
            SELECT n, printf('65%04d%012d', n % 9973, n) AS id_number,
                   n % {UNITS} AS u,
                   CASE WHEN (n % {UNITS}) % 3 = 0 THEN (n / {UNITS}) % 2 ELSE 0 END AS k
            FROM seq"""
    )
    db.execute(
        """CREATE TEMP TABLE people AS
           SELECT g.n, g.id_number, b.batch_id, b.unit, b.prefecture, b.paid_on,
                  date(b.paid_on, '+1 day') AS start,
                  date(b.paid_on, '+1 day', '+1 year', '-1 day') AS "end"
           FROM gen g JOIN unit_batch b ON b.u = g.u AND b.k = g.k"""
    )
    db.execute("INSERT INTO members (id_number, name) SELECT id_number, '会员' || n FROM people")
    columns = (
        'id_number, plan, unit, prefecture, start, "end", shares, renewed_shares, tier, fee_fen, '
        "observation_days, observation_end, first_start, rules_version, batch_id, paid_on, name"
    )
    for plan, fee, obs, where, shares in (
        ("inpatient-accident", 11000, 30, "1", 1),
        ("critical-illness", 4000, 60, "n % 3 = 0", 2),
        ("gig-accident", 2500, 0, "n % 20 = 7", 1),
    ):
        obs_end = f"date(start, '+{obs} days')" if obs else "NULL"
        db.execute(
            f"""INSERT INTO enrollments ({columns})
                SELECT id_number, '{plan}', unit, prefecture, start, "end", {shares}, 0, NULL, {fee * shares},
                       {obs}, {obs_end}, start, '第四期', batch_id, paid_on, '会员' || n FROM people WHERE {where}"""
        )
    _cases(db, round(members * CASES_PER_MEMBER))
    db.execute("CREATE TEMP TABLE batch_rows(batch_id INTEGER PRIMARY KEY, n INTEGER)")
    db.execute("INSERT INTO batch_rows SELECT batch_id, count(*) FROM people GROUP BY batch_id")
    db.execute("UPDATE batches SET rows = (SELECT n FROM batch_rows WHERE batch_rows.batch_id = batches.id)")
    db.commit()
    db.execute("ANALYZE")
    db.close()
    with open_ledger(str(tmp), mode="write") as ledger, ledger.begin() as conn:
        from xjma.io.ledger.fee_totals import refresh_fee_totals

        refresh_fee_totals(conn)  # what enroll's transaction does for its batch: count the bulk load once
        from xjma.io.ledger.cover_totals import refresh_cover_totals

        refresh_cover_totals(conn)
        from xjma.io.ledger.claim_totals import refresh_claim_totals

        refresh_claim_totals(conn)  # what each case transaction does for its events
        from xjma.io.ledger.history_tables import register_recorded_units

        register_recorded_units(conn)  # what enroll's transaction does for its batch's units (schema v4)
    tmp.rename(path)


def _cases(db: sqlite3.Connection, count: int) -> None:
    """`count` cases of the members n = 7k + 3 (claims, case_details, case_events, payment batches); case
    i: event on day (i * 7) % 330 of 2026, submitted 10 days later, decided 20 days later, paid 30."""
    db.execute(
        f"""CREATE TEMP TABLE bench_members AS
            SELECT ROW_NUMBER() OVER (ORDER BY n) AS k, n, id_number, unit, prefecture, start FROM people
            WHERE n % 7 = 3 ORDER BY n LIMIT {count * 5 // 6 + 1}"""
    )
    db.execute(  # case i of member k = (i - 1) * 5 / 6 + 1: one member in five has two cases
        f"""CREATE TEMP TABLE bench_cases AS
            WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {count})
            SELECT c.i, m.n, m.id_number, m.unit, m.prefecture, m.start
            FROM c JOIN bench_members m ON m.k = (c.i - 1) * 5 / 6 + 1"""
    )
    db.execute(
        """CREATE TEMP TABLE bench_case AS
           SELECT i, n, id_number, unit, prefecture, start,
                  CASE WHEN n % 3 = 0 AND i % 5 = 0 THEN 'critical-illness' ELSE 'inpatient-accident' END AS plan,
                  CASE WHEN n % 3 = 0 AND i % 5 = 0 THEN 'severe' WHEN i % 10 = 7 THEN 'accident'
                       ELSE 'inpatient' END AS benefit,
                  date('2026-01-01', '+' || ((i * 7) % 330) || ' days') AS event_date,
                  ((i * 37) % 500 + 50) * 100 AS fen,
                  CASE i % 20 WHEN 0 THEN 'rejected' WHEN 1 THEN 'submitted' WHEN 2 THEN 'returned'
                       WHEN 3 THEN 'paid' WHEN 4 THEN 'paid' WHEN 5 THEN 'paid' WHEN 6 THEN 'paid'
                       WHEN 7 THEN 'paid' ELSE 'approved' END AS final
           FROM bench_cases"""
    )
    db.execute(
        """INSERT INTO claims (id, claim_key, id_number, plan, benefit, event_date, period_start, payout_fen,
                               inputs, result, rules_version, recorded_at)
           SELECT i, 'bench-' || i, id_number, plan, benefit, event_date, start, fen,
                  json_object('plan', plan, 'benefit', benefit, 'event_date', event_date, 'id_number', id_number),
                  '{"steps": [], "reasons": [], "warnings": []}', '第四期', date(event_date, '+10 days') || ' 10:00:00'
           FROM bench_case"""
    )
    db.execute(
        """INSERT INTO case_details (claim_id, prefecture, unit, bank, account, materials)
           SELECT i, prefecture, unit, '中国工商银行', printf('6222%015d', i), '[]' FROM bench_case"""
    )
    events = "INSERT INTO case_events (claim_id, state, at, operator, payout_fen, paid_on, payment_batch_id) "
    decided = "date(event_date, '+20 days') || ' 10:00:00'"
    db.execute(events + "SELECT i, 'submitted', date(event_date, '+10 days') || ' 10:00:00', '基准', fen, NULL, NULL "
               "FROM bench_case ORDER BY i")  # fmt: skip
    db.execute(events + f"SELECT i, CASE final WHEN 'paid' THEN 'approved' ELSE final END, {decided}, '基准', "
               "CASE WHEN final IN ('approved', 'paid') THEN fen END, NULL, NULL FROM bench_case "
               "WHERE final <> 'submitted' ORDER BY i")  # fmt: skip
    db.execute(
        f"""INSERT INTO payment_batches (id, at, operator, prefecture, bank_file)
            SELECT CAST(strftime('%m', {decided}) AS INTEGER), max(date({decided}, '+5 days')) || ' 10:00:00',
                   '基准', '', 'bench.xlsx'
            FROM bench_case WHERE final = 'paid' GROUP BY 1"""
    )
    db.execute(
        f"""INSERT INTO payment_items (batch_id, claim_id, amount_fen, bank, account)
            SELECT CAST(strftime('%m', {decided}) AS INTEGER), i, fen, '中国工商银行', printf('6222%015d', i)
            FROM bench_case WHERE final = 'paid'"""
    )
    db.execute(events + f"SELECT i, 'paid', date({decided}, '+10 days') || ' 10:00:00', '基准', NULL, "
               f"date({decided}, '+10 days'), CAST(strftime('%m', {decided}) AS INTEGER) FROM bench_case "
               "WHERE final = 'paid' ORDER BY i")  # fmt: skip
