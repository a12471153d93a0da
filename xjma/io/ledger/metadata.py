"""The ledger's one SQLAlchemy MetaData (schema.py and history_tables.py add their tables to it; db copy
copies every table in it), the name and key of PostgreSQL's no-overlap constraint and the partial
indexes of enrollments, shared by the migrations of both modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import MetaData

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

metadata = MetaData()

NO_OVERLAP = "ex_enrollments_member_plan_period"
# Led by a 64-bit hash of (member, plan): the GiST tree then groups each member's enrollments, and adding
# 195,000 enrollments costs about 2.8 s instead of 10 s with (id_number, plan, period) alone. Exact all
# the same: two rows conflict only when member and plan are equal too (a hash collision refuses nothing).
_NO_OVERLAP_KEY = (
    "hashtextextended(id_number || ' ' || plan, 0) WITH =, id_number WITH =, plan WITH =, "
    "daterange(start, \"end\", '[]') WITH &&"
)


# The indexes of live enrollments (voided_by IS NULL), the same SQL for SQLite and PostgreSQL. Written out
# rather than as Index(..., sqlite_where=, postgresql_where=): a dialect's keyword makes SQLAlchemy load
# that dialect on every command (the PostgreSQL one with asyncio: ~20 ms of each `member show`).
LIVE_INDEXES = (
    # One live enrollment per (member, plan, start): a voided one may be enrolled again (schema v4).
    "CREATE UNIQUE INDEX IF NOT EXISTS uq_enrollments_member_plan_start ON enrollments (id_number, plan, start) "
    "WHERE voided_by IS NULL",
    # The live enrollments by E (schema v7): `renewals due` reads a month of ends, not 2.4M rows.
    'CREATE INDEX IF NOT EXISTS ix_enrollments_end ON enrollments ("end") WHERE voided_by IS NULL',
)


def create_live_indexes(conn: Connection) -> None:
    """The partial indexes of enrollments (LIVE_INDEXES), where missing."""
    for sql in LIVE_INDEXES:
        conn.exec_driver_sql(sql)
