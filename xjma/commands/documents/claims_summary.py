"""The `claims summary` JSON document (office.md §6), built from a jobs.claims_summary.ClaimsSummary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xjma.core.money import fmt_money

if TYPE_CHECKING:
    from xjma.jobs.claims_summary import ClaimsSummary


def claims_summary_document(summary: ClaimsSummary) -> dict[str, Any]:
    f = summary.figures
    return {
        "period": summary.period.label,
        "state": summary.state,
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
