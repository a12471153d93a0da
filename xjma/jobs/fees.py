"""`xjma fees summary`: fees received by month of 缴费日期, by 地州市, unit and plan (cli.md `fees summary`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from xjma.core.rules import PLAN_CODES
from xjma.errors import XjmaError

if TYPE_CHECKING:
    from xjma.io.ledger.fees import FeeFigures

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    label: str  # "YYYY-MM" | "YYYY"
    lo: dt.date  # first day
    hi: dt.date  # first day after
    months: tuple[tuple[str, dt.date, dt.date], ...]  # (YYYY-MM, first day, first day after)


def _month_bounds(year: int, month: int) -> tuple[str, dt.date, dt.date]:
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return f"{year:04d}-{month:02d}", dt.date(year, month, 1), nxt


def parse_period(month: str | None, year: str | None) -> Period:
    """Exactly one of --month YYYY-MM and --year YYYY (else an XjmaError: bad options, exit 2)."""
    if (month is None) == (year is None):
        raise XjmaError("请给出 --month YYYY-MM 或 --year YYYY 之一（不能同时给出，也不能都不给）")
    if month is not None:
        found = _MONTH.match(month.strip())
        if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
            raise XjmaError(f"--month 应写成 2026-12 的形式：{month!r}")
        bounds = _month_bounds(int(found.group(1)), int(found.group(2)))
        return Period(bounds[0], bounds[1], bounds[2], (bounds,))
    found = _YEAR.match((year or "").strip())
    if not found or int(found.group(1)) < 1 or int(found.group(1)) > 9998:
        raise XjmaError(f"--year 应写成 2026 的形式：{year!r}")
    y = int(found.group(1))
    months = tuple(_month_bounds(y, m) for m in range(1, 13))
    return Period(str(y), dt.date(y, 1, 1), dt.date(y + 1, 1, 1), months)


def default_report_path(period: Period) -> Path:
    """缴费汇总_<period>.xlsx in the current folder (today's behaviour; cli.md names no other place and the
    summary has no input file to sit beside: review F4 noted, left as it is)."""
    return Path.cwd() / f"缴费汇总_{period.label}.xlsx"


@dataclass(frozen=True)
class FeeSummary:
    """What `fees summary` found: the figures ordered as shown (largest fees first, plans in their fixed
    order) and the workbook written."""

    period: Period
    figures: FeeFigures
    report: Path

    @property
    def yearly(self) -> bool:
        return len(self.period.months) > 1


def fees_summary(
    period: Period, db: str | None, output: Path | None, today: dt.date | None = None
) -> FeeSummary:
    """Read the fees of the period (a pure read: a ledger that does not exist reads as zeros, an older
    one is refused) and write the workbook."""
    from xjma.io.fees_xlsx import write_fees_workbook
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.fees import fee_figures

    with open_ledger(db, mode="read") as ledger:
        figures = fee_figures(ledger, period.lo, period.hi, period.months)
    result = FeeSummary(period, _ordered(figures), output or default_report_path(period))
    made_on = today or dt.date.today()
    write_fees_workbook(result.report, period.label, result.figures, result.yearly, made_on)
    return result


def _ordered(f: FeeFigures) -> FeeFigures:
    plan_order = {code: i for i, code in enumerate(PLAN_CODES)}
    return replace(
        f,
        by_prefecture=sorted(f.by_prefecture, key=lambda p: (-p.fee, p.prefecture)),
        by_unit=sorted(f.by_unit, key=lambda u: (-u.fee, u.unit, u.prefecture)),
        by_plan=sorted(f.by_plan, key=lambda p: plan_order.get(p.plan, 99)),
    )
