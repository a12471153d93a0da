"""Citizen ID numbers (公民身份号码, GB 11643-1999): normalisation, check character, birth date, gender.

Layout of the 18 characters: 6-digit region code, 8-digit birth date YYYYMMDD, 3-digit sequence
(odd = male, even = female), check character (ISO 7064 MOD 11-2, '0'-'9' or 'X').
Marking a valid number invalid is worse than the reverse: the region code is never an error
(roster.md `id-region-unknown` is a warning), unlike python-stdnum's cn.ric, which refuses real IDs
whose region code is younger than the birth date (650102198003041015).

check_id is on the hot path of `validate` (one call per roster row): no regex, the check character
from one int() call, no exception for a valid number.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from typing import NamedTuple

from xjma.core.text import compact as text_compact

_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")  # copy-paste debris, not whitespace


def compact(raw: str) -> str:
    """NFKC (full-width -> half-width), all whitespace removed, a leading Excel ' dropped, x -> X at the end."""
    if raw.isalnum() and raw.isascii():  # the common clean cell: NFKC and whitespace removal change nothing
        return raw[:-1] + "X" if raw[-1] == "x" else raw
    text = text_compact(raw)
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
    """Outcome of check_id. `code` is None for a valid number. The region code is never part of validity
    (roster.md `id-region-unknown` is a warning): see xjma/core/regions.py."""

    number: str  # the normalised text (compact): what the ledger stores
    code: str | None  # None if valid, else id-missing | id-format | id-legacy | id-checksum | id-birth-date
    birth: dt.date | None  # when the birth-date part is a real date (also for id-legacy and id-checksum)
    female: bool | None  # sequence digit even = female (when the format is right)
    upgraded: str | None = None  # id-legacy with a real birth date: the 18-digit form, for the message
    expected_check: str | None = None  # id-checksum: the right last character, for the message


@functools.lru_cache(maxsize=65536)
def _birth8(digits: str) -> dt.date | None:
    """The date of 8 digits YYYYMMDD, None when it is not a real date (19800230); a roster repeats them."""
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()  # isdigit alone accepts other scripts' digits


def check_id(raw: str, start: dt.date | None = None) -> IdResult:
    """Check an ID number (roster.md id-* codes); with `start` (S), a birth date after S is id-birth-date.

    Order: missing -> legacy (15 digits) -> format (17 digits + digit/X) -> birth date (a real date,
    not after S) -> checksum. The first failing check decides the code. A legacy number also gets its
    birth date and gender (its last digit is the sequence) so that other columns can still be compared;
    its 18-digit form is offered only when that birth date is real.
    """
    number = compact(raw)
    if not number:
        return IdResult(number, "id-missing", None, None)
    if len(number) == 15 and _is_digits(number):
        birth = _birth8("19" + number[6:12])
        upgraded = upgrade_legacy(number) if birth is not None else None
        return IdResult(number, "id-legacy", birth, number[14] in "02468", upgraded)
    first17 = number[:17]
    if len(number) != 18 or not _is_digits(first17) or number[17] not in "0123456789X":
        return IdResult(number, "id-format", None, None)
    birth = _birth8(number[6:14])
    female = number[16] in "02468"
    if birth is None or (start is not None and birth > start):
        return IdResult(number, "id-birth-date", birth, female)
    expected = check_char(first17)
    if number[17] != expected:
        return IdResult(number, "id-checksum", birth, female, expected_check=expected)
    return IdResult(number, None, birth, female)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years (周岁) on `day`; a 29 February birthday counts as 1 March in common years (rules.md §0)."""
    birthday = (birth.month, birth.day)
    if birthday == (2, 29) and not calendar.isleap(day.year):
        birthday = (3, 1)
    years = day.year - birth.year
    return years - 1 if (day.month, day.day) < birthday else years
