"""`medical import --json` (office.md §8): the single home of its keys."""

from __future__ import annotations

from typing import Any

from xjma.core.money import fmt_money

# JSON key of each class count (office.md §8).
COUNT_KEYS = {
    "agree": "agree",
    "differ": "differ",
    "not-enrolled": "not_enrolled",
    "voided": "voided",
    "observation": "observation",
    "over-cap": "over_cap",
    "duplicate": "duplicates",
}


def medical_import_document(run: Any) -> dict[str, Any]:
    """`run`: a jobs.medical.ImportRun, or None for the exit-2 document (nothing read)."""
    items = run.items if run is not None else ()
    doc: dict[str, Any] = {"records": len(items)}
    for cls, key in COUNT_KEYS.items():
        doc[key] = sum(1 for i in items if i.cls == cls)
    doc["recorded"] = (run.recorded or 0) if run is not None else 0
    doc["amount_platform"] = fmt_money(run.amount_platform) if run is not None else "0.00"
    doc["amount_xjma"] = fmt_money(run.amount_xjma) if run is not None else "0.00"
    doc["items"] = [
        {
            "row": i.settlement.row,
            "settlement_no": i.settlement.settlement_no,
            "id_number": i.settlement.id_number,
            "class": i.cls,
            "platform": fmt_money(i.settlement.platform),
            "xjma": fmt_money(i.xjma),
            "steps": list(i.steps),
        }
        for i in items
    ]
    return doc
