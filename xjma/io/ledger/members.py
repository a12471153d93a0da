"""Members as the ledger knows them: their details, their enrollments with observation ends, their
recorded claims (for `member show`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from xjma.core.model import Enrollment
from xjma.io.ledger.schema import enrollments, members

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Row


@dataclass(frozen=True)
class MemberInfo:
    id_number: str
    name: str
    gender: str | None
    birth: dt.date | None


def read_member(conn: Connection, id_number: str) -> MemberInfo | None:
    r = conn.execute(select(members).where(members.c.id_number == id_number)).first()
    return MemberInfo(r.id_number, r.name or "", r.gender, r.birth) if r is not None else None


def read_member_enrollments(
    conn: Connection, id_number: str
) -> list[tuple[Enrollment, dt.date | None, int | None]]:
    """A member's enrollments with their stored observation end and the change that voided them (None
    while recorded), oldest first."""
    query = (
        select(enrollments)
        .where(enrollments.c.id_number == id_number)
        .order_by(enrollments.c.start, enrollments.c.plan)
    )
    return [(_to_enrollment(r), r.observation_end, r.voided_by) for r in conn.execute(query)]


def read_claims_paid(conn: Connection, id_number: str) -> list[dict[str, Any]]:
    """The member's claims that count (cases approved or paid, with the approved amount) in event-date
    order, payout as Decimal, inputs/result parsed."""
    from xjma.io.ledger.claims import read_counted_claims

    return read_counted_claims(conn, [id_number]).get(id_number, [])


def _to_enrollment(r: Row[Any]) -> Enrollment:
    return Enrollment(
        id_number=r.id_number,
        plan=r.plan,
        start=r.start,
        end=r.end,
        shares=r.shares,
        renewed_shares=r.renewed_shares,
        unit=r.unit or "",
        prefecture=r.prefecture or "",
        tier=r.tier,
        first_start=r.first_start,
        name=r.name or "",
    )
