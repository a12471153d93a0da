"""`xjma claims summary` (office.md §6): the cases approved (or paid) in a month or a year, by 地州市,
unit, plan and benefit, month by month for a year, with the rejected and open counts, and its workbook.
A pure read: a ledger that does not exist reads as zeros, an older one is refused. A SQLite ledger's kept
claim totals (io/ledger/claim_totals) give the figures when they count every case event; otherwise they
are counted from the cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xjma.core.claims_summary import SUMMARY_STATES, ClaimsFigures, summarise
from xjma.errors import XjmaError
from xjma.jobs.fees import Period

if TYPE_CHECKING:
    from xjma.io.ledger.db import Ledger


@dataclass(frozen=True)
class ClaimsSummary:
    period: Period
    state: str  # approved | paid
    figures: ClaimsFigures
    report: Path

    @property
    def yearly(self) -> bool:
        return len(self.period.months) > 1


def parse_state(value: str | None) -> str:
    """--state approved (default) | paid, or their Chinese names."""
    text = (value or "approved").strip()
    found = {"approved": "approved", "已审批": "approved", "paid": "paid", "已支付": "paid"}.get(text)
    if found is None:
        raise XjmaError(f"--state 只能是 approved（已审批，含已支付）或 paid（已支付）：{value!r}")
    assert found in SUMMARY_STATES
    return found


def default_report_path(period: Period, state: str) -> Path:
    """赔付汇总_<period>.xlsx (已支付: 赔付汇总_<period>_已支付.xlsx) in the current folder, as fees summary."""
    suffix = "_已支付" if state == "paid" else ""
    return Path.cwd() / f"赔付汇总_{period.label}{suffix}.xlsx"


def claims_summary(
    period: Period, state: str, db: str | None, output: Path | None, today: dt.date
) -> ClaimsSummary:
    from xjma.io.claims_summary_xlsx import write_claims_workbook
    from xjma.io.ledger import open_ledger

    months = [m for m, _, _ in period.months]
    with open_ledger(db, mode="read") as ledger:
        if not ledger.exists:
            figures = summarise((), months, 0, 0)
        else:
            figures = _kept_figures(ledger, state, period.label, months) or _counted_figures(
                ledger, state, period, months
            )
    result = ClaimsSummary(period, state, figures, output or default_report_path(period, state))
    write_claims_workbook(result.report, period.label, state, figures, result.yearly, today)
    return result


def _kept_figures(ledger: Ledger, state: str, label: str, months: list[str]) -> ClaimsFigures | None:
    """The figures from the totals a SQLite ledger keeps, when they count every case event."""
    from xjma.io.ledger.claim_totals import claim_totals_current, read_claim_figures

    with ledger.connect() as conn:
        if not claim_totals_current(conn):
            return None
        return read_claim_figures(conn, state, label, months)


def _counted_figures(ledger: Ledger, state: str, period: Period, months: list[str]) -> ClaimsFigures:
    """The figures counted from the cases: the case lines, and meanwhile, on a second connection (a read
    of its own), the rejected and open counts."""
    from concurrent.futures import ThreadPoolExecutor

    from xjma.io.ledger.claims_summary import case_lines, rejected_and_open

    def counts() -> tuple[int, int]:
        with ledger.connect() as conn:
            return rejected_and_open(conn, period.lo, period.hi)

    with ThreadPoolExecutor(max_workers=1) as aside:
        counted = aside.submit(counts)
        with ledger.connect() as conn:
            lines = case_lines(conn, period.lo, period.hi, state)
        rejected, still_open = counted.result()
    return summarise(lines, months, rejected, still_open)
