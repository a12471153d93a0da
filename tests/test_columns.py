"""Roster and claims columns are recognised by their canonical header or any alias of roster.md."""

import pytest

from xjma.core.columns import (
    CLAIMS_FIELDS,
    FILE_LEVEL_KEYS,
    PLAN_FULL_NAMES,
    ROSTER_FIELDS,
    header_key,
    match_headers,
)
from xjma.core.rules import PLAN_CODES


def test_roster_fields_come_in_template_order():
    assert [f.name for f in ROSTER_FIELDS] == [
        "seq", "unit", "prefecture", "name", "gender", "ethnicity", "age", "occupation", "id_number",
        "phone", "employment", "term_months", "union_member", "renewal", "prev_end",
        "shares:inpatient-accident", "shares:critical-illness", "shares:gig-accident",
        "shares:female-illness", "shares:short-accident",
        "short_tier", "short_end", "approval", "retire_date", "prev_shares", "remarks",
    ]  # fmt: skip


def test_canonical_roster_headers_are_those_of_the_spec():
    headers = {f.name: f.header for f in ROSTER_FIELDS}
    assert headers["occupation"] == "职业（工作岗位）"
    assert headers["term_months"] == "聘用期限（月）"
    assert headers["shares:inpatient-accident"] == "住院+意外（份）"
    assert headers["shares:short-accident"] == "短期意外（份）"
    assert headers["short_tier"] == "短期意外档次（元/份）"


@pytest.mark.parametrize("fields", [ROSTER_FIELDS, CLAIMS_FIELDS], ids=["roster", "claims"])
def test_no_two_fields_of_a_file_share_a_header_or_alias(fields):
    seen: dict[str, str] = {}
    for field in fields:
        for text in (field.header, *field.aliases):
            key = header_key(text)
            assert seen.setdefault(key, field.name) == field.name, f"{text} is claimed twice"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("身份证号码", "身份证号码"),
        (" 身份证 号码 ", "身份证号码"),
        ("聘用期限（月）", "聘用期限"),
        ("聘用期限(月)", "聘用期限"),
        ("短期意外档次（元/份）", "短期意外档次"),
        ("住院+意外（份）", "住院+意外"),
        ("在职职工（住院+意外）综合互助保障", "在职职工(住院+意外)综合互助保障"),
        ("在职职工（住院+意外）综合互助保障（份）", "在职职工(住院+意外)综合互助保障"),
        ("重大疾病（份）（份）", "重大疾病(份)"),
        ("Critical-Illness", "critical-illness"),
        ("*姓名", "姓名"),
        ("姓名（必填）*", "姓名"),
        ("", ""),
    ],
)
def test_header_key_drops_spaces_case_and_exactly_one_trailing_unit(text, key):
    assert header_key(text) == key


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("编号", "seq"),
        ("单位名称", "unit"),
        ("所在单位", "unit"),
        ("地州市", "prefecture"),
        ("会员姓名", "name"),
        ("职业", "occupation"),
        ("职业（工作岗位）", "occupation"),
        ("身份证号", "id_number"),
        ("公民身份号码", "id_number"),
        ("证件号码", "id_number"),
        ("手机号码", "phone"),
        ("联系方式", "phone"),
        ("人员类别", "employment"),
        ("合同期限（月）", "term_months"),
        ("聘用期限", "term_months"),
        ("工会会员", "union_member"),
        ("续保", "renewal"),
        ("短期意外档次", "short_tier"),
        ("短期意外保障止期", "short_end"),
        ("实际退休日期", "retire_date"),
    ],
)
def test_roster_aliases_name_their_field(header, field):
    assert match_headers([header], ROSTER_FIELDS) == {field: 0}


@pytest.mark.parametrize("code", PLAN_CODES)
def test_a_plan_share_column_accepts_the_short_name_the_full_name_and_the_code(code):
    full = PLAN_FULL_NAMES[code]
    for header in (full, f"{full}（份）", f"{full}(份)", code, f"{code}（份）", code.upper()):
        assert match_headers([header], ROSTER_FIELDS) == {f"shares:{code}": 0}, header


def test_the_short_term_tier_column_is_not_the_short_term_shares_column():
    columns = match_headers(["短期意外（份）", "短期意外档次（元/份）"], ROSTER_FIELDS)
    assert columns == {"shares:short-accident": 0, "short_tier": 1}


def test_unknown_headers_and_empty_cells_match_nothing():
    assert match_headers(["", "填报日期", "身份证号码2"], ROSTER_FIELDS) == {}


def test_a_field_given_twice_takes_its_first_column():
    assert match_headers(["姓名", "身份证号", "职工姓名", "身份证号码"], ROSTER_FIELDS) == {
        "name": 0,
        "id_number": 1,
    }


def test_claims_event_date_accepts_diagnosis_and_admission_dates():
    for header in ("出险日期", "确诊日期", "入院日期"):
        assert match_headers([header], CLAIMS_FIELDS) == {"event_date": 0}


def test_claims_renewed_shares_is_its_own_column_next_to_renewal():
    columns = match_headers(["身份证号码", "是否续保", "续保份数", "份数"], CLAIMS_FIELDS)
    assert columns == {"id_number": 0, "renewal": 1, "renewed_shares": 2, "shares": 3}


def test_claims_amount_headers_with_a_yuan_unit_still_match():
    assert match_headers(["医疗费用（元）", "统筹段个人自付(元)"], CLAIMS_FIELDS) == {
        "expense": 0,
        "pooled_self_pay": 1,
    }


def test_unit_and_prefecture_may_come_from_file_level_lines_but_personal_fields_may_not():
    assert {"unit", "prefecture", "short_end", "shares:short-accident"} <= set(FILE_LEVEL_KEYS)
    assert not {"name", "id_number", "phone", "gender", "seq"} & set(FILE_LEVEL_KEYS)


def test_the_plan_names_headers_are_matched_by_are_those_of_plans_yaml():
    """Headers are matched before any rules file is read, so fields.py keeps the names; plans.yaml is the
    source they must agree with (rules.plan_label)."""
    from xjma.core.columns import PLAN_FULL_NAMES as full
    from xjma.core.vocab import PLAN_SHORT
    from xjma.io.rules_file import load_rules

    rules = load_rules()
    for code in PLAN_CODES:
        assert PLAN_SHORT[code] == rules.plan_label(code), code
        assert full[code] == rules.plan_label(code, short=False), code
