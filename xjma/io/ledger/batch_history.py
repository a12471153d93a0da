"""Batches as history (office.md §2): what an enroll records beside its batch (the log entry and the
batch's units), which batch recorded a roster already, and the figures of `batch list/show/report`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from xjma.core.actor import Actor
from xjma.core.enrollment import NewEnrollment
from xjma.core.model import Enrollment, RosterRow
from xjma.core.money import fmt_money, from_fen
from xjma.core.units import UnitMatch
from xjma.io.ledger.history_tables import batch_units, log_entries, voided_enrollments
from xjma.io.ledger.log import LogEntry, write_log
from xjma.io.ledger.schema import batches, enrollments, members
from xjma.io.ledger.unit_register import RosterUnit, read_units, register_batch_units


@dataclass(frozen=True)
class EnrollHistory:
    """What recording a batch added: its log entry and how each roster unit was matched."""

    log_id: int
    units: dict[tuple[str, str], tuple[str, UnitMatch]]  # (name, prefecture) -> (code, match)


def record_enroll_history(
    conn: Connection,
    actor: Actor,
    batch_id: int,
    file_name: str,
    sha256: str,
    wanted: Sequence[RosterUnit],
    members_count: int,
    fee: Any,
) -> EnrollHistory:
    """In the enroll's transaction, after its batch: the batch's units registered, one log entry."""
    matched = register_batch_units(conn, batch_id, wanted, actor.at)
    entry = LogEntry(
        kind="enroll",
        summary=f"第 {batch_id} 批登记 {members_count} 人，会费 {fmt_money(fee)} 元",
        file=file_name,
        sha256=sha256,
        refs={"batch": batch_id},
        batch_id=batch_id,
        units=sorted({code for code, _ in matched.values()}),
    )
    return EnrollHistory(write_log(conn, actor, entry), matched)


def batches_holding(conn: Connection, keys: Iterable[tuple[str, str, dt.date]]) -> list[int]:
    """The batches whose enrollments (not voided) are these (member, plan, start): a re-run roster's."""
    wanted = sorted(set(keys))
    found: set[int] = set()
    e = enrollments.c
    for lo in range(0, len(wanted), 300):
        part = wanted[lo : lo + 300]
        ids = sorted({k[0] for k in part})
        query = select(e.batch_id, e.id_number, e.plan, e.start).where(
            e.id_number.in_(ids),
            e.voided_by.is_(None),
        )
        keyset = set(part)
        found |= {int(r[0]) for r in conn.execute(query) if (r[1], r[2], r[3]) in keyset}
    return sorted(found)


# ---------------------------------------------------------------- batch list / show


@dataclass
class BatchSummary:
    batch: int
    recorded_at: dt.datetime
    operator: str
    file: str
    sha256: str
    units: list[str]
    members: int
    fee_fen: int
    enrollments: int
    voided: int
    start: dt.date
    paid_on: dt.date

    @property
    def status(self) -> str:
        if not self.voided:
            return "recorded"
        return "voided" if self.voided >= self.enrollments else "partly voided"


@dataclass(frozen=True)
class BatchFilter:
    unit_ids: tuple[int, ...] | None = None
    prefecture: str | None = None
    since: dt.date | None = None
    only: int | None = None


def list_batches(conn: Connection, f: BatchFilter) -> list[BatchSummary]:
    """Every batch matching the filter, oldest first, with its figures."""
    b, e = batches.c, enrollments.c
    query = select(b.id, b.created_at, b.file_name, b.sha256, b.start, b.paid_on).order_by(b.id)
    if f.only is not None:
        query = query.where(b.id == f.only)
    if f.since is not None:
        query = query.where(b.created_at >= dt.datetime.combine(f.since, dt.time()))
    if f.unit_ids is not None:
        query = query.where(
            b.id.in_(select(batch_units.c.batch_id).where(batch_units.c.unit_id.in_(f.unit_ids)))
        )
    if f.prefecture is not None:
        query = query.where(b.id.in_(select(e.batch_id).where(e.prefecture == f.prefecture).distinct()))
    rows = conn.execute(query).all()
    if not rows:
        return []
    ids = [int(r.id) for r in rows]
    figures = _figures(conn, ids)
    operators = _operators(conn, ids)
    names = _unit_names(conn, ids)
    out = []
    for r in rows:
        n, fee, count, voided = figures.get(int(r.id), (0, 0, 0, 0))
        out.append(
            BatchSummary(
                int(r.id), r.created_at, operators.get(int(r.id), ""), r.file_name, r.sha256,
                names.get(int(r.id), []), n, fee, count, voided, r.start, r.paid_on,
            )
        )  # fmt: skip
    return out


def _figures(conn: Connection, ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
    e, v = enrollments.c, voided_enrollments.c
    query = (
        select(
            e.batch_id,
            func.count(func.distinct(e.id_number)),
            func.coalesce(func.sum(e.fee_fen), 0),
            func.count(),
            func.count(v.enrollment_id),
        )
        .select_from(enrollments.outerjoin(voided_enrollments, v.enrollment_id == e.id))
        .where(e.batch_id.in_(ids))
        .group_by(e.batch_id)
    )
    return {int(r[0]): (int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in conn.execute(query)}


def _operators(conn: Connection, ids: list[int]) -> dict[int, str]:
    c = log_entries.c
    query = select(c.batch_id, c.operator).where(c.kind == "enroll", c.batch_id.in_(ids))
    return {int(r[0]): r[1] for r in conn.execute(query)}


def _unit_names(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    """batch -> the current names of its registered units."""
    states = read_units(conn)
    query = select(batch_units.c.batch_id, batch_units.c.unit_id).where(batch_units.c.batch_id.in_(ids))
    out: dict[int, list[str]] = {}
    for batch_id, unit_id in conn.execute(query):
        name = states[unit_id].name if unit_id in states else ""
        names = out.setdefault(int(batch_id), [])
        if name not in names:
            names.append(name)
    return out


@dataclass
class BatchMember:
    id_number: str
    name: str
    unit: str
    prefecture: str
    gender: str | None
    birth: dt.date | None
    plans: list[Any] = field(default_factory=list)  # enrollment rows (with `voided`)


def batch_members(conn: Connection, batch_id: int) -> list[BatchMember]:
    """The batch's members in the order they were recorded, each with its enrollments of the batch."""
    e, m, v = enrollments.c, members.c, voided_enrollments.c
    query = (
        select(enrollments, m.gender, m.birth, (v.enrollment_id.is_not(None)).label("voided"))
        .select_from(
            enrollments.join(members, m.id_number == e.id_number).outerjoin(
                voided_enrollments, v.enrollment_id == e.id
            )
        )
        .where(e.batch_id == batch_id)
        .order_by(e.id)
    )
    found: dict[str, BatchMember] = {}
    for r in conn.execute(query):
        person = found.get(r.id_number)
        if person is None:
            person = found[r.id_number] = BatchMember(
                r.id_number, r.name or "", r.unit or "", r.prefecture or "", r.gender, r.birth
            )
        person.plans.append(r)
    return list(found.values())


# The enrollments of a batch as the enrollment workbook shows them, in one query on the table alone.
_BATCH_SHEET = (
    'SELECT id_number, name, unit, prefecture, plan, start, "end", shares, renewed_shares, tier, '
    "first_start, fee_fen, observation_days, observation_end, rules_version "
    "FROM enrollments WHERE batch_id = {mark} ORDER BY id"
)


class _Days(dict[Any, Any]):
    """A stored date (SQLite's ISO text, PostgreSQL's date) -> date, each distinct one parsed once."""

    def __missing__(self, value: Any) -> dt.date | None:
        day = self[value] = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return day


def batch_sheet_rows(conn: Connection, batch_id: int) -> list[tuple[RosterRow, list[NewEnrollment]]]:
    """The batch's members in recording order, each as a RosterRow (its 行号 the member's place in
    the batch, from 2: the roster's own row numbers are not kept) with its enrollments of the batch,
    voided ones included (`batch report`: the batch as first issued). Read through the driver's cursor:
    a batch is 100,000s of rows of plain values."""
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    day, fee_of = _Days(), _Fees()
    found: dict[str, tuple[RosterRow, list[NewEnrollment]]] = {}
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_BATCH_SHEET.format(mark=mark), (batch_id,))
        for number, name, unit, prefecture, plan, start, end, shares, renewed, tier, first, fen, days, \
                observed, version in cursor:  # fmt: skip
            member = found.get(number)
            if member is None:
                row = RosterRow(len(found) + 2, name=name, id_number=number, unit=unit, prefecture=prefecture)
                member = found[number] = (row, [])
            enrollment = Enrollment(
                number, plan, day[start], day[end], shares, renewed, unit, prefecture, tier, day[first], name
            )
            renewal = "ledger" if renewed else None
            member[1].append(
                NewEnrollment(member[0].row, enrollment, fee_of[fen], days, day[observed], version, renewal)
            )
    finally:
        cursor.close()
    return list(found.values())


class _Fees(dict[Any, Decimal]):
    def __missing__(self, fen: Any) -> Decimal:
        fee = self[fen] = from_fen(int(fen))
        return fee


def money(fen: int) -> str:
    return fmt_money(from_fen(int(fen)))
