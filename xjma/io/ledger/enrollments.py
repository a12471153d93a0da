"""Reading and recording enrollments, the fees summaries (set-based SQL), and a member's claims."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection, Row

from xjma.core.enrollment import NewEnrollment
from xjma.core.model import Enrollment
from xjma.core.money import from_fen, to_fen
from xjma.io.ledger.schema import FEE_TOTALS, FEE_TOTALS_STATE, batches, claims, enrollments, members


class LedgerConflict(Exception):
    """Another process recorded an enrollment that collides with this batch (same member and plan, same
    or overlapping period) between the batch's validation and its write. The caller rolls back and
    validates again, now seeing the other row (`already_recorded` or `already-enrolled`)."""


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
        rows = [
            {"id_number": p.id_number, "name": p.name, "gender": p.gender, "birth": p.birth} for p in people
        ]
        if conn.dialect.name == "sqlite":
            _sqlite_many(conn, _SQLITE_UPSERT_MEMBERS, rows)
        else:
            conn.execute(_upsert_members(conn), rows)
    if items:
        values = [_enrollment_values(i, batch_id, batch.paid_on) for i in items]
        if conn.dialect.name == "sqlite":
            columns = list(values[0])
            names = ", ".join(f'"{c}"' for c in columns)
            sql = f"INSERT INTO enrollments ({names}) VALUES ({', '.join('?' * len(columns))})"
            _sqlite_many(conn, sql, values)
        else:
            conn.execute(enrollments.insert(), values)
    return batch_id


# SQLite bulk path: the driver's executemany with plain tuples. SQLAlchemy's per-row bind processing
# cost 6-8 s for a 100,000-row roster; dates are stored as the same ISO text SQLAlchemy writes.
_SQLITE_UPSERT_MEMBERS = (
    "INSERT INTO members (id_number, name, gender, birth) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (id_number) DO UPDATE SET name = excluded.name"
)


def _sqlite_many(conn: Connection, sql: str, rows: list[dict[str, Any]]) -> None:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    conn.exec_driver_sql(sql, [tuple(plain(v) for v in row.values()) for row in rows])


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
    A whole calendar month or year is read from the fee totals kept by the ledger (schema v2, SQLite)
    when they are up to date (refresh_fee_totals); otherwise every figure is one GROUP BY over the
    paid_on index. Never writes."""
    label = _whole_period(lo, hi)
    if label is not None and all(_whole_period(a, b) == m for m, a, b in months) and _has_fee_totals(conn):
        return _fees_from_totals(conn, label, [m for m, _, _ in months])
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


def _whole_period(lo: dt.date, hi: dt.date) -> str | None:
    """ "YYYY-MM" or "YYYY" when [lo, hi) is exactly one calendar month or year, else None."""
    if lo.day != 1:
        return None
    if lo.month == 1 and hi == dt.date(lo.year + 1, 1, 1):
        return f"{lo.year:04d}"
    following = dt.date(lo.year + 1, 1, 1) if lo.month == 12 else dt.date(lo.year, lo.month + 1, 1)
    return f"{lo.year:04d}-{lo.month:02d}" if hi == following else None


def _has_fee_totals(conn: Connection) -> bool:
    """True when this SQLite ledger (schema v2) keeps fee totals and they count every enrollment."""
    if not _keeps_fee_totals(conn):
        return False
    return _watermark(conn) >= _newest_enrollment(conn)


def _keeps_fee_totals(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FEE_TOTALS,)
    )
    return found.first() is not None


def _watermark(conn: Connection) -> int:
    return int(conn.exec_driver_sql(f"SELECT watermark FROM {FEE_TOTALS_STATE}").scalar() or 0)


def _newest_enrollment(conn: Connection) -> int:
    return int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM enrollments").scalar() or 0)


_PREF = "CASE WHEN coalesce({t}.prefecture, '') = '' THEN '未填写' ELSE {t}.prefecture END"
# kind -> (key 1, key 2, the condition on an older enrollment o of the same member in the same group)
_FEE_GROUPS = {
    "all": ("''", "''", ""),
    "prefecture": (_PREF.format(t="n"), "''", f"AND {_PREF.format(t='o')} = {_PREF.format(t='n')}"),
    "unit": (
        "n.unit",
        _PREF.format(t="n"),
        f"AND o.unit = n.unit AND {_PREF.format(t='o')} = {_PREF.format(t='n')}",
    ),
    "plan": ("n.plan", "''", "AND o.plan = n.plan"),
}


def refresh_fee_totals(conn: Connection) -> None:
    """Add the enrollments recorded since the last refresh (id > watermark) to fee_totals.

    A member counts once per period and group: a new (member, period, group) adds 1 to `members` only
    when no older enrollment of that member is in the same period and group. Enrollments are never
    changed or deleted, so the totals stay exact; ids only grow (SQLite rowids of an append-only table)."""
    if not _keeps_fee_totals(conn):
        return  # PostgreSQL, or a ledger before schema v2: read_fees runs the GROUP BYs
    watermark, newest = _watermark(conn), _newest_enrollment(conn)
    if newest <= watermark:
        return
    for width in (7, 4):  # YYYY-MM and YYYY of paid_on (ISO text in SQLite)
        period = f"substr(n.paid_on, 1, {width})"
        for kind, (k1, k2, same) in _FEE_GROUPS.items():
            older = (
                f"""NOT EXISTS (SELECT 1 FROM enrollments o WHERE o.id_number = n.id_number
                    AND o.id <= {watermark} AND substr(o.paid_on, 1, {width}) = {period} {same})"""
                if watermark
                else "1"
            )
            conn.exec_driver_sql(
                f"""INSERT INTO {FEE_TOTALS} (period, kind, k1, k2, members, shares, fee_fen)
                SELECT p, '{kind}', k1, k2, sum(is_new), sum(s), sum(f) FROM (
                    SELECT {period} AS p, {k1} AS k1, {k2} AS k2, {older} AS is_new,
                           sum(n.shares) AS s, sum(n.fee_fen) AS f
                    FROM enrollments n WHERE n.id > {watermark} AND n.id <= {newest}
                    GROUP BY 1, 2, 3, n.id_number)
                WHERE true GROUP BY p, k1, k2
                ON CONFLICT (period, kind, k1, k2) DO UPDATE SET members = members + excluded.members,
                    shares = shares + excluded.shares, fee_fen = fee_fen + excluded.fee_fen"""
            )
    conn.exec_driver_sql(f"UPDATE {FEE_TOTALS_STATE} SET watermark = {newest}")


def _fees_from_totals(conn: Connection, label: str, months: Sequence[str]) -> dict[str, Any]:
    """read_fees from the fee_totals table: a few hundred rows instead of millions."""
    wanted = [label, *months]
    marks = ", ".join("?" for _ in wanted)
    rows = conn.exec_driver_sql(
        f"SELECT period, kind, k1, k2, members, shares, fee_fen FROM {FEE_TOTALS} WHERE period IN ({marks})",
        tuple(wanted),
    ).all()
    mine = [r for r in rows if r[0] == label]
    overall = next((r for r in mine if r[1] == "all"), None)
    monthly = {r[0]: r for r in rows if r[1] == "all"}
    return {
        "total": from_fen(int(overall[6]) if overall else 0),
        "members": int(overall[4]) if overall else 0,
        "by_prefecture": [
            (r[2], int(r[4]), int(r[5]), from_fen(int(r[6]))) for r in mine if r[1] == "prefecture"
        ],
        "by_unit": [(r[2], r[3], int(r[4]), int(r[5]), from_fen(int(r[6]))) for r in mine if r[1] == "unit"],
        "by_plan": [(r[2], int(r[4]), int(r[5]), from_fen(int(r[6]))) for r in mine if r[1] == "plan"],
        "by_month": [
            (m, int(monthly[m][4]), from_fen(int(monthly[m][6]))) if m in monthly else (m, 0, from_fen(0))
            for m in months
        ],
    }


# ---------------------------------------------------------------- claims of a member


def read_member(conn: Connection, id_number: str) -> MemberInfo | None:
    r = conn.execute(select(members).where(members.c.id_number == id_number)).first()
    return MemberInfo(r.id_number, r.name or "", r.gender, r.birth) if r is not None else None


def read_claims_paid(conn: Connection, id_number: str) -> list[dict[str, Any]]:
    """The member's recorded claims in event-date order, payout as Decimal, inputs/result parsed."""
    from xjma.io.ledger.claims import claim_row

    query = select(claims).where(claims.c.id_number == id_number).order_by(claims.c.event_date, claims.c.id)
    return [claim_row(r) for r in conn.execute(query)]


def read_member_enrollments(conn: Connection, id_number: str) -> list[tuple[Enrollment, dt.date | None]]:
    """A member's enrollments with their stored observation end, oldest first."""
    query = (
        select(enrollments)
        .where(enrollments.c.id_number == id_number)
        .order_by(enrollments.c.start, enrollments.c.plan)
    )
    return [(_to_enrollment(r), r.observation_end) for r in conn.execute(query)]
