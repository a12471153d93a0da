"""ID numbers (GB 11643-1999): normalisation, codes, birth date, gender, region flags, age, masking."""

import datetime as dt
import random
from pathlib import Path

import pytest
import yaml

from xjma.core.idnumber import age_on, check_char, check_id, compact, upgrade_legacy
from xjma.io.regions import load_regions

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "idnumbers.yaml").read_text(encoding="utf-8"))
START = dt.date(2026, 1, 1)
COMPARED = (
    "code",
    "number",
    "birth",
    "female",
    "upgraded",
    "expected_check",
)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_id_case(case):
    result = check_id(case["raw"], case.get("start", START))
    for key in COMPARED:
        if key in case:
            assert getattr(result, key) == case[key], key
    regions = load_regions()
    if "region_known" in case:
        assert regions.region_known(result.number[:6]) == case["region_known"]
    if "province_known" in case:
        assert regions.province_known(result.number[:2]) == case["province_known"]


def _weighted_check(first17: str) -> str:
    """The check character computed the way GB 11643 writes it: weights 2**(17-i) mod 11."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def test_check_char_agrees_with_the_weighted_sum_of_the_standard():
    rng = random.Random(11643)
    for _ in range(2000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        assert check_char(first17) == _weighted_check(first17)


@pytest.mark.parametrize(
    ("first17", "check"),
    [("11010519491231002", "X"), ("65010219800304101", "5"), ("34052419800101001", "X")],
    ids=["published example ends in X", "Xinjiang example ends in 5", "the checksum case expects X"],
)
def test_check_char_of_known_numbers(first17, check):
    assert check_char(first17) == check


def test_upgrading_a_legacy_number_inserts_the_century_and_a_check_character():
    assert upgrade_legacy("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "number"),
    [("11010519491231002X", "11010519491231002X"), ("'１１０１０５ x", "110105X"), ("", ""), ("\u3000", "")],
    ids=[
        "a clean number is unchanged",
        "apostrophe, full width, space and x",
        "empty",
        "ideographic space only",
    ],
)
def test_compact(raw, number):
    assert compact(raw) == number


def test_the_shipped_region_table_knows_xinjiang_and_its_name():
    regions = load_regions()
    assert regions.region_name("650102") == "天山区"
    assert regions.region_known("650102") and regions.province_known("65")
    assert regions.region_name("659999") is None and not regions.province_known("99")


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        ("1980-03-04", "2026-03-03", 45),
        ("1980-03-04", "2026-03-04", 46),
        ("1980-03-04", "2026-03-05", 46),
        ("1980-03-04", "1980-03-04", 0),
        ("2000-02-29", "2026-02-28", 25),
        ("2000-02-29", "2026-03-01", 26),
        ("2000-02-29", "2028-02-28", 27),
        ("2000-02-29", "2028-02-29", 28),
        ("1965-12-31", "2026-01-01", 60),
    ],
    ids=[
        "the day before the birthday the year is not completed",
        "on the birthday the year is completed",
        "the day after the birthday",
        "on the day of birth the age is 0",
        "a 29 February birthday is not reached on 28 February of a common year",
        "a 29 February birthday counts on 1 March of a common year",
        "in a leap year 28 February is still before a 29 February birthday",
        "in a leap year the 29 February birthday is on 29 February",
        "born on New Year's Eve, one day later the year is completed",
    ],
)
def test_age_in_completed_years(birth, day, age):
    assert age_on(dt.date.fromisoformat(birth), dt.date.fromisoformat(day)) == age
