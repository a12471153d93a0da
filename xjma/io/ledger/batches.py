"""Recording one enrollment batch in the caller's transaction: the batch row, its members, its
enrollments, the guard against overlapping periods, and (SQLite) the fee totals.

SQLite's bulk path is here; PostgreSQL's (COPY) is in batches_postgres.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from xjma.core.enrollment import NewEnrollment
from xjma.core.money import to_fen
from xjma.io.ledger.members import MemberInfo
from xjma.io.ledger.overlap import LedgerConflict, overlaps_another_batch
from xjma.io.ledger.schema import batches, claims, enrollments, members

__all__ = ["BatchInfo", "LedgerConflict", "count_rows", "overlaps_another_batch", "record_batch"]


@dataclass(frozen=True)
class BatchInfo:
    file_name: str
    sha256: str
    unit: str
    prefecture: str
    start: dt.date
    end: dt.date | None
    paid_on: dt.date
    created_at: dt.datetime
    rows: int


def record_batch(
    conn: Connection, batch: BatchInfo, people: Sequence[MemberInfo], items: Sequence[NewEnrollment]
) -> int:
    """Record one batch inside the caller's transaction: the batch, its members (a new member is inserted,
    a known one keeps its row but takes the roster's name), its enrollments. Returns the batch id. An
    exception anywhere rolls the whole batch back.

    Two batches validated at the same moment must not both give a member one plan for overlapping periods.
    PostgreSQL: the exclusion constraint of schema v3 refuses the second batch (IntegrityError, SQLSTATE
    23P01, or 23505 for the very same start). SQLite serialises writers: after the insert, one query looks
    for an overlap with another batch's enrollment and raises LedgerConflict. SQLite's fee totals are
    brought up to date in the same transaction (`fees summary` only reads them)."""
    key = conn.execute(batches.insert().values(**asdict(batch))).inserted_primary_key
    assert key is not None
    batch_id = int(key[0])
    if conn.dialect.name == "postgresql":
        from xjma.io.ledger.batches_postgres import record_postgres

        columns, rows = enrollment_rows(items, batch_id, batch.paid_on, Same())
        record_postgres(
            conn, batch_id, [(p.id_number, p.name, p.gender, p.birth) for p in people], columns, rows
        )
        return batch_id
    _record_sqlite(conn, batch_id, batch.paid_on, people, items)
    return batch_id


def _record_sqlite(
    conn: Connection,
    batch_id: int,
    paid_on: dt.date,
    people: Sequence[MemberInfo],
    items: Sequence[NewEnrollment],
) -> None:
    from xjma.io.ledger.cover_totals import refresh_cover_totals
    from xjma.io.ledger.fee_totals import add_batch

    # A batch's index pages stay in memory until the commit (SQLite's default cache is 2 MB; 100,000
    # rows thrashed it): the insert takes about half the time. The connection is the run's own.
    conn.exec_driver_sql(f"PRAGMA cache_size=-{sqlite_cache_kib()}")
    if people:
        iso = Iso()
        conn.exec_driver_sql(
            _SQLITE_UPSERT_MEMBERS, [(p.id_number, p.name, p.gender, iso[p.birth]) for p in people]
        )
    if not items:
        return
    before = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM enrollments").scalar() or 0)
    fen = _Fen()
    columns, rows = enrollment_rows(items, batch_id, paid_on, Iso(), fen)
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f"INSERT INTO enrollments ({names}) VALUES ({marks})", rows)
    # This batch's rows are the ids after `before`, the other batches' the ids up to it: SQLite writers
    # take turns and ids only grow. (o.id is in every index: no table read to tell o's batch.) A first
    # batch (no id up to 0) has nothing to overlap.
    if before and overlaps_another_batch(conn, f"n.id > {before}", f"o.id <= {before}"):
        raise LedgerConflict()
    add_batch(conn, before, paid_on, items, fen.__getitem__)
    refresh_cover_totals(conn)


# SQLite bulk path: the driver's executemany with plain tuples. SQLAlchemy's per-row bind processing
# cost 6-8 s for a 100,000-row roster; dates are stored as the same ISO text SQLAlchemy writes.
_SQLITE_UPSERT_MEMBERS = (
    "INSERT INTO members (id_number, name, gender, birth) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (id_number) DO UPDATE SET name = excluded.name"
)

SQLITE_CACHE_KIB = 64 * 1024  # an upper bound: SQLite only takes the pages the batch touches


def sqlite_cache_kib() -> int:
    """The page cache of an enroll's write connection, XJMA_SQLITE_CACHE_KIB to change it (a small value
    makes SQLite spill pages to the WAL during the insert, which the reliability tests use)."""
    import os

    text = os.environ.get("XJMA_SQLITE_CACHE_KIB", "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else SQLITE_CACHE_KIB


class Iso(dict[Any, Any]):
    """date -> its ISO text (as SQLAlchemy stores dates in SQLite), each distinct date formatted once;
    None -> None. A batch's dates are a handful of values repeated on every row."""

    def __missing__(self, day: dt.date | None) -> str | None:
        text = self[day] = None if day is None else day.isoformat()
        return text


class Same(dict[Any, Any]):
    """Dates as they are (PostgreSQL's COPY takes date objects)."""

    def __missing__(self, day: dt.date | None) -> dt.date | None:
        self[day] = day
        return day


class _Fen(dict[Any, Any]):
    def __missing__(self, fee: Any) -> int:
        fen = self[fee] = to_fen(fee)
        return fen


ENROLLMENT_COLUMNS = (
    "id_number",
    "plan",
    "unit",
    "prefecture",
    "start",
    "end",
    "shares",
    "renewed_shares",
    "tier",
    "fee_fen",
    "observation_days",
    "observation_end",
    "first_start",
    "rules_version",
    "batch_id",
    "paid_on",
    "name",
)


def enrollment_rows(
    items: Sequence[NewEnrollment],
    batch_id: int,
    paid_on: dt.date,
    day: dict[Any, Any],
    fen: dict[Any, int] | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and one tuple per enrollment (ENROLLMENT_COLUMNS), dates through `day`, fees
    through `fen` (fee -> fen, each distinct fee converted once)."""
    fen, row = _Fen() if fen is None else fen, _enrollment_row
    return list(ENROLLMENT_COLUMNS), [row(i, batch_id, paid_on, day, fen) for i in items]


def _enrollment_row(
    item: NewEnrollment, batch_id: int, paid_on: dt.date, day: dict[Any, Any], fen: dict[Any, int]
) -> tuple[Any, ...]:
    e = item.enrollment
    return (
        e.id_number,
        e.plan,
        e.unit,
        e.prefecture,
        day[e.start],
        day[e.end],
        e.shares,
        e.renewed_shares,
        e.tier,
        fen[item.fee],
        item.observation_days,
        day[item.observation_end],
        day[e.first_start or e.start],
        item.rules_version,
        batch_id,
        day[paid_on],
        e.name,
    )


def count_rows(conn: Connection) -> dict[str, int]:
    """Row counts of the ledger tables (tests and the dry-run guarantee)."""
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for t in (members, batches, enrollments, claims)
    }
