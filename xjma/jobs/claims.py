"""`xjma claim calc`: read the claims (file or options), find each enrollment (ledger first), compute in
event-date order with the recorded claims, optionally record, and write the settlement workbook.

With --record, reading the members' history, computing and recording are one transaction holding a
per-member lock (io/ledger/claims.lock_members): two runs for one member take turns, so two claims can
never both take the same room under a cap, nor one death be paid twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.claims.engine import Pending, compute_batch, period_key
from xjma.core.claims.explain import Invalid
from xjma.core.claims.model import Claim, ClaimError, ClaimResult, Entry, claim_key, entry_from_record
from xjma.core.claims.parse import EnrollmentHint, enrollment_from_hint, parse_claim
from xjma.core.diseases import Diseases
from xjma.core.model import Enrollment
from xjma.core.rules import Rules
from xjma.core.text import clean_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

Row = tuple[int | None, dict[str, object]]
Parsed = dict[int, tuple[Claim, EnrollmentHint]]
Errors = list[tuple[int, ClaimError]]
NO_ID_TO_RECORD = "没有身份证号码的理赔不能记入台账（请用 --id 给出身份证号码）"


@dataclass(frozen=True)
class ClaimsRun:
    """What `claim calc` computed: results and errors in file order, with what the command prints."""

    results: tuple[ClaimResult, ...]
    errors: tuple[ClaimError, ...]
    names: dict[int | None, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    report: Path | None = None
    recorded: int | None = None  # claims newly recorded (--record)

    @property
    def total(self) -> Decimal:
        return sum((r.payout for r in self.results), Decimal("0.00"))


@dataclass
class _Computed:
    results: list[ClaimResult]
    errors: Errors
    notes: list[str]
    pending: list[Pending] = field(default_factory=list)  # the Pending of each result, aligned
    hinted: set[int] = field(default_factory=set)  # orders whose enrollment the row described


def calc_claims(
    rows: Sequence[Row],
    rules: Rules,
    db: str | None,
    record: bool = False,
    output: Path | None = None,
    actor: Any = None,
    source: Path | None = None,
    today: dt.date | None = None,
) -> ClaimsRun:
    """Compute the claims; with `record`, record them in one transaction logged as `claim-approve` with
    its operator (`actor`, a core.actor.Actor) and the claims file (`source`) read, office.md §0."""
    from xjma.io.diseases import load_diseases

    parsed, errors = _parse(rows, rules, record)
    if record:
        computed, recorded = _compute_and_record(db, parsed, rules, load_diseases(), errors, (actor, source))
    else:
        computed, recorded = _compute_only(db, parsed, rules, load_diseases(), errors), None
    computed.errors.sort(key=lambda item: item[0])
    run = ClaimsRun(
        results=tuple(computed.results),
        errors=tuple(e for _, e in computed.errors),
        names={row: clean_text(values.get("name")) for row, values in rows},
        notes=tuple(computed.notes),
        report=output,
        recorded=recorded,
    )
    if output is not None:
        from xjma.io.settlement_xlsx import write_settlement

        labels = {e.code: e.label for group in rules.common.exclusions.values() for e in group}
        write_settlement(output, run.results, run.errors, run.names, today or dt.date.today(), labels)
    return run


def _compute_only(
    db: str | None, parsed: Parsed, rules: Rules, diseases: Diseases, errors: Errors
) -> _Computed:
    """Read-only: the ledger is read (a missing one reads as empty), never written."""
    from xjma.io.ledger import open_ledger

    with open_ledger(db, mode="read") as ledger:
        if not ledger.exists:
            return _compute(None, parsed, rules, diseases, errors)
        with ledger.connect() as conn:
            return _compute(conn, parsed, rules, diseases, errors)


def _compute_and_record(
    db: str | None, parsed: Parsed, rules: Rules, diseases: Diseases, errors: Errors, by: tuple[Any, Any]
) -> tuple[_Computed, int]:
    """One transaction: lock the members, read their history, compute, record the new claims as
    approved cases (office.md §5), log (when any was new)."""
    from xjma.core.actor import Actor
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.cases import NewEvent, append_events, record_cases
    from xjma.io.ledger.claims import lock_members

    actor = by[0] or Actor("未知", dt.datetime.now().replace(microsecond=0), "")
    with open_ledger(db, mode="write") as ledger, ledger.begin() as conn:
        lock_members(conn, {c.id_number for c, _ in parsed.values() if c.id_number})
        computed = _compute(conn, parsed, rules, diseases, errors)
        ids = record_cases(conn, new_cases(computed, parsed), actor.at, None)
        fresh = [(case, r) for (case, new), r in zip(ids, computed.results, strict=True) if new]
        if fresh:
            log_id = _log_recorded(conn, [r for _, r in fresh], len(fresh), actor, by[1])
            events = [NewEvent(case, "approved", "claim calc --record", payout=r.payout) for case, r in fresh]
            append_events(conn, events, actor, log_id)
        return computed, len(fresh)


def new_cases(computed: _Computed, parsed: Parsed, facts: Sequence[Any] | None = None) -> list[Any]:
    """The cases to record for the computed results: the enrollment's 地州市 and unit (or `facts`, one
    per result, from a claims file), and the enrollment the row described when the ledger had none."""
    from xjma.core.cases import CaseFacts
    from xjma.io.ledger.cases import NewCase

    out = []
    for i, (result, p) in enumerate(zip(computed.results, computed.pending, strict=True)):
        fact = facts[i] if facts is not None else CaseFacts()
        e = p.enrollment
        fact = replace(fact, prefecture=e.prefecture or fact.prefecture, unit=e.unit or fact.unit)
        hint = parsed[p.order][1] if p.order in computed.hinted else None
        out.append(NewCase(result, fact, hint_record(hint) if hint is not None else None))
    return out


def hint_record(hint: EnrollmentHint) -> dict[str, Any]:
    """The enrollment a claims row described, as JSON (kept with the case: an approval recomputes it)."""
    return {
        "start": hint.start.isoformat() if hint.start else None,
        "end": hint.end.isoformat() if hint.end else None,
        "shares": hint.shares,
        "renewal": hint.renewal,
        "renewed_shares": hint.renewed_shares,
    }


def hint_from_record(data: Any) -> EnrollmentHint:
    data = data if isinstance(data, dict) else {}

    def day(key: str) -> dt.date | None:
        return dt.date.fromisoformat(data[key]) if data.get(key) else None

    return EnrollmentHint(
        day("start"), day("end"), data.get("shares"), bool(data.get("renewal")), data.get("renewed_shares")
    )


def _log_recorded(
    conn: Connection, results: Sequence[Any], added: int, actor: Any, source: Path | None
) -> int:
    from xjma.core.money import fmt_money
    from xjma.io.ledger.log import LogEntry, file_digest, write_log

    total = sum((r.payout for r in results), Decimal("0.00"))
    entry = LogEntry(
        kind="claim-approve",
        summary=f"claim calc --record：记入理赔 {added} 笔（给付合计 {fmt_money(total)} 元），直接审批",
        file=source.name if source else None,
        sha256=file_digest(source) if source else None,
        refs={"recorded": added},
        members=sorted({r.claim.id_number for r in results if r.claim.id_number}),
    )
    return write_log(conn, actor, entry)


def _compute(
    conn: Connection | None, parsed: Parsed, rules: Rules, diseases: Diseases, errors: Errors
) -> _Computed:
    from xjma.io.ledger.history import read_enrollments_for

    numbers = {c.id_number for c, _ in parsed.values() if c.id_number}
    # A voided enrollment is there, covering nothing: a claim against it is outside-period (office.md §3).
    enrolled = (
        read_enrollments_for(conn, numbers, voided_as_empty=True) if conn is not None and numbers else {}
    )
    pending, notes = _pending(parsed, enrolled, rules, errors)
    notes += _duplicates(pending)
    recorded = _recorded(conn, pending) if conn is not None else {}
    results, failed = compute_batch(rules, pending, recorded, diseases)
    lost = {order for order, _ in failed}
    aligned = [p for p in sorted(pending, key=lambda p: p.order) if p.order not in lost]
    hinted = {
        p.order
        for p in pending
        if not any(e.plan == p.claim.plan for e in enrolled.get(p.claim.id_number or "", []))
    }
    return _Computed(results, [*errors, *failed], notes, aligned, hinted)


def _parse(rows: Sequence[Row], rules: Rules, record: bool) -> tuple[Parsed, Errors]:
    """Each row read; a claims-file row, or any claim to record, must carry an ID number."""
    parsed: Parsed = {}
    errors: Errors = []
    for order, (row, values) in enumerate(rows):
        try:
            claim, hint = parse_claim(values, row, rules)
            if not claim.id_number and row is not None:
                raise Invalid("没有填写身份证号码，请按身份证原件填写18位号码")
            if not claim.id_number and record:
                raise Invalid(NO_ID_TO_RECORD)
            parsed[order] = (claim, hint)
        except Invalid as exc:
            errors.append((order, ClaimError(row, exc.message)))
    return parsed, errors


def _pending(
    parsed: Parsed, enrolled: dict[str, list[Enrollment]], rules: Rules, errors: Errors
) -> tuple[list[Pending], list[str]]:
    pending: list[Pending] = []
    ignored: list[Claim] = []
    for order, (claim, hint) in parsed.items():
        recorded = [e for e in enrolled.get(claim.id_number or "", []) if e.plan == claim.plan]
        warnings: tuple[str, ...] = ()
        try:
            if recorded:
                enrollment = pick_enrollment(recorded, claim)
                if hint.start or hint.end or hint.shares or hint.renewal or hint.renewed_shares:
                    ignored.append(claim)
            else:
                enrollment, warnings = enrollment_from_hint(claim, hint, rules)
        except Invalid as exc:
            errors.append((order, ClaimError(claim.row, exc.message)))
            continue
        pending.append(Pending(order, claim, enrollment, warnings))
    return pending, [_ignored_note(ignored)] if ignored else []


def _ignored_note(ignored: list[Claim]) -> str:
    rows = [str(c.row) for c in ignored if c.row is not None]
    where = (
        f"第 {'、'.join(rows[:10])}{' 等' if len(rows) > 10 else ''} 行（共 {len(rows)} 行）"
        if rows
        else "该理赔"
    )
    return f"注意：{where}的会员在台账中有参保记录，已按台账计算，忽略填写的保障起始日、保障止期、份数和续保信息。"


def _duplicates(pending: list[Pending]) -> list[str]:
    """Rows that are the same claim (same claim_key): computed each, but recorded once."""
    seen: dict[str, Claim] = {}
    notes = []
    for p in pending:
        key = claim_key(p.claim)
        if key in seen and p.claim.row is not None:
            notes.append(
                f"注意：第 {p.claim.row} 行与第 {seen[key].row} 行是同一笔理赔（身份证号码、险种、给付项目、"
                "出险日期、事故编号和金额都相同），请核对是否重复填写；记入台账时只记一次。"
            )
        seen.setdefault(key, p.claim)
    return notes


def pick_enrollment(recorded: list[Enrollment], claim: Claim) -> Enrollment:
    """The recorded period that covers the claim's date, else the latest that started before it (the
    claim is then outside the period), else the first."""
    day = claim.cover_date
    covering = [e for e in recorded if e.covers(day)]
    if covering:
        return covering[-1]
    before = [e for e in recorded if e.start <= day]
    return before[-1] if before else recorded[0]


def _recorded(conn: Connection, pending: list[Pending]) -> dict[tuple[str, str, str], list[Entry]]:
    """Recorded claims of each member, plan and period of the batch, minus the batch's own claims (so
    that computing a file again after --record gives the same results)."""
    from xjma.io.ledger.claims import read_counted_claims

    own = {claim_key(p.claim) for p in pending}
    wanted = {period_key(p.enrollment) for p in pending if p.claim.id_number}
    out: dict[tuple[str, str, str], list[Entry]] = {}
    counted = read_counted_claims(conn, {k[0] for k in wanted})
    for id_number, items in counted.items():
        for item in items:
            plan = item["plan"]
            key = (id_number, plan, item["period_start"].isoformat())
            if key not in wanted or item["claim_key"] in own:
                continue
            entry = entry_from_record(item["inputs"], item["result"], item["payout"])
            if entry is not None:
                out.setdefault(key, []).append(entry)
    return out
