"""What each benefit of a plan pays (rules.md §2–§8): one frozen dataclass per kind of benefit, and their
reading from plans.yaml (`parse_benefits`, every problem named by its key path).

Which benefits a plan has, and their kinds, is fixed here (PLAN_BENEFITS): the YAML holds the numbers,
the structure of the five plans is code (a new plan needs code in the claims engine too).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xjma.core.schema_reader import KeyPathReader

# Benefits each plan must define, and the `type` each benefit must have.
PLAN_BENEFITS: dict[str, dict[str, str]] = {
    "inpatient-accident": {"inpatient": "inpatient", "accident": "accident"},
    "critical-illness": {"severe": "illness", "mild": "illness", "sudden-death": "illness"},
    "gig-accident": {"disability": "disability", "medical": "medical", "sudden-death": "sudden-death"},
    "female-illness": {"in-situ": "illness", "malignant": "illness"},
    "short-accident": {"disability": "disability", "medical": "medical", "sudden-death": "sudden-death"},
}
ENDS = ("none", "self", "all")


@dataclass(frozen=True)
class InpatientTerms:
    basic_rate: Decimal
    basic_rate_remote: Decimal
    basic_cap_ratio: Decimal
    major_rate: Decimal
    major_rate_remote: Decimal
    major_cap: Decimal
    major_cap_per: str  # "period" | "stay"
    type: str = "inpatient"


@dataclass(frozen=True)
class AccidentTerms:
    life_max: Decimal
    work_max: Decimal
    total_cap: Decimal
    life_cap: Decimal
    accident_caps_stack: bool
    type: str = "accident"


@dataclass(frozen=True)
class IllnessTerms:
    category: str | None  # diseases.yaml category checked for this benefit
    amounts: tuple[Decimal, ...]  # per share, one per phase
    ends: tuple[str, ...]  # per phase: none | self | all
    type: str = "illness"


@dataclass(frozen=True)
class DisabilityTerms:
    amount: Decimal
    cap: Decimal
    accident_death_covered: bool
    type: str = "disability"
    # What reaching the cap ends (rules.md §9): the disability cover of the share (benefit), every cover
    # of the plan (plan), or nothing, further claims being capped (none, plan 5).
    cap_ends: str = "benefit"


@dataclass(frozen=True)
class MedicalTerms:
    deductible: Decimal
    rate: Decimal
    cap: Decimal
    type: str = "medical"


@dataclass(frozen=True)
class SuddenDeathTerms:
    amount: Decimal
    type: str = "sudden-death"


Benefit = InpatientTerms | AccidentTerms | IllnessTerms | DisabilityTerms | MedicalTerms | SuddenDeathTerms


def parse_benefits(
    r: KeyPathReader, plan: str, raw: object, path: str, n_phases: int, in_situ_ends: bool
) -> dict[str, Benefit]:
    expected = PLAN_BENEFITS[plan]
    m = r.mapping(raw, path, required=tuple(expected))
    out: dict[str, Benefit] = {}
    for name, kind in expected.items():
        p = f"{path}.{name}"
        b = r.mapping((m or {}).get(name), p, required=("type",), optional=_BENEFIT_KEYS[kind], lenient=True)
        if b is None:
            continue
        if b.get("type") != kind:
            r.error(f"{p}.type", f"应为 {kind}")
            continue
        r.mapping(
            b, p, required=("type", *_BENEFIT_KEYS[kind]), optional=_OPTIONAL_BENEFIT_KEYS.get(kind, ())
        )
        parsed = _benefit(r, kind, b, p, n_phases)
        if parsed is not None:
            if plan == "female-illness" and name == "in-situ" and isinstance(parsed, IllnessTerms):
                wanted = "all" if in_situ_ends else "self"
                if parsed.ends and parsed.ends[-1] != wanted:
                    r.error(
                        f"{p}.ends[{len(parsed.ends) - 1}]",
                        f"应为 {wanted}，与 in_situ_ends_cover: {str(in_situ_ends).lower()} 一致",
                    )
            out[name] = parsed
    return out


_BENEFIT_KEYS: dict[str, tuple[str, ...]] = {
    "inpatient": (
        "basic_rate",
        "basic_rate_remote",
        "basic_cap_ratio",
        "major_rate",
        "major_rate_remote",
        "major_cap",
        "major_cap_per",
    ),
    "accident": ("life_max", "work_max", "total_cap", "life_cap", "accident_caps_stack"),
    "illness": ("category", "amounts", "ends"),
    "disability": ("amount", "cap", "accident_death_covered"),
    "medical": ("deductible", "rate", "cap"),
    "sudden-death": ("amount",),
}
_OPTIONAL_BENEFIT_KEYS: dict[str, tuple[str, ...]] = {"disability": ("disability_cap_ends",)}
DISABILITY_CAP_ENDS = ("benefit", "plan", "none")


def _benefit(r: KeyPathReader, kind: str, b: dict[object, object], p: str, n_phases: int) -> Benefit | None:
    if kind == "inpatient":
        return InpatientTerms(
            basic_rate=r.ratio(b.get("basic_rate"), f"{p}.basic_rate"),
            basic_rate_remote=r.ratio(b.get("basic_rate_remote"), f"{p}.basic_rate_remote"),
            basic_cap_ratio=r.ratio(b.get("basic_cap_ratio"), f"{p}.basic_cap_ratio"),
            major_rate=r.ratio(b.get("major_rate"), f"{p}.major_rate"),
            major_rate_remote=r.ratio(b.get("major_rate_remote"), f"{p}.major_rate_remote"),
            major_cap=r.money(b.get("major_cap"), f"{p}.major_cap"),
            major_cap_per=r.choice(b.get("major_cap_per"), f"{p}.major_cap_per", ("period", "stay")),
        )
    if kind == "accident":
        return AccidentTerms(
            life_max=r.money(b.get("life_max"), f"{p}.life_max"),
            work_max=r.money(b.get("work_max"), f"{p}.work_max"),
            total_cap=r.money(b.get("total_cap"), f"{p}.total_cap"),
            life_cap=r.money(b.get("life_cap"), f"{p}.life_cap"),
            accident_caps_stack=r.flag(b.get("accident_caps_stack"), f"{p}.accident_caps_stack"),
        )
    if kind == "illness":
        amounts = [
            r.money(a, f"{p}.amounts[{i}]") for i, a in enumerate(r.list_of(b.get("amounts"), f"{p}.amounts"))
        ]
        ends = [
            r.choice(e, f"{p}.ends[{i}]", ENDS) for i, e in enumerate(r.list_of(b.get("ends"), f"{p}.ends"))
        ]
        if len(amounts) != n_phases or len(ends) != n_phases:
            r.error(p, f"amounts 与 ends 必须各有 {n_phases} 项（每个阶段一项）")
        category = b.get("category")
        if category is not None and category not in ("severe", "mild", "female"):
            r.error(f"{p}.category", "应为 severe、mild、female 或 null")
        return IllnessTerms(
            category=category if isinstance(category, str) else None, amounts=tuple(amounts), ends=tuple(ends)
        )
    if kind == "disability":
        return DisabilityTerms(
            amount=r.money(b.get("amount"), f"{p}.amount"),
            cap=r.money(b.get("cap"), f"{p}.cap"),
            accident_death_covered=r.flag(b.get("accident_death_covered"), f"{p}.accident_death_covered"),
            cap_ends=r.choice(
                b.get("disability_cap_ends", "benefit"), f"{p}.disability_cap_ends", DISABILITY_CAP_ENDS
            ),
        )
    if kind == "medical":
        return MedicalTerms(
            deductible=r.money(b.get("deductible"), f"{p}.deductible"),
            rate=r.ratio(b.get("rate"), f"{p}.rate"),
            cap=r.money(b.get("cap"), f"{p}.cap"),
        )
    return SuddenDeathTerms(amount=r.money(b.get("amount"), f"{p}.amount"))
