"""The ledger's side of renewals (office.md §4): each member's last period per plan (no following
enrollment of that plan) ending in a window, and the periods that ended in a reporting window with the
start of the next one (the renewal ratio). Set-based SQL, read only.

Two things are decided here in exactly one function each, so that they can switch when the ledger
history work lands (a unit register, voids):
- `current_unit_sql`: the member's current unit = the unit text and 地州市 of the member's latest
  enrollment (any plan). With the unit register it becomes the register's unit of the member.
- `live_sql`: which enrollments count. There is no void on this ledger yet (no `voided_by`); when voids
  exist, the filter goes here and a voided enrollment is then neither due nor a following period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from xjma.core.renewals import EndedPeriod, LastPeriod
from xjma.io.ledger.history import Dates

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def live_sql(alias: str) -> str:
    """The condition an enrollment `alias` must meet to count (not voided); no voids recorded yet."""
    del alias  # the voids of the ledger-history work will be filtered here
    return "1 = 1"


def current_unit_sql(alias: str) -> str:
    """The enrollment whose unit and 地州市 are the member's current unit: the member's latest live one."""
    return (
        f"(SELECT u.id FROM enrollments u WHERE u.id_number = {alias}.id_number AND {live_sql('u')} "
        "ORDER BY u.start DESC, u.id DESC LIMIT 1)"
    )


_LAST = """
SELECT e.id_number, e.name, e.plan, e."end", e.shares, e.tier, m.birth, m.gender,
       cur.unit, cur.prefecture
FROM enrollments e JOIN members m ON m.id_number = e.id_number
JOIN enrollments cur ON cur.id = {current}
WHERE e."end" <= {before} AND e."end" >= {since} AND {live_e}
  AND NOT EXISTS (SELECT 1 FROM enrollments f WHERE f.id_number = e.id_number AND f.plan = e.plan
                  AND f.start > e."end" AND {live_f})
"""

_ENDED = """
SELECT e.id_number, e.plan, e.prefecture, e."end",
       (SELECT min(f.start) FROM enrollments f WHERE f.id_number = e.id_number AND f.plan = e.plan
        AND f.start > e."end" AND {live_f}) AS next_start
FROM enrollments e
WHERE e."end" >= {lo} AND e."end" <= {hi} AND {live_e}
"""


def _marks(conn: Connection) -> str:
    return "%s" if conn.dialect.name == "postgresql" else "?"


def _day(conn: Connection, day: dt.date) -> object:
    return day if conn.dialect.name == "postgresql" else day.isoformat()


def last_periods(conn: Connection, since: dt.date, before: dt.date) -> Iterator[LastPeriod]:
    """Each member's last period of each plan with since <= E <= before, under the member's current unit."""
    mark = _marks(conn)
    sql = _LAST.format(
        current=current_unit_sql("e"),
        before=mark,
        since=mark,
        live_e=live_sql("e"),
        live_f=live_sql("f"),
    )
    day = Dates(conn.dialect.name == "postgresql")
    result = conn.exec_driver_sql(sql, (_day(conn, before), _day(conn, since))).fetchall()
    for number, name, plan, end, shares, tier, birth, gender, unit, prefecture in result:
        yield LastPeriod(
            id_number=number,
            name=name or "",
            plan=plan,
            end=day[end],
            shares=shares,
            tier=tier,
            unit=unit or "",
            prefecture=prefecture or "",
            birth=day[birth],
            female=None if gender not in ("男", "女") else gender == "女",
        )


def ended_periods(conn: Connection, lo: dt.date, hi: dt.date) -> Iterator[EndedPeriod]:
    """Every live period with lo <= E <= hi, with the start of the member's next period of the plan."""
    mark = _marks(conn)
    sql = _ENDED.format(lo=mark, hi=mark, live_e=live_sql("e"), live_f=live_sql("f"))
    day = Dates(conn.dialect.name == "postgresql")
    for number, plan, prefecture, end, next_start in conn.exec_driver_sql(
        sql, (_day(conn, lo), _day(conn, hi))
    ):
        yield EndedPeriod(number, plan, prefecture or "", day[end], day[next_start])


_UNIT_MEMBERS = """
SELECT DISTINCT e.id_number FROM enrollments e WHERE e.unit = {mark} AND {live_e}
"""

_MEMBER_LAST = """
SELECT e.id_number, e.name, e.plan, e."end", e.shares, e.tier, m.birth, m.gender, cur.unit, cur.prefecture,
       (SELECT count(*) FROM claims c WHERE c.id_number = e.id_number AND c.plan = e.plan
        AND c.period_start = e.start AND c.payout_fen > 0
        AND (SELECT s.state FROM case_events s WHERE s.claim_id = c.id ORDER BY s.id DESC LIMIT 1)
            IN ('approved', 'paid')) AS claimed
FROM enrollments e JOIN members m ON m.id_number = e.id_number
JOIN enrollments cur ON cur.id = {current}
WHERE e.id_number IN ({marks}) AND {live_e}
  AND NOT EXISTS (SELECT 1 FROM enrollments f WHERE f.id_number = e.id_number AND f.plan = e.plan
                  AND f.start > e.start AND {live_f})
"""


def unit_last_periods(conn: Connection, unit: str) -> tuple[list[LastPeriod], set[tuple[str, str]]]:
    """The last period per plan of every member whose current unit is `unit`, and the (ID, plan) whose
    last period had a paid claim."""
    mark = _marks(conn)
    ids = [r[0] for r in conn.exec_driver_sql(_UNIT_MEMBERS.format(mark=mark, live_e=live_sql("e")), (unit,))]
    day = Dates(conn.dialect.name == "postgresql")
    periods: list[LastPeriod] = []
    claimed: set[tuple[str, str]] = set()
    for lo in range(0, len(ids), 900):
        part = ids[lo : lo + 900]
        sql = _MEMBER_LAST.format(
            current=current_unit_sql("e"),
            marks=", ".join(mark for _ in part),
            live_e=live_sql("e"),
            live_f=live_sql("f"),
        )
        for (
            number,
            name,
            plan,
            end,
            shares,
            tier,
            birth,
            gender,
            cur_unit,
            pref,
            hits,
        ) in conn.exec_driver_sql(sql, tuple(part)).fetchall():
            if cur_unit != unit:
                continue  # moved to another unit since
            periods.append(
                LastPeriod(
                    number,
                    name or "",
                    plan,
                    day[end],
                    shares,
                    tier,
                    cur_unit,
                    pref or "",
                    day[birth],
                    _female(gender),
                )
            )
            if hits:
                claimed.add((number, plan))
    return periods, claimed


def _female(gender: str | None) -> bool | None:
    return None if gender not in ("男", "女") else gender == "女"
