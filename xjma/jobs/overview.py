"""`xjma report overview` (开展概况, office.md §7): the figures of a window, overall, by 地州市 and by plan,
and the workbook. A read: a ledger that does not exist reads as zeros, an older one is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from xjma.core.overview import Overview, overview
from xjma.core.rules import PLAN_CODES

UNFILLED = "未填写"


@dataclass(frozen=True)
class Window:
    lo: dt.date  # first day
    hi: dt.date  # last day (included)
    cumulative: bool = False  # from the first day the ledger knows to `hi`


@dataclass(frozen=True)
class OverviewRun:
    result: Overview
    report: Path


def default_overview_path(result: Overview) -> Path:
    """开展概况_2026.xlsx, 开展概况_累计至2026-12-31.xlsx or 开展概况_<from>至<to>.xlsx, in the current folder."""
    if result.cumulative:
        label = f"累计至{result.hi.isoformat()}"
    elif (result.lo.month, result.lo.day, result.hi.month, result.hi.day) == (1, 1, 12, 31):
        label = f"{result.lo.year}" if result.lo.year == result.hi.year else f"{result.lo}至{result.hi}"
    else:
        label = f"{result.lo.isoformat()}至{result.hi.isoformat()}"
    return Path.cwd() / f"开展概况_{label}.xlsx"


def report_overview(window: Window, *, db: str | None, output: Path | None, made_on: dt.date) -> OverviewRun:
    """Read the ledger's figures for the window, put them together, write the workbook."""
    from xjma.io.overview_xlsx import write_overview_workbook
    from xjma.io.prefectures import load_prefectures

    result = read_window(window, db)
    report = output or default_overview_path(result)
    write_overview_workbook(report, result, load_prefectures().office.name, made_on)
    return OverviewRun(result, report)


def read_window(window: Window, db: str | None) -> Overview:
    """The overview of the window (a cumulative one starts on the first day the ledger knows)."""
    from concurrent.futures import ThreadPoolExecutor

    from xjma.core.overview import LedgerFigures
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.overview import first_day, read_overview
    from xjma.io.prefectures import load_prefectures
    from xjma.jobs.renewals import renewal_ratio

    lo, hi = window.lo, window.hi
    figures = LedgerFigures(cover=(), members={}, cases=(), case_members={}, fees={})
    with open_ledger(db, mode="read") as ledger, ThreadPoolExecutor(max_workers=1) as aside:
        if ledger.exists and window.cumulative:
            with ledger.connect() as conn:
                lo = min(first_day(conn) or lo, lo)
        renewals = aside.submit(renewal_ratio, lo, hi, db=db, rules_path=None)  # meanwhile
        if ledger.exists:
            figures = read_overview(ledger, lo, hi)
        ratios = renewals.result()
    shorts = [p.short for p in load_prefectures().items]
    return overview(figures, ratios, (lo, hi, window.cumulative), shorts, PLAN_CODES, UNFILLED)
