"""The ledger's side of the overview (开展概况, office.md §7): set-based SQL, read only.

- Cover: the live (not voided) enrollments with a day in the window [lo, hi] (S <= hi and E >= lo),
  counted by (地州市, plan, unit, S, E, paid_on) — a few tens of thousands of groups, read from the
  cover totals a SQLite ledger keeps (cover_totals), else one GROUP BY in the order of an index — then,
  per group, Σ fee_fen × days inside the window by (地州市, plan,
  unit, the enrollment's own days). The earned fee is that ÷ its days, divided exactly in core/overview.
- Members: distinct ID numbers of those enrollments, overall, per 地州市 and per plan (three COUNT
  DISTINCTs, each over an index in ID order: a member may hold several plans and change units).
- Cases: a case counts when its state (its latest event) is `approved` or `paid`; its amount is the
  payout of its latest `approved` event; it falls in the window by the day of that approval, or — a
  一单结算 case (case_details.payer) — by its paid date. Its 地州市 is the case's (case_details), else
  that of the enrollment the claim was computed against.
- Fees: paid in the window (the live enrollments' from the cover pass, the voided ones' from
  voided_enrollments), net of the refunds of voids dated in it (fees.net_of_refunds).
The indexes are case_tables.OVERVIEW_INDEXES. 地州市 blank -> 未填写, mapped in Python (a CASE in a GROUP
BY would make SQLite sort).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xjma.core.overview import TOTAL, CaseGroup, CoverGroup, Key, LedgerFigures
from xjma.io.ledger.case_tables import MEDICAL_PAYER
from xjma.io.ledger.cover_totals import cover_totals_current, read_cover_totals
from xjma.io.ledger.fees import FeeFigures, PlanFees, PrefectureFees, net_of_refunds
from xjma.io.ledger.history import Dates

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from xjma.io.ledger.history import Opened

UNFILLED = "未填写"  # the 地州市 of a row that gives none, as the fees summary groups it


def first_day(conn: Connection) -> dt.date | None:
    """The first day the ledger knows: the earlier of the first payment of a live enrollment (in the
    order of the paid_on index: it stops at the first) and the first start of a batch (a small table)."""
    paid = conn.exec_driver_sql(
        "SELECT paid_on FROM enrollments WHERE voided_by IS NULL ORDER BY paid_on LIMIT 1"
    ).scalar()
    start = conn.exec_driver_sql("SELECT min(start) FROM batches").scalar()
    day = Dates(conn.dialect.name == "postgresql")
    found = [day[v] for v in (paid, start) if v is not None]
    return min(found) if found else None


WORKERS = (
    3  # passes at once, each on its own connection (the driver releases the GIL); 3 measured best on 2 cores
)


def read_overview(ledger: Opened, lo: dt.date, hi: dt.date) -> LedgerFigures:
    """Every figure of the overview for the window [lo, hi] (both days included).

    The passes are independent reads over different indexes: they run at once, each on its own
    connection, and so each in its own read transaction (a batch recorded while they run may be seen
    by some and not by others; the office reports a closed period)."""
    from concurrent.futures import ThreadPoolExecutor

    def on_own_connection(read: Callable[[Connection], Any]) -> Any:
        with ledger.connect() as conn:
            return read(conn)

    passes: list[Callable[[Connection], Any]] = [  # the longest first (measured on the bench ledger)
        lambda c: (*_cases(c, lo, hi), _voided_fees(c, lo, hi)),
        lambda c: _distinct_members(c, lo, hi, None),
        lambda c: _distinct_members(c, lo, hi, "prefecture"),
        lambda c: _distinct_members(c, lo, hi, "plan"),
        lambda c: _cover(c, lo, hi),
    ]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        case_pass, total, by_prefecture, by_plan, cover_pass = pool.map(on_own_connection, passes)
    (cover, paid), (cases, case_members, voided) = cover_pass, case_pass
    with ledger.connect() as conn:
        fees = _net_fees(conn, lo, hi, _added(paid, voided))
    return LedgerFigures(cover, {**total, **by_prefecture, **by_plan}, cases, case_members, fees)


def _added(a: dict[Key, int], b: dict[Key, int]) -> dict[Key, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in {*a, *b}}


def _bounds(conn: Connection, lo: dt.date, hi: dt.date) -> dict[str, Any]:
    if conn.dialect.name == "postgresql":
        return {"lo": lo, "hi": hi}
    return {"lo": lo.isoformat(), "hi": hi.isoformat()}


def _run(conn: Connection, sql: str, params: dict[str, Any]) -> Any:
    from sqlalchemy import text

    return conn.execute(text(sql), params)


_LIVE = "e.voided_by IS NULL"
_COVERS = 'e.start <= :hi AND e."end" >= :lo'
_PAID = "e.paid_on >= :lo AND e.paid_on <= :hi"


def _shown(prefecture: str | None) -> str:
    return prefecture or UNFILLED


def _cover(conn: Connection, lo: dt.date, hi: dt.date) -> tuple[list[CoverGroup], dict[Key, int]]:
    """The cover groups and the fees paid in the window (fen) of the live enrollments (_cover_groups).
    A period's days (inside the window, in all) are worked out once per distinct (S, E)."""
    day = Dates(conn.dialect.name == "postgresql")
    spans: dict[tuple[Any, Any], tuple[int, int]] = {}
    groups: dict[tuple[str, str, str, int], list[int]] = {}
    paid: dict[tuple[str, str], int] = {}
    for pref, plan, unit, start, end, paid_on, n, fen in _cover_groups(conn, lo, hi):
        prefecture = _shown(pref)
        if lo <= day[paid_on] <= hi:
            paid[prefecture, plan] = paid.get((prefecture, plan), 0) + int(fen)
        span = spans.get((start, end))
        if span is None:
            s, e = day[start], day[end]
            span = spans[start, end] = ((min(e, hi) - max(s, lo)).days + 1, (e - s).days + 1)
        inside, days = span
        if inside <= 0:
            continue
        acc = groups.setdefault((prefecture, plan, unit or "", days), [0, 0])
        acc[0] += int(n)
        acc[1] += int(fen) * inside
    cover = [CoverGroup(p, plan, u, d, n, f) for (p, plan, u, d), (n, f) in groups.items()]
    return cover, _by_key(paid)


def _by_key(fen: dict[tuple[str, str], int]) -> dict[Key, int]:
    """(地州市, plan) -> fen  =>  the window's total, each 地州市's and each plan's."""
    found: dict[Key, int] = {}
    for (prefecture, plan), f in fen.items():
        for key in (TOTAL, ("prefecture", prefecture), ("plan", plan)):
            found[key] = found.get(key, 0) + f
    return found


_WINDOW = '({t}.start <= :hi AND {t}."end" >= :lo) OR ({t}.paid_on >= :lo AND {t}.paid_on <= :hi)'


def _cover_groups(conn: Connection, lo: dt.date, hi: dt.date) -> Any:
    """(地州市, plan, unit, S, E, paid date, enrollments, fee in fen) of the live enrollments covering a
    day of the window or paid in it: from the cover totals of a SQLite ledger that keeps them current
    (cover_totals), else by a GROUP BY in the order of ix_enrollments_overview_groups."""
    bounds = _bounds(conn, lo, hi)
    watermark = cover_totals_current(conn)
    if watermark is not None:
        return read_cover_totals(conn, watermark, _WINDOW, bounds)
    sql = f"""SELECT e.prefecture, e.plan, e.unit, e.start, e."end", e.paid_on, count(*), sum(e.fee_fen)
              FROM enrollments e WHERE {_LIVE} AND ({_WINDOW.format(t="e")})
              GROUP BY e.prefecture, e.plan, e.unit, e.start, e."end", e.paid_on"""
    return _run(conn, sql, bounds)


def _distinct_members(conn: Connection, lo: dt.date, hi: dt.date, kind: str | None) -> dict[Key, int]:
    """Distinct IDs with a live enrollment covering a day of the window, overall (kind None), per 地州市
    or per plan: a COUNT DISTINCT over an index in ID order within its group (OVERVIEW_INDEXES)."""
    where = f"{_LIVE} AND {_COVERS}"
    bounds = _bounds(conn, lo, hi)
    if kind is None:
        # GROUP BY, not count(DISTINCT): SQLite then reads the members index in ID order; with DISTINCT
        # it may pick ix_enrollments_end and a temporary B-tree (20 s instead of 0.7 on the bench ledger)
        sql = f"SELECT count(*) FROM (SELECT e.id_number FROM enrollments e WHERE {where} GROUP BY e.id_number) m"
        return {TOTAL: int(_run(conn, sql, bounds).scalar() or 0)}
    found: dict[Key, int] = {}
    sql = f"SELECT e.{kind}, count(DISTINCT e.id_number) FROM enrollments e WHERE {where} GROUP BY e.{kind}"
    for k, n in _run(conn, sql, bounds):
        key = (kind, _shown(k) if kind == "prefecture" else k)
        found[key] = found.get(key, 0) + int(n)
    return found


_STATE_CODES = "CASE state WHEN 'approved' THEN 2 WHEN 'paid' THEN 4 ELSE 0 END"  # counted: 2 or 4


def _counted_cases_sql(conn: Connection) -> str:
    """(member, plan, 地州市, amount in fen, the day it counts on) of every counted case, from one pass
    over case_events in claim order: its latest event (id × 8 + a code of its state: the state of the
    highest id), its latest `approved` and `paid` events."""
    day = "CAST(a.at AS DATE)" if conn.dialect.name == "postgresql" else "substr(a.at, 1, 10)"
    return f"""
    WITH k AS (SELECT claim_id, max(CAST(id AS BIGINT) * 8 + {_STATE_CODES}) AS last_code,
                      max(CASE WHEN state = 'approved' THEN id END) AS appr,
                      max(CASE WHEN state = 'paid' THEN id END) AS paid
               FROM case_events GROUP BY claim_id)
    SELECT c.id_number, c.plan, CASE WHEN coalesce(d.prefecture, '') <> '' THEN d.prefecture ELSE
               (SELECT e.prefecture FROM enrollments e WHERE e.id_number = c.id_number AND e.plan = c.plan
                AND e.start = c.period_start AND e.voided_by IS NULL) END AS p,
           a.payout_fen AS fen,
           CASE WHEN d.payer = '{MEDICAL_PAYER}' THEN (SELECT pe.paid_on FROM case_events pe WHERE pe.id = k.paid)
                ELSE {day} END AS on_day
    FROM k JOIN case_events a ON a.id = k.appr JOIN claims c ON c.id = k.claim_id
    LEFT JOIN case_details d ON d.claim_id = k.claim_id
    WHERE k.last_code % 8 IN (2, 4)"""


def _cases(conn: Connection, lo: dt.date, hi: dt.date) -> tuple[list[CaseGroup], dict[Key, int]]:
    """The counted cases of the window by 地州市 and plan, and the distinct members with one (overall,
    per 地州市, per plan: unions of the members of each 地州市 and plan)."""
    sql = f"SELECT q.id_number, q.plan, q.p, q.fen FROM ({_counted_cases_sql(conn)}) q WHERE q.on_day >= :lo AND q.on_day <= :hi"
    groups: dict[tuple[str, str], list[Any]] = {}
    for number, plan, pref, fen in _run(conn, sql, _bounds(conn, lo, hi)):
        acc = groups.get((pref, plan))
        if acc is None:
            acc = groups[pref, plan] = [0, 0, set()]
        acc[0] += 1
        acc[1] += int(fen or 0)
        acc[2].add(number)
    shown: dict[tuple[str, str], list[Any]] = {}  # blank and NULL 地州市 are one group: 未填写
    for (pref, plan), (n, fen, ids) in groups.items():
        acc = shown.setdefault((_shown(pref), plan), [0, 0, set()])
        acc[0] += n
        acc[1] += fen
        acc[2] |= ids
    members: dict[Key, set[str]] = {}
    for (prefecture, plan), (_, _, ids) in shown.items():
        for key in (TOTAL, ("prefecture", prefecture), ("plan", plan)):
            members.setdefault(key, set()).update(ids)
    cases = [CaseGroup(p, plan, n, f) for (p, plan), (n, f, _) in shown.items()]
    return cases, {key: len(ids) for key, ids in members.items()}


def _voided_fees(conn: Connection, lo: dt.date, hi: dt.date) -> dict[Key, int]:
    """Fees (fen) of the voided enrollments paid in [lo, hi]: few, found from voided_enrollments."""
    join = "CROSS JOIN" if conn.dialect.name == "sqlite" else "JOIN"  # SQLite: from the few voids
    sql = f"""SELECT e.prefecture, e.plan, sum(e.fee_fen) FROM voided_enrollments v
              {join} enrollments e ON e.id = v.enrollment_id WHERE {_PAID} GROUP BY e.prefecture, e.plan"""
    fen: dict[Key, int] = {}
    for pref, plan, f in _run(conn, sql, _bounds(conn, lo, hi)):
        for key in (TOTAL, ("prefecture", _shown(pref)), ("plan", plan)):
            fen[key] = fen.get(key, 0) + int(f)
    return fen


def _net_fees(conn: Connection, lo: dt.date, hi: dt.date, fen: dict[Key, int]) -> dict[Key, Decimal]:
    """Fees paid in [lo, hi] (every enrollment's, voided or not) less the refunds of voids dated in the
    window: fees.net_of_refunds, as the fees summary nets them."""
    from xjma.core.money import from_fen

    paid = FeeFigures(
        total=from_fen(fen.get(TOTAL, 0)),
        members=0,
        by_prefecture=[
            PrefectureFees(k[1], 0, 0, from_fen(f)) for k, f in fen.items() if k[0] == "prefecture"
        ],
        by_unit=[],
        by_plan=[PlanFees(k[1], 0, 0, from_fen(f)) for k, f in fen.items() if k[0] == "plan"],
        by_month=[],
    )
    net = net_of_refunds(conn, paid, lo, hi + dt.timedelta(days=1), ())
    fees: dict[Key, Decimal] = {TOTAL: net.total}
    fees.update({("prefecture", p.prefecture): p.fee for p in net.by_prefecture})
    fees.update({("plan", p.plan): p.fee for p in net.by_plan})
    return fees
