"""参保名单 保障期: which plans have their own end date is the rules' `short_term` flag, not a plan code
(issue 12 §3, "short-term from the rules' flag")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xjma.core.enrollment import NewEnrollment
from xjma.core.model import Enrollment
from xjma.io.enroll_xlsx import _period
from xjma.io.rules_file import load_rules

S = dt.date(2026, 12, 1)
NAMES = {"inpatient-accident": "住院+意外", "short-accident": "短期意外", "gig-accident": "灵活就业意外"}


def _item(plan: str, end: dt.date) -> NewEnrollment:
    enrollment = Enrollment(
        id_number="650102198501011113", plan=plan, start=S, end=end, shares=1, renewed_shares=0
    )
    return NewEnrollment(1, enrollment, Decimal("10.00"), 0, None, "v", None)


def test_the_rules_name_plan_5_as_the_one_with_its_own_end():
    assert load_rules().version_on(S).short_term_plans == frozenset({"short-accident"})


def test_a_plan_the_rules_flag_short_term_is_shown_with_its_own_end():
    items = [
        _item("inpatient-accident", dt.date(2027, 11, 30)),
        _item("short-accident", dt.date(2027, 2, 28)),
    ]
    shown = _period(S, items, NAMES, frozenset({"short-accident"}))
    assert shown == "2026-12-01 至 2027-11-30；短期意外至 2027-02-28"


def test_a_plan_is_annual_when_the_rules_do_not_flag_it():
    items = [
        _item("inpatient-accident", dt.date(2027, 11, 30)),
        _item("short-accident", dt.date(2027, 11, 30)),
    ]
    assert _period(S, items, NAMES, frozenset()) == "2026-12-01 至 2027-11-30"


def test_the_flag_not_the_code_decides():
    items = [_item("gig-accident", dt.date(2027, 3, 31))]
    assert _period(S, items, NAMES, frozenset({"gig-accident"})) == "2026-12-01 至 2027-03-31"
    items = [_item("inpatient-accident", dt.date(2027, 11, 30)), _item("gig-accident", dt.date(2027, 3, 31))]
    shown = _period(S, items, NAMES, frozenset({"gig-accident"}))
    assert shown == "2026-12-01 至 2027-11-30；灵活就业意外至 2027-03-31"
