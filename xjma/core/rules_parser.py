"""Reading plans.yaml into the rules model (xjma/core/rules.py): `parse_rules` takes plain data (already
read from YAML) and returns frozen dataclasses, or raises `RulesError` naming every problem by its key
path (rules.md §0).
"""

from __future__ import annotations

from decimal import Decimal

from xjma.core.benefit_terms import parse_benefits
from xjma.core.normalize import EMPLOYMENT_KINDS
from xjma.core.rules import (
    PLAN_CODES,
    WHO,
    Common,
    Eligibility,
    Exclusion,
    Phase,
    Plan,
    Retirement,
    Rules,
    Tier,
    Version,
)
from xjma.core.schema_reader import KeyPathReader
from xjma.errors import RulesError


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
    benefits = parse_benefits(r, code, m.get("benefits"), f"{path}.benefits", len(phases), in_situ_ends)
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
