"""The ledger's history tables (schema v4, office.md §0–§3): the log, the unit register, the units of each
batch, and changes (voids, member corrections). Append-only: a void, a correction, a rename is a new row.

- `log_entries`: one per command that wrote (who, db role, xjma version, file, SHA-256, kind, summary,
  reason, refs as JSON; `batch_id` for an enroll or a batch void). `log_subjects` names the members and
  units an entry concerns, so that `xjma log --member/--unit` finds them through an index.
- `units` (code, name, prefecture, USCC, contact) and `unit_events` (rename, alias, merge): a unit's
  current name, aliases and merge target are computed from its events.
- `batch_units`: which registered unit each (unit text, prefecture) of a batch is; an enrollment's unit
  is found through its batch.
- `changes` (one per void or correction, with operator and reason), `voided_enrollments` (each voided
  enrollment once: the primary key stops a double void) and `member_changes` (field, before, after).

The tables are in the ledger's one `metadata`, so `db copy` copies them.
"""

from __future__ import annotations

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
    func,
    select,
)
from sqlalchemy.engine import Connection

from xjma.io.ledger.metadata import create_live_indexes, metadata

log_entries = Table(
    "log_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("operator", Text, nullable=False),
    Column("db_role", Text, nullable=True),
    Column("xjma_version", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("summary", Text, nullable=False),
    Column("reason", Text, nullable=True),
    Column("file", Text, nullable=True),
    Column("sha256", String(64), nullable=True),
    Column("refs", Text, nullable=False, default="{}"),  # JSON
    Column("batch_id", Integer, nullable=True),
    Index("ix_log_entries_at", "at"),
    Index("ix_log_entries_batch", "batch_id"),
)

log_subjects = Table(
    "log_subjects",
    metadata,
    Column("entry_id", Integer, ForeignKey("log_entries.id"), primary_key=True),
    Column("subject", String(8), primary_key=True),  # member | unit
    Column("value", Text, primary_key=True),
    Index("ix_log_subjects_value", "subject", "value"),
)

units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(10), nullable=False, unique=True),
    Column("name", Text, nullable=False),  # as first registered; renames are unit_events
    Column("prefecture", Text, nullable=False, default=""),
    Column("uscc", String(18), nullable=True, unique=True),
    Column("contact", Text, nullable=True),
    Column("phone", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_units_prefecture_name", "prefecture", "name"),
)

unit_events = Table(
    "unit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("kind", String(8), nullable=False),  # rename | alias | merge
    Column("value", Text, nullable=True),  # the new name or the alias
    Column("into_id", Integer, ForeignKey("units.id"), nullable=True),  # merge target
    Column("at", DateTime, nullable=False),
    Column("log_id", Integer, ForeignKey("log_entries.id"), nullable=True),
    Index("ix_unit_events_unit", "unit_id"),
)

batch_units = Table(
    "batch_units",
    metadata,
    Column("batch_id", Integer, ForeignKey("batches.id"), primary_key=True),
    Column("unit", Text, primary_key=True),
    Column("prefecture", Text, primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Index("ix_batch_units_unit", "unit_id"),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # void | correct
    Column("at", DateTime, nullable=False),
    Column("operator", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("refund_on", Date, nullable=True),
    Column("log_id", Integer, ForeignKey("log_entries.id"), nullable=True),
)

voided_enrollments = Table(
    "voided_enrollments",
    metadata,
    Column("enrollment_id", Integer, ForeignKey("enrollments.id"), primary_key=True),
    Column("change_id", Integer, ForeignKey("changes.id"), nullable=False),
    Column("refund_on", Date, nullable=False),
    Column("fee_fen", Integer, nullable=False),
    Index("ix_voided_enrollments_refund_on", "refund_on"),
    Index("ix_voided_enrollments_change", "change_id"),
)

member_changes = Table(
    "member_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("change_id", Integer, ForeignKey("changes.id"), nullable=False),
    Column("id_number", String(18), nullable=False),
    Column("field", String(16), nullable=False),  # name | phone | unit | prefecture | employment | id_number
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Index("ix_member_changes_member", "id_number"),
)

HISTORY_TABLES = (
    log_entries,
    log_subjects,
    units,
    unit_events,
    batch_units,
    changes,
    voided_enrollments,
    member_changes,
)


def create_history_tables(conn: Connection) -> None:
    """Schema v4: enrollments marked when voided (so that a voided one may be enrolled again), the
    history tables, and the units of the batches already recorded registered (a unit per distinct name
    and prefecture, coded in the order of their first batch)."""
    if conn.dialect.name == "postgresql":
        _void_marker_postgres(conn)
    else:
        _void_marker_sqlite(conn)
    metadata.create_all(conn, tables=list(HISTORY_TABLES), checkfirst=True)
    if conn.execute(select(func.count()).select_from(batch_units)).scalar() == 0:
        register_recorded_units(conn)


def _void_marker_sqlite(conn: Connection) -> None:
    """An enrollments table of schema v1–v3 is rebuilt with `voided_by` and a partial unique index in
    place of its UNIQUE constraint (SQLite cannot drop a constraint). Rows keep their ids."""
    enrollments = metadata.tables["enrollments"]

    columns = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(enrollments)")]
    if "voided_by" in columns:
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_enrollments_batch ON enrollments (batch_id)")
        return  # made by this version already
    for (name,) in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'enrollments' AND sql IS NOT NULL"
    ).all():
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    conn.exec_driver_sql("ALTER TABLE enrollments RENAME TO enrollments_v3")
    metadata.create_all(conn, tables=[enrollments])
    create_live_indexes(conn)
    listed = ", ".join(f'"{c}"' for c in columns)
    conn.exec_driver_sql(f"INSERT INTO enrollments ({listed}) SELECT {listed} FROM enrollments_v3")
    conn.exec_driver_sql("DROP TABLE enrollments_v3")


def _void_marker_postgres(conn: Connection) -> None:
    """`voided_by`, the partial unique index in place of the constraint, and the exclusion constraint
    (when the ledger has it) limited to enrollments that are not voided."""
    from xjma.io.ledger.metadata import _NO_OVERLAP_KEY, NO_OVERLAP

    conn.exec_driver_sql("ALTER TABLE enrollments ADD COLUMN IF NOT EXISTS voided_by INTEGER")
    conn.exec_driver_sql("ALTER TABLE enrollments DROP CONSTRAINT IF EXISTS uq_enrollments_member_plan_start")
    conn.exec_driver_sql(
        "CREATE UNIQUE INDEX IF NOT EXISTS uq_enrollments_member_plan_start "
        "ON enrollments (id_number, plan, start) WHERE voided_by IS NULL"
    )
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_enrollments_batch ON enrollments (batch_id)")
    found = conn.exec_driver_sql(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %(n)s", {"n": NO_OVERLAP}
    ).scalar()
    if found is not None and "WHERE" not in str(found):
        conn.exec_driver_sql(f"ALTER TABLE enrollments DROP CONSTRAINT {NO_OVERLAP}")
        conn.exec_driver_sql(
            f"ALTER TABLE enrollments ADD CONSTRAINT {NO_OVERLAP} EXCLUDE USING gist ({_NO_OVERLAP_KEY}) "
            "WHERE (voided_by IS NULL)"
        )


def register_recorded_units(conn: Connection) -> None:
    """Give every (batch, unit, prefecture) of the recorded enrollments a registered unit."""
    import datetime as dt

    from xjma.core.units import clean_name, region_code, unit_code

    found = conn.exec_driver_sql(
        "SELECT batch_id, unit, prefecture FROM enrollments WHERE coalesce(unit, '') <> '' "
        "GROUP BY batch_id, unit, prefecture ORDER BY min(id)"
    ).all()
    codes: dict[tuple[str, str], int] = {}
    sequence: dict[str, int] = {}
    now = dt.datetime.now().replace(microsecond=0)
    for batch_id, unit, prefecture in found:
        key = (clean_name(unit), prefecture or "")
        if key not in codes:
            region = region_code(key[1])
            sequence[region] = sequence.get(region, 0) + 1
            new = conn.execute(
                units.insert().values(
                    code=unit_code(key[1], sequence[region]), name=key[0], prefecture=key[1], created_at=now
                )
            ).inserted_primary_key
            assert new is not None
            codes[key] = int(new[0])
        conn.execute(
            batch_units.insert().values(
                batch_id=batch_id, unit=unit, prefecture=prefecture or "", unit_id=codes[key]
            )
        )
