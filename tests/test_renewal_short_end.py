"""Plan 5's next end date in the renewal roster (office.md §4): the last period's length again from
the new S, in whole months when it was whole months (rules.md §0 counting), else in days."""

from __future__ import annotations

import datetime as dt

import pytest

from xjma.core.renewal_roster import short_end
from xjma.core.renewals import LastPeriod

D = dt.date.fromisoformat


def period(start: str, end: str) -> LastPeriod:
    return LastPeriod("id", "名", "short-accident", D(end), 1, "10", "单位", "乌鲁木齐", start=D(start))


@pytest.mark.parametrize(
    ("start", "end", "new_start", "expected"),
    [
        # six months across 29 February keep the month's end
        ("2026-12-01", "2027-05-31", "2027-12-01", "2028-05-31"),
        # three months end on 29 February in a leap year ...
        ("2026-12-01", "2027-02-28", "2027-12-01", "2028-02-29"),
        # ... and on 28 February in a common year
        ("2027-12-01", "2028-02-29", "2028-12-01", "2029-02-28"),
        # whole months from a day the target month lacks: to that month's end
        ("2027-11-30", "2028-02-29", "2028-11-30", "2029-02-28"),
        ("2026-08-31", "2027-02-28", "2027-08-31", "2028-02-29"),
        # one whole month
        ("2027-01-15", "2027-02-14", "2028-01-15", "2028-02-14"),
        # not whole months: the same number of days, 181 (one day short of six months) ...
        ("2026-12-01", "2027-05-30", "2027-12-01", "2028-05-29"),
        # ... and 91 (one day over three months), across 29 February
        ("2026-12-01", "2027-03-01", "2027-12-01", "2028-02-29"),
        # a one-day period stays one day
        ("2027-01-10", "2027-01-10", "2028-01-10", "2028-01-10"),
    ],
)
def test_plan_5_keeps_its_length_in_whole_months_else_in_days(start, end, new_start, expected):
    assert short_end(period(start, end), D(new_start)) == D(expected)
