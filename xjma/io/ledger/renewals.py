"""The ledger's side of renewals (office.md §4): each member's last period per plan (no following live
enrollment of that plan) ending in a window, and the periods that ended in a reporting window with the
start of the next one (the renewal ratio). Set-based SQL, read only.

Decided here in exactly one function each:
- `live_sql`: which enrollments count: not voided (office.md §3). A voided enrollment is neither due nor
  a following period, and its member's unit is not taken from it.
- `CurrentUnits.of`: the member's current unit = the registered unit (renames, merges) of the member's
  latest live enrollment, or the unit a correction moved the member to (`member correct --unit`) when
  it moves that enrollment (io.ledger.unit_moves.correction_moves: recorded by then, not ended by then).

Speed (1.7M members, 2.4M enrollments): the window is read through `ix_enrollments_end` (partial: live
enrollments only), the "no following period" test through the partial unique index on (member, plan,
start); units are resolved once per (batch, unit text, 地州市), not per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xjma.core.renewals import EndedPeriod, LastPeriod
from xjma.io.ledger.history import Dates

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def live_sql(alias: str) -> str:
    """The condition an enrollment `alias` must meet to count: not voided."""
    return f"{alias}.voided_by IS NULL"


def _latest_live(alias: str) -> str:
    """The id of the member's latest live enrollment (any plan): where the current unit is read."""
    return (
        f"(SELECT u.id FROM enrollments u WHERE u.id_number = {alias}.id_number AND {live_sql('u')} "
        "ORDER BY u.start DESC, u.id DESC LIMIT 1)"
    )


def _no_following(alias: str, after: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM enrollments f WHERE f.id_number = {alias}.id_number "
        f"AND f.plan = {alias}.plan AND f.start > {after} AND {live_sql('f')})"
    )


@dataclass(frozen=True, slots=True)
class UnitOf:
    """A member's current unit as renewals show it."""

    name: str
    code: str
    prefecture: str
    contact: str = ""
    phone: str = ""


class CurrentUnits:
    """The register read once: (batch, unit text, 地州市) -> registered unit, unit corrections, contacts."""

    def __init__(self, conn: Connection) -> None:
        from xjma.io.ledger.unit_moves import batch_times, unit_moves
        from xjma.io.ledger.unit_register import read_units

        self.states = read_units(conn)
        self.batch_unit = {
            (int(b), u, p): int(i)
            for b, u, p, i in conn.exec_driver_sql(
                "SELECT batch_id, unit, prefecture, unit_id FROM batch_units"
            )
        }
        self.contacts = {
            int(i): (c or "", p or "")
            for i, c, p in conn.exec_driver_sql("SELECT id, contact, phone FROM units")
        }
        self.moves = unit_moves(conn)  # member -> unit and 地州市 corrections, in change order
        self.recorded = batch_times(conn) if self.moves else {}
        self._seen: dict[tuple[int, str, str], UnitOf] = {}
        self._named: dict[tuple[str, str], UnitOf] = {}

    def of(self, id_number: str, batch_id: int, unit: str, prefecture: str, end: dt.date) -> UnitOf:
        """The unit the member is with now (see the module docstring)."""
        fixes = self.moves.get(id_number) if self.moves else None
        if fixes:
            from xjma.io.ledger.unit_moves import corrected_unit

            to_unit, to_prefecture = corrected_unit(fixes, self.recorded.get(batch_id), end, None, None)
            if to_unit is not None or to_prefecture is not None:
                return self.named(to_unit or unit, to_prefecture or prefecture)
        key = (batch_id, unit, prefecture)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._registered(key)
        return found

    def _registered(self, key: tuple[int, str, str]) -> UnitOf:
        unit_id = self.batch_unit.get(key)
        if unit_id is None:  # recorded by other means than enroll: the row's own text
            return UnitOf(key[1] or "", "", key[2] or "")
        return self.of_id(unit_id)

    def of_id(self, unit_id: int) -> UnitOf:
        """A registered unit as renewals show it: the unit it was merged into, under its current name."""
        from xjma.io.ledger.unit_register import final_unit

        state = self.states[final_unit(self.states, unit_id)]
        contact, phone = self.contacts.get(state.id, ("", ""))
        return UnitOf(state.name, state.code, state.prefecture, contact, phone)

    def named(self, name: str, prefecture: str) -> UnitOf:
        """A unit given by name (a correction): the registered one of that name in the 地州市, if any."""
        key = (name, prefecture)
        found = self._named.get(key)
        if found is None:
            from xjma.io.ledger.unit_register import find_unit

            hits = [s for s in find_unit(self.states, name) if s.prefecture == prefecture]
            found = self._named[key] = (
                self.of_id(hits[0].id) if len(hits) == 1 else UnitOf(name, "", prefecture)
            )
        return found

    def unit_contacts(self) -> dict[str, tuple[str, str]]:
        """unit code -> (经办人, phone) of every registered unit."""
        return {s.code: self.contacts.get(s.id, ("", "")) for s in self.states.values()}

    def units_named(self, text: str) -> list[UnitOf]:
        """The units a UNIT argument (code, name, alias, USCC) names, as renewals show them."""
        from xjma.io.ledger.unit_register import find_unit

        return list(dict.fromkeys(self.of_id(s.id) for s in find_unit(self.states, text)))


_LAST = f"""
SELECT e.id, e.id_number, e.name, e.plan, e."end", e.shares, e.tier, m.birth, m.gender,
       e.batch_id, e.unit, e.prefecture, {{latest}}
FROM enrollments e JOIN members m ON m.id_number = e.id_number
WHERE e."end" >= {{mark}} AND e."end" <= {{mark}} AND {live_sql("e")} AND {_no_following("e", 'e."end"')}
"""


def _latest_sql(conn: Connection) -> str:
    """_latest_live("e"), read from the partial unique index alone in SQLite (member, plan, start and the
    rowid are all in it: no table row is read; the planner would pick the member index and the table)."""
    if conn.dialect.name != "sqlite":
        return _latest_live("e")
    return _latest_live("e").replace(
        "FROM enrollments u WHERE", "FROM enrollments u INDEXED BY uq_enrollments_member_plan_start WHERE"
    )


def _marks(conn: Connection) -> str:
    return "%s" if conn.dialect.name == "postgresql" else "?"


def _day(conn: Connection, day: dt.date) -> object:
    return day if conn.dialect.name == "postgresql" else day.isoformat()


def _where_now(conn: Connection, ids: set[int]) -> dict[int, tuple[int, str, str, object]]:
    """enrollment id -> (batch, unit text, 地州市, E) of these enrollments."""
    listed = sorted(ids)
    found: dict[int, tuple[int, str, str, object]] = {}
    for lo in range(0, len(listed), 900):
        part = listed[lo : lo + 900]
        sql = 'SELECT id, batch_id, unit, prefecture, "end" FROM enrollments WHERE id IN ({})'.format(
            ", ".join(str(int(i)) for i in part)
        )
        found.update(
            {int(r[0]): (int(r[1]), r[2] or "", r[3] or "", r[4]) for r in conn.exec_driver_sql(sql)}
        )
    return found


_FEMALE = {"男": False, "女": True}


def _period(
    number: str,
    name: str | None,
    plan: str,
    end: dt.date,
    shares: int,
    tier: str | None,
    where: UnitOf,
    birth: dt.date | None,
    gender: str | None,
    details: tuple[Any, ...] = ("", None, None, None),
    start: dt.date | None = None,
) -> LastPeriod:
    """A period read from the ledger, under the member's current unit `where`; `details`: the member's
    phone, 用工形式, 聘用期限 and 是否工会会员 as last recorded (the renewal roster)."""
    phone, employment, term, union = details
    return LastPeriod(number, name or "", plan, end, shares, tier, where.name, where.prefecture, birth,
                      _FEMALE.get(gender or ""), where.code, phone, employment, term, union, start)  # fmt: skip


def last_periods(
    conn: Connection, since: dt.date, before: dt.date, units: CurrentUnits | None = None
) -> Iterator[LastPeriod]:
    """Each member's last live period of each plan with since <= E <= before, under the member's current
    unit (its register code in `code`). The current unit is read from the period's own row unless the
    member has a later live enrollment (another plan): those few are read by id afterwards."""
    units = units or CurrentUnits(conn)
    day = Dates(conn.dialect.name == "postgresql")
    sql = _LAST.format(mark=_marks(conn), latest=_latest_sql(conn))
    rows = conn.exec_driver_sql(sql, (_day(conn, since), _day(conn, before))).fetchall()
    later = _where_now(conn, {r[12] for r in rows if r[12] != r[0]})
    of = units.of
    for key, number, name, plan, end, shares, tier, birth, gender, batch, unit, pref, latest in rows:
        if latest == key:
            where = of(number, batch, unit or "", pref or "", day[end])
        else:
            b, u, p, e = later[latest]
            where = of(number, b, u, p, day[e])
        yield _period(number, name, plan, day[end], shares, tier, where, day[birth], gender)


_ENDED = f"""
SELECT e.id_number, e.plan, e.prefecture, e."end",
       (SELECT min(f.start) FROM enrollments f WHERE f.id_number = e.id_number AND f.plan = e.plan
        AND f.start > e."end" AND {live_sql("f")}) AS next_start
FROM enrollments e
WHERE e."end" >= {{mark}} AND e."end" <= {{mark}} AND {live_sql("e")}
"""


def ended_periods(conn: Connection, lo: dt.date, hi: dt.date) -> Iterator[EndedPeriod]:
    """Every live period with lo <= E <= hi, with the start of the member's next live period of the plan."""
    sql = _ENDED.format(mark=_marks(conn))
    day = Dates(conn.dialect.name == "postgresql")
    for number, plan, prefecture, end, next_start in conn.exec_driver_sql(
        sql, (_day(conn, lo), _day(conn, hi))
    ):
        yield EndedPeriod(number, plan, prefecture or "", day[end], day[next_start])


# ---------------------------------------------------------------- one unit's members (renewal roster)

_MEMBER_LAST = f"""
SELECT e.id_number, e.name, e.plan, e."end", e.shares, e.tier, m.birth, m.gender,
       cur.batch_id, cur.unit, cur.prefecture, cur."end", e.start,
       (SELECT count(*) FROM claims c WHERE c.id_number = e.id_number AND c.plan = e.plan
        AND c.period_start = e.start AND c.payout_fen > 0
        AND (SELECT s.state FROM case_events s WHERE s.claim_id = c.id ORDER BY s.id DESC LIMIT 1)
            IN ('approved', 'paid')) AS claimed
FROM enrollments e JOIN members m ON m.id_number = e.id_number
JOIN enrollments cur ON cur.id = {_latest_live("e")}
WHERE e.id_number IN ({{marks}}) AND {live_sql("e")} AND {_no_following("e", "e.start")}
"""


def _candidates(conn: Connection, unit: str, wanted: list[UnitOf], units: CurrentUnits) -> list[str]:
    """IDs of members with a live enrollment recorded under the unit (its batches; its text when it is not
    registered) or moved to it by a correction: the current unit of each is checked afterwards."""
    mark = _marks(conn)
    found: set[str] = set()
    if wanted:
        keys = [k for k, i in units.batch_unit.items() if units.of_id(i) in wanted]
        sql = (
            f"SELECT DISTINCT e.id_number FROM enrollments e WHERE e.batch_id = {mark} AND e.unit = {mark} "
            f"AND e.prefecture = {mark} AND {live_sql('e')}"
        )
        for key in keys:
            found.update(r[0] for r in conn.exec_driver_sql(sql, key))
    else:
        sql = f"SELECT DISTINCT e.id_number FROM enrollments e WHERE e.unit = {mark} AND {live_sql('e')}"
        found.update(r[0] for r in conn.exec_driver_sql(sql, (unit,)))
    names = {unit, *(u.name for u in wanted)}
    found.update(
        n for n, fixes in units.moves.items() if any(f == "unit" and v in names for _, f, v in fixes)
    )
    return sorted(found)


def unit_last_periods(
    conn: Connection, unit: str
) -> tuple[list[LastPeriod], set[tuple[str, str]], list[UnitOf]]:
    """The last live period per plan of every member whose current unit is `unit` (code, name, alias or
    USCC), the (ID, plan) whose last period had a paid claim, and the registered units the text names."""
    from xjma.io.ledger.members import NO_DETAILS, member_details

    units = CurrentUnits(conn)
    wanted = units.units_named(unit)
    ids = _candidates(conn, unit, wanted, units)
    day = Dates(conn.dialect.name == "postgresql")
    periods: list[LastPeriod] = []
    claimed: set[tuple[str, str]] = set()
    details = member_details(conn, ids)
    for lo in range(0, len(ids), 900):
        part = ids[lo : lo + 900]
        sql = _MEMBER_LAST.format(marks=", ".join(_marks(conn) for _ in part))
        for row in conn.exec_driver_sql(sql, tuple(part)).fetchall():
            number, name, plan, end, shares, tier, birth, gender, batch, text, pref, cur_end, start, hits = (
                row
            )
            where = units.of(number, batch, text or "", pref or "", day[cur_end])
            if not (where in wanted or (not where.code and where.name == unit)):
                continue  # moved to another unit since
            recorded = details.get(number, NO_DETAILS)
            periods.append(
                _period(
                    number,
                    name,
                    plan,
                    day[end],
                    shares,
                    tier,
                    where,
                    day[birth],
                    gender,
                    recorded,
                    day[start],
                )
            )
            if hits:
                claimed.add((number, plan))
    return periods, claimed, wanted
