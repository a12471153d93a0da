"""Claim inputs, results and their JSON forms (cli.md `claim calc`; rules.md §2–§8).

A result carries `effects`: what this claim changed in the member's period (major paid, per-lot amounts
and ends, deductible used, a stay counted, a death paid). Later claims fold the effects of earlier ones,
so a claim stored in the ledger (inputs + result JSON) plays the same part as an earlier row of a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from xjma.core.money import fmt_money, to_money

MONEY_INPUTS = ("expense", "pooled_self_pay", "pooled_fund_paid", "major_self_pay")


@dataclass(frozen=True)
class Claim:
    """One claim line as the clerk enters it; enums already in code form (care: outpatient|inpatient …)."""

    plan: str
    benefit: str
    event_date: dt.date
    id_number: str | None = None
    row: int | None = None  # Excel row, None for a claim given by options
    accident_date: dt.date | None = None
    accident_ref: str | None = None
    grade: int | None = None
    death: bool = False
    expense: Decimal | None = None
    care: str | None = None
    pooled_self_pay: Decimal | None = None
    pooled_fund_paid: Decimal | None = None
    major_self_pay: Decimal | None = None
    remote: bool = False
    cause: str | None = None
    accident_kind: str | None = None
    disease: str | None = None
    exclusion: str | None = None  # as given: code, Chinese label or brochure number

    @property
    def cover_date(self) -> dt.date:
        """Accident benefits are covered by the accident date (rules.md §3), default the event date."""
        return self.accident_date or self.event_date

    @property
    def ref(self) -> str | None:
        """The 事故编号, None when blank: a blank one is an accident of its own."""
        return self.accident_ref.strip() if self.accident_ref and self.accident_ref.strip() else None


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    payout: Decimal
    rules_version: str
    day_index: int
    reasons: tuple[str, ...] = ()
    exclusion: str | None = None
    cover_ended: bool = False
    steps: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    effects: dict[str, Any] = field(default_factory=dict)
    period_start: dt.date | None = None  # S of the enrollment the claim is paid from


@dataclass(frozen=True)
class ClaimError:
    row: int | None
    message: str


Entry = tuple[Claim, ClaimResult]


def claim_inputs(claim: Claim) -> dict[str, Any]:
    """The claim as JSON-able data (the ledger's `inputs` column)."""
    out: dict[str, Any] = {}
    for f in fields(claim):
        value = getattr(claim, f.name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = fmt_money(value)
        out[f.name] = value
    return out


def claim_from_inputs(data: dict[str, Any]) -> Claim:
    kwargs: dict[str, Any] = {}
    names = {f.name for f in fields(Claim)}
    for key, value in data.items():
        if key not in names:
            continue
        if key in ("event_date", "accident_date") and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        elif key in MONEY_INPUTS and value is not None:
            value = to_money(value)
        kwargs[key] = value
    return Claim(**kwargs)


def result_document(result: ClaimResult) -> dict[str, Any]:
    """The JSON claim object of cli.md (plus `effects`, kept for the ledger, stripped by the job)."""
    c = result.claim
    return {
        "row": c.row,
        "id_number": c.id_number,
        "plan": c.plan,
        "benefit": c.benefit,
        "event_date": c.event_date.isoformat(),
        "day_index": result.day_index,
        "payout": fmt_money(result.payout),
        "reasons": list(result.reasons),
        "exclusion": result.exclusion,
        "cover_ended": result.cover_ended,
        "rules_version": result.rules_version,
        "steps": list(result.steps),
        "warnings": list(result.warnings),
        "effects": result.effects,
        "period_start": result.period_start.isoformat() if result.period_start else None,
    }


def result_from_document(claim: Claim, data: dict[str, Any]) -> ClaimResult:
    return ClaimResult(
        claim=claim,
        payout=to_money(data.get("payout", "0")),
        rules_version=str(data.get("rules_version", "")),
        day_index=int(data.get("day_index", 0)),
        reasons=tuple(data.get("reasons", ())),
        exclusion=data.get("exclusion"),
        cover_ended=bool(data.get("cover_ended", False)),
        steps=tuple(data.get("steps", ())),
        warnings=tuple(data.get("warnings", ())),
        effects=dict(data.get("effects") or {}),
        period_start=dt.date.fromisoformat(data["period_start"]) if data.get("period_start") else None,
    )


def claim_key(claim: Claim) -> str:
    """sha256 of (ID, plan, benefit, event date, 事故编号, amounts): recording twice records once."""
    amounts = [
        claim.grade,
        claim.death,
        *(fmt_money(getattr(claim, n)) if getattr(claim, n) is not None else None for n in MONEY_INPUTS),
    ]
    parts = [
        claim.id_number or "",
        claim.plan,
        claim.benefit,
        claim.event_date.isoformat(),
        claim.ref or "",
        amounts,
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


# Reason codes (cli.md) in the words of the settlement sheet.
REASON_LABELS = {
    "outside-period": "不在保障期内",
    "observation": "观察期内",
    "condolence": "按慰问金给付",
    "cover-ended": "保障已终止",
    "capped": "受限额",
    "excluded": "除外责任",
    "first-stay-only": "同一事故只计首次住院",
    "death-paid": "身故已给付",
    "below-deductible": "未超过免赔额",
}
WARNING_LABELS = {"disease-unknown": "疾病名称不在目录中，请核对"}
