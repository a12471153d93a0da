"""`renewals due --json` (office.md §4): the single home of its keys. A module of its own while the
documents modules are being consolidated (the "finish12" work); it can move into them as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xjma.core.money import fmt_money

if TYPE_CHECKING:
    from xjma.core.renewals import RenewalsDue, UnitDue


def renewals_due_document(result: RenewalsDue) -> dict[str, Any]:
    return {
        "before": result.before.isoformat(),
        "units": [_unit(u) for u in result.units],
        "lapsed_units": result.lapsed_units,
        "members_due": result.members_due,
        "fee_due": fmt_money(result.fee_due),
    }


def failed_renewals_due_document(before: dt.date | None) -> dict[str, Any]:
    """The exit-2 document: nothing read; --before as asked, None when it is the mistake."""
    from xjma.core.renewals import RenewalsDue

    empty = RenewalsDue(before or dt.date.min, (), (), 0, 0, 0, Decimal("0.00"))
    return {**renewals_due_document(empty), "before": before.isoformat() if before else None}


def _unit(u: UnitDue) -> dict[str, Any]:
    return {
        "unit": u.unit,
        "code": u.code,
        "prefecture": u.prefecture,
        "members_due": u.members_due,
        "not_renewable": u.not_renewable,
        "fee_due": fmt_money(u.fee_due),
        "earliest_end": u.earliest_end.isoformat(),
        "plans": {plan: {"members": c.members, "shares": c.shares} for plan, c in u.plans.items()},
    }
