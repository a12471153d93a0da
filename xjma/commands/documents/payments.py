"""The `claim pay` JSON (office.md §5): the batch, its cases as case objects, the amount, the bank file.

`case_document` builds the case object of office.md §5 from the case tables (io.ledger.payments
.CaseRecord): the `claim calc` claim object plus case, state, submission, payment_batch,
materials_missing and history. `claim show`/`claim list` build the same object (cases area): the
integrator keeps one of the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from xjma.core.money import fmt_money

if TYPE_CHECKING:
    from xjma.io.ledger.payments import CaseRecord
    from xjma.jobs.payments import PayResult


def case_document(record: CaseRecord, materials_missing: Sequence[str] = ()) -> dict[str, Any]:
    """One case (office.md §5 "Case JSON"); its payout is that of its latest approval, else as first
    computed. `materials_missing` comes from the materials rules (rules/materials.yaml, cases area)."""
    i, r = record.inputs, record.result
    payout = record.approved_payout if record.approved_payout is not None else record.first_payout
    return {
        "row": i.get("row"),
        "id_number": i.get("id_number"),
        "plan": i.get("plan"),
        "benefit": i.get("benefit"),
        "event_date": i.get("event_date"),
        "day_index": r.get("day_index", 0),
        "payout": fmt_money(payout),
        "reasons": list(r.get("reasons", ())),
        "exclusion": r.get("exclusion"),
        "cover_ended": bool(r.get("cover_ended", False)),
        "rules_version": record.rules_version,
        "steps": list(r.get("steps", ())),
        "warnings": list(r.get("warnings", ())),
        "case": record.case,
        "state": record.state,
        "submission": record.submission,
        "payment_batch": record.payment_batch,
        "materials_missing": list(materials_missing),
        "history": [
            {
                "at": e.at.replace(microsecond=0).isoformat(),
                "state": e.state,
                "operator": e.operator,
                "note": e.note,
            }
            for e in record.history
        ],
    }


def pay_document(result: PayResult) -> dict[str, Any]:
    """`claim pay` and `claim pay --confirm`: {"payment_batch", "cases", "amount", "bank_file"}."""
    return {
        "payment_batch": result.batch,
        "cases": [case_document(c) for c in result.cases],
        "amount": fmt_money(result.amount),
        "bank_file": str(result.bank_file),
    }


def failed_pay_document() -> dict[str, Any]:
    """The exit-2 document: no batch."""
    return {"payment_batch": None, "cases": [], "amount": "0.00", "bank_file": None}
