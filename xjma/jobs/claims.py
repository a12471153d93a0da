"""`xjma claim calc`: read the claims (file or options), find each enrollment (ledger first), compute in
event-date order with the recorded claims, optionally record, and write the settlement workbook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.claims.engine import Pending, compute_batch, period_key
from xjma.core.claims.explain import Invalid
from xjma.core.claims.model import (
    Claim,
    ClaimError,
    ClaimResult,
    Entry,
    claim_from_inputs,
    claim_key,
    result_document,
    result_from_document,
)
from xjma.core.claims.parse import EnrollmentHint, enrollment_from_hint, parse_claim, text
from xjma.core.model import Enrollment
from xjma.core.money import fmt_money, to_money
from xjma.core.rules import Rules

Row = tuple[int | None, dict[str, object]]


@dataclass
class CalcRun:
    """What the command renders: the JSON document, and what goes to stderr or the table."""

    doc: dict[str, Any]
    results: list[ClaimResult] = field(default_factory=list)
    names: dict[int | None, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    report: Path | None = None
    recorded: int | None = None


def calc_claims(
    rows: Sequence[Row], rules: Rules, db: str | None, record: bool = False, output: Path | None = None
) -> CalcRun:
    from xjma.io.diseases import load_diseases
    from xjma.io.ledger import open_ledger

    parsed, errors = _parse(rows, rules)
    ledger = open_ledger(db, create=False)
    try:
        # A voided enrollment is there, covering nothing: a claim against it is outside-period.
        ids = {c.id_number for c, _ in parsed.values() if c.id_number}
        enrolled = ledger.enrollments_for(ids, voided_as_empty=True)
        pending, notes = _pending(parsed, enrolled, rules, errors)
        notes += _duplicates(pending)
        recorded = _recorded(ledger, pending)
    finally:
        ledger.close()
    results, failed = compute_batch(rules, pending, recorded, load_diseases())
    errors.extend(failed)
    errors.sort(key=lambda item: item[0])
    run = CalcRun(
        doc=_document(results, [e for _, e in errors]),
        results=results,
        notes=notes,
        names={row: text(values.get("name")) for row, values in rows},
    )
    if record:
        run.recorded = _record(db, results)
        if any(not r.claim.id_number for r in results):
            run.notes.append("没有身份证号码的理赔不能记入台账（请用 --id 给出身份证号码）。")
    if output is not None:
        from xjma.io.claims_xlsx import write_settlement

        write_settlement(output, run.doc, run.names)
        run.report = output
    return run


def _parse(
    rows: Sequence[Row], rules: Rules
) -> tuple[dict[int, tuple[Claim, EnrollmentHint]], list[tuple[int, ClaimError]]]:
    parsed: dict[int, tuple[Claim, EnrollmentHint]] = {}
    errors: list[tuple[int, ClaimError]] = []
    for order, (row, values) in enumerate(rows):
        try:
            parsed[order] = parse_claim(values, row, rules)
            if row is not None and not parsed[order][0].id_number:
                del parsed[order]
                raise Invalid("缺少身份证号码")
        except Invalid as exc:
            errors.append((order, ClaimError(row, exc.message)))
    return parsed, errors


def _pending(
    parsed: dict[int, tuple[Claim, EnrollmentHint]],
    enrolled: dict[str, list[Enrollment]],
    rules: Rules,
    errors: list[tuple[int, ClaimError]],
) -> tuple[list[Pending], list[str]]:
    pending: list[Pending] = []
    ignored: list[Claim] = []
    for order, (claim, hint) in parsed.items():
        recorded = [e for e in enrolled.get(claim.id_number or "", []) if e.plan == claim.plan]
        try:
            if recorded:
                enrollment = pick_enrollment(recorded, claim)
                if hint.start or hint.end or hint.shares or hint.renewal or hint.renewed_shares:
                    ignored.append(claim)
            else:
                enrollment = enrollment_from_hint(claim, hint, rules)
        except Invalid as exc:
            errors.append((order, ClaimError(claim.row, exc.message)))
            continue
        pending.append(Pending(order, claim, enrollment))
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


def _recorded(ledger: Any, pending: list[Pending]) -> dict[tuple[str, str, str], list[Entry]]:
    """Recorded claims of each member, plan and period of the batch, minus the batch's own claims (so
    that computing a file again after --record gives the same results)."""
    from xjma.io.ledger.claims import read_claims

    own = {claim_key(p.claim) for p in pending}
    wanted = {period_key(p.enrollment) for p in pending if p.claim.id_number}
    out: dict[tuple[str, str, str], list[Entry]] = {}
    for id_number, plan in {(k[0], k[1]) for k in wanted}:
        for item in read_claims(ledger, id_number, plan):
            key = (id_number, plan, item["period_start"].isoformat())
            if key not in wanted or item["claim_key"] in own or not item["inputs"]:
                continue
            claim = claim_from_inputs(item["inputs"])
            result = result_from_document(claim, {**item["result"], "payout": str(item["payout"])})
            out.setdefault(key, []).append((claim, result))
    return out


def _record(db: str | None, results: list[ClaimResult]) -> int:
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.claims import record_claims

    with open_ledger(db, create=True) as ledger:
        return record_claims(ledger, [r for r in results if r.claim.id_number])


def _document(results: list[ClaimResult], errors: list[ClaimError]) -> dict[str, Any]:
    claims = []
    for result in results:
        doc = result_document(result)
        doc.pop("effects")
        doc.pop("period_start")
        claims.append(doc)
    total = sum((to_money(c["payout"]) for c in claims), Decimal(0))
    return {
        "claims": claims,
        "total": fmt_money(total),
        "errors": [{"row": e.row, "message": e.message} for e in errors],
    }
