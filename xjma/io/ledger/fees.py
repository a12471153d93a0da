"""Fees paid in a period, as typed figures: total, members, by 地州市, by unit, by plan, month by month.

A whole calendar month or year of a SQLite ledger is read from its fee totals (fee_totals.py) when they
count every enrollment; otherwise each figure is one GROUP BY over the paid_on index. Never writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from xjma.core.money import from_fen
from xjma.io.ledger.fee_totals import fee_totals_current, read_fee_totals
from xjma.io.ledger.schema import enrollments

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Row

    from xjma.io.ledger.history import Opened

UNFILLED = "未填写"
Month = tuple[str, dt.date, dt.date]  # (YYYY-MM, first day, first day after)


@dataclass(frozen=True)
class PrefectureFees:
    prefecture: str
    members: int
    shares: int
    fee: Decimal


@dataclass(frozen=True)
class UnitFees:
    unit: str
    prefecture: str
    members: int
    shares: int
    fee: Decimal


@dataclass(frozen=True)
class PlanFees:
    plan: str
    members: int
    shares: int
    fee: Decimal


@dataclass(frozen=True)
class MonthFees:
    month: str
    members: int
    fee: Decimal


@dataclass(frozen=True)
class FeeFigures:
    total: Decimal
    members: int
    by_prefecture: list[PrefectureFees]
    by_unit: list[UnitFees]
    by_plan: list[PlanFees]
    by_month: list[MonthFees]

    @classmethod
    def empty(cls, months: Sequence[Month]) -> FeeFigures:
        zero = from_fen(0)
        return cls(zero, 0, [], [], [], [MonthFees(m, 0, zero) for m, _, _ in months])


def fee_figures(ledger: Opened, lo: dt.date, hi: dt.date, months: Sequence[Month] = ()) -> FeeFigures:
    """Fees paid in [lo, hi) (and in each of `months`); zeros for a ledger that does not exist yet."""
    if not ledger.exists:
        return FeeFigures.empty(months)
    with ledger.connect() as conn:
        return read_fees(conn, lo, hi, months)


def read_fees(conn: Connection, lo: dt.date, hi: dt.date, months: Sequence[Month] = ()) -> FeeFigures:
    """Fees paid in [lo, hi), net of the refunds dated in it (voids, office.md §3)."""
    label = whole_period(lo, hi)
    if label is not None and all(whole_period(a, b) == m for m, a, b in months) and fee_totals_current(conn):
        paid = _from_totals(conn, label, [m for m, _, _ in months])
    else:
        paid = _counted(conn, lo, hi, months)
    return net_of_refunds(conn, paid, lo, hi, months)


def _counted(conn: Connection, lo: dt.date, hi: dt.date, months: Sequence[Month]) -> FeeFigures:
    overall = _totals(conn, lo, hi)[0]
    pref = _prefecture_expr().label("prefecture")
    return FeeFigures(
        from_fen(int(overall.fee_fen)),
        int(overall.members),
        [
            PrefectureFees(r.prefecture, int(r.members), int(r.shares), from_fen(int(r.fee_fen)))
            for r in _totals(conn, lo, hi, pref)
        ],
        [
            UnitFees(r.unit or "", r.prefecture, int(r.members), int(r.shares), from_fen(int(r.fee_fen)))
            for r in _totals(conn, lo, hi, enrollments.c.unit, pref)
        ],
        [
            PlanFees(r.plan, int(r.members), int(r.shares), from_fen(int(r.fee_fen)))
            for r in _totals(conn, lo, hi, enrollments.c.plan)
        ],
        [
            MonthFees(label, int(r.members), from_fen(int(r.fee_fen)))
            for label, m_lo, m_hi in months
            for r in _totals(conn, m_lo, m_hi)
        ],
    )


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


def whole_period(lo: dt.date, hi: dt.date) -> str | None:
    """ "YYYY-MM" or "YYYY" when [lo, hi) is exactly one calendar month or year, else None."""
    if lo.day != 1:
        return None
    if lo.month == 1 and hi == dt.date(lo.year + 1, 1, 1):
        return f"{lo.year:04d}"
    following = dt.date(lo.year + 1, 1, 1) if lo.month == 12 else dt.date(lo.year, lo.month + 1, 1)
    return f"{lo.year:04d}-{lo.month:02d}" if hi == following else None


def _from_totals(conn: Connection, label: str, months: Sequence[str]) -> FeeFigures:
    """read_fees from the fee_totals table: a few hundred rows instead of millions."""
    rows = read_fee_totals(conn, [label, *months])
    mine = [r for r in rows if r[0] == label]
    overall = next((r for r in mine if r[1] == "all"), None)
    monthly = {r[0]: r for r in rows if r[1] == "all"}
    money = from_fen
    return FeeFigures(
        money(int(overall[6]) if overall else 0),
        int(overall[4]) if overall else 0,
        [PrefectureFees(r[2], int(r[4]), int(r[5]), money(int(r[6]))) for r in mine if r[1] == "prefecture"],
        [UnitFees(r[2], r[3], int(r[4]), int(r[5]), money(int(r[6]))) for r in mine if r[1] == "unit"],
        [PlanFees(r[2], int(r[4]), int(r[5]), money(int(r[6]))) for r in mine if r[1] == "plan"],
        [
            MonthFees(m, int(monthly[m][4]), money(int(monthly[m][6])))
            if m in monthly
            else MonthFees(m, 0, money(0))
            for m in months
        ],
    )


def refunds(conn: Connection, lo: dt.date, hi: dt.date, *group: str) -> list[tuple[Any, ...]]:
    """(group keys…, refund fen) of the voids whose refund date is in [lo, hi), by enrollment columns
    `group` (prefecture as 未填写 when blank, like the fees summary)."""
    keys = [
        "CASE WHEN coalesce(e.prefecture, '') = '' THEN '未填写' ELSE e.prefecture END"
        if g == "prefecture"
        else f"e.{g}"
        for g in group
    ]
    from sqlalchemy import text

    listed = "".join(f"{k}, " for k in keys)
    grouping = f" GROUP BY {', '.join(keys)}" if keys else ""
    sql = (
        f"SELECT {listed}coalesce(sum(v.fee_fen), 0) FROM voided_enrollments v JOIN enrollments e "
        f"ON e.id = v.enrollment_id WHERE v.refund_on >= :lo AND v.refund_on < :hi{grouping}"
    )
    sqlite = conn.dialect.name == "sqlite"  # dates are ISO text there
    bounds = {"lo": lo.isoformat() if sqlite else lo, "hi": hi.isoformat() if sqlite else hi}
    return [tuple(r) for r in conn.execute(text(sql), bounds)]


def net_of_refunds(
    conn: Connection, figures: FeeFigures, lo: dt.date, hi: dt.date, months: Sequence[Any]
) -> FeeFigures:
    """The fee figures of [lo, hi) (io.ledger.fees.FeeFigures) less the refunds of voids dated in it: each
    voided fee is a negative amount in the month of its refund, in the groups of the enrollment (office.md
    §3). Members and shares stay as paid. Exact on every backend, whatever the fee totals cache holds."""
    from dataclasses import replace

    total = refunds(conn, lo, hi)
    if not total or not total[0][-1]:
        return figures
    by_pref = _fen_by(refunds(conn, lo, hi, "prefecture"), 1)
    by_unit = _fen_by(refunds(conn, lo, hi, "unit", "prefecture"), 2)
    by_plan = _fen_by(refunds(conn, lo, hi, "plan"), 1)
    monthly = {m: int(refunds(conn, a, b)[0][-1]) for m, a, b in months}

    def less(rows: list[Any], fen: dict[tuple[Any, ...], int], key: Any, make: Any) -> list[Any]:
        out = [replace(r, fee=r.fee - from_fen(fen.pop(key(r), 0))) for r in rows]
        return out + [make(k, -from_fen(f)) for k, f in fen.items()]

    return replace(
        figures,
        total=figures.total - from_fen(int(total[0][-1])),
        by_prefecture=less(figures.by_prefecture, by_pref, lambda r: (r.prefecture,),
                           lambda k, fee: PrefectureFees(k[0], 0, 0, fee)),
        by_unit=less(figures.by_unit, by_unit, lambda r: (r.unit, r.prefecture),
                     lambda k, fee: UnitFees(k[0], k[1], 0, 0, fee)),
        by_plan=less(figures.by_plan, by_plan, lambda r: (r.plan,), lambda k, fee: PlanFees(k[0], 0, 0, fee)),
        by_month=[replace(m, fee=m.fee - from_fen(monthly.get(m.month, 0))) for m in figures.by_month],
    )  # fmt: skip


def _fen_by(rows: Sequence[tuple[Any, ...]], width: int) -> dict[tuple[Any, ...], int]:
    return {tuple(r[:width]): int(r[width]) for r in rows}
