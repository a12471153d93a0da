"""What a unit correction moves (office.md §3: "a unit change moves the member's current enrollments to
that unit from the change date"), decided in `correction_moves` and asked by every view that shows a
member's unit: member show, unit show, renewals, medical export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from xjma.io.ledger.history_tables import changes, member_changes
from xjma.io.ledger.schema import batches, enrollments

Fix = tuple[dt.datetime, str, str | None]  # when, field, value after


def unit_moves(conn: Connection) -> dict[str, list[Fix]]:
    """ID -> the member's unit and 地州市 corrections (when, field, value after) in change order (few)."""
    m, c = member_changes.c, changes.c
    query = (
        select(m.id_number, c.at, m.field, m.after)
        .select_from(member_changes.join(changes, c.id == m.change_id))
        .where(m.field.in_(("unit", "prefecture")))
        .order_by(m.change_id, m.id)
    )
    found: dict[str, list[Fix]] = {}
    for number, at, name, after in conn.execute(query):
        found.setdefault(number, []).append((at, name, after))
    return found


def correction_moves(corrected_at: dt.datetime, recorded_at: dt.datetime | None, end: dt.date) -> bool:
    """Whether a unit or 地州市 correction made at `corrected_at` moves an enrollment recorded at
    `recorded_at` (its batch's time; None: not known, taken as before) that ends on `end`. office.md §3: "a
    unit change moves the member's current enrollments to that unit from the change date" — the ones
    recorded by the correction (to the second: corrections are stamped so) and not ended by its date. An
    enrollment recorded afterwards stays with the unit that enrolled the member then."""
    if recorded_at is not None and recorded_at.replace(microsecond=0) > corrected_at:
        return False
    return end >= corrected_at.date()


def corrected_unit(
    fixes: Iterable[Fix],
    recorded_at: dt.datetime | None,
    end: dt.date,
    unit: str | None,
    prefecture: str | None,
) -> tuple[str | None, str | None]:
    """The (unit, 地州市) of an enrollment (recorded at `recorded_at`, ending on `end`, recorded under
    `unit`, `prefecture`) after the member's corrections `fixes` (unit_moves), each applied when it moves
    the enrollment (correction_moves)."""
    for at, field, after in fixes:
        if correction_moves(at, recorded_at, end):
            if field == "unit":
                unit = after or ""
            elif field == "prefecture":
                prefecture = after or ""
    return unit, prefecture


def batch_times(conn: Connection) -> dict[int, dt.datetime]:
    """batch -> when it was recorded (what correction_moves weighs; batches are few)."""
    return {int(r[0]): r[1] for r in conn.execute(select(batches.c.id, batches.c.created_at))}


def recorded_by_start(
    conn: Connection, id_numbers: Iterable[str], plan: str
) -> dict[tuple[str, dt.date], dt.datetime]:
    """(member, start) -> when the batch of the member's live enrollment of `plan` starting then was
    recorded (one at most: the unique live index), for these (few) members."""
    ids = sorted(set(id_numbers))
    found: dict[tuple[str, dt.date], dt.datetime] = {}
    e = enrollments.c
    for lo in range(0, len(ids), 900):
        query = (
            select(e.id_number, e.start, batches.c.created_at)
            .select_from(enrollments.join(batches, batches.c.id == e.batch_id))
            .where(e.id_number.in_(ids[lo : lo + 900]), e.plan == plan, enrollments.c.voided_by.is_(None))
        )
        found.update(((r[0], r[1]), r[2]) for r in conn.execute(query))
    return found


def recorded_times(conn: Connection, enrollment_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """enrollment -> when its batch was recorded."""
    ids = sorted(set(enrollment_ids))
    found: dict[int, dt.datetime] = {}
    for lo in range(0, len(ids), 900):
        query = (
            select(enrollments.c.id, batches.c.created_at)
            .select_from(enrollments.join(batches, batches.c.id == enrollments.c.batch_id))
            .where(enrollments.c.id.in_(ids[lo : lo + 900]))
        )
        found.update((int(r[0]), r[1]) for r in conn.execute(query))
    return found
