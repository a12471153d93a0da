"""Dispatch one claim to its plan's rules, and order the claims of a batch (cli.md `claim calc`).

Common steps for every claim (rules.md §0, §8): the benefit must belong to the plan, the inputs of the
benefit must be there, the exclusion (if any) must be in the benefit's list; then cover by date, a death
already paid or cover already ended, the exclusion, and the plan's own rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from xjma.core.claims import illness
from xjma.core.claims.accident_share import cap_ended
from xjma.core.claims.benefits import benefit_rules
from xjma.core.claims.exclusions import exclusion_applies, resolve_exclusion
from xjma.core.claims.explain import ZERO, Context, Draft, Invalid, benefit_name
from xjma.core.claims.model import AFTER_DEATH, Claim, ClaimError, ClaimResult, Entry
from xjma.core.claims.state import death_date
from xjma.core.diseases import Diseases
from xjma.core.model import Enrollment
from xjma.core.rules import Rules

# Benefits whose cover is decided by the accident date (rules.md §3).
ACCIDENT_TYPES = ("accident", "disability", "medical")


def context_for(rules: Rules, enrollment: Enrollment, diseases: Diseases | None = None) -> Context:
    """The version in force on the enrollment's S decides every claim paid from it (rules.md §0)."""
    found = rules.plan_on(enrollment.plan, enrollment.start)
    if found is None:
        raise Invalid(f"保障起始日 {enrollment.start.isoformat()} 没有生效的该险种规则版本")
    version, plan = found
    return Context(enrollment=enrollment, version=version, plan=plan, rules=rules, diseases=diseases)


def is_death(claim: Claim) -> bool:
    return claim.death or claim.benefit == "sudden-death"


def compute_claim(ctx: Context, earlier: Sequence[Entry], claim: Claim) -> ClaimResult:
    """One claim, given the earlier claims of this member, plan and period (recorded ones whatever their
    date, then the run's in event-date order). Raises Invalid when the claim cannot be computed.

    Which reason wins (rules.md §9): outside-period, a valid exclusion, death-paid, cover-ended, then the
    plan's phase and cap reasons."""
    terms = ctx.plan.benefits.get(claim.benefit)
    if terms is None:
        raise Invalid(f"{ctx.plan.short_name}没有“{benefit_name(claim.benefit)}”给付项目")
    benefit_rules(terms).check(claim)
    exclusion = resolve_exclusion(ctx, claim)
    e = ctx.enrollment
    draft = Draft(ctx, e.day_index(claim.event_date))
    draft.step(
        f"{ctx.version.name}规则；保障期 {e.start.isoformat()} 至 {e.end.isoformat()}，"
        f"出险日期 {claim.event_date.isoformat()} 为保障期第{draft.day_index}天"
    )
    cover_date = claim.cover_date if terms.type in ACCIDENT_TYPES else claim.event_date
    if not e.covers(cover_date):
        what = "事故发生日期" if cover_date != claim.event_date else "出险日期"
        draft.step(f"{what} {cover_date.isoformat()} 不在保障期内，不予给付")
        draft.reason("outside-period")
        return draft.finish(claim, ZERO)
    if exclusion is not None:
        applies, sentence = exclusion_applies(ctx, claim, exclusion)
        draft.step(sentence)
        if applies:
            draft.exclusion = exclusion.code
            draft.reason("excluded")
            return _closed(ctx, earlier, draft.finish(claim, ZERO))
    stopped = _after_death(ctx, earlier, claim, draft) or _cover_ended(ctx, earlier, claim, draft)
    result = stopped or benefit_rules(terms).compute(ctx, earlier, claim, draft)
    return _closed(ctx, [*earlier, (claim, result)], result)


def _after_death(ctx: Context, earlier: Sequence[Entry], claim: Claim, draft: Draft) -> ClaimResult | None:
    """A second death, or a claim dated after a paid death (plans 1, 3, 5), pays 0 (rules.md §9)."""
    died = death_date(earlier)
    if died is None:
        return None
    later = claim.event_date > died
    if is_death(claim):
        draft.step(f"本保障期内已给付过身故互助金（{died.isoformat()}），身故只给付一次")
    elif later and not ctx.plan.phases:
        draft.step(f"出险日期晚于已给付的身故日期 {died.isoformat()}，不予给付")
    else:
        return None
    if later:
        draft.warnings.append(AFTER_DEATH)
    draft.reason("death-paid")
    return draft.finish(claim, ZERO)


def _cover_ended(ctx: Context, earlier: Sequence[Entry], claim: Claim, draft: Draft) -> ClaimResult | None:
    """The disability cap ended this cover (plans 3, 5 by `cap_ends`); plans 2, 4 decide per lot."""
    if not cap_ended(ctx.plan, earlier, claim.benefit):
        return None
    draft.step(f"本保障期内{ctx.plan.short_name}{benefit_name(claim.benefit)}保障已终止，不予给付")
    draft.reason("cover-ended")
    return draft.finish(claim, ZERO)


def _closed(ctx: Context, entries: Sequence[Entry], result: ClaimResult) -> ClaimResult:
    return replace(result, cover_ended=cover_ended(ctx, entries))


def cover_ended(ctx: Context, entries: Sequence[Entry]) -> bool:
    """Whether the plan can pay this member nothing more in the period after these claims (cli.md
    `cover_ended`): every lot exhausted (plans 2, 4), else a death paid or the cap ending the plan."""
    if ctx.plan.phases:
        return all(illness.lot_exhausted(ctx.plan, lot) for lot in illness.fold(ctx, entries))
    return death_date(entries) is not None or cap_ended(ctx.plan, entries, "")


@dataclass(frozen=True)
class Pending:
    """A claim of a batch with the enrollment it is paid from; `order` is its place in the file."""

    order: int
    claim: Claim
    enrollment: Enrollment
    warnings: tuple[str, ...] = ()  # found while the enrollment was worked out (保障止期 ignored)


def compute_batch(
    rules: Rules,
    pending: Sequence[Pending],
    recorded: dict[tuple[str, str, str], list[Entry]],
    diseases: Diseases | None = None,
) -> tuple[list[ClaimResult], list[tuple[int, ClaimError]]]:
    """Every claim of a batch: per member, plan and period in event-date order (ties: file order), each
    seeing every recorded claim of the period (whatever its date, rules.md §9) and the run's claims
    before it.

    Returns results and errors, each with the pending claim's order, sorted by that order."""
    groups: dict[tuple[str, str, str], list[Pending]] = {}
    for p in pending:
        groups.setdefault(period_key(p.enrollment), []).append(p)
    results: list[tuple[int, ClaimResult]] = []
    errors: list[tuple[int, ClaimError]] = []
    for key, items in groups.items():
        history = list(recorded.get(key, []))
        for p in sorted(items, key=lambda p: (p.claim.event_date, p.order)):
            try:
                result = compute_claim(context_for(rules, p.enrollment, diseases), history, p.claim)
            except Invalid as exc:
                errors.append((p.order, ClaimError(p.claim.row, exc.message)))
                continue
            if p.warnings:
                result = replace(result, warnings=(*p.warnings, *result.warnings))
            results.append((p.order, result))
            history.append((p.claim, result))
    results.sort(key=lambda item: item[0])
    errors.sort(key=lambda item: item[0])
    return [r for _, r in results], errors


def period_key(enrollment: Enrollment) -> tuple[str, str, str]:
    return (enrollment.id_number, enrollment.plan, enrollment.start.isoformat())
