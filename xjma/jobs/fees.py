"""`xjma fees summary`: fees received by month of 缴费日期, by 地州市, unit and plan (cli.md `fees summary`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xjma.core.money import fmt_money
from xjma.core.rules import PLAN_CODES
from xjma.errors import XjmaError

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
    return Path.cwd() / f"缴费汇总_{period.label}.xlsx"


def fees_summary(period: Period, db: str | None, output: Path | None) -> tuple[dict[str, Any], Path]:
    """The JSON document of cli.md and the workbook written; a ledger that does not exist reads as empty."""
    from xjma.io.fees_xlsx import write_fees_workbook
    from xjma.io.ledger import open_ledger

    with open_ledger(db, create=False) as ledger:
        figures = _read(ledger, period)
    doc = _document(period, figures)
    report = output or default_report_path(period)
    write_fees_workbook(report, doc, yearly=len(period.months) > 1)
    return doc, report


def _read(ledger: Any, period: Period) -> dict[str, Any]:
    from xjma.io.ledger.enrollments import read_fees

    if not ledger.exists:
        from decimal import Decimal

        zero = Decimal("0.00")
        return {
            "total": zero,
            "members": 0,
            "by_prefecture": [],
            "by_unit": [],
            "by_plan": [],
            "by_month": [(label, 0, zero) for label, _, _ in period.months],
        }
    _refresh_totals(ledger)
    from xjma.io.ledger.changes import net_of_refunds

    with ledger.connect() as conn:
        figures = read_fees(conn, period.lo, period.hi, period.months)
        return net_of_refunds(conn, figures, period.lo, period.hi, period.months)


def _refresh_totals(ledger: Any) -> None:
    """On SQLite, add the enrollments recorded since the last run to the ledger's fee totals (schema v2),
    so a year over 1.7M members reads a few hundred rows. A ledger that cannot be written (read-only
    file, locked too long) keeps its old totals, and read_fees then counts the slow, exact way."""
    from xjma.io.ledger.enrollments import refresh_fee_totals

    try:
        with ledger.begin() as conn:
            refresh_fee_totals(conn)
    except XjmaError:
        pass


def _document(period: Period, f: dict[str, Any]) -> dict[str, Any]:
    """Keys exactly as cli.md; largest fees first, plans in their fixed order."""
    plan_order = {code: i for i, code in enumerate(PLAN_CODES)}
    return {
        "period": period.label,
        "total": fmt_money(f["total"]),
        "members": f["members"],
        "by_prefecture": [
            {"prefecture": p, "members": m, "shares": s, "fee": fmt_money(fee)}
            for p, m, s, fee in sorted(f["by_prefecture"], key=lambda t: (-t[3], t[0]))
        ],
        "by_unit": [
            {"unit": u, "prefecture": p, "members": m, "shares": s, "fee": fmt_money(fee)}
            for u, p, m, s, fee in sorted(f["by_unit"], key=lambda t: (-t[4], t[0], t[1]))
        ],
        "by_plan": [
            {"plan": p, "members": m, "shares": s, "fee": fmt_money(fee)}
            for p, m, s, fee in sorted(f["by_plan"], key=lambda t: plan_order.get(t[0], 99))
        ],
        "by_month": [
            {"month": label, "members": m, "fee": fmt_money(fee)} for label, m, fee in f["by_month"]
        ],
    }
