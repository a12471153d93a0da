"""Reading and recording enrollments, the fees summaries (set-based SQL), and a member's claims."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection, Row

from xjma.core.enrollment import NewEnrollment
from xjma.core.model import Enrollment
from xjma.core.money import from_fen, to_fen
from xjma.io.ledger.schema import batches, claims, enrollments, members

CHUNK = 900  # ids per IN (...) list: below SQLite's historic 999 host-parameter limit
UNFILLED = "未填写"


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


def read_enrollments_for(conn: Connection, id_numbers: Iterable[str]) -> dict[str, list[Enrollment]]:
    """Every enrollment of these members, all plans, oldest first; one query per 900 ids."""
    ids = sorted({i for i in id_numbers if i})
    found: dict[str, list[Enrollment]] = {}
    for lo in range(0, len(ids), CHUNK):
        query = (
            select(enrollments)
            .where(enrollments.c.id_number.in_(ids[lo : lo + CHUNK]))
            .order_by(enrollments.c.id_number, enrollments.c.start, enrollments.c.plan)
        )
        for r in conn.execute(query):
            found.setdefault(r.id_number, []).append(_to_enrollment(r))
    return found


@dataclass(frozen=True)
class BatchInfo:
    file_name: str
    sha256: str
    unit: str
    prefecture: str
    start: dt.date
    end: dt.date | None
    paid_on: dt.date
    created_at: dt.datetime
    rows: int


@dataclass(frozen=True)
class MemberInfo:
    id_number: str
    name: str
    gender: str | None
    birth: dt.date | None


def record_batch(
    conn: Connection, batch: BatchInfo, people: Sequence[MemberInfo], items: Sequence[NewEnrollment]
) -> int:
    """Record one batch inside the caller's transaction: the batch, its members, its enrollments
    (executemany). Returns the batch id. An exception anywhere rolls the whole batch back."""
    key = conn.execute(batches.insert().values(**asdict(batch))).inserted_primary_key
    assert key is not None
    batch_id = int(key[0])
    if people:
        conn.execute(_upsert_members(conn), [asdict(p) for p in people])
    if items:
        conn.execute(enrollments.insert(), [_enrollment_values(i, batch_id, batch.paid_on) for i in items])
    return batch_id


def _upsert_members(conn: Connection) -> Any:
    """Insert new members; a known member keeps its row but takes the latest name (the roster's)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    stmt = insert(members)
    return stmt.on_conflict_do_update(index_elements=[members.c.id_number], set_={"name": stmt.excluded.name})


def _enrollment_values(item: NewEnrollment, batch_id: int, paid_on: dt.date) -> dict[str, Any]:
    e = item.enrollment
    return {
        "id_number": e.id_number,
        "plan": e.plan,
        "unit": e.unit,
        "prefecture": e.prefecture,
        "start": e.start,
        "end": e.end,
        "shares": e.shares,
        "renewed_shares": e.renewed_shares,
        "tier": e.tier,
        "fee_fen": to_fen(item.fee),
        "observation_days": item.observation_days,
        "observation_end": item.observation_end,
        "first_start": e.first_start or e.start,
        "rules_version": item.rules_version,
        "batch_id": batch_id,
        "paid_on": paid_on,
        "name": e.name,
    }


def count_rows(conn: Connection) -> dict[str, int]:
    """Row counts of the ledger tables (tests and the dry-run guarantee)."""
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for t in (members, batches, enrollments, claims)
    }


# ---------------------------------------------------------------- fees summary


def _prefecture_expr() -> Any:
    p = enrollments.c.prefecture
    return case((func.coalesce(p, "") == "", UNFILLED), else_=p)


def _totals(conn: Connection, lo: dt.date, hi: dt.date, *group: Any) -> list[Row[Any]]:
    """members (distinct IDs), shares and fee (fen) of enrollments paid in [lo, hi), grouped."""
    e = enrollments.c
    query = select(
        *group,
        func.count(func.distinct(e.id_number)).label("members"),
        func.coalesce(func.sum(e.shares), 0).label("shares"),
        func.coalesce(func.sum(e.fee_fen), 0).label("fee_fen"),
    ).where(e.paid_on >= lo, e.paid_on < hi)
    if group:
        query = query.group_by(*group)
    return list(conn.execute(query))


def read_fees(
    conn: Connection, lo: dt.date, hi: dt.date, months: Sequence[tuple[str, dt.date, dt.date]] = ()
) -> dict[str, Any]:
    """Fees paid in [lo, hi): total, members, by 地州市, by unit, by plan, and optionally month by month.
    Every figure is one GROUP BY over the paid_on index."""
    overall = _totals(conn, lo, hi)[0]
    pref = _prefecture_expr().label("prefecture")
    return {
        "total": from_fen(int(overall.fee_fen)),
        "members": int(overall.members),
        "by_prefecture": [
            (r.prefecture, int(r.members), int(r.shares), from_fen(int(r.fee_fen)))
            for r in _totals(conn, lo, hi, pref)
        ],
        "by_unit": [
            (r.unit or "", r.prefecture, int(r.members), int(r.shares), from_fen(int(r.fee_fen)))
            for r in _totals(conn, lo, hi, enrollments.c.unit, pref)
        ],
        "by_plan": [
            (r.plan, int(r.members), int(r.shares), from_fen(int(r.fee_fen)))
            for r in _totals(conn, lo, hi, enrollments.c.plan)
        ],
        "by_month": [
            (label, int(r.members), from_fen(int(r.fee_fen)))
            for label, m_lo, m_hi in months
            for r in _totals(conn, m_lo, m_hi)
        ],
    }


# ---------------------------------------------------------------- claims of a member


def read_member(conn: Connection, id_number: str) -> MemberInfo | None:
    r = conn.execute(select(members).where(members.c.id_number == id_number)).first()
    return MemberInfo(r.id_number, r.name or "", r.gender, r.birth) if r is not None else None


def read_claims_paid(conn: Connection, id_number: str) -> list[dict[str, Any]]:
    """The member's recorded claims in event-date order, payout as Decimal, inputs/result parsed."""
    query = select(claims).where(claims.c.id_number == id_number).order_by(claims.c.event_date, claims.c.id)
    out = []
    for r in conn.execute(query):
        out.append(
            {
                "claim_key": r.claim_key,
                "id_number": r.id_number,
                "plan": r.plan,
                "benefit": r.benefit,
                "event_date": r.event_date,
                "accident_date": r.accident_date,
                "accident_ref": r.accident_ref,
                "period_start": r.period_start,
                "payout": from_fen(int(r.payout_fen)),
                "inputs": _json(r.inputs),
                "result": _json(r.result),
                "rules_version": r.rules_version,
            }
        )
    return out


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def read_member_enrollments(conn: Connection, id_number: str) -> list[tuple[Enrollment, dt.date | None]]:
    """A member's enrollments with their stored observation end, oldest first."""
    query = (
        select(enrollments)
        .where(enrollments.c.id_number == id_number)
        .order_by(enrollments.c.start, enrollments.c.plan)
    )
    return [(_to_enrollment(r), r.observation_end) for r in conn.execute(query)]
