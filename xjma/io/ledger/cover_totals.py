"""The cover totals kept by a SQLite ledger (schema v8): every enrollment ever recorded, counted by
(地州市, plan, unit, S, E, paid date) — the groups of the overview's cover pass (io/ledger/overview).

Over the bench ledger (2.4M enrollments) the overview's GROUP BY of the live enrollments by those six
columns took 1.2 s of its 3; the totals hold some tens of thousands of rows. They count voided
enrollments too, so that they only ever grow, exactly as the enrollments table does: the overview
subtracts the few voided ones (voided_enrollments) when it reads them. Like fee_totals, they are brought
up to date inside each writing transaction that adds enrollments (batches.record_batch, `db copy`, the
bench's bulk fill) from the enrollments after the watermark, and read only when current; a ledger
whose totals lag is counted the slow way. PostgreSQL keeps the GROUP BY (no table there).

Exact because an enrollment's six columns never change once written (a correction of an ID number moves
`id_number` only; a void sets `voided_by`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xjma.io.ledger.kept_totals import create_kept_totals, keeps_sqlite_table, newest_id, watermark_of

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

COVER_TOTALS = "cover_totals"
COVER_TOTALS_STATE = "cover_totals_state"
# the enrollment's own columns, as stored (blank 地州市 and unit as ''), in the order of the key
KEY = "coalesce(e.prefecture, ''), e.plan, coalesce(e.unit, ''), e.start, e.\"end\", e.paid_on"


def create_cover_totals(conn: Connection) -> None:
    """Schema v8 (SQLite): the table and its watermark, filled from the enrollments already recorded."""
    if conn.dialect.name != "sqlite":
        return
    columns = """prefecture TEXT NOT NULL, plan TEXT NOT NULL, unit TEXT NOT NULL, start TEXT NOT NULL,
        "end" TEXT NOT NULL, paid_on TEXT NOT NULL, enrollments INTEGER NOT NULL, fee_fen INTEGER NOT NULL,
        PRIMARY KEY (prefecture, plan, unit, start, "end", paid_on)"""
    create_kept_totals(conn, COVER_TOTALS, columns, COVER_TOTALS_STATE, "WITHOUT ROWID")
    refresh_cover_totals(conn)


def keeps_cover_totals(conn: Connection) -> bool:
    """True for a SQLite ledger with the cover_totals table (schema v8 and later)."""
    return keeps_sqlite_table(conn, COVER_TOTALS)


def cover_totals_current(conn: Connection) -> int | None:
    """The watermark when this ledger keeps cover totals and they count every enrollment, else None."""
    if not keeps_cover_totals(conn):
        return None
    watermark = watermark_of(conn, COVER_TOTALS_STATE)
    return watermark if watermark >= newest_id(conn, "enrollments") else None


def refresh_cover_totals(conn: Connection) -> None:
    """Add the enrollments recorded since the last refresh to the totals, inside the caller's writing
    transaction (a batch's rows are the ids after the watermark: SQLite writers take turns and rowids of
    an append-only table only grow). One GROUP BY over the new rows, by rowid range."""
    if not keeps_cover_totals(conn):
        return
    watermark, newest = watermark_of(conn, COVER_TOTALS_STATE), newest_id(conn, "enrollments")
    if newest <= watermark:
        return
    conn.exec_driver_sql(
        f"""INSERT INTO {COVER_TOTALS} (prefecture, plan, unit, start, "end", paid_on, enrollments, fee_fen)
            SELECT {KEY}, count(*), sum(e.fee_fen) FROM enrollments e
            WHERE e.id > {watermark} AND e.id <= {newest} GROUP BY 1, 2, 3, 4, 5, 6
            ON CONFLICT (prefecture, plan, unit, start, "end", paid_on) DO UPDATE
            SET enrollments = enrollments + excluded.enrollments, fee_fen = fee_fen + excluded.fee_fen"""
    )
    conn.exec_driver_sql(f"UPDATE {COVER_TOTALS_STATE} SET watermark = {newest}")


def read_cover_totals(conn: Connection, watermark: int, window: str, params: dict[str, Any]) -> list[Any]:
    """(地州市, plan, unit, S, E, paid date, enrollments, fee in fen) of the live enrollments up to the
    watermark in the groups that meet `window` (a condition over {t}.start, {t}."end", {t}.paid_on):
    the totals less the voided enrollments of those groups. Groups left empty by voids are dropped."""
    from sqlalchemy import text

    groups: dict[tuple[Any, ...], list[int]] = {}
    kept = f"""SELECT prefecture, plan, unit, start, "end", paid_on, enrollments, fee_fen
        FROM {COVER_TOTALS} t WHERE {window.format(t="t")}"""
    for *key, n, fen in conn.execute(text(kept), params):
        groups[tuple(key)] = [int(n), int(fen)]
    voided = f"""SELECT {KEY}, count(*), sum(e.fee_fen) FROM voided_enrollments v
        CROSS JOIN enrollments e ON e.id = v.enrollment_id
        WHERE e.id <= {int(watermark)} AND ({window.format(t="e")}) GROUP BY 1, 2, 3, 4, 5, 6"""
    for *key, n, fen in conn.execute(text(voided), params):
        acc = groups.get(tuple(key))
        if acc is not None:  # always: a voided enrollment up to the watermark is in the totals
            acc[0] -= int(n)
            acc[1] -= int(fen)
    return [(*key, n, fen) for key, (n, fen) in groups.items() if n > 0]
