"""`xjma member show`: a member's enrollments, claims paid, and what each plan can still pay (cli.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.model import Enrollment
from xjma.core.rules import PLAN_CODES, Rules
from xjma.errors import XjmaError
from xjma.jobs.member_history import VoidInfo

_PLAN_ORDER = {code: i for i, code in enumerate(PLAN_CODES)}


@dataclass(frozen=True)
class MemberEnrollment:
    enrollment: Enrollment  # its unit as corrected (a unit correction moves the current enrollments)
    observation_end: dt.date | None
    voided: VoidInfo | None = None


@dataclass(frozen=True)
class PaidClaim:
    plan: str
    benefit: str
    event_date: dt.date
    payout: Decimal


@dataclass
class MemberReport:
    """What the ledger knows of one member: enrollments (by start, then plan order), recorded claims, and
    per plan of the current period what each benefit can still pay. `found` False: nothing recorded."""

    id_number: str
    name: str = ""
    enrollments: list[MemberEnrollment] = field(default_factory=list)
    claims: list[PaidClaim] = field(default_factory=list)
    remaining: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    history: list[Any] = field(default_factory=list)  # io.ledger.changes.FieldChange, oldest first
    found: bool = False
    notes: list[str] = field(default_factory=list)


def normalise_id(raw: str) -> str:
    """The ID as stored in the ledger; an impossible shape is a bad option (exit 2)."""
    from xjma.core.idnumber import compact

    number = compact(raw)
    if (
        len(number) != 18
        or not number[:17].isascii()
        or not number[:17].isdigit()
        or number[17] not in "0123456789X"
    ):
        raise XjmaError("身份证号码应为 18 位（17 位数字加 1 位数字或 X）")
    return number


def member_show(raw_id: str, *, db: str | None, rules_path: Path | None, today: dt.date) -> MemberReport:
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.members import read_claims_paid, read_member, read_member_enrollments
    from xjma.io.rules_file import load_rules
    from xjma.jobs.member_history import member_changes_of

    number = normalise_id(raw_id)
    with open_ledger(db, mode="read") as ledger:
        if not ledger.exists:
            return MemberReport(number)
        with ledger.connect() as conn:
            person = read_member(conn, number)
            rows = read_member_enrollments(conn, number)
            paid = read_claims_paid(conn, number)
            changed = member_changes_of(conn, number)
        if not rows and not paid:
            from xjma.jobs.access import not_permitted_sentence

            refused = not_permitted_sentence(number, ledger)  # office.md §9: the database showed nothing
            if refused:
                raise XjmaError(refused)
    if not rows and not paid:
        return MemberReport(number)
    # Claims recorded with --start (the enrollment not in the ledger) still belong to the member.
    name = person.name if person and person.name else (rows[-1][0].name if rows else "")
    rows.sort(key=lambda t: (t[0].start, _PLAN_ORDER.get(t[0].plan, 99)))
    # A unit correction moves the current enrollments: a voided one keeps the unit it was recorded under.
    shown = [
        MemberEnrollment(e if by is not None else changed.as_corrected(e, at), obs, changed.void_of(by))
        for e, obs, by, at in rows
    ]
    report = MemberReport(number, name, shown, found=True, history=changed.history)
    report.claims = [PaidClaim(c["plan"], c["benefit"], c["event_date"], c["payout"]) for c in paid]
    live = [e for e, _, by, _ in rows if by is None]  # what remains counts only enrollments not voided
    report.remaining = _remaining(live, paid, load_rules(rules_path), today, report.notes)
    return report


def current_period(enrollments: list[Enrollment], plan: str, today: dt.date) -> Enrollment | None:
    """The member's period in `plan`: the one covering today, else the latest that has started, else the
    earliest to come."""
    mine = sorted((e for e in enrollments if e.plan == plan), key=lambda e: e.start)
    covering = [e for e in mine if e.covers(today)]
    started = [e for e in mine if e.start <= today]
    if covering:
        return covering[-1]
    return started[-1] if started else (mine[0] if mine else None)


def _remaining(
    enrollments: list[Enrollment], paid: list[dict[str, Any]], rules: Rules, today: dt.date, notes: list[str]
) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for plan_code in dict.fromkeys(e.plan for e in enrollments):
        period = current_period(enrollments, plan_code, today)
        found = rules.plan_on(plan_code, period.start) if period else None
        if period is None or found is None:
            continue
        claims = [c for c in paid if c["plan"] == plan_code and c["period_start"] == period.start]
        left = _compute(period, found[1], rules, claims, notes)
        out[plan_code] = left
    return out


def _compute(
    period: Enrollment, plan: Any, rules: Rules, claims: list[dict[str, Any]], notes: list[str]
) -> dict[str, Decimal]:
    try:
        from xjma.core.claims.remaining import compute_remaining
    except ImportError:
        note = "理赔模块不可用：剩余额度按每份最高额 × 份数 − 已付粗略计算"
        if note not in notes:
            notes.append(note)
        return _simple_remaining(period, plan, claims)
    return compute_remaining(period, plan, rules, claims)


def _simple_remaining(period: Enrollment, plan: Any, claims: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Fallback: per-share maximum × shares − what was paid per benefit, never below 0."""
    from xjma.jobs.plans import benefit_maximum

    out = {}
    for name, terms in plan.benefits.items():
        spent = sum((c["payout"] for c in claims if c["benefit"] == name), Decimal("0.00"))
        out[name] = max(Decimal("0.00"), benefit_maximum(terms) * period.shares - spent)
    return out
