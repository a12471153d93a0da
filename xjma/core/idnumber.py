"""Citizen ID numbers (公民身份号码, GB 11643-1999): normalisation, check character, birth date, gender.

Layout of the 18 characters: 6-digit region code, 8-digit birth date YYYYMMDD, 3-digit sequence
(odd = male, even = female), check character (ISO 7064 MOD 11-2, '0'-'9' or 'X').
Marking a valid number invalid is worse than the reverse: the region code is never an error
(roster.md `id-region-unknown` is a warning), unlike python-stdnum's cn.ric, which refuses real IDs
whose region code is younger than the birth date (650102198003041015).

check_id is on the hot path of `validate` (one call per roster row): no regex, the check character
from one int() call, no exception for a valid number (about 3 µs per valid ID).
"""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata
from typing import NamedTuple

from xjma.core import regions

_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")  # copy-paste debris, not whitespace


def compact(raw: str) -> str:
    """NFKC (full-width -> half-width), all whitespace removed, a leading Excel ' dropped, x -> X at the end."""
    if raw.isalnum() and raw.isascii():  # the common clean cell: NFKC and whitespace removal change nothing
        return raw[:-1] + "X" if raw[-1] == "x" else raw
    text = "".join(unicodedata.normalize("NFKC", raw).split())
    if not text.isascii():
        for char in _INVISIBLE:
            text = text.replace(char, "")
    if text.startswith("'"):
        text = text[1:]
    if text.endswith("x"):
        text = text[:-1] + "X"
    return text


def check_char(first17: str) -> str:
    """The GB 11643 check character for 17 ASCII digits (ISO 7064 MOD 11-2).

    The standard weights digit i (0-based) by 2**(17 - i) mod 11. Read in base 13 the digits give
    sum(d_i * 13**(16 - i)), and 13 = 2 (mod 11), so 2 * int(first17, 13) is the weighted sum mod 11:
    one C-level int() instead of a Python loop over 17 digits (check_id is the hot path).
    """
    return _CHECK_CHARS[2 * int(first17, 13) % 11]


def upgrade_legacy(id15: str) -> str:
    """The 18-digit form of a 15-digit ID (1985 format): century '19' inserted, check character added."""
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_char(first17)


class IdResult(NamedTuple):
    """Outcome of check_id. Region flags feed the id-region-unknown warning, never an error; they are
    False when the number is missing or malformed (id-missing, id-format)."""

    number: str  # compacted text
    code: str | None  # None if valid, else id-missing | id-format | id-legacy | id-checksum | id-birth-date
    birth: dt.date | None  # when the birth-date part is a real date
    female: bool | None  # sequence digit even = female (when the format is right)
    region_known: bool  # six-digit region code known
    province_known: bool  # first two digits a province code
    upgraded: str | None = None  # id-legacy: the 18-digit form, for the message
    expected_check: str | None = None  # id-checksum: the right last character, for the message


def _birth(year: str, month: str, day: str) -> dt.date | None:
    """The date from digit strings, None when it is not a real date (19800230)."""
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


_BIRTHS: dict[str, dt.date | None] = {}  # YYYYMMDD -> _birth(...): a roster repeats birth dates
_BIRTHS_KEPT = 100_000


def _birth8(digits: str) -> dt.date | None:
    """_birth of the 8 digits YYYYMMDD, memoised."""
    try:
        return _BIRTHS[digits]
    except KeyError:
        if len(_BIRTHS) >= _BIRTHS_KEPT:
            _BIRTHS.clear()
        found = _BIRTHS[digits] = _birth(digits[:4], digits[4:6], digits[6:])
        return found


def _result(
    number: str,
    code: str | None,
    birth: dt.date | None,
    female: bool | None,
    upgraded: str | None = None,
    expected_check: str | None = None,
) -> IdResult:
    region_known, province_known = regions.region_flags(number[:6])
    return IdResult(number, code, birth, female, region_known, province_known, upgraded, expected_check)


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()  # isdigit alone accepts other scripts' digits


def check_id(raw: str, start: dt.date) -> IdResult:
    """Check an ID number (roster.md id-* codes) for enrollment with start S.

    Order: missing -> legacy (15 digits) -> format (17 digits + digit/X) -> birth date (a real date,
    not after S) -> checksum. The first failing check decides the code. A legacy number also gets its
    birth date and gender (its last digit is the sequence) so that other columns can still be compared.
    """
    number = compact(raw)
    if len(number) == 18 and number.isascii() and number[:17].isdigit() and number[17] in "0123456789X":
        # the common case first (a well-formed 18-character number); same order of checks as below
        birth = _birth8(number[6:14])
        female = number[16] in "02468"
        if birth is None or birth > start:
            return _result(number, "id-birth-date", birth, female)
        expected = _CHECK_CHARS[2 * int(number[:17], 13) % 11]
        if number[17] != expected:
            return _result(number, "id-checksum", birth, female, expected_check=expected)
        region_known, province_known = regions.region_flags(number[:6])
        return IdResult(number, None, birth, female, region_known, province_known)
    if not number:
        return IdResult(number, "id-missing", None, None, False, False)
    if len(number) == 15 and _is_digits(number):
        upgraded = upgrade_legacy(number)
        birth = _birth(upgraded[6:10], upgraded[10:12], upgraded[12:14])
        return _result(number, "id-legacy", birth, number[14] in "02468", upgraded=upgraded)
    first17 = number[:17]
    if len(number) != 18 or not _is_digits(first17) or number[17] not in "0123456789X":
        return IdResult(number, "id-format", None, None, False, False)
    birth = _birth(number[6:10], number[10:12], number[12:14])
    female = number[16] in "02468"
    if birth is None or birth > start:
        return _result(number, "id-birth-date", birth, female)
    expected = check_char(first17)
    if number[17] != expected:
        return _result(number, "id-checksum", birth, female, expected_check=expected)
    return _result(number, None, birth, female)


def valid_parts(raw: str, start: dt.date) -> tuple[dt.date, bool] | None:
    """(birth, female) when `raw` is as check_id would keep it (18 ASCII characters, no space, an upper-case
    X) and valid, of a known region: the common cell, on validate's hot path without an IdResult. None:
    ask check_id."""
    if len(raw) != 18 or not raw.isascii() or not raw[:17].isdigit() or raw[17] not in "0123456789X":
        return None
    birth = _birth8(raw[6:14])
    if birth is None or birth > start or raw[17] != _CHECK_CHARS[2 * int(raw[:17], 13) % 11]:
        return None
    if regions.region_flags(raw[:6]) != (True, True):
        return None
    return birth, raw[16] in "02468"


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years (周岁) on `day`; a 29 February birthday counts as 1 March in common years (rules.md §0)."""
    birthday = (birth.month, birth.day)
    if birthday == (2, 29) and not calendar.isleap(day.year):
        birthday = (3, 1)
    years = day.year - birth.year
    return years - 1 if (day.month, day.day) < birthday else years
