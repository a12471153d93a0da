"""The period options of the summaries (`fees summary`, `claims summary`, `report overview`): --month,
--year, --from/--to read in one place."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import typer

from xjma.commands.common import LAST_YEAR, parse_date_option
from xjma.errors import XjmaError

if TYPE_CHECKING:
    from xjma.jobs.fees import Period

MonthOpt = typer.Option(None, "--month", help="月份，如 2026-12")
YearOpt = typer.Option(None, "--year", help="年份，如 2026")


def month_or_year(month: str | None, year: str | None) -> Period:
    """Exactly one of --month YYYY-MM and --year YYYY, a year no later than LAST_YEAR."""
    from xjma.jobs.fees import parse_period

    refuse_far_years(month, year)
    return parse_period(month, year)


def period_label_or_none(month: str | None, year: str | None) -> str | None:
    """The period's label for a summary's exit-2 document, or None when --month/--year is the mistake."""
    try:
        return month_or_year(month, year).label
    except XjmaError:
        return None


def refuse_far_years(month: str | None, year: str | None) -> None:
    """A year past LAST_YEAR has no next year to end its period on: said as a bad option."""
    for name, value in (("--month", month), ("--year", year)):
        digits = (value or "").strip()[:4]
        if digits.isdigit() and len(digits) == 4 and int(digits) > LAST_YEAR:
            raise XjmaError(f"{name} 超出可用的日期范围：{value!r}，请写 {LAST_YEAR} 年以前的年份或月份")


def window_of(
    year: str | None, date_from: str | None, date_to: str | None, now: dt.date
) -> tuple[dt.date, dt.date]:
    """--year YYYY, or --from and --to, or neither (the current year); both days included."""
    if year is not None and (date_from is not None or date_to is not None):
        raise XjmaError("--year 与 --from/--to 只能选一种")
    if (date_from is None) != (date_to is None):
        raise XjmaError("--from 与 --to 须同时给出")
    if date_from is not None:
        lo, hi = parse_date_option(date_from, "--from"), parse_date_option(date_to, "--to")
        if lo > hi:
            raise XjmaError(f"--from {lo.isoformat()} 晚于 --to {hi.isoformat()}")
        return lo, hi
    if year is None:
        return dt.date(now.year, 1, 1), dt.date(now.year, 12, 31)
    digits = year.strip()
    if not (digits.isdigit() and len(digits) == 4):
        raise XjmaError(f"--year 应写成 2026 的形式：{year!r}")
    lo = parse_date_option(f"{digits}-01-01", "--year")
    return lo, parse_date_option(f"{digits}-12-31", "--year")
