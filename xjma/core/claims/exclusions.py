"""除外责任 (rules.md §8): resolve what the clerk wrote to the benefit's exclusion list, and decide it."""

from __future__ import annotations

import re

from xjma.core.claims.dates import years_after
from xjma.core.claims.explain import Context, Invalid, benefit_name
from xjma.core.claims.model import Claim
from xjma.core.rules import Exclusion
from xjma.core.vocab import squash

_NUMBER = re.compile(r"^[（(]?(\d{1,2})(?:\.0)?[)）]?$")


def resolve_exclusion(ctx: Context, claim: Claim) -> Exclusion | None:
    """The exclusion named by code, Chinese label or brochure number, in this benefit's list.

    A value not in the list is a claim error, never a zero payout; a bare number 6 means `self-harm`
    (the first entry numbered 6)."""
    raw = (claim.exclusion or "").strip()
    if not raw:
        return None
    allowed = ctx.rules.exclusions_for(claim.plan, claim.benefit)
    key = squash(raw)
    match = _NUMBER.match(key)
    for exclusion in allowed:
        if key in (exclusion.code, squash(exclusion.label)):
            return exclusion
        if match and int(match.group(1)) == exclusion.number:
            return exclusion
    listed = "、".join(f"{e.number} {e.code}（{e.label}）" for e in allowed)
    raise Invalid(
        f"除外原因“{raw}”不适用于该给付项目（{ctx.plan.short_name}·{benefit_name(claim.benefit)}），"
        f"可用的除外原因：{listed}"
    )


def exclusion_applies(ctx: Context, claim: Claim, exclusion: Exclusion) -> tuple[bool, str]:
    """Whether the exclusion takes effect, with the sentence that says why.

    `suicide` excludes only a death within `suicide_window_years` of the start of the member's first
    continuous enrollment in the plan (the ledger's first_start, else S)."""
    if exclusion.code != "suicide":
        return True, f"属于除外责任“{exclusion.label}”（{exclusion.code}），不予给付"
    years = ctx.rules.common.suicide_window_years
    first = ctx.enrollment.first_start or ctx.enrollment.start
    limit = years_after(first, years)
    if claim.event_date < limit:
        return True, (
            f"自首次连续参加之日 {first.isoformat()} 起{years}年内自杀（{limit.isoformat()} 前），"
            "属于除外责任，不予给付"
        )
    return False, (
        f"自杀发生在首次连续参加之日 {first.isoformat()} 起{years}年之后，不属于除外责任，按正常规则给付"
    )
