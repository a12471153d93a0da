"""Cells are normalised the way roster.md "Normalisation" says, before any check looks at them."""

import datetime as dt

import pytest

from xjma.core.normalize import (
    EMPLOYMENT_KINDS,
    clean_text,
    gender_value,
    normalize_name,
    normalize_phone,
    parse_date,
    parse_employment,
    parse_whole,
    phone_valid,
)
from xjma.core.vocab import parse_yes_no


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        ("  张三 ", "张三"),
        ("\u3000张三\u3000", "张三"),
        (12.0, "12"),
        (12, "12"),
        (2.5, "2.5"),
        (13709961113.0, "13709961113"),
        ("ＡＢ１２３", "AB123"),
        ("65010219900101123\u200b", "65010219900101123"),
        ("\ufeff张三", "张三"),
        ("张\x01三\x0b", "张三"),
        ("第一行\n第二行", "第一行\n第二行"),
        (True, "TRUE"),
        (dt.date(2026, 1, 1), "2026-01-01"),
        (dt.datetime(2026, 1, 1), "2026-01-01"),
        (dt.datetime(2026, 1, 1, 8, 30), "2026-01-01 08:30:00"),
    ],
)
def test_clean_text_shows_a_cell_as_a_person_reads_it(value, text):
    assert clean_text(value) == text


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("努尔比亚·阿不都西库尔", "努尔比亚·阿不都西库尔"),
        ("努尔比亚•阿不都西库尔", "努尔比亚·阿不都西库尔"),
        ("努尔比亚．阿不都西库尔", "努尔比亚·阿不都西库尔"),
        ("努尔比亚・阿不都西库尔", "努尔比亚·阿不都西库尔"),
        ("努尔比亚･阿不都西库尔", "努尔比亚·阿不都西库尔"),
        (" 张三 ", "张三"),
        ("Li Lei", "Li Lei"),
        (None, ""),
    ],
)
def test_the_dots_inside_a_name_become_the_middle_dot(value, name):
    assert normalize_name(value) == name


@pytest.mark.parametrize(
    ("value", "phone"),
    [
        ("137 0996 1113", "13709961113"),
        (" 13709961113 ", "13709961113"),
        (13709961113.0, "13709961113"),
        (13709961113, "13709961113"),
        ("１３７０９９６１１１３", "13709961113"),
        ("0991-1234567", "0991-1234567"),
        ("0991 － 1234567", "0991-1234567"),
        (None, ""),
    ],
)
def test_phones_lose_every_space_and_keep_the_dash(value, phone):
    assert normalize_phone(value) == phone


@pytest.mark.parametrize(
    "phone",
    [
        "13709961113",
        "13000000000",
        "19912345678",
        "0991-1234567",
        "09911234567",
        "010-12345678",
        "0991-12345678",
    ],
)
def test_mobile_and_landline_numbers_are_valid(phone):
    assert phone_valid(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "12709961113",  # second digit 2: no such mobile prefix
        "1370996111",  # 10 digits
        "137099611131",  # 12 digits
        "0991-123456",  # 6-digit local number
        "0991-123456789",  # 9-digit local number
        "01-1234567",  # 1-digit area code
        "09912-1234567",  # 4-digit area code
        "991-1234567",  # no leading 0
        "+8613709961113",
        "1370996111X",
        "",
    ],
)
def test_numbers_outside_the_mobile_and_landline_forms_are_invalid(phone):
    assert not phone_valid(phone)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("正式职工", "正式职工"),
        ("正式", "正式职工"),
        ("合同制职工", "合同制职工"),
        ("合同制", "合同制职工"),
        ("合同工", "合同制职工"),
        ("劳动合同", "合同制职工"),
        ("临时职工", "临时职工"),
        ("临时", "临时职工"),
        (" 临时工 ", "临时职工"),
        ("新就业形态劳动者", "新就业形态劳动者"),
        ("新就业形态", "新就业形态劳动者"),
        ("新业态", "新就业形态劳动者"),
        ("正式 职工", "正式职工"),
    ],
)
def test_employment_aliases_map_to_one_of_the_four_kinds(value, kind):
    assert parse_employment(value) == kind
    assert kind in EMPLOYMENT_KINDS


@pytest.mark.parametrize("value", [None, "", "  ", "劳务派遣", "退休返聘", 1.0])
def test_blank_or_unknown_employment_is_none(value):
    assert parse_employment(value) is None


@pytest.mark.parametrize(
    ("value", "number"),
    [(2, 2), (2.0, 2), ("2", 2), ("２", 2), (" 2 ", 2), ("2.0", 2), ("+2", 2), (0, 0), ("0", 0), (24.0, 24)],
)
def test_whole_numbers_are_read_from_numbers_and_text(value, number):
    assert parse_whole(value) == number


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_blank_whole_number_is_none_not_zero(value):
    assert parse_whole(value) is None


@pytest.mark.parametrize("value", ["1.5", 1.5, -1, "-1", "两", "2份", True, "1e3", dt.date(2026, 1, 1)])
def test_anything_but_a_whole_number_from_zero_up_is_rejected(value):
    with pytest.raises(ValueError):
        parse_whole(value)


@pytest.mark.parametrize(
    ("value", "gender"),
    [
        ("男", "男"),
        ("女", "女"),
        (" 男性 ", "男"),
        ("女性", "女"),
        ("M", "男"),
        ("f", "女"),
        (None, None),
        ("", None),
    ],
)
def test_gender_is_male_or_female_or_blank(value, gender):
    assert gender_value(value) == gender


@pytest.mark.parametrize("value", ["未知", "1", "男女"])
def test_any_other_gender_is_rejected(value):
    with pytest.raises(ValueError):
        gender_value(value)


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01",
        "2026-1-1",
        "2026/1/1",
        "2026/01/01",
        "2026.1.1",
        "2026年1月1日",
        "2026年1月1",
        "20260101",
        " 2026-01-01 ",
        "２０２６－０１－０１",
        "2026-01-01 00:00:00",
        "2026-01-01 08:30",
        "2026-01-01T08:30:15",
        "2026/1/1 8:30:00",
        dt.date(2026, 1, 1),
        dt.datetime(2026, 1, 1, 23, 59),
        46023,
        46023.0,
        46023.75,
        20260101,
        20260101.0,
    ],
)
def test_every_accepted_date_form_reads_as_the_same_day(value):
    assert parse_date(value) == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("serial", "day"),
    [
        (45658, dt.date(2025, 1, 1)),
        (46022, dt.date(2025, 12, 31)),
        (61, dt.date(1900, 3, 1)),
        (2958465, dt.date(9999, 12, 31)),
    ],
)
def test_excel_serial_numbers_count_from_the_1900_system(serial, day):
    assert parse_date(serial) == day


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "abc",
        "2026-02-30",
        "2026-13-01",
        "2026年2月30日",
        "20261301",
        0,
        -5,
        2958466,
        True,
        "2026-01",
    ],
)
def test_what_is_not_a_real_date_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        ("是", True),
        ("否", False),
        (True, True),
        (1.0, True),
        (0.0, False),
        ("Y", True),
        (None, False),
        ("也许", None),
    ],
)
def test_yes_no_cells_as_the_reader_returns_them_are_understood_by_vocab(value, answer):
    # Yes/no parsing lives in core.vocab; this checks it copes with calamine's bools and floats.
    assert parse_yes_no(value) is answer
