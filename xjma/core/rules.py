"""The rules model: effective-dated plan terms (rules.md §0–§8), built from the parsed plans.yaml.

`parse_rules` takes plain data (already read from YAML) and returns frozen dataclasses, or raises
`RulesError` naming every problem by its key path. Lookup: the version in force on D is the newest
whose `effective` <= D (openfisca style).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from xjma.core.normalize import EMPLOYMENT_KINDS
from xjma.core.schema_reader import KeyPathReader
from xjma.errors import RulesError

PLAN_CODES = ("inpatient-accident", "critical-illness", "gig-accident", "female-illness", "short-accident")

# Benefits each plan must define, and the `type` each benefit must have.
PLAN_BENEFITS: dict[str, dict[str, str]] = {
    "inpatient-accident": {"inpatient": "inpatient", "accident": "accident"},
    "critical-illness": {"severe": "illness", "mild": "illness", "sudden-death": "illness"},
    "gig-accident": {"disability": "disability", "medical": "medical", "sudden-death": "sudden-death"},
    "female-illness": {"in-situ": "illness", "malignant": "illness"},
    "short-accident": {"disability": "disability", "medical": "medical", "sudden-death": "sudden-death"},
}
WHO = ("employee", "gig-union-member")
ENDS = ("none", "self", "all")


@dataclass(frozen=True)
class Phase:
    until_day: int | None
    label: str
    condolence: bool


@dataclass(frozen=True)
class Exclusion:
    number: int
    code: str
    label: str
    plans: tuple[str, ...] | None  # None = every plan using the list


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


@dataclass(frozen=True)
class Tier:
    tier: str
    fee: Decimal
    max_shares: int
    max_shares_with_approval: int | None
    max_days: int | None


@dataclass(frozen=True)
class Eligibility:
    who: str  # employee | gig-union-member
    female_only: bool
    requires: str | None  # plan code that must also cover S
    delayed_retirement: bool  # plan 5: the upper age follows the statutory retirement date


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    short_name: str
    fee: Decimal | None  # None: by tier
    max_shares: int
    observation_days: int
    eligibility: Eligibility
    benefits: dict[str, Benefit]
    phases: tuple[Phase, ...] = ()
    share_total_cap: Decimal | None = None
    in_situ_ends_cover: bool = True
    short_term: bool = False
    tiers: tuple[Tier, ...] = ()

    def tier(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.tier == name), None)

    def phase_index(self, day: int) -> int:
        """Index of the phase a day index falls in (rules.md §4, §6); renewed shares use the last."""
        for i, phase in enumerate(self.phases):
            if phase.until_day is None or day <= phase.until_day:
                return i
        return len(self.phases) - 1


@dataclass(frozen=True)
class Version:
    name: str
    effective: dt.date
    reference: str
    plans: dict[str, Plan]

    @property
    def short_term_plans(self) -> frozenset[str]:
        """The plans whose end date is given per enrollment (plans.yaml `short_term: true`)."""
        return frozenset(code for code, plan in self.plans.items() if plan.short_term)


@dataclass(frozen=True)
class Retirement:
    base_years: int
    law_start: tuple[int, int]  # (year, month)
    months_per_step: int
    max_delay_months: int


@dataclass(frozen=True)
class Common:
    renewal_grace_days: int
    observation_for_accidents: bool
    age_min: int
    age_max: int
    employee_types: tuple[str, ...]
    gig_type: str
    temp_min_term_months: int
    suicide_window_years: int
    retirement: Retirement
    grade_ratios: dict[int, Decimal]
    exclusions: dict[str, tuple[Exclusion, ...]]


@dataclass(frozen=True)
class Rules:
    common: Common
    versions: tuple[Version, ...]
    source: str = field(default="", compare=False)

    def version_on(self, day: dt.date) -> Version | None:
        """The version in force on `day`: the newest with effective <= day."""
        found = None
        for version in self.versions:
            if version.effective <= day:
                found = version
        return found

    def plan_on(self, code: str, day: dt.date) -> tuple[Version, Plan] | None:
        version = self.version_on(day)
        if version is None or code not in version.plans:
            return None
        return version, version.plans[code]

    def plan_label(self, code: str, on: dt.date | None = None, *, short: bool = True) -> str:
        """A plan's name from plans.yaml (`short_name`, or `name` with short=False): the version in force
        on `on` when it holds the plan, else the newest version that does; the code when none does."""
        found = self.plan_on(code, on) if on is not None else None
        plan = found[1] if found else None
        if plan is None:
            plan = next((v.plans[code] for v in reversed(self.versions) if code in v.plans), None)
        if plan is None:
            return code
        return plan.short_name if short else plan.name

    def exclusions_for(self, plan: str, benefit: str) -> tuple[Exclusion, ...]:
        """List 一 for the plan 1 inpatient benefit, list 二 (filtered by plan) for every other."""
        if plan == "inpatient-accident" and benefit == "inpatient":
            return self.common.exclusions["inpatient"]
        return tuple(e for e in self.common.exclusions["general"] if e.plans is None or plan in e.plans)


def parse_rules(data: object, source: str = "") -> Rules:
    """Validate parsed plans.yaml data and build the model; every problem names its key path."""
    r = KeyPathReader()
    top = r.mapping(data, "", required=("schema", "common", "versions"), optional=())
    common = _common(r, top.get("common"), "common") if top else None
    versions: list[Version] = []
    raw_versions = r.list_of(top.get("versions"), "versions") if top else []
    for i, raw in enumerate(raw_versions):
        version = _version(r, raw, f"versions[{i}]")
        if version is not None:
            versions.append(version)
    for i in range(1, len(versions)):
        if versions[i].effective <= versions[i - 1].effective:
            r.error(f"versions[{i}].effective", "版本必须按生效日期从早到晚排列，且日期不能重复")
    if not raw_versions and top:
        r.error("versions", "至少需要一个版本")
    if r.problems or common is None:
        raise RulesError(r.problems or ["common: 缺少"], source)
    return Rules(common=common, versions=tuple(versions), source=source)


def _common(r: KeyPathReader, raw: object, path: str) -> Common | None:
    keys = (
        "renewal_grace_days",
        "observation_for_accidents",
        "age_min",
        "age_max",
        "employee_types",
        "gig_type",
        "temp_min_term_months",
        "suicide_window_years",
        "retirement",
        "grade_ratios",
        "exclusions",
    )
    m = r.mapping(raw, path, required=keys)
    if m is None:
        return None
    ret = r.mapping(
        m.get("retirement"),
        f"{path}.retirement",
        required=("base_years", "law_start_month", "months_per_step", "max_delay_months"),
    )
    law = r.month(ret.get("law_start_month"), f"{path}.retirement.law_start_month") if ret else None
    grades: dict[int, Decimal] = {}
    gm = r.mapping(m.get("grade_ratios"), f"{path}.grade_ratios", required=tuple(range(1, 11)))
    for g, v in (gm or {}).items():
        ratio = r.ratio(v, f"{path}.grade_ratios.{g}")
        if ratio is not None and isinstance(g, int):
            grades[g] = ratio
    exm = r.mapping(m.get("exclusions"), f"{path}.exclusions", required=("inpatient", "general"))
    exclusions = {
        name: _exclusions(r, (exm or {}).get(name), f"{path}.exclusions.{name}")
        for name in ("inpatient", "general")
    }
    retirement = Retirement(
        base_years=r.count(ret.get("base_years") if ret else None, f"{path}.retirement.base_years"),
        law_start=law or (1965, 1),
        months_per_step=r.count(
            ret.get("months_per_step") if ret else None, f"{path}.retirement.months_per_step", minimum=1
        ),
        max_delay_months=r.count(
            ret.get("max_delay_months") if ret else None, f"{path}.retirement.max_delay_months"
        ),
    )
    employee_types = tuple(r.strings(m.get("employee_types"), f"{path}.employee_types"))
    gig_type = r.text(m.get("gig_type"), f"{path}.gig_type")
    _check_employment(r, employee_types, gig_type, path)
    return Common(
        renewal_grace_days=r.count(m.get("renewal_grace_days"), f"{path}.renewal_grace_days"),
        observation_for_accidents=r.flag(
            m.get("observation_for_accidents"), f"{path}.observation_for_accidents"
        ),
        age_min=r.count(m.get("age_min"), f"{path}.age_min"),
        age_max=r.count(m.get("age_max"), f"{path}.age_max"),
        employee_types=employee_types,
        gig_type=gig_type,
        temp_min_term_months=r.count(m.get("temp_min_term_months"), f"{path}.temp_min_term_months"),
        suicide_window_years=r.count(m.get("suicide_window_years"), f"{path}.suicide_window_years"),
        retirement=retirement,
        grade_ratios=grades,
        exclusions=exclusions,
    )


def _check_employment(r: KeyPathReader, employee_types: tuple[str, ...], gig_type: str, path: str) -> None:
    """The 用工形式 a roster may hold are the roster format's (roster.md, xjma/core/normalize.py, with the
    spellings clerks type): the rules name which of them are employees and which is the gig worker, and
    must name each of them exactly once."""
    named = [*employee_types, gig_type]
    if sorted(named) != sorted(EMPLOYMENT_KINDS):
        kinds = "、".join(EMPLOYMENT_KINDS)
        r.error(f"{path}.employee_types", f"employee_types 与 gig_type 合起来须恰好是名册的用工形式：{kinds}")


def _exclusions(r: KeyPathReader, raw: object, path: str) -> tuple[Exclusion, ...]:
    out: list[Exclusion] = []
    seen: set[str] = set()
    for i, item in enumerate(r.list_of(raw, path)):
        p = f"{path}[{i}]"
        m = r.mapping(item, p, required=("number", "code", "label"), optional=("plans",))
        if m is None:
            continue
        code = r.text(m.get("code"), f"{p}.code")
        if code in seen:
            r.error(f"{p}.code", f"除外代码 {code} 重复")
        seen.add(code)
        plans = m.get("plans")
        plan_list = tuple(r.strings(plans, f"{p}.plans")) if plans is not None else None
        for code_ in plan_list or ():
            if code_ not in PLAN_CODES:
                r.error(f"{p}.plans", f"未知险种代码 {code_}")
        out.append(
            Exclusion(
                number=r.count(m.get("number"), f"{p}.number", minimum=1),
                code=code,
                label=r.text(m.get("label"), f"{p}.label"),
                plans=plan_list,
            )
        )
    return tuple(out)


def _version(r: KeyPathReader, raw: object, path: str) -> Version | None:
    m = r.mapping(raw, path, required=("name", "effective", "plans"), optional=("reference",))
    if m is None:
        return None
    plans: dict[str, Plan] = {}
    pm = r.mapping(m.get("plans"), f"{path}.plans", required=(), optional=PLAN_CODES)
    for code, raw_plan in (pm or {}).items():
        plan = _plan(r, str(code), raw_plan, f"{path}.plans.{code}")
        if plan is not None:
            plans[str(code)] = plan
    if pm is not None and not pm:
        r.error(f"{path}.plans", "至少需要一个险种")
    return Version(
        name=r.text(m.get("name"), f"{path}.name"),
        effective=r.date(m.get("effective"), f"{path}.effective"),
        reference=str(m.get("reference") or ""),
        plans=plans,
    )


def _plan(r: KeyPathReader, code: str, raw: object, path: str) -> Plan | None:
    required: tuple[str, ...] = (
        "name",
        "short_name",
        "fee",
        "max_shares",
        "observation_days",
        "eligibility",
        "benefits",
    )
    illness = code in ("critical-illness", "female-illness")
    optional: tuple[str, ...] = ()
    if illness:
        required += ("phases", "share_total_cap")
    if code == "female-illness":
        required += ("in_situ_ends_cover",)
    # A short-term plan (E given per enrollment, charged by tier) says so with `short_term: true`.
    short_term = isinstance(raw, dict) and raw.get("short_term") is True
    required += ("tiers", "short_term") if short_term else ()
    optional += () if short_term else ("short_term",)
    m = r.mapping(raw, path, required=required, optional=optional)
    if m is None:
        return None
    el = r.mapping(
        m.get("eligibility"),
        f"{path}.eligibility",
        required=("who", "female_only", "requires", "delayed_retirement"),
    )
    who = r.choice(el.get("who") if el else None, f"{path}.eligibility.who", WHO)
    requires = el.get("requires") if el else None
    if requires is not None and requires not in PLAN_CODES:
        r.error(f"{path}.eligibility.requires", f"未知险种代码 {requires}")
    eligibility = Eligibility(
        who=who,
        female_only=r.flag(el.get("female_only") if el else None, f"{path}.eligibility.female_only"),
        requires=requires if isinstance(requires, str) else None,
        delayed_retirement=r.flag(
            el.get("delayed_retirement") if el else None, f"{path}.eligibility.delayed_retirement"
        ),
    )
    phases = tuple(_phases(r, m.get("phases"), f"{path}.phases")) if illness else ()
    tiers = tuple(_tiers(r, m.get("tiers"), f"{path}.tiers")) if short_term else ()
    in_situ_ends = (
        r.flag(m.get("in_situ_ends_cover"), f"{path}.in_situ_ends_cover")
        if code == "female-illness"
        else True
    )
    benefits = _benefits(r, code, m.get("benefits"), f"{path}.benefits", len(phases), in_situ_ends)
    fee = None if m.get("fee") is None and tiers else r.money(m.get("fee"), f"{path}.fee")
    cap = m.get("share_total_cap")
    observation_days = r.count(m.get("observation_days"), f"{path}.observation_days")
    _check_observation(r, observation_days, phases, path)
    return Plan(
        code=code,
        name=r.text(m.get("name"), f"{path}.name"),
        short_name=r.text(m.get("short_name"), f"{path}.short_name"),
        fee=fee,
        max_shares=r.count(m.get("max_shares"), f"{path}.max_shares", minimum=1),
        observation_days=observation_days,
        eligibility=eligibility,
        benefits=benefits,
        phases=phases,
        share_total_cap=r.money(cap, f"{path}.share_total_cap") if cap is not None else None,
        in_situ_ends_cover=in_situ_ends,
        short_term=r.flag(m.get("short_term", False), f"{path}.short_term"),
        tiers=tiers,
    )


def _check_observation(r: KeyPathReader, days: int, phases: tuple[Phase, ...], path: str) -> None:
    """With phases, the observation period (observation_end = S + observation_days, shown on the workbook
    and by member show) must end where the last phase with an until_day ends (what the payout follows)."""
    bounded = [(i, p.until_day) for i, p in enumerate(phases) if p.until_day is not None]
    if bounded and days != bounded[-1][1]:
        i, until = bounded[-1]
        r.error(
            f"{path}.observation_days",
            f"应与 phases[{i}].until_day 一致（{until}），现为 {days}：观察期止日与给付阶段不一致",
        )


def _phases(r: KeyPathReader, raw: object, path: str) -> list[Phase]:
    out: list[Phase] = []
    items = r.list_of(raw, path)
    for i, item in enumerate(items):
        p = f"{path}[{i}]"
        m = r.mapping(item, p, required=("until_day", "label"), optional=("condolence",))
        if m is None:
            continue
        until = m.get("until_day")
        last = i == len(items) - 1
        if last and until is not None:
            r.error(f"{p}.until_day", "最后一个阶段的 until_day 必须为 null")
        until_day = None if until is None else r.count(until, f"{p}.until_day")
        if out and until_day is not None and out[-1].until_day is not None and until_day <= out[-1].until_day:
            r.error(f"{p}.until_day", "阶段的 until_day 必须递增")
        out.append(
            Phase(
                until_day=until_day,
                label=r.text(m.get("label"), f"{p}.label"),
                condolence=r.flag(m.get("condolence", False), f"{p}.condolence"),
            )
        )
    if not items:
        r.error(path, "至少需要一个阶段")
    return out


def _tiers(r: KeyPathReader, raw: object, path: str) -> list[Tier]:
    out: list[Tier] = []
    for i, item in enumerate(r.list_of(raw, path)):
        p = f"{path}[{i}]"
        m = r.mapping(item, p, required=("tier", "fee", "max_shares", "max_shares_with_approval", "max_days"))
        if m is None:
            continue
        approval, days = m.get("max_shares_with_approval"), m.get("max_days")
        out.append(
            Tier(
                tier=str(m.get("tier")),
                fee=r.money(m.get("fee"), f"{p}.fee"),
                max_shares=r.count(m.get("max_shares"), f"{p}.max_shares", minimum=1),
                max_shares_with_approval=None
                if approval is None
                else r.count(approval, f"{p}.max_shares_with_approval", minimum=1),
                max_days=None if days is None else r.count(days, f"{p}.max_days", minimum=1),
            )
        )
    if not out:
        r.error(path, "至少需要一个档次")
    return out


def _benefits(
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
