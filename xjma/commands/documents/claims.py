"""The cli.md `claim calc` JSON document, built from a jobs.claims.ClaimsRun (money as strings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xjma.core.money import fmt_money

if TYPE_CHECKING:
    from xjma.jobs.claims import ClaimsRun


def claims_document(run: ClaimsRun) -> dict[str, Any]:
    """`claim calc --json`: the one place a run becomes JSON (an empty run with one error for exit 2)."""
    claims = [
        {
            "row": r.claim.row,
            "id_number": r.claim.id_number,
            "plan": r.claim.plan,
            "benefit": r.claim.benefit,
            "event_date": r.claim.event_date.isoformat(),
            "day_index": r.day_index,
            "payout": fmt_money(r.payout),
            "reasons": list(r.reasons),
            "exclusion": r.exclusion,
            "cover_ended": r.cover_ended,
            "rules_version": r.rules_version,
            "steps": list(r.steps),
            "warnings": list(r.warnings),
        }
        for r in run.results
    ]
    errors = [{"row": e.row, "message": e.message} for e in run.errors]
    return {"claims": claims, "total": fmt_money(run.total), "errors": errors}


def failed_claims_document(message: str) -> dict[str, Any]:
    """The exit-2 document: no claim computed; the reason is the one error, as in a row error."""
    from xjma.core.claims.model import ClaimError
    from xjma.jobs.claims import ClaimsRun

    return claims_document(ClaimsRun(results=(), errors=(ClaimError(None, message),)))
