"""The claim totals kept by a SQLite ledger (schema v9): what `claims summary` shows, per calendar month
and year — cases, distinct members and amount of the approved and of the paid cases by 地州市, unit and
plan/benefit, and the rejected and still open cases.

`claims summary --year` over 240,000 cases took ~4 s: one line per case joined from three tables (1.5 s)
and counted in Python (1 s). The totals are brought up to date inside each writing transaction that adds
case events (cases.append_events, payments.record_paid, `db copy`, the bench's bulk fill) and by a
correction of an ID number (the member's cases move); `claims summary` only reads them and counts the
slow, exact way (io/ledger/claims_summary + core summarise) when they lag. PostgreSQL keeps the exact way.

How: `claim_lines` holds what each case counts as, one line per counting event (case_lines below: the
same rules as io/ledger/claims_summary's queries); a member's part of the totals depends on that
member's lines only (cases and amounts add up, a member counts once in each group they have a line in).
So a refresh takes the members whose cases have events after the watermark, subtracts their part as the
stored lines give it, recomputes their lines from the case tables and adds the new part."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from xjma.core.claims_summary import ClaimsFigures, Group, figures, group_keys, yuan
from xjma.io.ledger.kept_totals import create_kept_totals, keeps_sqlite_table, newest_id, watermark_of

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

CLAIM_TOTALS = "claim_totals"
CLAIM_TOTALS_STATE = "claim_totals_state"
CLAIM_LINES = "claim_lines"
DIMENSIONS = ("all", "prefecture", "unit", "plan")
_CHUNK = 900  # ID numbers per IN (...) list


class Line(NamedTuple):
    """What one event of a case counts as (kind: approved | paid | rejected | open)."""

    claim_id: int
    event_id: int
    kind: str
    month: str  # YYYY-MM
    id_number: str
    plan: str
    benefit: str
    prefecture: str
    unit: str
    fen: int


def create_claim_totals(conn: Connection) -> None:
    """Schema v9 (SQLite): the lines, the totals and their watermark, filled from the cases recorded."""
    if conn.dialect.name != "sqlite":
        return
    columns = """kind TEXT NOT NULL, period TEXT NOT NULL, dim TEXT NOT NULL, k1 TEXT NOT NULL,
        k2 TEXT NOT NULL, cases INTEGER NOT NULL, members INTEGER NOT NULL, fen INTEGER NOT NULL,
        PRIMARY KEY (kind, period, dim, k1, k2)"""
    create_kept_totals(conn, CLAIM_TOTALS, columns, CLAIM_TOTALS_STATE, "WITHOUT ROWID")
    conn.exec_driver_sql(
        f"""CREATE TABLE IF NOT EXISTS {CLAIM_LINES} (claim_id INTEGER NOT NULL, event_id INTEGER NOT NULL,
            kind TEXT NOT NULL, month TEXT NOT NULL, id_number TEXT NOT NULL, plan TEXT NOT NULL,
            benefit TEXT NOT NULL, prefecture TEXT NOT NULL, unit TEXT NOT NULL, fen INTEGER NOT NULL,
            PRIMARY KEY (claim_id, event_id, kind)) WITHOUT ROWID"""
    )
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{CLAIM_LINES}_member ON {CLAIM_LINES} (id_number)")
    conn.exec_driver_sql(f"DELETE FROM {CLAIM_LINES}")
    refresh_claim_totals(conn)


def keeps_claim_totals(conn: Connection) -> bool:
    """True for a SQLite ledger with the claim_totals table (schema v9 and later)."""
    return keeps_sqlite_table(conn, CLAIM_TOTALS)


def claim_totals_current(conn: Connection) -> bool:
    """True when this ledger keeps claim totals and they count every case event."""
    return keeps_claim_totals(conn) and watermark_of(conn, CLAIM_TOTALS_STATE) >= newest_id(
        conn, "case_events"
    )


# ---------------------------------------------------------------- what a case counts as


def case_lines(claim: Sequence[Any], events: Sequence[Sequence[Any]]) -> Iterator[Line]:
    """The lines of one case: claim = (id, ID number, plan, benefit, 地州市, unit), events = (id, state,
    at, payout in fen, paid date) in order, times and dates as stored (ISO text). The rules of
    io/ledger/claims_summary: every `approved` event of a case never voided (its month, its payout);
    every `paid` event (the month of its paid date, the payout of the latest approval); every `rejected`
    event; the latest event when it is `submitted` or `returned` (open)."""
    case, number, plan, benefit, prefecture, unit = claim
    voided = any(e[1] == "voided" for e in events)
    approved = 0
    for event_id, state, at, fen, paid_on in events:
        if state == "approved":
            approved = fen or 0
            if not voided:
                yield Line(case, event_id, "approved", str(at)[:7], number, plan, benefit, prefecture, unit,
                           approved)  # fmt: skip
        elif state == "paid" and paid_on is not None:
            yield Line(case, event_id, "paid", str(paid_on)[:7], number, plan, benefit, prefecture, unit,
                       _latest_approval(events))  # fmt: skip
        elif state == "rejected":
            yield Line(case, event_id, "rejected", str(at)[:7], number, plan, benefit, prefecture, unit, 0)
    if events and events[-1][1] in ("submitted", "returned"):
        event_id, _, at, _, _ = events[-1]
        yield Line(case, event_id, "open", str(at)[:7], number, plan, benefit, prefecture, unit, 0)


def _latest_approval(events: Sequence[Sequence[Any]]) -> int:
    fens = [e[3] for e in events if e[1] == "approved"]
    return int(fens[-1] or 0) if fens else 0


def _parts(lines: Iterable[Line]) -> dict[tuple[str, ...], list[int]]:
    """(kind, period, dim, k1, k2) -> [cases, members, fen] of these lines, which come member by member
    (ordered by ID number): every line in its month and its year; approved and paid lines by each
    dimension, rejected and open ones in all only; a member counts once per group."""
    parts: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    seen: set[tuple[str, ...]] = set()  # the groups the current member already counts in
    member = None
    for line in lines:
        if line.id_number != member:
            member = line.id_number
            seen.clear()
        keys: tuple[tuple[str, ...], ...] = ((),)
        if line.kind in ("approved", "paid"):
            keys = ((), *group_keys(line.plan, line.benefit, line.prefecture, line.unit))
        for period in (line.month, line.month[:4]):
            for dim, key in zip(DIMENSIONS, keys, strict=False):
                group = (line.kind, period, dim, *key, *("",) * (2 - len(key)))
                slot = parts[group]
                slot[0] += 1
                slot[2] += line.fen
                if group not in seen:
                    seen.add(group)
                    slot[1] += 1
    return parts


# ---------------------------------------------------------------- keeping them


def refresh_claim_totals(conn: Connection, moved: Sequence[str] = ()) -> None:
    """Bring the totals up to date inside the caller's writing transaction: the members of the cases with
    events after the watermark (SQLite writers take turns; event ids only grow), and `moved` (the old
    and new ID numbers of a correction), lose their stored part and gain the one of their lines now."""
    if not keeps_claim_totals(conn):
        return
    watermark, newest = watermark_of(conn, CLAIM_TOTALS_STATE), newest_id(conn, "case_events")
    if newest <= watermark and not moved:
        return
    members: set[str] | None = None  # None: every member (a first fill)
    if watermark > 0 or moved:
        members = _members_touched(conn, watermark) | set(moved)
    old = _stored_lines(conn, members)
    new = list(_current_lines(conn, members))
    delta = _parts(new)
    for group, (cases, people, fen) in _parts(old).items():
        slot = delta.setdefault(group, [0, 0, 0])
        slot[0] -= cases
        slot[1] -= people
        slot[2] -= fen
    _replace_lines(conn, members, new)
    _apply(conn, delta)
    conn.exec_driver_sql(f"UPDATE {CLAIM_TOTALS_STATE} SET watermark = {newest}")


def _members_touched(conn: Connection, watermark: int) -> set[str]:
    """ID numbers of the cases with events after the watermark, now and as their lines were stored."""
    cases = f"SELECT DISTINCT claim_id FROM case_events WHERE id > {int(watermark)}"
    found = {r[0] for r in conn.exec_driver_sql(f"SELECT id_number FROM claims WHERE id IN ({cases})")}
    stored = f"SELECT DISTINCT id_number FROM {CLAIM_LINES} WHERE claim_id IN ({cases})"
    found.update(r[0] for r in conn.exec_driver_sql(stored))
    return found


def _chunks(members: set[str]) -> Iterator[tuple[str, list[str]]]:
    listed = sorted(members)
    for lo in range(0, len(listed), _CHUNK):
        part = listed[lo : lo + _CHUNK]
        yield ", ".join("?" * len(part)), part


def _stored_lines(conn: Connection, members: set[str] | None) -> list[Line]:
    sql = f"SELECT {', '.join(Line._fields)} FROM {CLAIM_LINES}"
    order = "ORDER BY id_number, claim_id, event_id"
    if members is None:
        return [Line._make(r) for r in conn.exec_driver_sql(f"{sql} {order}")]
    return [
        Line._make(r)
        for marks, part in _chunks(members)
        for r in conn.exec_driver_sql(f"{sql} WHERE id_number IN ({marks}) {order}", tuple(part))
    ]


_CASES = """SELECT c.id, c.id_number, c.plan, c.benefit, coalesce(d.prefecture, ''), coalesce(d.unit, ''),
    e.id, e.state, e.at, e.payout_fen, e.paid_on
    FROM claims c JOIN case_events e ON e.claim_id = c.id LEFT JOIN case_details d ON d.claim_id = c.id"""


def _current_lines(conn: Connection, members: set[str] | None) -> Iterator[Line]:
    """The lines of every case of these members (None: of every case), from the case tables."""
    order = "ORDER BY c.id_number, c.id, e.id"  # member by member, as _parts counts them
    queries: list[tuple[str, tuple[str, ...]]] = [(f"{_CASES} {order}", ())]
    if members is not None:
        queries = [
            (f"{_CASES} WHERE c.id_number IN ({marks}) {order}", tuple(part))
            for marks, part in _chunks(members)
        ]
    for sql, params in queries:
        claim: tuple[Any, ...] | None = None
        events: list[tuple[Any, ...]] = []
        for row in conn.exec_driver_sql(sql, params):
            if claim is None or row[0] != claim[0]:
                if claim is not None:
                    yield from case_lines(claim, events)
                claim, events = tuple(row[:6]), []
            events.append(tuple(row[6:]))
        if claim is not None:
            yield from case_lines(claim, events)


def _replace_lines(conn: Connection, members: set[str] | None, lines: list[Line]) -> None:
    if members is None:
        conn.exec_driver_sql(f"DELETE FROM {CLAIM_LINES}")
    else:
        for marks, part in _chunks(members):
            conn.exec_driver_sql(f"DELETE FROM {CLAIM_LINES} WHERE id_number IN ({marks})", tuple(part))
    if lines:
        columns = ", ".join(Line._fields)
        conn.exec_driver_sql(
            f"INSERT INTO {CLAIM_LINES} ({columns}) VALUES ({', '.join('?' * len(Line._fields))})",
            [tuple(line) for line in lines],
        )


def _apply(conn: Connection, delta: dict[tuple[str, ...], list[int]]) -> None:
    """Add the changes to the totals; a group left without cases is removed."""
    changed = [(*group, *slot) for group, slot in delta.items() if any(slot)]
    if not changed:
        return
    emptied = [group for group, slot in delta.items() if slot[0] < 0]
    conn.exec_driver_sql(
        f"""INSERT INTO {CLAIM_TOTALS} (kind, period, dim, k1, k2, cases, members, fen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, period, dim, k1, k2) DO UPDATE
            SET cases = cases + excluded.cases, members = members + excluded.members,
                fen = fen + excluded.fen""",
        changed,
    )
    if emptied:
        conn.exec_driver_sql(
            f"DELETE FROM {CLAIM_TOTALS} WHERE kind = ? AND period = ? AND dim = ? AND k1 = ? AND k2 = ? "
            "AND cases <= 0",
            emptied,
        )


# ---------------------------------------------------------------- reading them


def read_claim_figures(conn: Connection, state: str, period: str, months: Sequence[str]) -> ClaimsFigures:
    """The figures of `claims summary` for a whole month or year (`period`: YYYY-MM or YYYY) from the
    totals (call only when claim_totals_current)."""
    groups: dict[str, list[Group]] = {dim: [] for dim in DIMENSIONS}
    sql = f"SELECT dim, k1, k2, cases, members, fen FROM {CLAIM_TOTALS} WHERE kind = ? AND period = ?"
    for dim, k1, k2, cases, members, fen in conn.exec_driver_sql(sql, (state, period)):
        key = () if dim == "all" else (k1,) if dim == "prefecture" else (k1, k2)
        groups[dim].append(Group(key, int(cases), int(members), yuan(int(fen))))
    by_month = []
    wanted = ", ".join("?" * len(months))
    sql = f"SELECT period, cases, fen FROM {CLAIM_TOTALS} WHERE kind = ? AND dim = 'all' AND period IN ({wanted})"
    for month, cases, fen in conn.exec_driver_sql(sql, (state, *months)):
        by_month.append(Group((month,), int(cases), 0, yuan(int(fen))))
    total = groups["all"][0] if groups["all"] else Group((), 0, 0, yuan(0))
    rejected, still_open = (_cases(conn, kind, period) for kind in ("rejected", "open"))
    return figures(total, groups["prefecture"], groups["unit"], groups["plan"], by_month, months, rejected,
                   still_open)  # fmt: skip


def _cases(conn: Connection, kind: str, period: str) -> int:
    sql = f"SELECT cases FROM {CLAIM_TOTALS} WHERE kind = ? AND period = ? AND dim = 'all'"
    return int(conn.exec_driver_sql(sql, (kind, period)).scalar() or 0)
