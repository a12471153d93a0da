"""xjma — 职工互助保障 名册校验、参保、缴费汇总与理赔计算 (中国职工保险互助会新疆办事处).

A small library API beside the command line (the same actions, no Typer, no terminal):

    import xjma
    rules = xjma.load_rules()
    outcome = xjma.check_roster("名册.xlsx", start=datetime.date(2026, 12, 1))
    result = xjma.enroll("名册.xlsx", start=..., db="台账.db", dry_run=True)
    run = xjma.compute_claims([(None, {"plan": "inpatient-accident", ...})])
    doc = xjma.summarise_fees(month="2026-12", db="台账.db")

Heavy libraries are imported by the calls, not by `import xjma`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xjma.core.rules import Rules
    from xjma.io.checked_roster import ValidationOutcome
    from xjma.jobs.claims import ClaimsRun
    from xjma.jobs.enroll import EnrollResult

__version__ = "0.1.0"
__all__ = ["check_roster", "compute_claims", "enroll", "load_rules", "summarise_fees"]


def load_rules(path: Path | str | None = None) -> Rules:
    """The rules file (default: the packaged rules/plans.yaml), validated."""
    from xjma.io.rules_file import load_rules as load

    return load(path)


def check_roster(
    path: Path | str,
    *,
    start: dt.date,
    db: str | None = None,
    rules: Rules | Path | str | None = None,
    **options: Any,
) -> ValidationOutcome:
    """Check a roster (as `xjma validate`, without the report workbook). `db`: a ledger to check
    against (None: none); options: unit, prefecture, end, sheet."""
    from xjma.jobs.validate import open_ledger_view, validate_file

    view = open_ledger_view(db)[0] if db else None
    return validate_file(Path(path), start=start, rules=rules, ledger=view, **options)


def enroll(
    path: Path | str,
    *,
    start: dt.date,
    paid_on: dt.date | None = None,
    db: str | None = None,
    **options: Any,
) -> EnrollResult:
    """Enroll a roster (as `xjma enroll`): options as jobs.enroll.EnrollRequest (rules, end, unit,
    prefecture, sheet, dry_run, skip_invalid, output)."""
    from xjma.jobs.enroll import EnrollRequest, enroll_roster

    now = dt.datetime.now()
    request = EnrollRequest(start=start, paid_on=paid_on or now.date(), now=now, db=db, **options)
    return enroll_roster(Path(path), request)


def compute_claims(
    rows: Sequence[tuple[int | None, dict[str, object]]],
    *,
    rules: Rules | Path | str | None = None,
    db: str | None = None,
    record: bool = False,
) -> ClaimsRun:
    """Compute claims (as `xjma claim calc`): rows of (row number or None, values by claims field)."""
    from xjma.core.rules import Rules as RulesType
    from xjma.jobs.claims import calc_claims

    loaded = rules if isinstance(rules, RulesType) else load_rules(rules)
    return calc_claims(list(rows), loaded, db, record=record)


def summarise_fees(
    *, month: str | None = None, year: str | None = None, db: str | None = None, output: Path | None = None
) -> dict[str, Any]:
    """Fees received in a month (YYYY-MM) or a year (YYYY), as `xjma fees summary --json`."""
    from xjma.commands.documents_ledger import fees_document
    from xjma.jobs.fees import fees_summary, parse_period

    return fees_document(fees_summary(parse_period(month, year), db, output))
