"""What the totals a SQLite ledger keeps (fee_totals, schema v2; cover_totals, schema v8; claim_totals,
schema v9) have in common: a table of totals beside a watermark table (the highest enrollment or case
event id counted)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def create_kept_totals(conn: Connection, table: str, columns: str, state: str, options: str = "") -> None:
    """A table of totals a SQLite ledger keeps (fee_totals, cover_totals) and its watermark table, empty,
    the watermark at 0 (nothing counted yet). `options`: after the columns (WITHOUT ROWID)."""
    conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {table} ({columns}) {options}")
    conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {state} (watermark INTEGER NOT NULL)")
    conn.exec_driver_sql(f"DELETE FROM {table}")
    conn.exec_driver_sql(f"DELETE FROM {state}")
    conn.exec_driver_sql(f"INSERT INTO {state} (watermark) VALUES (0)")


def keeps_sqlite_table(conn: Connection, table: str) -> bool:
    """True for a SQLite ledger that has this table (the totals only SQLite keeps)."""
    if conn.dialect.name != "sqlite":
        return False
    found = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    return found.first() is not None


def watermark_of(conn: Connection, state: str) -> int:
    """The highest id the totals of this watermark table count."""
    return int(conn.exec_driver_sql(f"SELECT watermark FROM {state}").scalar() or 0)


def newest_id(conn: Connection, table: str) -> int:
    """The highest id of an append-only table (0 when empty)."""
    return int(conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar() or 0)
