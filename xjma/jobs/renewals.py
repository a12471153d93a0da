"""Renewals (office.md §4): `renewals due` and the renewal ratio for the overview. Read only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from xjma.core.renewals import RenewalRatios, RenewalsDue, lapse_horizon, renewal_ratios, renewals_due

if TYPE_CHECKING:
    from xjma.core.renewals import LastPeriod

UNFILLED = "未填写"


@dataclass(frozen=True)
class DueRun:
    result: RenewalsDue
    report: Path


def default_due_path(before: dt.date) -> Path:
    return Path.cwd() / f"续保提醒_{before.isoformat()}.xlsx"


def due_renewals(
    before: dt.date,
    *,
    db: str | None,
    rules_path: Path | None,
    today: dt.date,
    prefecture: str | None = None,
    unit: str | None = None,
    output: Path | None = None,
) -> DueRun:
    """Read the members due by `before` (and the lapses), judge them under the rules, write the workbook.
    `unit`: a code, name, alias or USCC of the register (else the unit text as recorded)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.renewals import CurrentUnits, last_periods
    from xjma.io.renewals_xlsx import write_due_workbook
    from xjma.io.rules_file import load_rules

    rules = load_rules(rules_path)
    wanted = _prefecture_filter(prefecture)
    periods: list[LastPeriod] = []
    contacts: dict[str, tuple[str, str]] = {}
    with open_ledger(db, mode="read") as ledger:
        if ledger.exists:
            with ledger.connect() as conn:
                units = CurrentUnits(conn)
                named = {(u.code, u.name) for u in units.units_named(unit)} if unit is not None else set()
                since = min(lapse_horizon(today), before)
                periods = [
                    _shown(p)
                    for p in last_periods(conn, since, before, units)
                    if (wanted is None or p.prefecture == wanted)
                    and (unit is None or (p.code, p.unit) in named or (not p.code and p.unit == unit))
                ]
                contacts = {code: pair for code, pair in units.unit_contacts().items() if any(pair)}
    result = renewals_due(periods, before, today, rules, contacts)
    report = output or default_due_path(before)
    write_due_workbook(report, result, today)
    return DueRun(result, report)


def _shown(period: LastPeriod) -> LastPeriod:
    return period if period.prefecture else replace(period, prefecture=UNFILLED)


def _prefecture_filter(text: str | None) -> str | None:
    """--prefecture in any accepted spelling -> the short form the ledger records (else as given)."""
    if text is None:
        return None
    from xjma.io.prefectures import load_prefectures

    return load_prefectures().resolve(text.strip()) or text.strip()


def renewal_ratio(lo: dt.date, hi: dt.date, *, db: str | None, rules_path: Path | None) -> RenewalRatios:
    """续保率 for the periods that ended in [lo, hi], overall, by 地州市 and by plan (office.md §4, §7)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.renewals import ended_periods
    from xjma.io.rules_file import load_rules

    grace = load_rules(rules_path).common.renewal_grace_days
    with open_ledger(db, mode="read") as ledger:
        if not ledger.exists:
            return renewal_ratios([], grace)
        with ledger.connect() as conn:
            ended = [
                p if p.prefecture else replace(p, prefecture=UNFILLED) for p in ended_periods(conn, lo, hi)
            ]
    return renewal_ratios(ended, grace)


@dataclass(frozen=True)
class RenewalRoster:
    unit: str
    start: dt.date
    rows: int
    flagged: int
    report: Path


def renewal_roster(
    unit: str, start: dt.date | None, *, db: str | None, rules_path: Path | None, output: Path, today: dt.date
) -> RenewalRoster:
    """The unit's next roster pre-filled from the ledger (office.md §4); an unknown unit is an XjmaError."""
    from xjma.core.renewal_roster import default_start, renewal_rows
    from xjma.errors import XjmaError
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.renewals import unit_last_periods
    from xjma.io.prefectures import load_prefectures
    from xjma.io.rules_file import load_rules
    from xjma.io.template_xlsx import write_roster_template
    from xjma.jobs.plans import plans_document

    rules = load_rules(rules_path)
    periods: list[LastPeriod] = []
    claimed: set[tuple[str, str]] = set()
    with open_ledger(db, mode="read") as ledger:
        if ledger.exists:
            with ledger.connect() as conn:
                periods, claimed, named = unit_last_periods(conn, unit)
                if len(named) > 1:
                    codes = "、".join(u.code for u in named)
                    raise XjmaError(f"有多个单位叫“{unit}”（{codes}），请用单位代码指明")
    first = start or default_start(periods)
    if first is None:
        raise XjmaError(f"台账中没有工作单位“{unit}”的参保记录，无法生成续保名册")
    prefectures = load_prefectures()
    rows = renewal_rows(periods, first, rules, claimed, prefectures)
    version = rules.version_on(first) or rules.version_on(today)
    if version is None:
        raise XjmaError(f"{first.isoformat()} 没有生效的保障规则")
    write_roster_template(
        output,
        rules,
        version,
        prefectures,
        plans_document(rules, first),
        [(r.values, r.notes) for r in rows],
    )
    return RenewalRoster(unit, first, len(rows), sum(1 for r in rows if r.notes), output)
