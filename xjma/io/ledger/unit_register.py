"""The unit register in the ledger (office.md §1): reading it for matching, registering a batch's units,
renames, aliases and merges (each an event row), and the figures of `unit show`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from xjma.core.units import (
    RegisteredUnit,
    UnitIndex,
    UnitMatch,
    UnitResolution,
    clean_name,
    compact_uscc,
    next_sequence,
    unit_code,
)
from xjma.io.ledger.history_tables import batch_units, unit_events, units


@dataclass(frozen=True)
class UnitState:
    """A registered unit as its events leave it."""

    id: int
    code: str
    name: str
    prefecture: str
    uscc: str | None
    aliases: tuple[str, ...]
    merged_into: int | None  # the unit id it was merged into, None while it stands on its own
    merged_from: tuple[int, ...] = ()


def read_units(conn: Connection, prefecture: str | None = None) -> dict[int, UnitState]:
    """Every unit (of the prefecture) with its current name, aliases (former names too), merge target."""
    query = select(units)
    if prefecture is not None:
        query = query.where(units.c.prefecture == prefecture)
    return _states(conn.execute(query.order_by(units.c.id)), _events(conn))


def read_units_named(conn: Connection, text: str) -> dict[int, UnitState]:
    """The units a UNIT argument may name (its code, USCC, a name or an alias: `find_unit` decides among
    them) and every unit merged into those, directly or not: each as `read_units` gives it, by id."""
    events = _events(conn)
    text = clean_name(text)
    named = {e.unit_id for e in events if e.kind in ("rename", "alias") and e.value == text}
    wanted = (
        (units.c.code == text)
        | (units.c.uscc == compact_uscc(text))
        | (units.c.name == text)
        | units.c.id.in_(sorted(named))
    )
    ids = set(conn.execute(select(units.c.id).where(wanted)).scalars())
    into = {e.unit_id: e.into_id for e in events if e.kind == "merge"}  # the last merge of each unit
    merged = {s for s, t in into.items() if t in ids} - ids
    while merged:
        ids |= merged
        merged = {s for s, t in into.items() if t in ids} - ids
    query = select(units).where(units.c.id.in_(sorted(ids))).order_by(units.c.id)
    return _states(conn.execute(query), events)


def _events(conn: Connection) -> list[Any]:
    """The register's events (renames, aliases, merges: a few, one per change the office made), in order."""
    return list(conn.execute(select(unit_events).order_by(unit_events.c.id)).all())


def _states(found: Iterable[Any], events: list[Any]) -> dict[int, UnitState]:
    """The units of these rows as their events leave them; a merge into one counts only when the merged
    unit is among the rows."""
    rows = {r.id: r for r in found}
    names = {i: r.name for i, r in rows.items()}
    aliases: dict[int, list[str]] = {i: [] for i in rows}
    into: dict[int, int] = {}
    for e in events:
        if e.unit_id not in rows:
            continue
        if e.kind == "rename":
            aliases[e.unit_id].append(names[e.unit_id])
            names[e.unit_id] = e.value
        elif e.kind == "alias":
            aliases[e.unit_id].append(e.value)
        elif e.kind == "merge":
            into[e.unit_id] = e.into_id
    merged_from: dict[int, list[int]] = {}
    for source, target in into.items():
        merged_from.setdefault(target, []).append(source)
    return {
        i: UnitState(
            i,
            r.code,
            names[i],
            r.prefecture,
            r.uscc,
            tuple(dict.fromkeys(a for a in aliases[i] if a != names[i])),
            into.get(i),
            tuple(sorted(merged_from.get(i, ()))),
        )
        for i, r in rows.items()
    }


def final_unit(states: dict[int, UnitState], unit_id: int) -> int:
    """Follow merges to the unit that stands on its own."""
    seen = set()
    while states[unit_id].merged_into is not None and unit_id not in seen:
        seen.add(unit_id)
        unit_id = int(states[unit_id].merged_into)  # type: ignore[arg-type]
    return unit_id


def unit_index(states: dict[int, UnitState]) -> UnitIndex:
    """The register as matching sees it: a merged unit's names count as aliases of the unit it is in."""
    extra: dict[int, list[str]] = {}
    for s in states.values():
        if s.merged_into is not None:
            extra.setdefault(final_unit(states, s.id), []).extend((s.name, *s.aliases))
    return UnitIndex(
        RegisteredUnit(s.id, s.code, s.name, s.prefecture, s.uscc, (*s.aliases, *extra.get(s.id, ())))
        for s in states.values()
        if s.merged_into is None
    )


def _lock_register(conn: Connection) -> None:
    """Registering writers take turns (PostgreSQL; SQLite writers always do), so one new unit is not
    registered twice under two codes by two enrolls at once."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('xjma-unit-register'))")


@dataclass(frozen=True)
class RosterUnit:
    name: str
    prefecture: str
    uscc: str | None = None


def register_batch_units(
    conn: Connection, batch_id: int, wanted: Sequence[RosterUnit], now: dt.datetime
) -> dict[tuple[str, str], tuple[str, UnitMatch]]:
    """Match each (unit, prefecture) of a batch to the register, registering the new ones, and record
    which unit each is for the batch. Returns (name, prefecture) -> (unit code, how it matched)."""
    _lock_register(conn)
    if not any(u.name for u in wanted):
        return {}

    def register(u: RosterUnit) -> RegisteredUnit:
        new = _state(conn, _insert_unit(conn, u, now))
        return RegisteredUnit(new.id, new.code, new.name, new.prefecture, new.uscc)

    found: dict[tuple[str, str], tuple[str, UnitMatch]] = {}
    for u, match, unit in _match_batch(read_units(conn), wanted, register):
        conn.execute(
            batch_units.insert().values(
                batch_id=batch_id, unit=u.name, prefecture=u.prefecture, unit_id=unit.id
            )
        )
        found[(u.name, u.prefecture)] = (unit.code, match)
    return found


def match_batch_units(
    conn: Connection, wanted: Sequence[RosterUnit]
) -> dict[tuple[str, str], tuple[str, UnitMatch]]:
    """What register_batch_units would find, read only (a dry run): a new unit gets the code it would."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table("units"):
        return {}  # a ledger of before the register (read as it is: never migrated here)
    states = read_units(conn)
    codes = [s.code for s in states.values()]

    def would_register(u: RosterUnit) -> RegisteredUnit:
        codes.append(unit_code(u.prefecture, next_sequence(codes, u.prefecture)))
        uscc = compact_uscc(u.uscc) if u.uscc else None
        return RegisteredUnit(-len(codes), codes[-1], clean_name(u.name), u.prefecture, uscc)

    found = _match_batch(states, wanted, would_register)
    return {(u.name, u.prefecture): (unit.code, match) for u, match, unit in found}


def _match_batch(
    states: dict[int, UnitState],
    wanted: Sequence[RosterUnit],
    register: Callable[[RosterUnit], RegisteredUnit],
) -> list[tuple[RosterUnit, UnitMatch, RegisteredUnit]]:
    """Each unit of a batch matched in turn (UnitIndex.match); a new one is registered by `register` and
    seen by the batch's later units."""
    index = unit_index(states)
    found = []
    for u in dict.fromkeys(wanted):
        if not u.name:
            continue
        match = index.match(u.name, u.prefecture, u.uscc)
        unit = match.unit
        if unit is None:
            unit = register(u)
            index.add(unit)
        found.append((u, match, unit))
    return found


def resolve_units(
    conn: Connection, rows: Mapping[RosterUnit, Sequence[int]], recorded: Iterable[tuple[str, str]]
) -> UnitResolution:
    """The registered unit of each roster row (`rows`: each unit with its rows; matched as enroll matches,
    UnitIndex.match) and of each recorded (unit text, 地州市) through its batches; merges followed on both
    sides. Read only."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table("batch_units"):
        return UnitResolution()  # a ledger of before the register (read as it is: never migrated here)
    states = read_units(conn)
    if not states:
        return UnitResolution()
    index = unit_index(states)
    mine: dict[int, int] = {}
    for u, numbers in rows.items():
        found = index.match(u.name, u.prefecture, u.uscc).unit
        if found is not None:
            mine.update(dict.fromkeys(numbers, found.id))
    wanted = set(recorded)
    theirs: dict[tuple[str, str], set[int]] = {}
    query = select(batch_units.c.unit, batch_units.c.prefecture, batch_units.c.unit_id).distinct()
    for unit, prefecture, unit_id in conn.execute(query):
        if (unit, prefecture) in wanted and int(unit_id) in states:
            theirs.setdefault((unit, prefecture), set()).add(final_unit(states, int(unit_id)))
    return UnitResolution(mine, {k: frozenset(v) for k, v in theirs.items()})


def _state(conn: Connection, unit_id: int) -> UnitState:
    r = conn.execute(select(units).where(units.c.id == unit_id)).one()
    return UnitState(r.id, r.code, r.name, r.prefecture, r.uscc, (), None)


def _insert_unit(conn: Connection, u: RosterUnit, now: dt.datetime) -> int:
    prefix = unit_code(u.prefecture, 0)[:5]
    last = conn.execute(select(func.max(units.c.code)).where(units.c.code.like(prefix + "%"))).scalar()
    sequence = int(str(last)[5:]) + 1 if last else 1
    key = conn.execute(
        units.insert().values(
            code=unit_code(u.prefecture, sequence),
            name=clean_name(u.name),
            prefecture=u.prefecture,
            uscc=compact_uscc(u.uscc) if u.uscc else None,
            created_at=now,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def find_unit(states: dict[int, UnitState], text: str) -> list[UnitState]:
    """The units a UNIT argument names: by code, USCC, current name or alias (several when a name is used
    in more than one prefecture)."""
    text = clean_name(text)
    by_code = [s for s in states.values() if s.code == text or (s.uscc and s.uscc == compact_uscc(text))]
    if by_code:
        return by_code
    return [s for s in states.values() if s.merged_into is None and text in (s.name, *s.aliases)]


def add_event(
    conn: Connection,
    unit_id: int,
    kind: str,
    now: dt.datetime,
    log_id: int,
    value: str | None = None,
    into_id: int | None = None,
) -> None:
    conn.execute(
        unit_events.insert().values(
            unit_id=unit_id, kind=kind, value=value, into_id=into_id, at=now, log_id=log_id
        )
    )


def unit_batches(conn: Connection, unit_ids: Iterable[int]) -> list[tuple[int, str, str]]:
    """(batch id, unit text, prefecture) of the batches that enrolled members of these units."""
    query = select(batch_units.c.batch_id, batch_units.c.unit, batch_units.c.prefecture).where(
        batch_units.c.unit_id.in_(list(unit_ids))
    )
    return [(int(r[0]), r[1], r[2]) for r in conn.execute(query)]


_CURRENT = (
    "SELECT {group}count(DISTINCT e.id_number) FROM batch_units bu JOIN enrollments e "
    "ON e.batch_id = bu.batch_id AND e.unit = bu.unit AND e.prefecture = bu.prefecture "
    'WHERE e."end" >= :day AND e.voided_by IS NULL'
    "{only}"
)


def member_counts(conn: Connection, day: dt.date, groups: dict[int, list[int]]) -> dict[int, int]:
    """unit id -> distinct members holding an enrollment (not voided) that has not ended by `day`;
    `groups`: a unit with the units merged into it, counted together (a member of both counts once)."""
    from sqlalchemy import text

    when = {"day": day.isoformat() if conn.dialect.name == "sqlite" else day}
    rows = conn.execute(text(_CURRENT.format(group="bu.unit_id, ", only=" GROUP BY bu.unit_id")), when).all()
    counts = {int(u): int(n) for u, n in rows}
    for unit_id, members in groups.items():
        listed = ", ".join(str(int(i)) for i in members)
        only = f" AND bu.unit_id IN ({listed})"
        counts[unit_id] = int(conn.execute(text(_CURRENT.format(group="", only=only)), when).scalar() or 0)
    return counts


def unit_enrollments(conn: Connection, unit_ids: Iterable[int]) -> list[Any]:
    """The enrollments of these units (through their batches), each with its voided flag."""
    ids = ", ".join(str(int(i)) for i in unit_ids) or "NULL"
    return list(
        conn.exec_driver_sql(
            'SELECT e.id, e.id_number, e.plan, e.start, e."end", e.shares, e.fee_fen, '
            "v.enrollment_id IS NOT NULL AS voided, coalesce(v.fee_fen, 0) AS refund_fen "
            "FROM batch_units bu JOIN enrollments e ON e.batch_id = bu.batch_id AND e.unit = bu.unit "
            "AND e.prefecture = bu.prefecture LEFT JOIN voided_enrollments v ON v.enrollment_id = e.id "
            f"WHERE bu.unit_id IN ({ids})"
        ).all()
    )


def live_enrollments(conn: Connection, id_number: str) -> list[Any]:
    """A member's enrollments that are not voided (id, id_number, plan, start, end, shares)."""
    from xjma.io.ledger.schema import enrollments

    e = enrollments.c
    query = select(e.id, e.id_number, e.plan, e.start, e.end, e.shares).where(
        e.id_number == id_number, e.voided_by.is_(None)
    )
    return list(conn.execute(query).all())
