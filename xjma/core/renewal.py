"""Renewal continuity (续保, rules.md §0 and roster.md "Renewal"): the one decision.

Both the roster check (`renewal-unverified`) and the Planner (renewed shares, observation) call
`renewal_of`, so what the clerk is told and what the ledger records cannot disagree.

Who decides: the ledger, when it holds any enrollment of the member that started before S (it knows
the member); then only a previous period in the same plan ending at most `1 + grace` days before S is a
renewal. Otherwise the roster's 是否续保 + 上期保障止期 (+ 上期份数, default all current shares) decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from xjma.core.model import Enrollment, RosterRow


@dataclass(frozen=True)
class Renewal:
    renewed_shares: int  # shares above the previous period's are a new lot, with observation
    first_start: dt.date  # start of the first continuous enrollment in the plan
    source: str  # "ledger" | "roster"


def is_continuous(previous_end: dt.date, start: dt.date, grace_days: int) -> bool:
    """S_new <= E_prev + 1 day + renewal_grace_days (rules.md §0)."""
    return start <= previous_end + dt.timedelta(days=1 + grace_days)


def latest_previous_end(start: dt.date, grace_days: int) -> dt.date:
    """The earliest E_prev that is still continuous with S (for the message)."""
    return start - dt.timedelta(days=1 + grace_days)


def ledger_decides(history: Sequence[Enrollment], start: dt.date) -> bool:
    """The ledger knows the member (an enrollment in any plan started before S): it, not the roster, decides."""
    return any(e.start < start for e in history)


def renewal_of(
    row: RosterRow,
    plan: str,
    shares: int,
    start: dt.date,
    history: Sequence[Enrollment],
    grace_days: int,
) -> Renewal | None:
    """The renewal of `plan` (with `shares` this period) on the row, or None: a new enrollment."""
    if history and ledger_decides(history, start):
        earlier = [e for e in history if e.plan == plan and e.end < start]
        if not earlier:
            return None
        prev = max(earlier, key=lambda e: (e.end, e.start))
        if not is_continuous(prev.end, start, grace_days):
            return None
        return Renewal(min(shares, prev.shares), prev.first_start or prev.start, "ledger")
    if row.renewal and row.prev_end is not None and is_continuous(row.prev_end, start, grace_days):
        previous_shares = row.prev_shares if row.prev_shares is not None else shares
        # The roster does not say when the member first joined: the ledger's history starts at S.
        return Renewal(min(shares, max(previous_shares, 0)), start, "roster")
    return None


def row_renewed(row: RosterRow, start: dt.date, history: Sequence[Enrollment], grace_days: int) -> bool:
    """Whether at least one plan of the row is recorded as a renewal (a row without plans: whether the
    roster shows a continuous previous period, when the ledger does not know the member)."""
    plans = row.shares.items() if row.shares else (("", 0),)
    return any(renewal_of(row, code, n, start, history, grace_days) for code, n in plans)
