"""Changes in the ledger (office.md §3): voids and member corrections, each a `changes` row with who, when
and why; reading what a member's or a batch's enrollments have become; refunds for the fees summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from xjma.core.actor import Actor
from xjma.core.changes import RecordedClaim, RecordedEnrollment
from xjma.core.money import from_fen
from xjma.io.ledger.history_tables import changes, member_changes, voided_enrollments
from xjma.io.ledger.schema import claims, enrollments, members

if TYPE_CHECKING:
    pass


def lock_members(conn: Connection, id_numbers: Iterable[str]) -> None:
    """Writers of these members take turns from here to the commit (io.ledger.claims.lock_members: the
    same per-member lock as claim calc --record). SQLite's write lock is taken once per transaction."""
    from xjma.io.ledger.claims import lock_members as hold

    if conn.dialect.name == "sqlite" and conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        return
    hold(conn, id_numbers)


def take_turns(conn: Connection, name: str) -> None:
    """Writers of the same kind (`name`) take turns from here to the commit: a transaction-level advisory
    lock in PostgreSQL, the write lock at once in SQLite."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%(n)s))", {"n": name})
    else:
        lock_members(conn, ())


def _recorded(r: Any) -> RecordedEnrollment:
    return RecordedEnrollment(
        int(r.id), r.id_number, r.plan, r.start, r.end, from_fen(int(r.fee_fen)), int(r.batch_id)
    )


def _not_voided() -> Any:
    return enrollments.c.voided_by.is_(None)


def batch_enrollments(conn: Connection, batch_id: int) -> list[RecordedEnrollment]:
    """The enrollments of a batch that are not voided."""
    query = select(enrollments).where(enrollments.c.batch_id == batch_id, _not_voided())
    return [_recorded(r) for r in conn.execute(query.order_by(enrollments.c.id))]


def member_enrollments(
    conn: Connection, id_number: str, plan: str | None = None, start: dt.date | None = None
) -> list[RecordedEnrollment]:
    """A member's enrollments that are not voided (of one plan, starting on `start`, when given)."""
    query = select(enrollments).where(enrollments.c.id_number == id_number, _not_voided())
    if plan is not None:
        query = query.where(enrollments.c.plan == plan)
    if start is not None:
        query = query.where(enrollments.c.start == start)
    return [_recorded(r) for r in conn.execute(query.order_by(enrollments.c.start, enrollments.c.id))]


def recorded_claims(conn: Connection, id_numbers: Iterable[str]) -> list[RecordedClaim]:
    """The claims recorded against these members that count (cases approved or paid)."""
    from xjma.io.ledger.claims import counting

    ids = sorted(set(id_numbers))
    found: list[RecordedClaim] = []
    for lo in range(0, len(ids), 900):
        query = select(claims.c.id, claims.c.id_number, claims.c.plan, claims.c.period_start).where(
            claims.c.id_number.in_(ids[lo : lo + 900]), counting()
        )
        found += [RecordedClaim(int(r.id), r.id_number, r.plan, r.period_start) for r in conn.execute(query)]
    return found


def add_change(
    conn: Connection, kind: str, actor: Actor, reason: str, log_id: int, refund_on: dt.date | None = None
) -> int:
    key = conn.execute(
        changes.insert().values(
            kind=kind, at=actor.at, operator=actor.operator, reason=reason, refund_on=refund_on, log_id=log_id
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def void(conn: Connection, change_id: int, refund_on: dt.date, items: Sequence[RecordedEnrollment]) -> None:
    """Mark the enrollments voided by the change (a voided_enrollments row each, which refuses one voided
    twice, and the enrollment's `voided_by`, which frees its place for an enrollment made again)."""
    from xjma.core.money import to_fen

    ids = [e.id for e in items]
    for lo in range(0, len(ids), 900):
        conn.execute(
            enrollments.update()
            .where(enrollments.c.id.in_(ids[lo : lo + 900]), enrollments.c.voided_by.is_(None))
            .values(voided_by=change_id)
        )
    conn.execute(
        voided_enrollments.insert(),
        [
            {"enrollment_id": e.id, "change_id": change_id, "refund_on": refund_on, "fee_fen": to_fen(e.fee)}
            for e in items
        ],
    )


@dataclass(frozen=True)
class VoidRecord:
    """A void as views show it: the change, and what it voided."""

    change: int
    at: dt.datetime
    operator: str
    reason: str
    refund_on: dt.date
    refund_fen: int
    enrollments: int


def voids_of_batch(conn: Connection, batch_id: int) -> list[VoidRecord]:
    v, c, e = voided_enrollments.c, changes.c, enrollments.c
    query = (
        select(c.id, c.at, c.operator, c.reason, func.min(v.refund_on), func.sum(v.fee_fen), func.count())
        .select_from(voided_enrollments.join(changes, changes.c.id == v.change_id))
        .join(enrollments, e.id == v.enrollment_id)
        .where(e.batch_id == batch_id)
        .group_by(c.id, c.at, c.operator, c.reason)
        .order_by(c.id)
    )
    return [
        VoidRecord(int(r[0]), r[1], r[2], r[3], _day(r[4]), int(r[5]), int(r[6])) for r in conn.execute(query)
    ]


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def void_changes(conn: Connection, id_number: str) -> dict[int, tuple[dt.datetime, str, str]]:
    """change id -> (at, operator, reason) of the voids of the member's enrollments."""
    v, c, e = voided_enrollments.c, changes.c, enrollments.c
    query = (
        select(c.id, c.at, c.operator, c.reason)
        .select_from(voided_enrollments.join(changes, c.id == v.change_id))
        .join(enrollments, e.id == v.enrollment_id)
        .where(e.id_number == id_number)
        .distinct()
    )
    return {int(r[0]): (r[1], r[2], r[3]) for r in conn.execute(query)}


# ---------------------------------------------------------------- member corrections


@dataclass(frozen=True)
class FieldChange:
    at: dt.datetime
    operator: str
    field: str
    before: str | None
    after: str | None
    reason: str


def add_member_changes(
    conn: Connection, change_id: int, id_number: str, edits: Sequence[tuple[str, str | None, str | None]]
) -> None:
    conn.execute(
        member_changes.insert(),
        [
            {"change_id": change_id, "id_number": id_number, "field": f, "before": b, "after": a}
            for f, b, a in edits
        ],
    )


def member_history(conn: Connection, id_numbers: Iterable[str]) -> list[FieldChange]:
    """The corrections of these members (an ID correction is recorded under both IDs), oldest first."""
    m, c = member_changes.c, changes.c
    query = (
        select(c.at, c.operator, m.field, m.before, m.after, c.reason)
        .select_from(member_changes.join(changes, c.id == m.change_id))
        .where(m.id_number.in_(sorted(set(id_numbers))))
        .order_by(m.change_id, m.id)
    )
    return [FieldChange(*r) for r in conn.execute(query)]


def member_corrections(
    conn: Connection, fields: Sequence[str]
) -> dict[str, dict[str, tuple[dt.datetime, str | None]]]:
    """ID -> field -> (when, value) of the latest correction of each of these fields (there are few)."""
    m, c = member_changes.c, changes.c
    query = (
        select(m.id_number, m.field, c.at, m.after)
        .select_from(member_changes.join(changes, c.id == m.change_id))
        .where(m.field.in_(list(fields)))
        .order_by(m.change_id, m.id)
    )
    found: dict[str, dict[str, tuple[dt.datetime, str | None]]] = {}
    for number, name, at, after in conn.execute(query):
        found.setdefault(number, {})[name] = (at, after)
    return found


def former_numbers(conn: Connection, number: str) -> tuple[tuple[str, int], ...]:
    """The numbers the member had before `number` (ID corrections, one after another), each with the log
    entry of the correction that moved it: what was recorded under it up to then is the member's."""
    m, c = member_changes.c, changes.c
    found: list[tuple[str, int]] = []
    seen, todo = {number}, [number]
    while todo:
        now = todo.pop()
        query = (
            select(m.before, c.log_id)
            .select_from(member_changes.join(changes, c.id == m.change_id))
            .where(m.id_number == now, m.field == "id_number", m.after == now)
        )
        for before, log_id in conn.execute(query):
            found.append((before, int(log_id) if log_id is not None else 2**31 - 1))  # migrated: no entry
            if before not in seen:
                seen.add(before)
                todo.append(before)
    return tuple(found)


def current_details(conn: Connection, id_number: str) -> dict[str, str | None]:
    """The latest corrected value of each field of the member (fields never corrected are absent)."""
    return {h.field: h.after for h in member_history(conn, [id_number]) if h.field != "id_number"}


def moved_rows(conn: Connection, old: str) -> dict[str, list[int]]:
    """The ids of the enrollments (voided ones too) and claims an ID correction of `old` moves: kept in the
    correction's log entry, so that what belonged to which number stays known (see move_member)."""
    e, c = enrollments.c, claims.c
    return {
        "enrollments": [
            int(r[0]) for r in conn.execute(select(e.id).where(e.id_number == old).order_by(e.id))
        ],
        "claims": [int(r[0]) for r in conn.execute(select(c.id).where(c.id_number == old).order_by(c.id))],
    }


def move_member(conn: Connection, old: str, new: str, gender: str | None, birth: dt.date | None) -> None:
    """All enrollments and claims of `old` now belong to `new` (its member row made from old's name).

    The one place the ledger rewrites recorded rows, and on purpose: the number is the key of the
    member's cover — the unique (member, plan, start) index, PostgreSQL's no-overlap constraint, the
    per-member locks and every view and cap select enrollments and claims by it — so a number that
    views had to translate would leave each of those guards open to the wrong number. What changed is
    history all the same: member_changes keeps before → after under both numbers (member show), and the
    log entry lists the enrollment and claim ids that moved (moved_rows). The member's recorded details
    (phone, 用工形式: member_details) and earlier corrections are copied to the new number, the old rows
    kept."""
    from xjma.io.ledger.claim_totals import refresh_claim_totals  # a write's: not imported by the views

    person = conn.execute(select(members).where(members.c.id_number == old)).first()
    if conn.execute(select(members.c.id_number).where(members.c.id_number == new)).first() is None:
        conn.execute(
            members.insert().values(
                id_number=new, name=person.name if person else "", gender=gender, birth=birth
            )
        )
    conn.execute(enrollments.update().where(enrollments.c.id_number == old).values(id_number=new))
    conn.execute(claims.update().where(claims.c.id_number == old).values(id_number=new))
    refresh_claim_totals(conn, moved=(old, new))  # the cases moved: a SQLite ledger's claim totals follow
    _copy_details(conn, old, new)
    _copy_corrections(conn, old, new)


def _copy_corrections(conn: Connection, old: str, new: str) -> None:
    """The corrections recorded under `old` recorded again under `new`, each under its own change (when,
    who, why), so that every view of the new number sees them (office.md §3: "from then on every view shows
    the new values"). Append-only: old's rows stay; one `new` already has (this move's ID change, recorded
    under both numbers, or a number moved back) is not copied twice."""
    from sqlalchemy import String, and_, exists, literal

    d, n = member_changes.alias("d"), member_changes.alias("n")
    taken = exists().where(and_(n.c.change_id == d.c.change_id, n.c.field == d.c.field, n.c.id_number == new))
    rows = (
        select(d.c.change_id, literal(new, String(18)), d.c.field, d.c.before, d.c.after)
        .where(d.c.id_number == old, ~taken)
        .order_by(d.c.id)
    )
    names = ["change_id", "id_number", "field", "before", "after"]
    conn.execute(member_changes.insert().from_select(names, rows))


def _copy_details(conn: Connection, old: str, new: str) -> None:
    """The member details recorded under `old` recorded again under `new` (append-only: old's stay)."""
    from sqlalchemy import String, exists, literal

    from xjma.io.ledger.detail_tables import member_details as table

    d, n = table.alias("d"), table.alias("n")
    taken = exists().where(n.c.batch_id == d.c.batch_id, n.c.id_number == new)
    rows = select(
        d.c.batch_id, literal(new, String(18)), d.c.phone, d.c.employment, d.c.term_months, d.c.union_member
    ).where(d.c.id_number == old, ~taken)
    names = ["batch_id", "id_number", "phone", "employment", "term_months", "union_member"]
    conn.execute(table.insert().from_select(names, rows))


def rename_member(conn: Connection, id_number: str, name: str) -> None:
    conn.execute(members.update().where(members.c.id_number == id_number).values(name=name))


# ---------------------------------------------------------------- refunds in the fees summary
