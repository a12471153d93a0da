"""Members as the ledger knows them: their details, their enrollments with observation ends, their
recorded claims (for `member show`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from xjma.core.model import Enrollment, RosterRow
from xjma.io.ledger.schema import enrollments, members

if TYPE_CHECKING:
    from collections.abc import Sequence

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
) -> list[tuple[Enrollment, dt.date | None, int | None, dt.datetime]]:
    """A member's enrollments with their stored observation end, the change that voided them (None while
    recorded) and when their batch was recorded (what a unit correction weighs), oldest first."""
    from xjma.io.ledger.schema import batches

    query = (
        select(enrollments, batches.c.created_at)
        .select_from(enrollments.join(batches, batches.c.id == enrollments.c.batch_id))
        .where(enrollments.c.id_number == id_number)
        .order_by(enrollments.c.start, enrollments.c.plan)
    )
    return [(_to_enrollment(r), r.observation_end, r.voided_by, r.created_at) for r in conn.execute(query)]


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


# ---------------------------------------------------------------- details per batch (schema v6)

Details = tuple[str, str | None, int | None, bool | None]  # phone, 用工形式, 聘用期限 (months), 是否工会会员
NO_DETAILS: Details = ("", None, None, None)
_DETAIL_COLUMNS = ("batch_id", "id_number", "phone", "employment", "term_months", "union_member")


def record_member_details(conn: Connection, batch_id: int, rows: Sequence[RosterRow]) -> None:
    """The batch's members' phone, 用工形式, 聘用期限 and 是否工会会员 as the roster gave them (one row per
    member: the last row of an ID that repeats), in the batch's transaction. Append-only."""
    found = {
        r.id_number: (
            batch_id,
            r.id_number,
            r.phone or None,
            r.employment,
            r.term_months,
            int(r.union_member),
        )
        for r in rows
    }
    if not found:
        return
    if conn.dialect.name == "postgresql":
        _copy_details(conn, list(found.values()))
        return
    marks = ", ".join("?" for _ in _DETAIL_COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO member_details ({', '.join(_DETAIL_COLUMNS)}) VALUES ({marks})", list(found.values())
    )


def _copy_details(conn: Connection, rows: list[tuple[object, ...]]) -> None:
    """PostgreSQL: COPY, through a temporary table for a role under row-level security (no COPY FROM
    into a table with policies: the INSERT from it is checked row by row)."""
    from xjma.io.ledger.access_copy import row_security_active

    names = ", ".join(_DETAIL_COLUMNS)
    with conn.connection.driver_connection.cursor() as cur:  # type: ignore[union-attr]
        target = "member_details"
        if row_security_active(cur, target):
            target = "xjma_roster_details"
            cur.execute(f"CREATE TEMPORARY TABLE {target} (LIKE member_details) ON COMMIT DROP")
        with cur.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
        if target != "member_details":
            cur.execute(f"INSERT INTO member_details ({names}) SELECT {names} FROM {target}")
            cur.execute(f"DROP TABLE {target}")


_LATEST_DETAILS = """
SELECT d.id_number, d.phone, d.employment, d.term_months, d.union_member, b.created_at
FROM member_details d JOIN batches b ON b.id = d.batch_id
WHERE d.id_number IN ({marks})
  AND d.batch_id = (SELECT max(o.batch_id) FROM member_details o WHERE o.id_number = d.id_number)
"""


def member_details(conn: Connection, id_numbers: Sequence[str]) -> dict[str, Details]:
    """ID -> (phone, 用工形式, 聘用期限, 是否工会会员) now: the latest batch's, then the corrections made after
    it (`member correct --phone/--employment`). Members the ledger has no details of are absent."""
    from xjma.io.ledger.changes import member_corrections

    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    found: dict[str, Details] = {}
    recorded: dict[str, dt.datetime] = {}
    for lo in range(0, len(id_numbers), 900):
        part = list(id_numbers[lo : lo + 900])
        sql = _LATEST_DETAILS.format(marks=", ".join(mark for _ in part))
        for number, phone, employment, term, union, at in conn.exec_driver_sql(sql, tuple(part)):
            found[number] = (phone or "", employment, term, None if union is None else bool(union))
            at = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
            recorded[number] = at.replace(microsecond=0)  # corrections are stamped to the second
    wanted = set(id_numbers)
    for number, fixes in member_corrections(conn, ("phone", "employment")).items():
        if number not in wanted:
            continue
        phone, employment, term, union = found.get(number, NO_DETAILS)
        since = recorded.get(number)
        for field, (at, value) in fixes.items():
            if since is None or at >= since:
                phone, employment = (value or "", employment) if field == "phone" else (phone, value)
        found[number] = (phone, employment, term, union)
    return found
