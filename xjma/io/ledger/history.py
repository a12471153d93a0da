"""A member's history as core enrollments: what the roster checks, the planner and claims read once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from xjma.core.model import Enrollment

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# IDs per IN (...) list: below SQLite's historic 999 host-parameter limit. Bigger lists were measured: a
# little faster on SQLite, slower on PostgreSQL (100k IDs: 2.0 vs 2.3 s, 3.1 vs 2.5 s).
CHUNK = 900


class Opened(Protocol):
    """What history_for needs of a Ledger (db.Ledger; named structurally so no import cycle forms)."""

    @property
    def exists(self) -> bool: ...

    def connect(self) -> AbstractContextManager[Connection]: ...


def history_for(
    ledger: Opened, id_numbers: Iterable[str], voided_as_empty: bool = False
) -> dict[str, list[Enrollment]]:
    """Every recorded enrollment of these members, all plans, oldest first; {} for a ledger that does not
    exist yet. Voided enrollments left out, or (voided_as_empty, for claims) kept covering nothing."""
    if not ledger.exists:
        return {}
    with ledger.connect() as conn:
        return read_enrollments_for(conn, id_numbers, voided_as_empty)


# A voided enrollment covers nothing (office.md §3): it is not in a member's history for checks and
# planning; for claims it is there with an empty period (E the day before S, its "end" read as NULL), so
# that a claim against it is outside-period instead of asking for the period.
_HISTORY = (
    'SELECT id_number, plan, start, CASE WHEN voided_by IS NULL THEN "end" END, shares, renewed_shares, '
    "unit, prefecture, tier, first_start, name "
    "FROM enrollments WHERE id_number IN ({marks}){live} ORDER BY id_number, start, plan"
)
_LIVE = " AND voided_by IS NULL"
_DAY = dt.timedelta(days=1)


def read_enrollments_for(
    conn: Connection, id_numbers: Iterable[str], voided_as_empty: bool = False
) -> dict[str, list[Enrollment]]:
    """Every enrollment of these members, all plans, oldest first; one query per CHUNK ids.

    Plain SQL through the driver, each row unpacked by position: a renewal batch of 100,000 members
    reads ~200,000 rows, and building them through SQLAlchemy's select with named attribute lookups took
    6-7.5 s (now ~2 s on either backend). SQLite keeps dates as ISO text (as SQLAlchemy writes them): each
    distinct one is parsed once."""
    ids = sorted({i for i in id_numbers if i})
    found: dict[str, list[Enrollment]] = {}
    if not ids or conn.exec_driver_sql("SELECT 1 FROM enrollments LIMIT 1").first() is None:
        return found  # a new ledger: not asked once per CHUNK ids
    postgres = conn.dialect.name == "postgresql"
    for number, enrollment in _rows(conn, ids, postgres, Dates(postgres), "" if voided_as_empty else _LIVE):
        found.setdefault(number, []).append(enrollment)
    return found


def _rows(
    conn: Connection, ids: list[str], postgres: bool, day: Dates, live: str
) -> Iterator[tuple[str, Enrollment]]:
    for lo in range(0, len(ids), CHUNK):
        part = ids[lo : lo + CHUNK]
        marks = ", ".join(("%s" if postgres else "?") for _ in part)
        result = conn.exec_driver_sql(_HISTORY.format(marks=marks, live=live), tuple(part))
        for (
            number,
            plan,
            start,
            end,
            shares,
            renewed,
            unit,
            prefecture,
            tier,
            first,
            name,
        ) in result.fetchall():
            yield (
                number,
                Enrollment(
                    number,
                    plan,
                    day[start],
                    day[start] - _DAY if end is None else day[end],
                    shares,
                    renewed,
                    unit or "",
                    prefecture or "",
                    tier,
                    day[first],
                    name or "",
                ),
            )


class Dates(dict[Any, Any]):
    """A date column's value -> datetime.date: as it is from PostgreSQL, parsed from SQLite's ISO text."""

    def __init__(self, native: bool) -> None:
        super().__init__()
        self.native = native

    def __missing__(self, value: Any) -> dt.date | None:
        day = value if self.native or value is None else dt.date.fromisoformat(value)
        self[value] = day
        return day
