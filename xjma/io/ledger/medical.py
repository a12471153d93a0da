"""The ledger side of 一单结算 (office.md §8): who plan 1 covers on a date (streamed: the region has 1.7M
members), who changed since a date, the plan 1 claims that count, the settlements already recorded, and
recording agreeing settlements as `paid` cases (case_tables: payer 一单结算, identity 结算编号).

Plain SQL through the driver where rows are many (as io/ledger/history does): SQLite keeps dates as ISO
text, which the CSV export writes as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xjma.core.actor import Actor
from xjma.core.cases import COUNTING
from xjma.core.claims.model import ClaimResult
from xjma.io.ledger.case_tables import MEDICAL_PAYER
from xjma.io.ledger.history import CHUNK

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

PLAN = "inpatient-accident"
# A claim counts against the caps unless its latest event says otherwise (office.md §5: only approved and
# paid cases count; a claim recorded without events, as `claim calc --record` wrote them, is approved).
# The cases that count against the caps (core.cases.COUNTING: latest event approved or paid), at the
# amount of their latest approval — io/ledger/claims.counting() in the raw SQL this module streams with.
_COUNTS = (
    "(SELECT e.state FROM case_events e WHERE e.claim_id = c.id ORDER BY e.id DESC LIMIT 1) IN ("
    + ", ".join(f"'{state}'" for state in COUNTING)
    + ")"
)
_APPROVED_FEN = (
    "COALESCE((SELECT e.payout_fen FROM case_events e WHERE e.claim_id = c.id AND e.state = 'approved' "
    "ORDER BY e.id DESC LIMIT 1), c.payout_fen)"
)


# A plan 1 enrollment covering the date as stored: (id_number, name, start, end, observation_end,
# prefecture, unit, voided); dates ISO text in SQLite, datetime.date in PostgreSQL.
CoverRow = tuple[str, str, Any, Any, Any, str, str, bool]
_COLUMNS = 'id_number, name, start, "end", observation_end, prefecture, unit'
_BATCH = 20_000


def _mark(conn: Connection) -> str:
    return "%s" if conn.dialect.name == "postgresql" else "?"


def _day(conn: Connection, day: dt.date) -> Any:
    return day if conn.dialect.name == "postgresql" else day.isoformat()


def covered(conn: Connection, on: dt.date, prefecture: str | None = None) -> Iterator[CoverRow]:
    """Every live plan 1 enrollment covering `on` (of one 地州市 when given), in recording order.

    Streamed through the driver's own cursor, a batch of rows at a time (PostgreSQL: a server-side
    cursor): 1.6M rows through SQLAlchemy's result objects took twice as long."""
    p = _mark(conn)
    sql = (
        f'SELECT {_COLUMNS}, FALSE FROM enrollments WHERE plan = {p} AND start <= {p} AND "end" >= {p} '
        "AND voided_by IS NULL"
    )
    params: list[Any] = [PLAN, _day(conn, on), _day(conn, on)]
    if prefecture is not None:
        sql += f" AND prefecture = {p}"
        params.append(prefecture)
    raw = conn.connection.dbapi_connection
    assert raw is not None
    postgres = conn.dialect.name == "postgresql"
    cursor = raw.cursor(name="xjma_medical_export") if postgres else raw.cursor()
    try:
        cursor.execute(sql + " ORDER BY id", tuple(params))
        while rows := cursor.fetchmany(_BATCH):
            yield from rows
    finally:
        cursor.close()


def covered_of(conn: Connection, ids: Iterable[str], on: dt.date) -> list[CoverRow]:
    """The plan 1 enrollments covering `on` of these members, voided ones included."""
    numbers = sorted(set(ids))
    p = _mark(conn)
    found: list[CoverRow] = []
    for lo in range(0, len(numbers), CHUNK):
        part = numbers[lo : lo + CHUNK]
        sql = (
            f"SELECT {_COLUMNS}, voided_by FROM enrollments WHERE plan = {p} AND start <= {p} "
            f'AND "end" >= {p} AND id_number IN ({", ".join(p for _ in part)}) ORDER BY id'
        )
        for r in conn.exec_driver_sql(sql, (PLAN, _day(conn, on), _day(conn, on), *part)):
            found.append((r[0], r[1] or "", r[2], r[3], r[4], r[5] or "", r[6] or "", r[7] is not None))
    return found


def changed_since(conn: Connection, since: dt.date) -> set[str]:
    """Members whose plan 1 cover or details changed from `since` on: enrollments recorded, voided, member
    corrections, and claims recorded or moved on (what 大额补助剩余额度 shows)."""
    p = _mark(conn)
    day = _day(conn, since)
    sql = (
        f"SELECT e.id_number FROM enrollments e JOIN batches b ON b.id = e.batch_id "
        f"WHERE e.plan = {p} AND b.created_at >= {p} "
        f"UNION SELECT e.id_number FROM voided_enrollments v JOIN changes ch ON ch.id = v.change_id "
        f"JOIN enrollments e ON e.id = v.enrollment_id WHERE e.plan = {p} AND ch.at >= {p} "
        f"UNION SELECT m.id_number FROM member_changes m JOIN changes ch ON ch.id = m.change_id "
        f"WHERE ch.at >= {p} "
        f"UNION SELECT c.id_number FROM claims c WHERE c.plan = {p} AND c.recorded_at >= {p} "
        f"UNION SELECT c.id_number FROM case_events ev JOIN claims c ON c.id = ev.claim_id "
        f"WHERE c.plan = {p} AND ev.at >= {p}"
    )
    params = (PLAN, day, PLAN, day, day, PLAN, day, PLAN, day)
    return {r[0] for r in conn.exec_driver_sql(sql, params)}


def corrections(conn: Connection) -> list[tuple[str, str, dt.datetime, str | None]]:
    """(member, field, when, value after) of every name, unit and 地州市 correction, oldest first (few)."""
    from sqlalchemy import select

    from xjma.io.ledger.history_tables import changes, member_changes

    m, c = member_changes.c, changes.c
    query = (
        select(m.id_number, m.field, c.at, m.after)
        .select_from(member_changes.join(changes, c.id == m.change_id))
        .where(m.field.in_(("name", "unit", "prefecture")))
        .order_by(m.id)
    )
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]


ClaimRows = dict[tuple[str, Any], list[dict[str, Any]]]  # (member, period start as stored) -> claims


def counting_claims(
    conn: Connection, ids: Iterable[str] | None = None, on: dt.date | None = None
) -> ClaimRows:
    """The plan 1 claims that count against the caps, by (member, period start as stored): of these
    members, or of everyone in a period that may cover `on` (the export reads them once: plan 1 periods
    are one year, so those started within a year and a day before it). Rows as compute_remaining reads
    them."""
    p = _mark(conn)
    base = (
        f"SELECT c.id_number, c.period_start, c.benefit, c.event_date, {_APPROVED_FEN}, c.inputs, c.result "
        f"FROM claims c WHERE c.plan = {p} AND {_COUNTS}"
    )
    found: ClaimRows = {}
    if ids is None:
        assert on is not None
        since = on - dt.timedelta(days=367)
        sql = base + f" AND c.period_start <= {p} AND c.period_start >= {p} ORDER BY c.id"
        _claim_rows(conn.exec_driver_sql(sql, (PLAN, _day(conn, on), _day(conn, since))), found)
        return found
    numbers = sorted(set(ids))
    for lo in range(0, len(numbers), CHUNK):
        part = numbers[lo : lo + CHUNK]
        marks = ", ".join(_mark(conn) for _ in part)
        sql = base + f" AND c.id_number IN ({marks}) ORDER BY c.id"
        _claim_rows(conn.exec_driver_sql(sql, (PLAN, *part)), found)
    return found


def _claim_rows(rows: Any, found: ClaimRows) -> None:
    from xjma.core.money import from_fen

    for number, start, benefit, event_date, fen, inputs, result in rows:
        found.setdefault((number, start), []).append(
            {
                "plan": PLAN,
                "benefit": benefit,
                "event_date": event_date,
                "payout": from_fen(int(fen)),
                "inputs": inputs,
                "result": result,
            }
        )


def recorded_settlements(conn: Connection, numbers: Iterable[str]) -> set[str]:
    """The 结算编号 among `numbers` that the ledger already holds."""
    wanted = sorted(set(numbers))
    found: set[str] = set()
    for lo in range(0, len(wanted), CHUNK):
        part = wanted[lo : lo + CHUNK]
        marks = ", ".join(_mark(conn) for _ in part)
        sql = f"SELECT settlement_no FROM case_details WHERE settlement_no IN ({marks})"
        found |= {r[0] for r in conn.exec_driver_sql(sql, tuple(part))}
    return found


@dataclass(frozen=True)
class PaidSettlement:
    """An agreeing settlement to record: the computed claim, its number, where the member works."""

    result: ClaimResult
    settlement_no: str
    discharged: dt.date
    prefecture: str
    unit: str


def record_paid(
    conn: Connection, items: Sequence[PaidSettlement], actor: Actor, log: Callable[[int], int]
) -> int:
    """Each settlement a `paid` case of payer 一单结算 (claims row, case_details, events approved then
    paid on the discharge date: io/ledger/cases, the one writer of a case), in the caller's transaction;
    returns how many were recorded. A claim already recorded under the same claim key is left as it is
    (recorded once). `log(n)` writes the command's log entry once the number recorded is known and
    returns its id (the events name it)."""
    from xjma.core.cases import CaseFacts
    from xjma.io.ledger.cases import NewCase, NewEvent, append_events, record_cases

    cases = [
        NewCase(i.result, CaseFacts(prefecture=i.prefecture, unit=i.unit, payer=MEDICAL_PAYER,
                                    settlement_no=i.settlement_no))
        for i in items
    ]  # fmt: skip
    ids = record_cases(conn, cases, actor.at, None)
    made = [(case, item) for (case, new), item in zip(ids, items, strict=True) if new]
    if not made:
        return 0
    log_id = log(len(made))
    events = [
        event
        for case, item in made
        for event in (
            NewEvent(case, "approved", MEDICAL_PAYER, payout=item.result.payout),
            NewEvent(case, "paid", paid_on=item.discharged),
        )
    ]
    append_events(conn, events, actor, log_id)
    return len(made)
