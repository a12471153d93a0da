"""The cases of a period for `claims summary` (office.md §6), read from the case tables in one pass each:
one line per case (core.claims_summary.CaseLine) for the approved or paid cases, and the counts of the
rejected and of the still open cases. The grouping is core's (core/claims_summary.summarise).

- approved: every `approved` event in the period of a case never voided (office.md §5: an approved case
  is next paid or voided, nothing else), its payout, month of its time;
- paid: every `paid` event whose paid date is in the period, with the payout of the case's latest
  approval, month of the paid date;
- rejected: cases rejected in the period (rejection ends a case); open: cases whose latest event, in the
  period, is `submitted` or `returned`.
Months are cut in SQL (text in SQLite, to_char in PostgreSQL): 240,000 cases a year are fetched at once
as plain tuples, no datetime per row, through a larger SQLite page cache (connection-local, not a write).
A SQLite ledger keeps these figures as totals (claim_totals.py, same rules, tested against these queries):
this is the exact way, for PostgreSQL and for a SQLite ledger whose totals lag.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from xjma.core.claims_summary import CaseLine
from xjma.io.ledger.case_tables import case_details, case_events
from xjma.io.ledger.schema import claims

CACHE_KIB = 64 * 1024  # the joins of a year's cases touch ~100 MB of pages: SQLite's default 2 MB thrashes


def _month(conn: Connection, column: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM'"))
    return func.substr(column, 1, 7)


def _bounds(lo: dt.date, hi: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.combine(lo, dt.time()), dt.datetime.combine(hi, dt.time())


def _nothing_after(event: Any, allowed: tuple[str, ...]) -> Any:
    """No later event of the same case, except in the `allowed` states."""
    later = aliased(case_events)
    query = select(later.c.id).where(later.c.claim_id == event.c.claim_id, later.c.id > event.c.id)
    if allowed:
        query = query.where(later.c.state.not_in(allowed))
    return ~query.exists()


def case_lines(conn: Connection, lo: dt.date, hi: dt.date, state: str) -> list[CaseLine]:
    """The cases of [lo, hi) counted under `state` (approved | paid), one line each."""
    e = aliased(case_events)
    c, d = claims.c, case_details.c
    where: tuple[Any, ...]
    if state == "paid":
        approved = aliased(case_events)
        amount: Any = (
            select(approved.c.payout_fen)
            .where(approved.c.claim_id == e.c.claim_id, approved.c.state == "approved")
            .order_by(approved.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        month = _month(conn, e.c.paid_on)
        where = (e.c.state == "paid", e.c.paid_on >= lo, e.c.paid_on < hi)
    else:
        start, end = _bounds(lo, hi)
        amount, month = e.c.payout_fen, _month(conn, e.c.at)
        voided = select(case_events.c.claim_id).where(case_events.c.state == "voided")
        where = (e.c.state == "approved", e.c.at >= start, e.c.at < end, e.c.claim_id.not_in(voided))
    query = (
        select(
            c.id_number,
            c.plan,
            c.benefit,
            func.coalesce(d.prefecture, ""),
            func.coalesce(d.unit, ""),
            month,
            func.coalesce(amount, 0),
        )  # fmt: skip
        .select_from(e)
        .join(claims, c.id == e.c.claim_id)
        .outerjoin(case_details, d.claim_id == e.c.claim_id)
        .where(*where)
    )
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")
    return conn.execute(query).fetchall()  # type: ignore[return-value]  # rows are tuples of CaseLine's fields


def rejected_and_open(conn: Connection, lo: dt.date, hi: dt.date) -> tuple[int, int]:
    """(cases rejected in [lo, hi), cases whose latest event in it is submitted or returned)."""
    start, end = _bounds(lo, hi)
    e = aliased(case_events)
    in_period = (e.c.at >= start, e.c.at < end)
    rejected = select(func.count(func.distinct(e.c.claim_id))).where(e.c.state == "rejected", *in_period)
    still_open = select(func.count()).where(
        e.c.state.in_(("submitted", "returned")), *in_period, _nothing_after(e, ())
    )
    return int(conn.execute(rejected).scalar() or 0), int(conn.execute(still_open).scalar() or 0)
