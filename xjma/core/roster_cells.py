"""What a roster cell holds, one parser per kind of cell (roster.md): the ID number with its format
problems, share counts, 是/否, tiers, 性别 and whole numbers. Pure functions of one cell, so that
xjma/core/rowbuild.py can memoise them by the cell itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from xjma.core.checks import shares_field
from xjma.core.idnumber import check_id
from xjma.core.normalize import clean_text, gender_value, parse_whole
from xjma.core.regions import Regions
from xjma.core.rules import PLAN_CODES
from xjma.core.vocab import parse_yes_no

SHARE_FIELDS = tuple((code, shares_field(code)) for code in PLAN_CODES)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
INVALID = object()  # a cell that is there but cannot be read
MISSING = object()  # 用工形式: no cell and no file-level value
Spec = tuple[str, str, str | None, dict[str, object]]  # field, code, variant, message values
Identity = tuple[str, dt.date | None, bool | None, tuple[Spec, ...]]  # number, birth, female, problems
_NO_PROBLEMS: tuple[Spec, ...] = ()


def blank(value: object) -> bool:
    """No value: an empty cell, "" or only whitespace (cells are str as read, numbers, booleans, dates)."""
    return value is None or (value.__class__ is str and (not value or value.isspace()))


def plain(parse: Callable[[object], object]) -> Callable[[object], object]:
    """parse for fields where a missing value is simply None."""

    def run(value: object) -> object:
        return parse(None if value is MISSING else value)

    return run


def as_text(value: object) -> str:
    return "" if value is None else clean_text(value)


def yes(value: object) -> bool:
    return bool(parse_yes_no(value) or False)


def optional(parse: Callable[[object], object]) -> Callable[[object], object]:
    return lambda value: None if value is None else parse(value)


def identity_of(raw: object, start: dt.date, regions: Regions) -> Identity:
    """ID number (a number cell is id-as-number) -> (number, birth, female, problems)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        digits = str(int(raw)) if raw == int(raw) else str(raw)
        shown = f"{raw:.14E}" if raw >= 1e15 else digits
        upgraded = check_id(digits).upgraded if len(digits) == 15 else None
        if upgraded is not None:
            return digits, None, None, _id_problem("id-as-number", "legacy", shown=shown, upgraded=upgraded)
        return digits, None, None, _id_problem("id-as-number", shown=shown)
    result = check_id("" if raw is None else str(raw), start)
    number, code = result.number, result.code
    if code is None:
        if regions.known(number):
            return number, result.birth, result.female, _NO_PROBLEMS
        return number, result.birth, result.female, _id_problem("id-region-unknown", code=number[:6])
    if code == "id-format" and _SCIENTIFIC.match(number):
        # a CSV saved after Excel damaged the number: "6.50102E+17"
        return number, None, None, _id_problem("id-as-number", shown=number)
    if code == "id-birth-date":
        variant = "after-start" if result.birth is not None else None
        birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
        return number, None, None, _id_problem(code, variant, birth=birth, start=start.isoformat())
    if code == "id-legacy" and result.upgraded is None:
        return (
            number,
            None,
            None,
            _id_problem(code, "birth-date", birth=f"19{number[6:8]}-{number[8:10]}-{number[10:12]}"),
        )
    problem = _id_problem(code, value=number, upgraded=result.upgraded, expected=result.expected_check)
    return number, None, None, problem


def _id_problem(code: str, variant: str | None = None, /, **values: object) -> tuple[Spec, ...]:
    return (("id_number", code, variant, values),)


def share_count(value: object) -> object:
    """A shares cell -> its whole number (0 when blank or zero), INVALID when it is not one."""
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    try:
        return parse_whole(value) or 0
    except ValueError:
        return INVALID


def share_set(counts: Any) -> dict[str, int]:
    """The shares of one row (plan code -> shares > 0), from its parsed counts in plan order (a tuple)."""
    return {
        code: count
        for (code, _), count in zip(SHARE_FIELDS, counts, strict=True)
        if count.__class__ is int and count
    }


def tier_of(value: object) -> str:
    """ "15", 15, 15.0, "15元", "15元/份" -> "15"."""
    text = clean_text(value).removesuffix("/份").removesuffix("元")
    return text[:-2] if text.endswith(".0") else text


def gender_of(value: object) -> object:
    try:
        return gender_value(value)
    except ValueError:
        return INVALID


def whole_or_none(value: object) -> int | None:
    try:
        return parse_whole(value)
    except ValueError:
        return None
