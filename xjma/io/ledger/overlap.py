"""The guard against two batches giving a member one plan for overlapping periods (both backends)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class LedgerConflict(Exception):
    """Another process recorded an enrollment that collides with this batch (same member and plan, same
    or overlapping period) between the batch's validation and its write. The caller rolls back and
    validates again, now seeing the other row (`already_recorded` or `already-enrolled`)."""


# An enrollment of the batch (n, chosen by `mine`) and one of another batch (o, chosen by `others`) for the
# same member and plan whose periods share a day (dates inclusive). SQLite finds o through the unique
# index (id_number, plan, start <= n.end), PostgreSQL through either index on (id_number, plan).
_OVERLAP = """SELECT 1 FROM enrollments n JOIN enrollments o
    ON o.id_number = n.id_number AND o.plan = n.plan AND o.start <= n."end" AND n.start <= o."end"
    WHERE {mine} AND {others} AND o.voided_by IS NULL LIMIT 1"""


def overlaps_another_batch(conn: Connection, mine: str, others: str) -> bool:
    """True when an enrollment chosen by the SQL condition `mine` (on n) overlaps one chosen by `others`
    (on o): the conditions hold no user data, only ids."""
    return conn.exec_driver_sql(_OVERLAP.format(mine=mine, others=others)).first() is not None
