"""What earlier claims of the same member, plan and period left behind, folded from their effects."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from xjma.core.claims.model import Entry
from xjma.core.money import to_money

ZERO = Decimal("0.00")


def money_effect(result_effects: dict[str, object], key: str) -> Decimal:
    value = result_effects.get(key)
    return to_money(value) if value is not None else ZERO


def death_paid(earlier: Sequence[Entry]) -> bool:
    """One death pays once (rules.md §3, §5, §7)."""
    return any(r.effects.get("death") for _, r in earlier)


def all_ended(earlier: Sequence[Entry]) -> bool:
    """A death, or a disability cap reached, ends every cover of the plan in this period."""
    return any(r.effects.get("ends_all") for _, r in earlier)


def total(earlier: Sequence[Entry], benefit: str, key: str | None = None) -> Decimal:
    """Sum over earlier claims of one benefit: the payout, or one money effect."""
    out = ZERO
    for claim, result in earlier:
        if claim.benefit == benefit:
            out += result.payout if key is None else money_effect(result.effects, key)
    return out


def same_accident(earlier: Sequence[Entry], ref: str | None, benefit: str | None = None) -> list[Entry]:
    """Earlier claims of the same accident (事故编号); a blank number shares nothing."""
    if ref is None:
        return []
    return [(c, r) for c, r in earlier if c.ref == ref and (benefit is None or c.benefit == benefit)]
