"""The one "N years after" of the claims rules (rules.md §0, §9): 29 February's anniversary is 1 March."""

from __future__ import annotations

import datetime as dt


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 1 March in a year without it (2024-02-29 + 2 ->
    2026-03-01), as §0 counts E and birthdays."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)
