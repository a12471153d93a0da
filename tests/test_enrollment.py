"""What enrolling a row records (rules.md §0–§1): periods, fees, renewal lots, observation, grace days."""

import datetime as dt
from decimal import Decimal

import pytest
from test_enroll_cli import enroll, person, pid, write_roster

from xjma.core.enrollment import compute_enrollment, compute_row, member_gender, summarise_fees
from xjma.core.model import Enrollment, RosterRow
from xjma.core.renewal import is_continuous
from xjma.io.rules_file import default_rules_path, load_rules

S = dt.date(2026, 12, 1)
ID = pid("19850101", "123")
RULES = load_rules()


def row(shares, **extra):
    return RosterRow(
        row=2, name="张三", id_number=ID, unit="甲公司", prefecture="巴州", shares=shares, **extra
    )


def previous(plan, shares, end, start=None, first_start=None):
    start = start or dt.date(end.year - 1, end.month, end.day) + dt.timedelta(days=1)
    return Enrollment(ID, plan, start, end, shares, 0, unit="甲公司", first_start=first_start)


def test_a_new_enrollment_runs_a_year_with_observation_for_every_share():
    e = compute_enrollment(row({"critical-illness": 2}), "critical-illness", S, RULES, [])
    assert (e.enrollment.end, e.enrollment.renewed_shares, e.observation_end) == (
        dt.date(2027, 11, 30),
        0,
        dt.date(2027, 1, 30),
    )
    assert (e.fee, e.rules_version, e.renewal, e.enrollment.first_start) == (
        Decimal("80.00"),
        "第四期",
        None,
        S,
    )


def test_plan_5_ends_on_the_rows_end_date_and_is_charged_by_its_tier():
    r = row({"short-accident": 4}, short_tier="15", short_end=dt.date(2027, 1, 31))
    e = compute_enrollment(r, "short-accident", S, RULES, [])
    assert (e.enrollment.end, e.fee, e.enrollment.tier, e.observation_end) == (
        dt.date(2027, 1, 31),
        Decimal("60.00"),
        "15",
        None,
    )


def test_plan_5_falls_back_to_the_end_option_when_the_row_has_none():
    e = compute_enrollment(
        row({"short-accident": 1}, short_tier="5"), "short-accident", S, RULES, [], end=dt.date(2026, 12, 31)
    )
    assert (e.enrollment.end, e.fee) == (dt.date(2026, 12, 31), Decimal("5.00"))


def test_the_version_in_force_on_s_names_the_enrollment():
    e = compute_enrollment(
        row({"inpatient-accident": 1}), "inpatient-accident", dt.date(2023, 6, 1), RULES, []
    )
    assert e.rules_version == "第三期"


def test_a_renewal_with_more_shares_has_a_renewed_lot_and_a_new_lot_in_observation():
    history = [previous("critical-illness", 1, S - dt.timedelta(days=1), first_start=dt.date(2023, 12, 1))]
    e = compute_enrollment(row({"critical-illness": 3}), "critical-illness", S, RULES, history)
    assert (e.enrollment.renewed_shares, e.enrollment.new_shares) == (1, 2)
    assert e.observation_end == dt.date(2027, 1, 30)
    assert (e.renewal, e.enrollment.first_start) == ("ledger", dt.date(2023, 12, 1))


def test_a_renewal_with_as_many_or_fewer_shares_has_no_observation():
    history = [previous("critical-illness", 4, S - dt.timedelta(days=1))]
    e = compute_enrollment(row({"critical-illness": 2}), "critical-illness", S, RULES, history)
    assert (e.enrollment.renewed_shares, e.observation_end) == (2, None)
    assert e.enrollment.first_start == history[0].start


@pytest.mark.parametrize(("gap_days", "renewed"), [(0, 1), (1, 0)])
def test_without_grace_days_renewal_needs_s_on_the_day_after_the_previous_end(gap_days, renewed):
    history = [previous("inpatient-accident", 1, S - dt.timedelta(days=1 + gap_days))]
    e = compute_enrollment(row({"inpatient-accident": 1}), "inpatient-accident", S, RULES, history)
    assert e.enrollment.renewed_shares == renewed
    assert (e.observation_end is None) == bool(renewed)


def test_the_ledger_decides_over_the_roster_when_it_holds_the_members_history():
    history = [previous("inpatient-accident", 1, dt.date(2025, 6, 30))]
    r = row({"inpatient-accident": 1}, renewal=True, prev_end=S - dt.timedelta(days=1))
    e = compute_enrollment(r, "inpatient-accident", S, RULES, history)
    assert (e.enrollment.renewed_shares, e.renewal) == (0, None)


def test_history_in_another_plan_still_lets_the_ledger_decide_so_the_plan_is_new():
    # review-2026-12 Appendix A.1: the roster check warns "按新参加处理（有观察期）" for this row
    # (tests/cases/roster_codes.yaml), and the enrollment recorded must agree.
    history = [previous("inpatient-accident", 1, S - dt.timedelta(days=1))]
    r = row({"female-illness": 1}, renewal=True, prev_end=S - dt.timedelta(days=1))
    e = compute_enrollment(r, "female-illness", S, RULES, history)
    assert (e.enrollment.renewed_shares, e.renewal, e.observation_end) == (0, None, dt.date(2027, 1, 30))


def test_without_ledger_history_the_roster_decides_the_renewal():
    r = row({"critical-illness": 2}, renewal=True, prev_end=S - dt.timedelta(days=1), prev_shares=1)
    e = compute_enrollment(r, "critical-illness", S, RULES, [])
    assert (e.enrollment.renewed_shares, e.renewal, e.observation_end) == (1, "roster", dt.date(2027, 1, 30))


def test_a_roster_renewal_without_previous_shares_renews_every_share():
    r = row({"female-illness": 3}, renewal=True, prev_end=S - dt.timedelta(days=1))
    e = compute_enrollment(r, "female-illness", S, RULES, [])
    assert (e.enrollment.renewed_shares, e.observation_end, e.renewal) == (3, None, "roster")


def test_a_roster_renewal_that_is_not_continuous_is_new():
    r = row({"female-illness": 3}, renewal=True, prev_end=S - dt.timedelta(days=30))
    e = compute_enrollment(r, "female-illness", S, RULES, [])
    assert (e.enrollment.renewed_shares, e.renewal) == (0, None)


@pytest.mark.parametrize(
    ("end", "grace", "expected"),
    [
        (dt.date(2026, 11, 30), 0, True),
        (dt.date(2026, 11, 29), 0, False),
        (dt.date(2026, 11, 25), 5, True),
        (dt.date(2026, 11, 24), 5, False),
    ],
)
def test_renewal_is_s_on_or_before_the_previous_end_plus_one_day_plus_grace(end, grace, expected):
    assert is_continuous(end, S, grace) is expected


def test_already_recorded_plans_are_left_out_of_a_row():
    items = compute_row(
        row({"inpatient-accident": 1, "critical-illness": 1}), S, RULES, [], skip={"inpatient-accident"}
    )
    assert [i.enrollment.plan for i in items] == ["critical-illness"]


def test_fee_totals_count_each_member_once_per_plan_and_per_unit():
    items = compute_row(row({"inpatient-accident": 1, "critical-illness": 3}), S, RULES, [])
    totals = summarise_fees(items)
    assert totals.total == Decimal("230.00")
    assert totals.by_unit == {"甲公司": (1, Decimal("230.00"))}
    assert totals.by_plan["critical-illness"] == (1, 3, Decimal("120.00"))


# ---------------------------------------------------------------- through the command and the ledger


def test_a_ledger_renewal_with_more_shares_records_two_lots(tmp_path):
    db = tmp_path / "l.db"
    first = write_roster(
        tmp_path / "2025.xlsx", [person("张三", ID, **{"inpatient-accident": 1, "critical-illness": 1})]
    )
    assert enroll(first, db, start="2025-12-01", today="2025-11-20")[0] == 0
    second = write_roster(
        tmp_path / "2026.xlsx", [person("张三", ID, **{"inpatient-accident": 1, "critical-illness": 3})]
    )
    code, doc, _ = enroll(second, db)
    assert code == 0
    plans = doc["members"][0]["plans"]
    assert (plans["critical-illness"]["renewed_shares"], plans["critical-illness"]["observation_end"]) == (
        1,
        "2027-01-30",
    )
    assert (
        plans["inpatient-accident"]["renewed_shares"],
        plans["inpatient-accident"]["observation_end"],
    ) == (1, None)
    assert doc["fees"]["total"] == "230.00"


def test_a_roster_asserted_renewal_is_recorded_without_observation(tmp_path):
    roster = write_roster(
        tmp_path / "r.xlsx",
        [person("张三", ID, **{"inpatient-accident": 1, "是否续保": "是", "上期保障止期": "2026-11-30"})],
    )
    code, doc, _ = enroll(roster, tmp_path / "l.db")
    assert code == 0
    assert doc["members"][0]["plans"]["inpatient-accident"]["renewed_shares"] == 1
    assert doc["members"][0]["plans"]["inpatient-accident"]["observation_end"] is None
    assert [p["code"] for p in doc["problems"]] == []


def test_an_unverified_renewal_is_a_warning_and_the_row_is_enrolled_as_new(tmp_path):
    roster = write_roster(
        tmp_path / "r.xlsx",
        [person("张三", ID, **{"inpatient-accident": 1, "是否续保": "是", "上期保障止期": "2026-10-31"})],
    )
    code, doc, _ = enroll(roster, tmp_path / "l.db")
    assert code == 0
    assert [p["code"] for p in doc["problems"]] == ["renewal-unverified"]
    assert doc["members"][0]["plans"]["inpatient-accident"]["renewed_shares"] == 0
    assert doc["members"][0]["plans"]["inpatient-accident"]["observation_end"] == "2026-12-31"


@pytest.mark.parametrize(("previous_end", "renewed"), [("2026-11-25", 1), ("2026-11-24", 0)])
def test_grace_days_from_the_rules_file_extend_renewal_on_both_sides_of_the_boundary(
    tmp_path, previous_end, renewed
):
    text = default_rules_path().read_text(encoding="utf-8")
    assert "renewal_grace_days: 0 " in text
    rules = tmp_path / "plans.yaml"
    rules.write_text(text.replace("renewal_grace_days: 0 ", "renewal_grace_days: 5 "), encoding="utf-8")
    db = tmp_path / "l.db"
    prior = write_roster(tmp_path / "a.xlsx", [person("张三", ID, **{"inpatient-accident": 1})])
    start = (dt.date.fromisoformat(previous_end) - dt.timedelta(days=364)).isoformat()
    assert enroll(prior, db, "--rules", str(rules), start=start, today="2025-11-01")[0] == 0
    roster = write_roster(tmp_path / "b.xlsx", [person("张三", ID, **{"inpatient-accident": 1})])
    code, doc, _ = enroll(roster, db, "--rules", str(rules))
    assert code == 0, doc["problems"]
    assert doc["members"][0]["plans"]["inpatient-accident"]["renewed_shares"] == renewed


def test_appendix_a1_the_renewal_warning_and_the_recorded_enrollment_agree(tmp_path):
    """review-2026-12 A.1: plan 1 in 2025, then 女职工特殊疾病 with 是否续保=是 and 上期保障止期 the day
    before S. The ledger knows her (plan 1 only): warned as new with observation, and recorded as new."""
    her = pid("19900202", "124")
    db = tmp_path / "l.db"
    first = write_roster(tmp_path / "y1.xlsx", [person("李四", her, **{"inpatient-accident": 1})])
    assert enroll(first, db, start="2025-12-01", today="2025-11-20")[0] == 0
    again = person("李四", her, **{"female-illness": 1, "是否续保": "是", "上期保障止期": "2026-11-30"})
    code, doc, _ = enroll(write_roster(tmp_path / "y2.xlsx", [again]), db)
    assert code == 0
    assert [p["code"] for p in doc["problems"]] == ["renewal-unverified"]
    assert "上期止期须不早于" not in doc["problems"][0]["message"]
    recorded = doc["members"][0]["plans"]["female-illness"]
    assert (recorded["renewed_shares"], recorded["observation_end"]) == (0, "2027-01-30")


@pytest.mark.parametrize(
    ("gender", "female", "recorded"),
    [("男", True, "女"), ("女", False, "男"), ("女", None, "女"), (None, None, None)],
    ids=["the ID says woman", "the ID says man", "no ID gender: the column", "nothing known"],
)
def test_the_gender_recorded_follows_the_id_number_over_the_column(gender, female, recorded):
    assert member_gender(RosterRow(row=2, gender=gender, female=female)) == recorded
