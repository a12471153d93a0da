"""The unit register's pure rules (office.md §1): codes, the USCC check character, closeness, matching."""

from __future__ import annotations

import pytest

from xjma.core.units import (
    RegisteredUnit,
    UnitIndex,
    name_key,
    names_close,
    next_sequence,
    similar_message,
    unit_code,
    uscc_valid,
)

# Check characters worked out by GB 32100-2015 (weights 1, 3, 9, 27, … mod 31).
VALID_USCC = "91350100M000100Y43"
TIANSHAN = RegisteredUnit(
    7, "6501-00007", "新疆天山建设集团有限公司", "乌鲁木齐市", VALID_USCC, ("天山建设",)
)


def test_a_unit_code_is_the_region_code_and_a_five_digit_sequence() -> None:
    assert unit_code("巴州", 42) == "6528-00042"
    assert unit_code("乌鲁木齐市", 7) == "6501-00007"


def test_a_unit_without_prefecture_or_of_an_unknown_one_is_coded_0000() -> None:
    assert unit_code("", 1) == "0000-00001"
    assert unit_code("火星", 3) == "0000-00003"


def test_the_next_sequence_follows_the_highest_code_of_the_region_only() -> None:
    assert next_sequence(["6528-00001", "6528-00009", "6501-00050"], "巴州") == 10
    assert next_sequence(["6501-00050"], "巴州") == 1


def test_a_uscc_with_the_right_check_character_is_valid_and_one_off_is_not() -> None:
    assert uscc_valid(VALID_USCC)
    assert uscc_valid(VALID_USCC.lower())  # compacted and upper-cased first
    assert not uscc_valid(VALID_USCC[:-1] + "2")
    assert not uscc_valid(VALID_USCC[:-1])  # 17 characters
    assert not uscc_valid("91350100M000100I43")  # I is not in the code's alphabet


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("新疆天山 建设集团有限公司", "新疆天山建设集团有限公司"),  # a space
        ("新疆天山建设（集团）有限公司", "新疆天山建设集团有限公司"),  # brackets
        ("新疆天山建设集团", "新疆天山建设集团有限公司"),  # suffix
        ("新疆天山建设有限责任公司", "新疆天山建设股份有限公司"),  # both suffixes off
        ("新疆天山建筑集团公司", "新疆天山建设集团公司"),  # one character off, 10 characters
        ("新疆天山建设总公司呀", "新疆天山建设总公司"),  # one added, 9 characters
    ],
)
def test_names_equal_after_cleaning_or_within_two_edits_are_close(a: str, b: str) -> None:
    assert names_close(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("新疆天山建设集团有限公司", "新疆天山建设集团有限公司"),  # the same name is a match, not a near miss
        ("一中", "二中"),  # short names: one edit, but under 6 characters
        ("新疆昆仑矿业有限公司", "新疆天山建设有限公司"),  # far apart
    ],
)
def test_short_or_distant_names_are_not_close(a: str, b: str) -> None:
    assert not names_close(a, b)


def test_two_edits_are_close_and_three_are_not() -> None:
    assert names_close("乌鲁木齐第一中学", "乌鲁木齐第八十中学")  # 一→八, +十
    assert not names_close("乌鲁木齐第一中学", "乌鲁木齐第八十二中学")  # 一→八, +十, +二


def test_a_name_of_exactly_six_characters_may_be_close_by_edits_and_five_may_not() -> None:
    assert names_close("天山建设公司", "天山建筑公司")
    assert not names_close("天山建设司", "天山建筑司")


def test_matching_prefers_the_uscc_whatever_the_name_says() -> None:
    index = UnitIndex([TIANSHAN])
    match = index.match("完全不同的名称", "巴州", VALID_USCC)
    assert (match.by, match.unit) == ("uscc", TIANSHAN)


def test_matching_by_exact_name_or_alias_holds_only_within_the_prefecture() -> None:
    index = UnitIndex([TIANSHAN])
    assert index.match("天山建设", "乌鲁木齐市").unit == TIANSHAN
    assert index.match(" 新疆天山建设集团有限公司 ", "乌鲁木齐市").by == "name"
    other = index.match("新疆天山建设集团有限公司", "巴州")
    assert (other.by, other.unit, other.similar) == ("new", None, None)


def test_a_new_name_close_to_a_registered_one_carries_it_as_similar() -> None:
    match = UnitIndex([TIANSHAN]).match("新疆天山 建设集团有限公司", "乌鲁木齐市")
    assert (match.by, match.similar) == ("new", TIANSHAN)
    assert similar_message("新疆天山 建设集团有限公司", TIANSHAN) == (
        "工作单位“新疆天山 建设集团有限公司”与台账中的“新疆天山建设集团有限公司”（6501-00007）相近："
        "是同一单位请用台账中的名称，或登记为别名：xjma unit alias 6501-00007 新疆天山 建设集团有限公司"
    )


def test_name_key_takes_off_stacked_suffixes() -> None:
    assert name_key("新疆天山建设集团有限公司") == "新疆天山建设"
    assert name_key("有限公司") == "有限公司"  # a bare suffix stays
