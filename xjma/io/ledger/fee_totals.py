"""The fee totals kept by a SQLite ledger (schema v2): per calendar month and year, overall and per 地州市,
unit and plan — members (distinct IDs), shares, fee in fen.

`fees summary` over 1.7M members would need five COUNT(DISTINCT id_number) over ~2.4M rows a year (10-30 s
in SQLite whatever the index). The totals are brought up to date inside each writing transaction that adds
enrollments (batches.record_batch, `db copy`), from the enrollments after the watermark; `fees summary`
only reads them (fees.read_fees), and counts the slow, exact way when they lag (a ledger filled by other
means). PostgreSQL aggregates fast enough and keeps the GROUP BYs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xjma.io.ledger.schema import FEE_TOTALS, FEE_TOTALS_STATE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.engine import Connection


def keeps_fee_totals(conn: Connection) -> bool:
    """True for a SQLite ledger with the fee_totals table (schema v2 and later)."""
    if conn.dialect.name != "sqlite":
        return False
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FEE_TOTALS,)
    )
    return found.first() is not None


def fee_totals_current(conn: Connection) -> bool:
    """True when this ledger keeps fee totals and they count every enrollment."""
    return keeps_fee_totals(conn) and _watermark(conn) >= _newest_enrollment(conn)


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
    """Add the enrollments recorded since the last refresh (id > watermark) to fee_totals, inside the
    caller's writing transaction.

    A member counts once per period and group: a new (member, period, group) adds 1 to `members` only
    when no older enrollment of that member is in the same period and group. Enrollments are never
    changed or deleted, so the totals stay exact; ids only grow (SQLite rowids of an append-only table)."""
    if not keeps_fee_totals(conn):
        return  # PostgreSQL: read_fees runs the GROUP BYs
    watermark, newest = _watermark(conn), _newest_enrollment(conn)
    if newest <= watermark:
        return
    for width in (7, 4):  # YYYY-MM and YYYY of paid_on (ISO text in SQLite)
        for kind, (k1, k2, same) in _FEE_GROUPS.items():
            conn.exec_driver_sql(_add_group(width, kind, k1, k2, same, watermark, newest))
    conn.exec_driver_sql(f"UPDATE {FEE_TOTALS_STATE} SET watermark = {newest}")


def _add_group(width: int, kind: str, k1: str, k2: str, same: str, watermark: int, newest: int) -> str:
    """One INSERT … ON CONFLICT adding the new enrollments' figures of one kind of group and period."""
    period = f"substr(n.paid_on, 1, {width})"
    older = (
        f"""NOT EXISTS (SELECT 1 FROM enrollments o WHERE o.id_number = n.id_number
            AND o.id <= {watermark} AND substr(o.paid_on, 1, {width}) = {period} {same})"""
        if watermark
        else "1"
    )
    return f"""INSERT INTO {FEE_TOTALS} (period, kind, k1, k2, members, shares, fee_fen)
        SELECT p, '{kind}', k1, k2, sum(is_new), sum(s), sum(f) FROM (
            SELECT {period} AS p, {k1} AS k1, {k2} AS k2, {older} AS is_new,
                   sum(n.shares) AS s, sum(n.fee_fen) AS f
            FROM enrollments n WHERE n.id > {watermark} AND n.id <= {newest}
            GROUP BY 1, 2, 3, n.id_number)
        WHERE true GROUP BY p, k1, k2
        ON CONFLICT (period, kind, k1, k2) DO UPDATE SET members = members + excluded.members,
            shares = shares + excluded.shares, fee_fen = fee_fen + excluded.fee_fen"""


def read_fee_totals(conn: Connection, periods: Sequence[str]) -> list[tuple[Any, ...]]:
    """(period, kind, k1, k2, members, shares, fee_fen) of these periods ("YYYY-MM" or "YYYY")."""
    marks = ", ".join("?" for _ in periods)
    found = conn.exec_driver_sql(
        f"SELECT period, kind, k1, k2, members, shares, fee_fen FROM {FEE_TOTALS} WHERE period IN ({marks})",
        tuple(periods),
    )
    return [tuple(r) for r in found]
