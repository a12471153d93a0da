"""`report overview --json` (office.md §7): the single home of its keys. Money as strings with two
decimals, ratios as strings with four ("0.6123"), null when their denominator is 0."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xjma.core.money import fmt_money
from xjma.core.overview import Figures, Overview


def overview_document(result: Overview) -> dict[str, Any]:
    return {
        "from": result.lo.isoformat(),
        "to": result.hi.isoformat(),
        **figures_document(result.total),
        "sentence": result.sentence,
        "by_prefecture": [{**figures_document(f), "prefecture": name} for name, f in result.by_prefecture],
        "by_plan": [{**figures_document(f), "plan": code} for code, f in result.by_plan],
    }


def failed_overview_document(message: str) -> dict[str, Any]:
    """The exit-2 document: no window read; every figure empty."""
    del message  # told on stderr
    return {
        "from": None, "to": None, "units": 0, "members": 0, "enrollments": 0, "fees": "0.00",
        "earned_fees": "0.00", "beneficiary_cases": 0, "beneficiary_members": 0, "payouts": "0.00",
        "loss_ratio": None, "renewal_ratio": None, "sentence": "", "by_prefecture": [], "by_plan": [],
    }  # fmt: skip


def figures_document(f: Figures) -> dict[str, Any]:
    return {
        "units": f.units,
        "members": f.members,
        "enrollments": f.enrollments,
        "fees": fmt_money(f.fees),
        "earned_fees": fmt_money(f.earned_fees),
        "beneficiary_cases": f.beneficiary_cases,
        "beneficiary_members": f.beneficiary_members,
        "payouts": fmt_money(f.payouts),
        "loss_ratio": ratio_text(f.loss_ratio),
        "renewal_ratio": ratio_text(f.renewal_ratio),
    }


def ratio_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.4f}"
