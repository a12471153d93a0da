"""The `claims summary` JSON document (office.md §6), built from a jobs.claims_summary.ClaimsSummary."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xjma.core.money import fmt_money

if TYPE_CHECKING:
    from xjma.core.claims_summary import ClaimsFigures
    from xjma.jobs.claims_summary import ClaimsSummary


def claims_summary_document(summary: ClaimsSummary) -> dict[str, Any]:
    return {"period": summary.period.label, "state": summary.state, **_figures(summary.figures)}


def failed_claims_summary_document(period: str | None, state: str | None) -> dict[str, Any]:
    """The exit-2 document: no case read; period and state as asked, None where the option is the
    mistake."""
    from xjma.core.claims_summary import ClaimsFigures

    return {
        "period": period,
        "state": state,
        **_figures(ClaimsFigures(0, 0, Decimal("0.00"), 0, 0, (), (), (), ())),
    }


def _figures(f: ClaimsFigures) -> dict[str, Any]:
    return {
        "cases": f.cases,
        "members": f.members,
        "amount": fmt_money(f.amount),
        "rejected": f.rejected,
        "open": f.open,
        "by_prefecture": [
            {"prefecture": g.key[0], "cases": g.cases, "members": g.members, "amount": fmt_money(g.amount)}
            for g in f.by_prefecture
        ],
        "by_unit": [
            {
                "unit": g.key[0],
                "prefecture": g.key[1],
                "cases": g.cases,
                "members": g.members,
                "amount": fmt_money(g.amount),
            }  # fmt: skip
            for g in f.by_unit
        ],
        "by_plan": [
            {
                "plan": g.key[0],
                "benefit": g.key[1],
                "cases": g.cases,
                "members": g.members,
                "amount": fmt_money(g.amount),
            }  # fmt: skip
            for g in f.by_plan
        ],
        "by_month": [
            {"month": g.key[0], "cases": g.cases, "amount": fmt_money(g.amount)} for g in f.by_month
        ],
    }
