"""The ledger's tables (SQLAlchemy Core) and its ordered in-code migrations.

Money is stored as integer fen, never float. Dates are SQL DATE (ISO text in SQLite, which keeps range
queries on `paid_on` and `start` index-friendly). A migration is applied once, in order, and the version
reached is recorded in `schema_version` (sqlite-utils habit).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.engine import Connection

from xjma.io.ledger.kept_totals import create_kept_totals
from xjma.io.ledger.metadata import _NO_OVERLAP_KEY, NO_OVERLAP, create_live_indexes, metadata

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("id_number", String(18), primary_key=True),
    Column("name", Text, nullable=False, default=""),
    Column("gender", String(1), nullable=True),
    Column("birth", Date, nullable=True),
)

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("unit", Text, nullable=False, default=""),
    Column("prefecture", Text, nullable=False, default=""),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=True),  # the --end option, when given
    Column("paid_on", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("rows", Integer, nullable=False),
)

enrollments = Table(
    "enrollments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("id_number", String(18), ForeignKey("members.id_number"), nullable=False),
    Column("plan", String(32), nullable=False),
    Column("unit", Text, nullable=False, default=""),
    Column("prefecture", Text, nullable=False, default=""),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("shares", Integer, nullable=False),
    Column("renewed_shares", Integer, nullable=False, default=0),
    Column("tier", String(8), nullable=True),
    Column("fee_fen", Integer, nullable=False),
    Column("observation_days", Integer, nullable=False, default=0),
    Column("observation_end", Date, nullable=True),
    Column("first_start", Date, nullable=False),
    Column("rules_version", Text, nullable=False),
    Column("batch_id", Integer, ForeignKey("batches.id"), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("name", Text, nullable=False, default=""),
    # The change that voided it (schema v4, office.md §3); the void itself is a voided_enrollments row.
    # No foreign key: `db copy` copies enrollments before changes.
    Column("voided_by", Integer, nullable=True),
    # The partial indexes (live enrollments only) are made by create_live_indexes, in SQL.
    Index("ix_enrollments_member_plan", "id_number", "plan"),
    # A batch's enrollments (batch show/report, void --batch; schema v4).
    Index("ix_enrollments_batch", "batch_id"),
    # Led by paid_on and covering every column `fees summary` reads: its GROUP BYs over a month or a
    # year never touch the table (about 2.5x faster over 500k rows in SQLite).
    Index(
        "ix_enrollments_paid_on", "paid_on", "prefecture", "unit", "plan", "id_number", "shares", "fee_fen"
    ),
    Index("ix_enrollments_prefecture_unit", "prefecture", "unit"),
)


claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_key", Text, unique=True, nullable=False),
    Column("id_number", Text, nullable=False),
    Column("plan", Text, nullable=False),
    Column("benefit", Text, nullable=False),
    Column("event_date", Date, nullable=False),
    Column("accident_date", Date, nullable=True),
    Column("accident_ref", Text, nullable=True),
    Column("period_start", Date, nullable=False),
    Column("payout_fen", Integer, nullable=False),
    Column("inputs", Text, nullable=False),  # JSON
    Column("result", Text, nullable=False),  # JSON
    Column("rules_version", Text, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Index("ix_claims_member_plan", "id_number", "plan"),
)

LEDGER_TABLES = (members, batches, enrollments, claims)


def _v1_initial(conn: Connection) -> None:
    """Version 1: members, batches, enrollments, claims with their indexes."""
    metadata.create_all(conn, tables=list(LEDGER_TABLES), checkfirst=True)
    create_live_indexes(conn)


# ---------------------------------------------------------------- v2: fee totals (SQLite)
# `fees summary` over 1.7M members needs five COUNT(DISTINCT id_number) over ~2.4M rows a year: 10-30 s
# in SQLite whatever the index. So the totals per calendar month and year (overall, per 地州市, unit and
# plan) are kept in fee_totals, brought up to date inside the transaction that records a batch (and by
# `db copy`) from the enrollments added since (fee_totals_state.watermark = the highest enrollment id
# counted); `fees summary` only reads them. Exact, because
# enrollments are only ever inserted (xjma never changes one): see fee_totals.refresh_fee_totals.
# Not in `metadata`, so a ledger copy does not copy them (the target counts its rows afresh).
# PostgreSQL aggregates fast enough and keeps the GROUP BYs.
FEE_TOTALS = "fee_totals"
FEE_TOTALS_STATE = "fee_totals_state"


def _v2_fee_totals(conn: Connection) -> None:
    """Version 2: the fee_totals table and its watermark (SQLite only), empty: filled on first use."""
    if conn.dialect.name != "sqlite":
        return
    columns = """period TEXT NOT NULL, kind TEXT NOT NULL, k1 TEXT NOT NULL, k2 TEXT NOT NULL,
        members INTEGER NOT NULL, shares INTEGER NOT NULL, fee_fen INTEGER NOT NULL,
        PRIMARY KEY (period, kind, k1, k2)"""
    create_kept_totals(conn, FEE_TOTALS, columns, FEE_TOTALS_STATE)


# ---------------------------------------------------------------- v3: no overlapping periods (PostgreSQL)
# Two offices validate their rosters against the ledger at the same moment, each before the other
# commits: the unique constraint only stops the same (member, plan, start). The exclusion constraint
# refuses a second enrollment of a member in a plan whose period shares a day with a recorded one
# (SQLSTATE 23P01), whatever the starts. It needs btree_gist (`=` on text in a GiST index), a trusted
# extension since PostgreSQL 13 that a database owner may create. When it cannot be added (no privilege,
# extension not installed, or overlapping rows already recorded) the ledger works on: batches.
# record_batch then makes enrolling writers take turns (a table lock) and checks each batch, as in SQLite.
# SQLite: writers take turns anyway; record_batch checks each batch with one query.


def _v3_no_overlapping_periods(conn: Connection) -> None:
    """Version 3: the exclusion constraint on (member, plan, period) in PostgreSQL; nothing in SQLite."""
    if conn.dialect.name != "postgresql":
        return
    from sqlalchemy.exc import DBAPIError

    try:
        with conn.begin_nested():  # a failure rolls back to here, not the whole migration
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")
            conn.exec_driver_sql(
                f"ALTER TABLE enrollments ADD CONSTRAINT {NO_OVERLAP} EXCLUDE USING gist ({_NO_OVERLAP_KEY})"
            )
    except DBAPIError:
        pass  # see above: batches.record_batch falls back to a lock and a check


def _v4_history(conn: Connection) -> None:
    """Version 4: the log, the unit register, batch units and changes (history_tables)."""
    from xjma.io.ledger.history_tables import create_history_tables

    create_history_tables(conn)


def _v5_cases(conn: Connection) -> None:
    """Version 5: claims as cases (case_tables); recorded claims become approved cases."""
    from xjma.io.ledger.case_tables import create_case_tables

    create_case_tables(conn)


def _v6_access(conn: Connection) -> None:
    """Version 6: who may see what (PostgreSQL row-level security per prefecture, access.py)."""
    from xjma.io.ledger.access import create_access

    create_access(conn)


def _v7_member_details(conn: Connection) -> None:
    """Version 7: member details per batch (detail_tables: phone, 用工形式, 聘用期限, 是否工会会员, for the
    renewal roster) and the index of live enrollments by E (`renewals due`)."""
    from xjma.io.ledger.detail_tables import DETAIL_TABLES

    metadata.create_all(conn, tables=list(DETAIL_TABLES), checkfirst=True)
    conn.exec_driver_sql(
        'CREATE INDEX IF NOT EXISTS ix_enrollments_end ON enrollments ("end") WHERE voided_by IS NULL'
    )
    if conn.dialect.name == "postgresql":  # a prefecture role sees the details of its own members only
        from xjma.io.ledger.access import POLICIES, add_policy

        add_policy(conn, "member_details", POLICIES["member_details"])


def _v8_cover_totals(conn: Connection) -> None:
    """Version 8: the cover totals of the overview (SQLite; cover_totals), which replace the overview's
    covering index by groups: one index less for every enroll to keep up."""
    from xjma.io.ledger.cover_totals import create_cover_totals

    create_cover_totals(conn)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_enrollments_overview_groups")


def _v9_claim_totals(conn: Connection) -> None:
    """Version 9: the claim totals of `claims summary` (SQLite; claim_totals), filled from the cases."""
    from xjma.io.ledger.claim_totals import create_claim_totals

    create_claim_totals(conn)


# Ordered: MIGRATIONS[i] brings the ledger from version i to version i + 1. Append, never edit.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _v1_initial,
    _v2_fee_totals,
    _v3_no_overlapping_periods,
    _v4_history,
    _v5_cases,
    _v6_access,
    _v7_member_details,
    _v8_cover_totals,
    _v9_claim_totals,
)
SCHEMA_VERSION = len(MIGRATIONS)


def found_version(conn: Connection) -> int:
    """The version recorded in the ledger, 0 when it has none yet; reads only (creates nothing)."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table(schema_version.name):
        return 0
    return int(conn.execute(select(schema_version.c.version)).scalar() or 0)


def current_version(conn: Connection) -> int:
    """The version recorded in the ledger; 0 for a new one (the version table is made if missing)."""
    schema_version.create(conn, checkfirst=True)
    found = conn.execute(select(schema_version.c.version)).scalar()
    return int(found or 0)


def migrate(conn: Connection, to: int = SCHEMA_VERSION) -> int:
    """Apply the migrations the ledger has not seen yet, in order, inside the caller's transaction (which
    holds the ledger's write lock: db.schema_transaction). `to` < SCHEMA_VERSION only in tests (an older
    ledger as a previous xjma made it)."""
    version = current_version(conn)
    for step in MIGRATIONS[version:to]:
        step(conn)
    if version < to:
        conn.execute(schema_version.delete())
        conn.execute(schema_version.insert().values(version=to))
    return max(version, to)


def create_schema(conn: Connection) -> None:
    """A new ledger's tables at the current version (every migration from 0), in the caller's locked
    transaction: the tables are made only where missing and the version row written once."""
    migrate(conn)


# The history tables join `metadata` (db copy copies every table in it).
import xjma.io.ledger.case_tables  # noqa: E402, F401
import xjma.io.ledger.detail_tables  # noqa: E402, F401
import xjma.io.ledger.history_tables  # noqa: E402, F401
