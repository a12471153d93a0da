"""Dispatch one claim to its plan's rules, and order the claims of a batch (cli.md `claim calc`).

Common steps for every claim (rules.md §0, §8): the benefit must belong to the plan, the inputs of the
benefit must be there, the exclusion (if any) must be in the benefit's list; then cover by date, a death
already paid or cover already ended, the exclusion, and the plan's own rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xjma.core.claims import accident, accident_share, illness, inpatient
from xjma.core.claims.exclusions import exclusion_applies, resolve_exclusion
from xjma.core.claims.explain import ZERO, Context, Draft, Invalid, benefit_name
from xjma.core.claims.model import Claim, ClaimError, ClaimResult, Entry
from xjma.core.claims.state import all_ended, death_paid
from xjma.core.diseases import Diseases
from xjma.core.model import Enrollment
from xjma.core.rules import Rules

Compute = Callable[[Context, Sequence[Entry], Claim, Draft], ClaimResult]

_MODULES: dict[str, tuple[Callable[[Claim], None], Compute]] = {
    "inpatient": (inpatient.check_inputs, inpatient.compute),
    "accident": (accident.check_inputs, accident.compute),
    "illness": (lambda claim: None, illness.compute),
    "disability": (accident_share.check_inputs, accident_share.compute),
    "medical": (accident_share.check_inputs, accident_share.compute),
    "sudden-death": (accident_share.check_inputs, accident_share.compute),
}
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
    """One claim, given the earlier claims of this member, plan and period in event-date order.

    Raises Invalid when the claim cannot be computed."""
    terms = ctx.plan.benefits.get(claim.benefit)
    if terms is None:
        raise Invalid(f"{ctx.plan.short_name}没有“{benefit_name(claim.benefit)}”给付项目")
    check, compute = _MODULES[terms.type]
    check(claim)
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
    if is_death(claim) and death_paid(earlier):
        draft.step("本保障期内已给付过身故互助金，身故只给付一次")
        draft.reason("death-paid")
        return draft.finish(claim, ZERO, cover_ended=True)
    if all_ended(earlier):
        draft.step(f"本保障期内{ctx.plan.short_name}保障已终止，不予给付")
        draft.reason("cover-ended")
        return draft.finish(claim, ZERO, cover_ended=True)
    if exclusion is not None:
        applies, sentence = exclusion_applies(ctx, claim, exclusion)
        draft.step(sentence)
        if applies:
            draft.exclusion = exclusion.code
            draft.reason("excluded")
            return draft.finish(claim, ZERO, cover_ended=_still_ended(ctx, earlier))
    return compute(ctx, earlier, claim, draft)


def _still_ended(ctx: Context, earlier: Sequence[Entry]) -> bool:
    """Whether the cover had already ended before this claim (an excluded claim changes nothing)."""
    if ctx.plan.phases:
        return all(illness.lot_exhausted(ctx.plan, lot) for lot in illness.fold(ctx, earlier))
    return all_ended(earlier)


@dataclass(frozen=True)
class Pending:
    """A claim of a batch with the enrollment it is paid from; `order` is its place in the file."""

    order: int
    claim: Claim
    enrollment: Enrollment


def compute_batch(
    rules: Rules,
    pending: Sequence[Pending],
    recorded: dict[tuple[str, str, str], list[Entry]],
    diseases: Diseases | None = None,
) -> tuple[list[ClaimResult], list[tuple[int, ClaimError]]]:
    """Every claim of a batch: per member, plan and period in event-date order (ties: file order), each
    seeing the earlier ones, recorded claims merged by event date (recorded first on the same day).

    Returns results and errors, each with the pending claim's order, sorted by that order."""
    groups: dict[tuple[str, str, str], list[Pending]] = {}
    for p in pending:
        groups.setdefault(period_key(p.enrollment), []).append(p)
    results: list[tuple[int, ClaimResult]] = []
    errors: list[tuple[int, ClaimError]] = []
    for key, items in groups.items():
        history = list(recorded.get(key, []))
        for p in sorted(items, key=lambda p: (p.claim.event_date, p.order)):
            earlier = [entry for entry in history if entry[0].event_date <= p.claim.event_date]
            try:
                result = compute_claim(context_for(rules, p.enrollment, diseases), earlier, p.claim)
            except Invalid as exc:
                errors.append((p.order, ClaimError(p.claim.row, exc.message)))
                continue
            results.append((p.order, result))
            history.append((p.claim, result))
            history.sort(key=lambda entry: entry[0].event_date)
    results.sort(key=lambda item: item[0])
    errors.sort(key=lambda item: item[0])
    return [r for _, r in results], errors


def period_key(enrollment: Enrollment) -> tuple[str, str, str]:
    return (enrollment.id_number, enrollment.plan, enrollment.start.isoformat())
