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


# IDs per IN (...) list: below SQLite's historic 999 host-parameter limit. Bigger lists were measured: a
# little faster on SQLite, slower on PostgreSQL (100k IDs: 2.0 vs 2.3 s, 3.1 vs 2.5 s).
CHUNK = 900
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


_HISTORY = (
    'SELECT id_number, plan, start, "end", shares, renewed_shares, unit, prefecture, tier, first_start, name '
    "FROM enrollments WHERE id_number IN ({marks}) {voided}"
    "ORDER BY id_number, start, plan"
)
# A voided enrollment covers nothing (office.md §3): it is not in a member's history for checks and
# planning; for claims it is there with an empty period (E the day before S), so that a claim against it
# is outside-period instead of asking for the period.
_VOID = "EXISTS (SELECT 1 FROM voided_enrollments v WHERE v.enrollment_id = enrollments.id)"
_LEFT_OUT = f"AND NOT {_VOID} "
_EMPTIED = _HISTORY.replace('"end"', f'CASE WHEN {_VOID} THEN NULL ELSE "end" END')


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
    day: _Dates = _Dates(postgres)
    for lo in range(0, len(ids), CHUNK):
        part = ids[lo : lo + CHUNK]
        marks = ", ".join(("%s" if postgres else "?") for _ in part)
        sql = (_EMPTIED if voided_as_empty else _HISTORY).format(
            marks=marks, voided="" if voided_as_empty else _LEFT_OUT
        )
        result = conn.exec_driver_sql(sql, tuple(part))
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
            found.setdefault(number, []).append(
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
                )
            )
    return found


_DAY = dt.timedelta(days=1)


class _Dates(dict[Any, Any]):
    """A date column's value -> datetime.date: as it is from PostgreSQL, parsed from SQLite's ISO text."""

    def __init__(self, native: bool) -> None:
        super().__init__()
        self.native = native

    def __missing__(self, value: Any) -> dt.date | None:
        day = value if self.native or value is None else dt.date.fromisoformat(value)
        self[value] = day
        return day


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
    """Record one batch inside the caller's transaction: the batch, its members (a new member is inserted,
    a known one keeps its row but takes the roster's name), its enrollments. Returns the batch id. An
    exception anywhere rolls the whole batch back.

    Two batches validated at the same moment must not both give a member one plan for overlapping periods.
    PostgreSQL: the exclusion constraint of schema v3 refuses the second batch (IntegrityError, SQLSTATE
    23P01, or 23505 for the very same start). SQLite serialises writers: after the insert, one query looks
    for an overlap with another batch's enrollment and raises LedgerConflict."""
    key = conn.execute(batches.insert().values(**asdict(batch))).inserted_primary_key
    assert key is not None
    batch_id = int(key[0])
    if conn.dialect.name == "postgresql":
        columns, rows = _enrollment_rows(items, batch_id, batch.paid_on, _Same())
        _record_postgres(conn, batch_id, _member_rows(people), columns, rows)
        return batch_id
    # A batch's index pages stay in memory until the commit (SQLite's default cache is 2 MB; 100,000
    # rows thrashed it): the insert takes about half the time. The connection is the run's own.
    conn.exec_driver_sql(f"PRAGMA cache_size=-{sqlite_cache_kib()}")
    if people:
        iso = _Iso()
        conn.exec_driver_sql(
            _SQLITE_UPSERT_MEMBERS, [(p.id_number, p.name, p.gender, iso[p.birth]) for p in people]
        )
    if items:
        before = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM enrollments").scalar() or 0)
        columns, rows = _enrollment_rows(items, batch_id, batch.paid_on, _Iso())
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO enrollments ({names}) VALUES ({marks})", rows)
        # This batch's rows are the ids after `before`, the other batches' the ids up to it: SQLite writers
        # take turns and ids only grow. (o.id is in every index: no table read to tell o's batch.)
        if overlaps_another_batch(conn, f"n.id > {before}", f"o.id <= {before}"):
            raise LedgerConflict()
    return batch_id


# SQLite bulk path: the driver's executemany with plain tuples. SQLAlchemy's per-row bind processing
# cost 6-8 s for a 100,000-row roster; dates are stored as the same ISO text SQLAlchemy writes.
_SQLITE_UPSERT_MEMBERS = (
    "INSERT INTO members (id_number, name, gender, birth) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (id_number) DO UPDATE SET name = excluded.name"
)

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


SQLITE_CACHE_KIB = 64 * 1024  # an upper bound: SQLite only takes the pages the batch touches


def sqlite_cache_kib() -> int:
    """The page cache of an enroll's write connection, XJMA_SQLITE_CACHE_KIB to change it (a small value
    makes SQLite spill pages to the WAL during the insert, which the reliability tests use)."""
    import os

    text = os.environ.get("XJMA_SQLITE_CACHE_KIB", "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else SQLITE_CACHE_KIB


class _Iso(dict[Any, Any]):
    """date -> its ISO text (as SQLAlchemy stores dates in SQLite), each distinct date formatted once;
    None -> None. A batch's dates are a handful of values repeated on every row."""

    def __missing__(self, day: dt.date | None) -> str | None:
        text = self[day] = None if day is None else day.isoformat()
        return text


class _Same(dict[Any, Any]):
    """Dates as they are (PostgreSQL's COPY takes date objects)."""

    def __missing__(self, day: dt.date | None) -> dt.date | None:
        self[day] = day
        return day


class _Fen(dict[Any, Any]):
    def __missing__(self, fee: Any) -> int:
        fen = self[fee] = to_fen(fee)
        return fen


MEMBER_COLUMNS = ("id_number", "name", "gender", "birth")
ENROLLMENT_COLUMNS = (
    "id_number",
    "plan",
    "unit",
    "prefecture",
    "start",
    "end",
    "shares",
    "renewed_shares",
    "tier",
    "fee_fen",
    "observation_days",
    "observation_end",
    "first_start",
    "rules_version",
    "batch_id",
    "paid_on",
    "name",
)


def _member_rows(people: Sequence[MemberInfo]) -> list[tuple[Any, ...]]:
    """(id_number, name, gender, birth) per member."""
    return [(p.id_number, p.name, p.gender, p.birth) for p in people]


def _enrollment_rows(
    items: Sequence[NewEnrollment], batch_id: int, paid_on: dt.date, day: dict[Any, Any]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and one tuple per enrollment (ENROLLMENT_COLUMNS), dates through `day`."""
    fen, row = _Fen(), _enrollment_row
    return list(ENROLLMENT_COLUMNS), [row(i, batch_id, paid_on, day, fen) for i in items]


def _enrollment_row(
    item: NewEnrollment, batch_id: int, paid_on: dt.date, day: dict[Any, Any], fen: dict[Any, int]
) -> tuple[Any, ...]:
    e = item.enrollment
    return (
        e.id_number,
        e.plan,
        e.unit,
        e.prefecture,
        day[e.start],
        day[e.end],
        e.shares,
        e.renewed_shares,
        e.tier,
        fen[item.fee],
        item.observation_days,
        day[item.observation_end],
        day[e.first_start or e.start],
        item.rules_version,
        batch_id,
        day[paid_on],
        e.name,
    )


# ---------------------------------------------------------------- PostgreSQL bulk path (COPY)
# executemany sent 300,000 rows one statement at a time (11-19 s for a 100,000-row roster); COPY on the
# caller's own DBAPI connection streams them in the same transaction.
_ROSTER_MEMBERS = "xjma_roster_members"


def _record_postgres(
    conn: Connection,
    batch_id: int,
    people: list[tuple[Any, ...]],
    columns: list[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """Members upserted through a temporary table, enrollments copied straight into their table. A
    database error is raised as SQLAlchemy's (IntegrityError with the driver's SQLSTATE, ...)."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    guarded = has_overlap_constraint(conn)
    if not guarded:
        # No exclusion constraint (schema._v3_no_overlapping_periods could not add it): enrolling
        # writers take turns, as in SQLite, and the batch is checked below. Readers are not blocked.
        conn.exec_driver_sql("LOCK TABLE enrollments IN SHARE ROW EXCLUSIVE MODE")
    raw = conn.connection.driver_connection
    step = "members"
    try:
        with raw.cursor() as cur:  # type: ignore[union-attr]
            if people:
                _upsert_members_postgres(cur, people)
            step = "enrollments"
            if rows:
                _copy_rows(cur, "enrollments", columns, rows)
    except psycopg.Error as exc:
        raise DBAPIError.instance(f"COPY {step}", None, exc, psycopg.Error) from exc
    if (
        not guarded
        and rows
        and overlaps_another_batch(conn, f"n.batch_id = {int(batch_id)}", f"o.batch_id <> {int(batch_id)}")
    ):
        raise LedgerConflict()


def has_overlap_constraint(conn: Connection) -> bool:
    from xjma.io.ledger.schema import NO_OVERLAP

    found = conn.exec_driver_sql(
        "SELECT 1 FROM pg_constraint WHERE conname = %(name)s AND conrelid = 'enrollments'::regclass",
        {"name": NO_OVERLAP},
    )
    return found.first() is not None


def _upsert_members_postgres(cur: Any, people: list[tuple[Any, ...]]) -> None:
    """New members inserted, known ones take the roster's name (the last one when an ID repeats; gender
    and birth from its first row, as row-by-row upserts would leave them)."""
    unique: dict[str, tuple[Any, ...]] = {}
    for person in people:
        seen = unique.get(person[0])
        unique[person[0]] = person if seen is None else (seen[0], person[1], *seen[2:])
    cur.execute(f"CREATE TEMPORARY TABLE {_ROSTER_MEMBERS} (LIKE members) ON COMMIT DROP")
    names = list(MEMBER_COLUMNS)
    _copy_rows(cur, _ROSTER_MEMBERS, names, list(unique.values()))
    listed = ", ".join(names)
    cur.execute(
        f"INSERT INTO members ({listed}) SELECT {listed} FROM {_ROSTER_MEMBERS} "
        "ON CONFLICT (id_number) DO UPDATE SET name = excluded.name "
        "WHERE members.name IS DISTINCT FROM excluded.name"
    )
    cur.execute(f"DROP TABLE {_ROSTER_MEMBERS}")  # record_batch may run again in this transaction


def _copy_rows(cur: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from psycopg import sql

    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with cur.copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)


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
