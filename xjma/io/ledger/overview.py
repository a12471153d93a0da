"""The ledger's side of the overview (开展概况, office.md §7): set-based SQL, read only.

- Cover: the live (not voided) enrollments with a day in the window [lo, hi], aggregated in SQL by
  (地州市, plan, unit, the enrollment's own days): how many, and Σ fee_fen × days inside the window.
  The earned fee of a group is that sum ÷ its days, divided exactly in core/overview; units are counted
  from these (a few tens of thousands of) groups in Python.
- Members: distinct ID numbers of those enrollments, overall, per 地州市 and per plan (three COUNT
  DISTINCTs: a member may hold several plans and move between units).
- Cases: a case counts when its state (its latest event) is `approved` or `paid`; its amount is the
  payout of its latest `approved` event; it falls in the window by the day of that approval, or — a
  一单结算 case (case_details.payer) — by its paid date. Its 地州市 is the case's (case_details), else
  that of the enrollment the claim was computed against.
- Fees: paid in the window, net of the refunds of voids dated in it (fees.net_of_refunds).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xjma.core.overview import TOTAL, CaseGroup, CoverGroup, Key, LedgerFigures
from xjma.io.ledger.case_tables import MEDICAL_PAYER
from xjma.io.ledger.fees import FeeFigures, PlanFees, PrefectureFees, net_of_refunds
from xjma.io.ledger.history import Dates

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

UNFILLED = "未填写"  # the 地州市 of a row that gives none, as the fees summary groups it
_PREF = "CASE WHEN coalesce({t}.prefecture, '') = '' THEN '未填写' ELSE {t}.prefecture END"


def first_day(conn: Connection) -> dt.date | None:
    """The first day the ledger knows: the earliest start or payment date of a live enrollment."""
    row = conn.exec_driver_sql(
        "SELECT min(start), min(paid_on) FROM enrollments WHERE voided_by IS NULL"
    ).first()
    day = Dates(conn.dialect.name == "postgresql")
    found = [day[v] for v in (row or ()) if v is not None]
    return min(found) if found else None


def read_overview(conn: Connection, lo: dt.date, hi: dt.date) -> LedgerFigures:
    """Every figure of the overview for the window [lo, hi] (both days included)."""
    return LedgerFigures(
        cover=list(_cover(conn, lo, hi)),
        members=_members(conn, lo, hi),
        cases=list(_cases(conn, lo, hi)),
        case_members=_case_members(conn, lo, hi),
        fees=_fees(conn, lo, hi),
    )


def _bounds(conn: Connection, lo: dt.date, hi: dt.date) -> dict[str, Any]:
    if conn.dialect.name == "postgresql":
        return {"lo": lo, "hi": hi}
    return {"lo": lo.isoformat(), "hi": hi.isoformat()}


def _days(conn: Connection, first: str, last: str) -> str:
    """SQL for the days from `first` to `last`, both included (dates of the dialect)."""
    if conn.dialect.name == "postgresql":
        return f"({last} - {first} + 1)"
    return f"CAST(julianday({last}) - julianday({first}) + 1 AS INTEGER)"


def _run(conn: Connection, sql: str, params: dict[str, Any]) -> Any:
    from sqlalchemy import text

    return conn.execute(text(sql), params)


_LIVE_COVER = 'e.voided_by IS NULL AND e.start <= :hi AND e."end" >= :lo'


def _cover(conn: Connection, lo: dt.date, hi: dt.date) -> Iterator[CoverGroup]:
    pg = conn.dialect.name == "postgresql"
    inside = _days(
        conn,
        "GREATEST(e.start, :lo)" if pg else "max(e.start, :lo)",
        'LEAST(e."end", :hi)' if pg else 'min(e."end", :hi)',
    )
    own = _days(conn, "e.start", 'e."end"')
    sql = f"""SELECT {_PREF.format(t="e")} AS p, e.plan, coalesce(e.unit, '') AS u, {own} AS d,
                     count(*), coalesce(sum(e.fee_fen * {inside}), 0)
              FROM enrollments e WHERE {_LIVE_COVER} GROUP BY 1, 2, 3, 4"""
    for p, plan, unit, days, n, fen_days in _run(conn, sql, _bounds(conn, lo, hi)):
        yield CoverGroup(p, plan, unit, int(days), int(n), int(fen_days))


def _members(conn: Connection, lo: dt.date, hi: dt.date) -> dict[Key, int]:
    bounds = _bounds(conn, lo, hi)
    found: dict[Key, int] = {}
    for kind, key in (("", "''"), ("prefecture", _PREF.format(t="e")), ("plan", "e.plan")):
        sql = f"""SELECT {key}, count(DISTINCT e.id_number) FROM enrollments e
                  WHERE {_LIVE_COVER} GROUP BY 1"""
        for k, n in _run(conn, sql, bounds):
            found[(kind, "" if kind == "" else k)] = int(n)
    return found


def _counted_cases_sql(conn: Connection) -> str:
    """(claim id, member, plan, 地州市, amount in fen, the day it counts on) of every counted case."""
    pref = (
        "CASE WHEN coalesce(d.prefecture, '') <> '' THEN d.prefecture "
        "WHEN coalesce(e.prefecture, '') <> '' THEN e.prefecture ELSE '未填写' END"
    )
    day = "CAST(a.at AS DATE)" if conn.dialect.name == "postgresql" else "substr(a.at, 1, 10)"
    return f"""
    WITH last AS (SELECT claim_id, max(id) AS id FROM case_events GROUP BY claim_id),
         appr AS (SELECT claim_id, max(id) AS id FROM case_events WHERE state = 'approved' GROUP BY claim_id),
         paid AS (SELECT claim_id, max(id) AS id FROM case_events WHERE state = 'paid' GROUP BY claim_id)
    SELECT c.id, c.id_number, c.plan, {pref} AS p, a.payout_fen AS fen,
           CASE WHEN d.payer = '{MEDICAL_PAYER}' THEN pe.paid_on ELSE {day} END AS on_day
    FROM last JOIN case_events s ON s.id = last.id AND s.state IN ('approved', 'paid')
    JOIN claims c ON c.id = last.claim_id
    JOIN appr ON appr.claim_id = c.id JOIN case_events a ON a.id = appr.id
    LEFT JOIN paid ON paid.claim_id = c.id LEFT JOIN case_events pe ON pe.id = paid.id
    LEFT JOIN case_details d ON d.claim_id = c.id
    LEFT JOIN enrollments e ON e.id_number = c.id_number AND e.plan = c.plan
         AND e.start = c.period_start AND e.voided_by IS NULL"""


def _cases(conn: Connection, lo: dt.date, hi: dt.date) -> Iterator[CaseGroup]:
    sql = f"""SELECT k.p, k.plan, count(*), coalesce(sum(k.fen), 0)
              FROM ({_counted_cases_sql(conn)}) k WHERE k.on_day >= :lo AND k.on_day <= :hi
              GROUP BY 1, 2"""
    for p, plan, n, fen in _run(conn, sql, _bounds(conn, lo, hi)):
        yield CaseGroup(p, plan, int(n), int(fen))


def _case_members(conn: Connection, lo: dt.date, hi: dt.date) -> dict[Key, int]:
    found: dict[Key, int] = {}
    sql = f"""SELECT k.p, k.plan, k.id_number FROM ({_counted_cases_sql(conn)}) k
              WHERE k.on_day >= :lo AND k.on_day <= :hi GROUP BY 1, 2, 3"""
    seen: dict[tuple[str, str], set[str]] = {}
    for p, plan, number in _run(conn, sql, _bounds(conn, lo, hi)):
        for key in (("", ""), ("prefecture", p), ("plan", plan)):
            seen.setdefault(key, set()).add(number)
    for key, ids in seen.items():
        found[key] = len(ids)
    return found


def _fees(conn: Connection, lo: dt.date, hi: dt.date) -> dict[Key, Decimal]:
    """Fees paid in [lo, hi] by 地州市 and plan (one GROUP BY over the paid_on index), net of refunds."""
    sql = f"""SELECT {_PREF.format(t="e")}, e.plan, coalesce(sum(e.fee_fen), 0) FROM enrollments e
              WHERE e.paid_on >= :lo AND e.paid_on <= :hi GROUP BY 1, 2"""
    by_pref: dict[str, int] = {}
    by_plan: dict[str, int] = {}
    for p, plan, fen in _run(conn, sql, _bounds(conn, lo, hi)):
        by_pref[p] = by_pref.get(p, 0) + int(fen)
        by_plan[plan] = by_plan.get(plan, 0) + int(fen)
    from xjma.core.money import from_fen

    paid = FeeFigures(
        total=from_fen(sum(by_pref.values())),
        members=0,
        by_prefecture=[PrefectureFees(p, 0, 0, from_fen(f)) for p, f in by_pref.items()],
        by_unit=[],
        by_plan=[PlanFees(plan, 0, 0, from_fen(f)) for plan, f in by_plan.items()],
        by_month=[],
    )
    net = net_of_refunds(conn, paid, lo, hi + dt.timedelta(days=1), ())
    fees: dict[Key, Decimal] = {TOTAL: net.total}
    fees.update({("prefecture", p.prefecture): p.fee for p in net.by_prefecture})
    fees.update({("plan", p.plan): p.fee for p in net.by_plan})
    return fees
