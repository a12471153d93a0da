"""What earlier claims of the same member, plan and period left behind, folded from their effects.

`earlier` holds every recorded claim of the period (whatever its date: money already recorded counts in
full, rules.md §9) and the claims of the run computed before this one (event-date order). Money counts
whatever the dates; states that depend on when something happened (a death) compare dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from xjma.core.claims.model import ZERO, Entry


def death_date(earlier: Sequence[Entry]) -> dt.date | None:
    """The date of the earliest death paid among the earlier claims (rules.md §3, §9), else None."""
    dates = [c.event_date for c, r in earlier if r.effects.death]
    return min(dates) if dates else None


def total(earlier: Sequence[Entry], benefit: str) -> Decimal:
    """What earlier claims of one benefit paid (the rounded amounts, rules.md §9)."""
    return sum((r.payout for c, r in earlier if c.benefit == benefit), ZERO)


def per_share_total(earlier: Sequence[Entry], benefit: str) -> Decimal:
    """Disability paid per share by earlier claims of one benefit (plans 3, 5)."""
    return sum((r.effects.per_share for c, r in earlier if c.benefit == benefit), ZERO)


def same_accident(earlier: Sequence[Entry], ref: str | None, benefit: str | None = None) -> list[Entry]:
    """Earlier claims of the same accident (事故编号); a blank number shares nothing."""
    if ref is None:
        return []
    return [(c, r) for c, r in earlier if c.ref == ref and (benefit is None or c.benefit == benefit)]
