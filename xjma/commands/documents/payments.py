"""The `claim pay` JSON (office.md §5): the batch, its cases as case objects, the amount, the bank file.

Its cases are the case objects of `claim show` (commands/documents/cases.case_document: one builder).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xjma.commands.documents.cases import case_document
from xjma.core.money import fmt_money

if TYPE_CHECKING:
    from xjma.jobs.payments import PayResult


def pay_document(result: PayResult) -> dict[str, Any]:
    """`claim pay` and `claim pay --confirm`: {"payment_batch", "cases", "amount", "bank_file"}."""
    return {
        "payment_batch": result.batch,
        "cases": [case_document(c) for c in result.cases],  # the `claim show` object
        "amount": fmt_money(result.amount),
        "bank_file": str(result.bank_file),
    }


def failed_pay_document() -> dict[str, Any]:
    """The exit-2 document: no batch."""
    return {"payment_batch": None, "cases": [], "amount": "0.00", "bank_file": None}
