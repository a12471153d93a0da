"""The one masking policy (terminal and --mask): ID numbers keep first 6 + last 4, mobiles 3 + 4, anywhere
inside a text, malformed IDs included; other numbers stay."""

import pytest
from test_enroll_cli import enroll, person, pid, run, write_roster

from xjma.core.privacy import mask_document, mask_id, mask_phone, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("650102198003041015", "650102********1015"),
        ("11010519491231002X", "110105********002X"),
        ("110105491231002", "110105*****1002"),
        ("13912345678", "139****5678"),
        ("0991-2821098", "0991-****1098"),
        (
            "身份证号码“650102198003041015”重复，电话13912345678",
            "身份证号码“650102********1015”重复，电话139****5678",
        ),
        ("2026-12-01", "2026-12-01"),
        ("12345678.90", "12345678.90"),
        ("6501021980030410151", "650102*********0151"),  # 19 digits: an ID with a digit stuck on
        ("65010219850101112Y", "650102********112Y"),  # id-format: a letter in the check position
        ("65010219850101112", "650102*******1112"),  # 17 digits
        ("650102198506151013a", "650102*********013a"),  # a letter stuck on
        ("650102-19850101-1015", "650102-********-1015"),
        ("650102 19850101 1015", "650102 ******** 1015"),
        ("显示为 6.50105199404050E+17）", "显示为 6.50105*********E+17）"),  # id-as-number
        ("+86 139-1234-5678", "+86 139-****-5678"),
        ("86 13912345678", "86 139****5678"),
        ("139 1234 5678", "139 **** 5678"),
        ("（甲公司，2026-12-01 至 2027-11-30，1份）", "（甲公司，2026-12-01 至 2027-11-30，1份）"),
        ("第 3、5 行", "第 3、5 行"),
        ("1391234567", "139***4567"),  # a mistyped mobile is still masked
        ("1234567", "***4567"),
        ("1000000元", "1000000元"),  # an amount is not a phone
    ],
)
def test_ids_and_phones_are_masked_and_nothing_else(text, masked):
    assert mask_text(text) == masked


def test_a_document_is_masked_deeply_and_keeps_its_shape():
    doc = {"id_number": "650102198003041015", "fee": "110.00", "rows": 3,
           "problems": [{"row": 5, "message": "电话 13912345678 不对"}]}  # fmt: skip
    assert mask_document(doc) == {"id_number": "650102********1015", "fee": "110.00", "rows": 3,
                                  "problems": [{"row": 5, "message": "电话 139****5678 不对"}]}  # fmt: skip


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("650102198003041015", "650102********1015"),
        ("110105491231002", "110105*****1002"),
        ("65010219850101112Y", "650102********112Y"),
        ("123", "****"),
    ],
    ids=[
        "18 digits show region and last 4",
        "15 digits likewise",
        "a malformed ID likewise",
        "a short value",
    ],
)
def test_mask_id(number, masked):
    assert mask_id(number) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+86 138 1234 5678", "+86138****5678"),
        ("0991-4567890", "0991-****7890"),
        ("110", "****"),
        ("", ""),
    ],
    ids=[
        "a mobile keeps its first 3 and last 4",
        "spaces inside a mobile are removed first",
        "a +86 mobile keeps the country code",
        "a landline keeps its area code and last 4",
        "a short value shows nothing",
        "empty stays empty",
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


GOOD = pid("19850101", "123")
MALFORMED = {
    "id-format": "65010219850101112Y",
    "id-legacy": "650102850615101",
    "id-as-number": "6.50105199404050E+17",
}


def test_validate_and_enroll_terminal_output_never_shows_a_full_malformed_id(tmp_path):
    """review-2026-12 A.2: the enroll table printed 身份证号码“65010219850101112Y”格式不对 unmasked."""
    rows = [person("张三", GOOD, **{"inpatient-accident": 1})]
    for i, number in enumerate(MALFORMED.values()):
        rows.append({**person(f"李{i}", GOOD, **{"inpatient-accident": 1}), "身份证号码": number})
    roster = write_roster(tmp_path / "名册.xlsx", rows)
    db = tmp_path / "l.db"
    _, doc, _ = enroll(roster, db)
    assert sorted(p["code"] for p in doc["problems"]) == sorted(MALFORMED)
    upgraded = "650102198506151013"  # the 18-digit form the id-legacy message offers
    for command in (["validate", str(roster), "-o", str(tmp_path / "v.xlsx")], ["enroll", str(roster)]):
        code, _, output = run([*command, "--start", "2026-12-01"], db)
        assert code == 1, output
        flat = output.replace("\n", "").replace(" ", "").replace("│", "")
        for number in (GOOD, upgraded, *MALFORMED.values()):
            assert number not in flat, (command[0], number)
        assert "650102" in flat  # the region stays visible
