"""`xjma unit list|show|rename|alias|merge` (office.md §1): the register of member units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xjma.core.actor import Actor
from xjma.core.money import from_fen
from xjma.core.units import clean_name
from xjma.errors import XjmaError


@dataclass
class UnitReport:
    unit: Any  # io.ledger.unit_register.UnitState
    aliases: list[str] = field(default_factory=list)  # its own, and the names of units merged into it
    members: int = 0
    plans: dict[str, dict[str, int]] = field(default_factory=dict)
    periods: list[dict[str, Any]] = field(default_factory=list)
    fees_paid: Decimal = Decimal("0.00")
    claims_paid: Decimal = Decimal("0.00")


def one_unit(states: dict[int, Any], text: str) -> Any:
    """The unit a UNIT argument names; an unknown or ambiguous one is a bad argument (exit 2)."""
    from xjma.io.ledger.unit_register import find_unit

    found = find_unit(states, text)
    if not found:
        raise XjmaError(f"台账中没有单位“{text}”（可用单位代码、名称、别名或统一社会信用代码）")
    if len(found) > 1:
        codes = "、".join(s.code for s in found)
        raise XjmaError(f"有多个单位叫“{text}”（{codes}），请用单位代码指明")
    return found[0]


def unit_list(db: str | None, prefecture: str | None, today: dt.date) -> list[tuple[Any, int]]:
    """The units that stand on their own, by code, with their current members (an enrollment not voided
    and not ended by today; a member of a merged unit counts under the unit it went into)."""
    from xjma.io.ledger.unit_register import member_counts, read_units
    from xjma.jobs.ledger_access import reading
    from xjma.jobs.prefecture_option import prefecture_option

    prefecture = prefecture_option(prefecture) if prefecture is not None else None
    with reading(db) as ledger, ledger.connect() as conn:
        states = read_units(conn)
        groups = {s.id: _with_merged(states, s.id) for s in states.values() if s.merged_from}
        totals = member_counts(conn, today, groups)
    shown = [s for s in states.values() if s.merged_into is None]
    if prefecture is not None:
        shown = [s for s in shown if s.prefecture == prefecture]
    return [(s, totals.get(s.id, 0)) for s in sorted(shown, key=lambda s: s.code)]


def unit_show(db: str | None, text: str, as_of: dt.date) -> UnitReport:
    from xjma.io.ledger.unit_register import read_units_named, unit_enrollments
    from xjma.jobs.ledger_access import reading

    with reading(db) as ledger, ledger.connect() as conn:
        states = read_units_named(conn, text)  # the units the text may name, with those merged into them
        unit = one_unit(states, text)
        group = _with_merged(states, unit.id)
        names = [n for i in group for n in (states[i].name, *states[i].aliases)]
        rows = unit_enrollments(conn, group)
        claims = _claims_paid(conn, [r for r in rows if not r.voided])
        covering = _after_corrections(conn, rows, set(names), as_of)
    report = _report(unit, rows, claims, as_of, covering)
    report.aliases = [n for n in dict.fromkeys(names) if n != unit.name]
    return report


def _with_merged(states: dict[int, Any], unit_id: int) -> list[int]:
    """The unit and every unit merged into it, directly or not."""
    found, todo = [], [unit_id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += [i for i in states[current].merged_from if i not in found]
    return found


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class Cover:
    """An enrollment as coverage counts it."""

    id: int
    id_number: str
    plan: str
    start: dt.date
    end: dt.date
    shares: int


def _after_corrections(conn: Any, rows: list[Any], names: set[str], as_of: dt.date) -> list[Cover]:
    """The unit's live enrollments as its members are now: a member whose unit was corrected by `as_of`
    moves with the enrollments the correction moves (office.md §3; io.ledger.unit_moves.correction_moves),
    out of or into it."""
    from xjma.io.ledger.unit_moves import corrected_unit, recorded_times, unit_moves
    from xjma.io.ledger.unit_register import live_enrollments

    def cover(r: Any) -> Cover:
        return Cover(int(r.id), r.id_number, r.plan, _day(r.start), _day(r.end), int(r.shares))

    mine = [cover(r) for r in rows if not r.voided]
    fixes = {
        n: [f for f in found if f[1] == "unit" and f[0].date() <= as_of]
        for n, found in unit_moves(conn).items()
    }
    moved = {n: found for n, found in fixes.items() if found}
    if not moved:
        return mine
    seen = {c.id for c in mine}
    joining = [
        c
        for n, found in moved.items()
        if any(after in names for _, _, after in found)
        for c in map(cover, live_enrollments(conn, n))
        if c.id not in seen
    ]
    recorded = recorded_times(conn, [c.id for c in (*mine, *joining) if c.id_number in moved])

    def here(c: Cover, default: bool) -> bool:
        unit = corrected_unit(moved.get(c.id_number, []), recorded.get(c.id), c.end, None, None)[0]
        return default if unit is None else unit in names

    return [c for c in mine if here(c, True)] + [c for c in joining if here(c, False)]


def _report(unit: Any, rows: list[Any], claims: Decimal, as_of: dt.date, covering: list[Cover]) -> UnitReport:
    """Members covered on `as_of` (per plan, from `covering`: the enrollments as members are now), periods,
    fees paid net of refunds and claims paid (from `rows`: fees stay with the unit that paid them)."""
    report = UnitReport(unit, claims_paid=claims)
    covered: dict[str, set[str]] = {}
    shares: dict[str, int] = {}
    periods: dict[tuple[dt.date, dt.date], tuple[set[str], int]] = {}
    paid = 0
    for r in rows:
        start, end = _day(r.start), _day(r.end)
        paid += int(r.fee_fen) - int(r.refund_fen)
        if r.voided:
            continue
        people, fee = periods.get((start, end), (set(), 0))
        people.add(r.id_number)
        periods[(start, end)] = (people, fee + int(r.fee_fen))
    for c in covering:
        if c.start <= as_of <= c.end:
            covered.setdefault(c.plan, set()).add(c.id_number)
            shares[c.plan] = shares.get(c.plan, 0) + c.shares
    report.members = len(set().union(*covered.values())) if covered else 0
    report.plans = {p: {"members": len(ids), "shares": shares[p]} for p, ids in covered.items()}
    report.fees_paid = from_fen(paid)
    report.periods = [
        {"start": s, "end": e, "members": len(people), "fee": from_fen(fee)}
        for (s, e), (people, fee) in sorted(periods.items())
    ]
    return report


def _claims_paid(conn: Any, rows: list[Any]) -> Decimal:
    """What the claims that count (cases approved or paid) against these enrollments paid."""
    from xjma.io.ledger.claims import read_counted_claims

    keys = {(r.id_number, r.plan, _day(r.start)) for r in rows}
    counted = read_counted_claims(conn, {k[0] for k in keys})
    return sum(
        (c["payout"] for items in counted.values() for c in items
         if (c["id_number"], c["plan"], _day(c["period_start"])) in keys),
        Decimal("0.00"),
    )  # fmt: skip


# ---------------------------------------------------------------- changes to the register


def unit_rename(db: str | None, text: str, new_name: str, reason: str, actor: Actor) -> Any:
    name = clean_name(new_name)
    if not name:
        raise XjmaError("新名称不能为空")
    _need_reason(reason, "改名")

    def change(conn: Any, states: dict[int, Any]) -> tuple[Any, str, dict[str, Any]]:
        unit = one_unit(states, text)
        if name == unit.name:
            raise XjmaError(f"单位 {unit.code} 已经叫“{name}”")
        _name_free(states, unit, name)
        return (
            unit,
            f"单位 {unit.code} 改名：{unit.name} → {name}",
            {"unit": unit.code, "before": unit.name, "after": name},
        )

    return _write(db, actor, "unit-rename", "rename", change, value=name, reason=reason)


def unit_alias(db: str | None, text: str, alias: str, actor: Actor) -> Any:
    name = clean_name(alias)
    if not name:
        raise XjmaError("别名不能为空")

    def change(conn: Any, states: dict[int, Any]) -> tuple[Any, str, dict[str, Any]]:
        unit = one_unit(states, text)
        if name == unit.name or name in unit.aliases:
            raise XjmaError(f"“{name}”已是单位 {unit.code} 的名称或别名")
        _name_free(states, unit, name)
        return unit, f"单位 {unit.code}（{unit.name}）登记别名：{name}", {"unit": unit.code, "alias": name}

    return _write(db, actor, "unit-alias", "alias", change, value=name)


def unit_merge(db: str | None, source: str, into: str, reason: str, actor: Actor) -> tuple[Any, Any]:
    """FROM merged into INTO; returns both as they are after (io.ledger.unit_register.UnitState)."""
    _need_reason(reason, "合并")
    holder: dict[str, Any] = {}

    def change(conn: Any, states: dict[int, Any]) -> tuple[Any, str, dict[str, Any]]:
        a, b = one_unit(states, source), one_unit(states, into)
        _may_merge(states, a, b)
        holder["into"] = b
        return a, f"单位 {a.code}（{a.name}）并入 {b.code}（{b.name}）", {"unit": a.code, "into": b.code}

    after = _write(db, actor, "unit-merge", "merge", change, reason=reason, into=holder)
    return after, holder["into"]


def _may_merge(states: dict[int, Any], source: Any, into: Any) -> None:
    """A merge joins two units that both stand on their own (office.md §1): a unit already merged is not
    merged again (its history shows under the unit it went into), nor is one merged into a merged unit
    (refused, naming the unit to merge into instead), so no merge is made twice and no cycle forms."""
    from xjma.io.ledger.unit_register import final_unit

    if source.id == into.id:
        raise XjmaError("不能把单位合并到它自己")
    if source.merged_into is not None:
        went = states[final_unit(states, source.id)]
        raise XjmaError(f"单位 {source.code}（{source.name}）已并入 {went.code}（{went.name}），不能再次合并")
    if into.merged_into is not None:
        went = states[final_unit(states, into.id)]
        raise XjmaError(
            f"单位 {into.code}（{into.name}）已并入 {went.code}（{went.name}），请并入 {went.code}"
        )


def _need_reason(reason: str | None, what: str) -> None:
    if not (reason or "").strip():
        raise XjmaError(f"单位{what}必须用 --reason 写明原因")


def _name_free(states: dict[int, Any], unit: Any, name: str) -> None:
    for other in states.values():
        same_place = other.id != unit.id and other.merged_into is None and other.prefecture == unit.prefecture
        if same_place and (name == other.name or name in other.aliases):
            raise XjmaError(f"“{name}”已是本地州市单位 {other.code}（{other.name}）的名称或别名")


def _write(
    db: str | None,
    actor: Actor,
    kind: str,
    event: str,
    change: Any,
    *,
    value: str | None = None,
    reason: str | None = None,
    into: dict[str, Any] | None = None,
) -> Any:
    """One register change in one transaction with its log entry; returns the unit as it is after."""
    from xjma.io.ledger.changes import take_turns
    from xjma.io.ledger.log import LogEntry, write_log
    from xjma.io.ledger.unit_register import add_event, read_units
    from xjma.jobs.ledger_access import writing

    with writing(db) as ledger, ledger.begin() as conn:
        take_turns(conn, "xjma-unit-register")
        unit, summary, refs = change(conn, read_units(conn))
        target = (into or {}).get("into")
        codes = [unit.code] + ([target.code] if target is not None else [])
        entry = LogEntry(
            kind=kind, summary=summary, reason=(reason or "").strip() or None, refs=refs, units=codes
        )
        log_id = write_log(conn, actor, entry)
        add_event(conn, unit.id, event, actor.at, log_id, value=value, into_id=target.id if target else None)
        return read_units(conn)[unit.id]
