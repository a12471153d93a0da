"""The fee totals kept by a SQLite ledger (schema v2): per calendar month and year, overall and per 地州市,
unit and plan — members (distinct IDs), shares, fee in fen.

`fees summary` over 1.7M members would need five COUNT(DISTINCT id_number) over ~2.4M rows a year (10-30 s
in SQLite whatever the index). The totals are brought up to date inside each writing transaction that adds
enrollments (batches.record_batch, `db copy`), from the enrollments after the watermark; `fees summary`
only reads them (fees.read_fees), and counts the slow, exact way when they lag (a ledger filled by other
means). PostgreSQL aggregates fast enough and keeps the GROUP BYs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xjma.io.ledger.kept_totals import keeps_sqlite_table, newest_id, watermark_of
from xjma.io.ledger.schema import FEE_TOTALS, FEE_TOTALS_STATE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.engine import Connection

    from xjma.core.enrollment import NewEnrollment

UNFILLED = "未填写"  # the 地州市 of a row that gives none, as fees.read_fees groups it


def keeps_fee_totals(conn: Connection) -> bool:
    """True for a SQLite ledger with the fee_totals table (schema v2 and later)."""
    return keeps_sqlite_table(conn, FEE_TOTALS)


def fee_totals_current(conn: Connection) -> bool:
    """True when this ledger keeps fee totals and they count every enrollment."""
    return keeps_fee_totals(conn) and watermark_of(conn, FEE_TOTALS_STATE) >= newest_id(conn, "enrollments")


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


def refresh_fee_totals(conn: Connection, upto: int | None = None) -> None:
    """Add the enrollments recorded since the last refresh (watermark < id <= upto, default every one) to
    fee_totals, inside the caller's writing transaction: for rows recorded by other means than a batch
    (`db copy`, the bench's bulk fill).

    A member counts once per period and group: a new (member, period, group) adds 1 to `members` only
    when no older enrollment of that member is in the same period and group. Enrollments are never
    changed or deleted, so the totals stay exact; ids only grow (SQLite rowids of an append-only table)."""
    if not keeps_fee_totals(conn):
        return  # PostgreSQL: read_fees runs the GROUP BYs
    watermark = watermark_of(conn, FEE_TOTALS_STATE)
    newest = newest_id(conn, "enrollments") if upto is None else upto
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


# ---------------------------------------------------------------- one batch, counted as it is recorded
# A batch is paid on one date: its rows fall in one month and one year. Its figures are summed in Python
# from the rows being inserted (per 地州市, unit and plan, then per kind of group), and a member adds 1 to
# a group's `members` unless an older enrollment of theirs is already counted in that group and period:
# those are found by one join from the batch's members to their older enrollments of that year. The 8
# GROUP BYs of refresh_fee_totals over a 100,000-row batch cost 4-9 s; this well under a second.

Group = tuple[str, str, str]  # (kind, k1, k2)


def add_batch(
    conn: Connection, before: int, paid_on: dt.date, items: Sequence[NewEnrollment], fen: Callable[[Any], int]
) -> None:
    """Add one just-inserted batch (the enrollments with id > `before`, all paid on `paid_on`) to the fee
    totals, in the batch's transaction. `fen` gives a fee in fen, as it was stored."""
    if not keeps_fee_totals(conn) or not items:
        return
    if watermark_of(conn, FEE_TOTALS_STATE) < before:
        refresh_fee_totals(conn, upto=before)  # rows recorded by other means: counted first, by SQL
    groups = _batch_groups(items, fen)
    day = paid_on.isoformat()
    older = _older_members(conn, before, day[:4])
    rows = [
        (period, *group, len(ids - older.get((period, *group), set())), shares, fee)
        for period in (day[:7], day[:4])
        for group, (shares, fee, ids) in groups.items()
    ]
    conn.exec_driver_sql(
        f"""INSERT INTO {FEE_TOTALS} (period, kind, k1, k2, members, shares, fee_fen) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (period, kind, k1, k2) DO UPDATE SET members = members + excluded.members,
            shares = shares + excluded.shares, fee_fen = fee_fen + excluded.fee_fen""",
        rows,
    )
    conn.exec_driver_sql(f"UPDATE {FEE_TOTALS_STATE} SET watermark = {newest_id(conn, 'enrollments')}")


def _groups_of(prefecture: str, unit: str, plan: str) -> tuple[Group, ...]:
    return ("all", "", ""), ("prefecture", prefecture, ""), ("unit", unit, prefecture), ("plan", plan, "")


def _batch_groups(items: Sequence[NewEnrollment], fen: Callable[[Any], int]) -> dict[Group, list[Any]]:
    """(kind, k1, k2) -> [shares, fee in fen, member IDs] of the batch."""
    combos: dict[tuple[str, str, str], list[Any]] = {}
    for item in items:
        e = item.enrollment
        key = (e.prefecture or UNFILLED, e.unit, e.plan)
        acc = combos.get(key)
        if acc is None:
            acc = combos[key] = [0, 0, set()]
        acc[0] += e.shares
        acc[1] += fen(item.fee)
        acc[2].add(e.id_number)
    groups: dict[Group, list[Any]] = {}
    for (prefecture, unit, plan), (shares, fee, ids) in combos.items():
        for group in _groups_of(prefecture, unit, plan):
            acc = groups.setdefault(group, [0, 0, set()])
            acc[0] += shares
            acc[1] += fee
            acc[2] |= ids
    return groups


# NOT INDEXED: the batch's rows by rowid range; else SQLite reads the whole (id_number, plan) index for the
# DISTINCT (2.4M entries: 2 s instead of 0.1 s for a 10,000-row batch into the bench's 1.7M ledger).
_OLDER = f"""WITH mine AS (SELECT DISTINCT id_number FROM enrollments NOT INDEXED WHERE id > ?)
    SELECT DISTINCT o.id_number, o.plan, o.unit,
        CASE WHEN coalesce(o.prefecture, '') = '' THEN '{UNFILLED}' ELSE o.prefecture END,
        substr(o.paid_on, 1, 7)
    FROM mine JOIN enrollments o ON o.id_number = mine.id_number
    WHERE o.id <= ? AND substr(o.paid_on, 1, 4) = ?"""


def _older_members(conn: Connection, before: int, year: str) -> dict[tuple[str, str, str, str], set[str]]:
    """(period, kind, k1, k2) -> IDs of the batch's members already counted there (enrollments up to id
    `before` paid in the same year); nothing to look for when the year has no older enrollment."""
    found: dict[tuple[str, str, str, str], set[str]] = {}
    if before == 0 or not _year_has_enrollments(conn, before, year):
        return found
    for number, plan, unit, prefecture, month in conn.exec_driver_sql(_OLDER, (before, before, year)):
        for group in _groups_of(prefecture, unit, plan):
            found.setdefault((month, *group), set()).add(number)
            found.setdefault((year, *group), set()).add(number)
    return found


def _year_has_enrollments(conn: Connection, before: int, year: str) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM enrollments WHERE paid_on >= ? AND paid_on < ? AND id <= ? LIMIT 1",
        (f"{year}-01-01", f"{int(year) + 1:04d}-01-01", before),
    )
    return found.first() is not None


# ---------------------------------------------------------------- an ID number corrected (office.md §3)


def merge_member(conn: Connection, old: str, new: str) -> None:
    """Before the enrollments of `old` move to `new` (member correct --new-id), in that transaction: a
    group and period that counted both numbers as members counts one member from now on. Shares and fees
    do not change (the enrollments stay where they were paid)."""
    if not keeps_fee_totals(conn):
        return
    watermark = watermark_of(conn, FEE_TOTALS_STATE)
    keys: dict[str, set[tuple[str, str, str, str]]] = {old: set(), new: set()}
    found = conn.exec_driver_sql(
        "SELECT id_number, plan, unit, prefecture, paid_on FROM enrollments WHERE id_number IN (?, ?) AND id <= ?",
        (old, new, watermark),
    )
    for number, plan, unit, prefecture, paid_on in found:
        for period in (str(paid_on)[:7], str(paid_on)[:4]):
            for group in _groups_of(prefecture or UNFILLED, unit, plan):
                keys[number].add((period, *group))
    both = sorted(keys[old] & keys[new])
    if both:
        conn.exec_driver_sql(
            f"UPDATE {FEE_TOTALS} SET members = members - 1 WHERE period = ? AND kind = ? AND k1 = ? AND k2 = ?",
            both,
        )
