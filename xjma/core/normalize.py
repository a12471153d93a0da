"""Cell normalisation before checks (roster.md "Normalisation"): pure functions over cell values.

These run once per cell on rosters of 100k rows, so each keeps a fast path for the common case.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from xjma.core.text import clean_text, compact

__all__ = ["clean_text"]  # re-exported: xjma/core/text.py holds it

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# A time of day after the date ("2026-01-01 00:00:00", "2026-01-01T08:30"): ignored, the day counts.
_TIME_SUFFIX = re.compile(r"[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_NAME_DOTS = str.maketrans({"•": "·", ".": "·", "・": "·"})  # "．" is "." after NFKC
_PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")
_WHOLE = re.compile(r"\+?([0-9]+)(?:\.0*)?")

EMPLOYMENT_KINDS = ("正式职工", "合同制职工", "临时职工", "新就业形态劳动者")
_EMPLOYMENT = {
    "正式职工": "正式职工",
    "正式": "正式职工",
    "合同制职工": "合同制职工",
    "合同制": "合同制职工",
    "合同工": "合同制职工",
    "劳动合同": "合同制职工",
    "临时职工": "临时职工",
    "临时": "临时职工",
    "临时工": "临时职工",
    "新就业形态劳动者": "新就业形态劳动者",
    "新就业形态": "新就业形态劳动者",
    "新业态": "新就业形态劳动者",
    "新业态劳动者": "新就业形态劳动者",
}
_GENDER = {
    "男": "男",
    "男性": "男",
    "m": "男",
    "male": "男",
    "女": "女",
    "女性": "女",
    "f": "女",
    "female": "女",
}


def normalize_name(value: object) -> str:
    """clean_text, and the dots people type between the parts of a name ('•', '．', '・') become '·'."""
    text = clean_text(value)
    return text if text.isascii() and "." not in text else text.translate(_NAME_DOTS)


def normalize_phone(value: object) -> str:
    """clean_text without any space; '-' is kept (0991-1234567)."""
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return value  # the common cell: nothing to clean
    return "".join(clean_text(value).split())


def phone_valid(phone: str) -> bool:
    """A mobile 1[3-9] + 9 digits, or a landline 0 + 2–3 digit area code, optional '-', 7–8 digits."""
    return _PHONE.fullmatch(phone) is not None


def parse_employment(value: object) -> str | None:
    """用工形式 and its aliases (roster.md) -> one of EMPLOYMENT_KINDS; None if blank or unknown."""
    return _EMPLOYMENT.get("".join(clean_text(value).split()))


def parse_whole(value: object) -> int | None:
    """A whole number >= 0 (shares, months): 2, 2.0, "2", "２" -> 2; blank -> None.

    Raises ValueError for anything else ("1.5", -1, "两", TRUE)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a whole number: {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"not a whole number: {value!r}")
        number = int(value)
    else:
        text = clean_text(value)
        if not text:
            return None
        match = _WHOLE.fullmatch(text)
        if match is None:
            raise ValueError(f"not a whole number: {text!r}")
        number = int(match.group(1))
    if number < 0:
        raise ValueError(f"negative: {number}")
    return number


def gender_value(value: object) -> str | None:
    """男/女 (also 男性/女性, M/F) -> "男"/"女"; blank -> None; anything else raises ValueError."""
    text = clean_text(value)
    if not text:
        return None
    found = _GENDER.get(text.lower())
    if found is None:
        raise ValueError(f"not a gender: {text!r}")
    return found


def _from_number(value: float) -> dt.date | None:
    if 1 <= value < 2958466:  # Excel serial day numbers up to 9999-12-31
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    if value == int(value) and 10000101 <= value <= 99991231:
        # 20260101 typed into a number cell
        return _from_text(str(int(value)))
    return None


def _from_text(text: str) -> dt.date | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None


def parse_date(value: object) -> dt.date | None:
    """Excel dates (date/datetime or a serial number), 2026-01-01, 2026/1/1, 2026.1.1, 2026年1月1日,
    20260101; a time of day after the date is ignored. None when it is not a real date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _from_number(value)
    text = compact(_TIME_SUFFIX.sub("", unicodedata.normalize("NFKC", str(value)).strip()))
    if text.endswith("00:00:00"):
        text = text[: -len("00:00:00")]
    return _from_text(text)
