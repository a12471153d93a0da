"""Claim inputs, results and their ledger JSON forms (rules.md §2–§9).

A result carries `effects`: what this claim changed in the member's period (major paid, per-share
disability amount, per-lot amounts and ends, deductible used, a stay counted, a death paid). Later claims
fold the effects of earlier ones, so a claim stored in the ledger (inputs + result JSON + payout column)
plays the same part as an earlier row of a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from xjma.core.money import fmt_money, to_money

ZERO = Decimal("0.00")
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
class LotEffect:
    """What a plan 2 / plan 4 claim did to one share lot: paid per share, and the cover it ended."""

    lot: str  # renewed | new
    per_share: Decimal
    ends: str  # none | self | all


@dataclass(frozen=True)
class Effects:
    """What one claim changed in the member's period, read by the claims after it."""

    major: Decimal = ZERO  # plan 1: 大额 segment paid
    per_share: Decimal = ZERO  # plans 3, 5: disability paid per share
    deductible_used: Decimal = ZERO  # plans 3, 5 medical: deductible this claim used up
    stay: bool = False  # plans 3, 5 medical: an inpatient stay counted
    death: bool = False  # a death was paid
    lots: tuple[LotEffect, ...] = ()  # plans 2, 4


def effects_json(effects: Effects) -> dict[str, Any]:
    """The effects as JSON (money as strings), only what is set."""
    out: dict[str, Any] = {}
    for name in ("major", "per_share", "deductible_used"):
        if getattr(effects, name) != 0:
            out[name] = fmt_money(getattr(effects, name))
    for name in ("stay", "death"):
        if getattr(effects, name):
            out[name] = True
    if effects.lots:
        out["lots"] = [
            {"lot": e.lot, "per_share": fmt_money(e.per_share), "ends": e.ends} for e in effects.lots
        ]
    return out


def effects_from_json(data: dict[str, Any] | None) -> Effects:
    """Effects from their JSON (also rows recorded before typed effects; `ends_all` is no longer read:
    what ends cover is decided from the amounts and the rules, rules.md §9)."""
    data = data or {}

    def money(key: str) -> Decimal:
        return to_money(data[key]) if data.get(key) is not None else ZERO

    lots = tuple(
        LotEffect(str(e["lot"]), to_money(e["per_share"]), str(e["ends"])) for e in data.get("lots") or ()
    )
    return Effects(
        major=money("major"),
        per_share=money("per_share"),
        deductible_used=money("deductible_used"),
        stay=bool(data.get("stay")),
        death=bool(data.get("death")),
        lots=lots,
    )


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
    effects: Effects = field(default_factory=Effects)
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


def result_record(result: ClaimResult) -> dict[str, Any]:
    """The ledger's `result` JSON: everything but the payout, which is stored once (payout_fen)."""
    return {
        "day_index": result.day_index,
        "reasons": list(result.reasons),
        "exclusion": result.exclusion,
        "cover_ended": result.cover_ended,
        "rules_version": result.rules_version,
        "steps": list(result.steps),
        "warnings": list(result.warnings),
        "effects": effects_json(result.effects),
        "period_start": result.period_start.isoformat() if result.period_start else None,
    }


def result_from_record(claim: Claim, data: dict[str, Any], payout: Decimal) -> ClaimResult:
    """A recorded result: `payout` from the payout column (older rows also hold one in the JSON: ignored)."""
    return ClaimResult(
        claim=claim,
        payout=payout,
        rules_version=str(data.get("rules_version", "")),
        day_index=int(data.get("day_index", 0)),
        reasons=tuple(data.get("reasons", ())),
        exclusion=data.get("exclusion"),
        cover_ended=bool(data.get("cover_ended", False)),
        steps=tuple(data.get("steps", ())),
        warnings=tuple(data.get("warnings", ())),
        effects=effects_from_json(data.get("effects")),
        period_start=dt.date.fromisoformat(data["period_start"]) if data.get("period_start") else None,
    )


def entry_from_record(inputs: object, result: object, payout: object) -> Entry | None:
    """A recorded claim (the claims table's inputs and result, JSON text or dicts, and the payout column)
    as an Entry; None when it holds no inputs."""
    data = _json(inputs)
    if not data:
        return None
    claim = claim_from_inputs(data)
    document = _json(result)
    amount = to_money(payout) if payout is not None else to_money(document.get("payout", "0"))
    return claim, result_from_record(claim, document, amount)


def _json(value: object) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            loaded = json.loads(value) if value else {}
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return dict(value) if isinstance(value, dict) else {}


def case_identity(claim: Claim) -> tuple[str, str, str, dt.date, str]:
    """(ID, plan, benefit, event date, 事故编号): the claim without its amounts. A returned case whose
    corrected row has this identity is that case re-submitted (office.md §5)."""
    return (claim.id_number or "", claim.plan, claim.benefit, claim.event_date, claim.ref or "")


def claim_key(claim: Claim) -> str:
    """sha256 of (ID, plan, benefit, event date, 事故编号, amounts): recording twice records once."""
    amounts = [
        claim.grade,
        claim.death,
        *(fmt_money(getattr(claim, n)) if getattr(claim, n) is not None else None for n in MONEY_INPUTS),
    ]
    number, plan, benefit, event_date, ref = case_identity(claim)
    parts = [number, plan, benefit, event_date.isoformat(), ref, amounts]
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
WARNING_LABELS = {"disease-unknown": "疾病名称不在目录中，请核对", "materials-missing": "申领材料不全"}
AFTER_DEATH = "出险日期晚于已给付的身故日期，请核对"
