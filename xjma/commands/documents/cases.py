"""The office.md §5 JSON of cases: `claim submit`, `claim approve|return|reject|void`, `claim list`, `claim
show`. A case is the `claim calc` claim object plus case, state, submission, payment_batch,
materials_missing and history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xjma.core.materials import WARNING as MATERIALS_MISSING
from xjma.core.money import fmt_money

if TYPE_CHECKING:
    from xjma.jobs.cases import CaseItem, CasesRun, SubmitRun


def case_document(item: CaseItem) -> dict[str, Any]:
    s = item.stored
    inputs, result, view = s.claim["inputs"], s.claim["result"], s.view
    warnings = list(result.get("warnings", ()))
    if item.materials_missing and MATERIALS_MISSING not in warnings:
        warnings.append(MATERIALS_MISSING)
    return {
        "row": inputs.get("row"),
        "id_number": s.claim["id_number"] or None,
        "plan": s.claim["plan"],
        "benefit": s.claim["benefit"],
        "event_date": s.claim["event_date"].isoformat(),
        "day_index": int(result.get("day_index", 0)),
        "payout": fmt_money(view.payout),
        "reasons": list(result.get("reasons", ())),
        "exclusion": result.get("exclusion"),
        "cover_ended": bool(result.get("cover_ended", False)),
        "rules_version": s.claim["rules_version"],
        "steps": list(result.get("steps", ())),
        "warnings": warnings,
        "case": view.case,
        "state": view.state,
        "submission": view.submission,
        "payment_batch": view.payment_batch,
        "materials_missing": list(item.materials_missing),
        "history": [
            {
                "at": e.at.replace(microsecond=0).isoformat(),
                "state": e.state,
                "operator": e.operator,
                "note": e.note,
            }
            for e in view.history
        ],
    }


def submit_document(run: SubmitRun) -> dict[str, Any]:
    return {
        "submission": run.submission,
        "cases": [case_document(c) for c in run.cases],
        "total": fmt_money(run.total),
        "materials_missing": run.materials_missing,
        "errors": [{"row": e.row, "message": e.message} for e in run.errors],
    }


def failed_submit_document(message: str) -> dict[str, Any]:
    return {"submission": None, "cases": [], "total": "0.00", "materials_missing": 0,
            "errors": [{"row": None, "message": message}]}  # fmt: skip


def cases_document(run: CasesRun) -> dict[str, Any]:
    return {"cases": [case_document(c) for c in run.cases]}


def no_cases_document(_options: dict[str, Any] | None = None, _message: str = "") -> dict[str, Any]:
    return {"cases": []}
