"""Build RosterRow records from raw table cells, with the format problems found on the way (roster.md).

A value comes from the row's own cell, else from a file-level `KEY：VALUE` line, else from an option
(`--unit`, `--prefecture`, `--end`): the caller merges the last two into `RowContext.fallback`.
Format problems (id-*, name-missing, phone-*, employment-*, shares-invalid, a 性别 that is neither
男 nor 女, an unreadable 短期意外保障止期 …) are reported here; eligibility is xjma/core/checks.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from xjma.core.checks import severity_of, shares_field
from xjma.core.findings import Problem
from xjma.core.idnumber import age_on, check_id, upgrade_legacy
from xjma.core.messages import message
from xjma.core.model import RosterRow
from xjma.core.normalize import (
    clean_text,
    gender_value,
    normalize_name,
    normalize_phone,
    parse_date,
    parse_employment,
    parse_whole,
    phone_valid,
)
from xjma.core.prefectures import Prefectures
from xjma.core.rules import PLAN_CODES, Rules
from xjma.core.vocab import PLAN_SHORT, parse_yes_no

SHORT_TERM = "short-accident"
_SHARE_FIELDS = tuple((code, shares_field(code)) for code in PLAN_CODES)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_INVALID = object()  # a cell that is there but cannot be read
_UNSEEN = object()  # not in the memo yet
_Memo = dict[str, dict[str | None, object]]  # kind -> cell text (None: no cell) -> parsed value
TEMP = "临时职工"


@dataclass(frozen=True)
class RowContext:
    start: dt.date
    rules: Rules
    prefectures: Prefectures
    columns: Mapping[str, int]  # field -> column index in the raw rows
    headers: Mapping[str, str]  # field -> the header as written in the file
    fallback: Mapping[str, object]  # field -> file-level value, else the option's value


def build_rows(
    raw_rows: Iterable[tuple[int, Sequence[object]]], ctx: RowContext
) -> tuple[list[RosterRow], list[Problem]]:
    """(Excel row number, cells) pairs -> rows and their format problems, in row order."""
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    pick = _picker(tuple(ctx.columns.items()))
    fallback = dict(ctx.fallback)
    memo: _Memo = defaultdict(dict)
    for number, cells in raw_rows:
        values = pick(cells)
        b = _Builder(number, {**fallback, **values} if fallback else values, ctx, memo)
        _build(b)
        rows.append(b.row)
        if b.problems:
            problems.extend(b.problems)
    return rows, problems


def build_row(number: int, cells: Sequence[object], ctx: RowContext) -> tuple[RosterRow, list[Problem]]:
    rows, problems = build_rows([(number, cells)], ctx)
    return rows[0], problems


class _Builder:
    """One row's non-blank values (the cell, else the fallback) and the problems found in them."""

    __slots__ = ("ctx", "memo", "problems", "row", "values")

    def __init__(self, number: int, values: dict[str, object], ctx: RowContext, memo: _Memo) -> None:
        self.ctx, self.memo = ctx, memo
        self.row = RosterRow(row=number)
        self.problems: list[Problem] = []
        self.values = values

    def get(self, fld: str) -> object:
        return self.values.get(fld)

    def text(self, fld: str) -> str:
        value = self.values.get(fld)
        return "" if value is None else clean_text(value)

    def cached(self, kind: str, fld: str, parse: Callable[[object], object]) -> object:
        """parse(value) memoised by the cell's text (or its absence): units, 用工形式, 是/否 repeat on every
        row."""
        value = self.values.get(fld)
        if value is not None and value.__class__ is not str:
            return parse(value)  # not memoised: True == 1 == 1.0 would share one entry
        seen = self.memo[kind]
        found = seen.get(value, _UNSEEN)
        if found is _UNSEEN:
            found = seen[value] = parse(value)
        return found

    def add(self, fld: str, code: str, variant: str | None = None, /, **values: object) -> None:
        header = self.ctx.headers.get(fld, "")
        self.problems.append(
            Problem(self.row.row, header, code, severity_of(code), message(code, variant, **values))
        )


def _picker(present: tuple[tuple[str, int], ...]) -> Callable[[Sequence[object]], dict[str, object]]:
    """cells -> {field: value} of the non-blank cells (the hot loop of validate): the columns are taken
    with one itemgetter call when the row is long enough, blanks dropped in one comprehension."""
    names = tuple(fld for fld, _ in present)
    width = max((col for _, col in present), default=-1) + 1
    getter = itemgetter(*(col for _, col in present)) if len(present) > 1 else None

    def pick(cells: Sequence[object]) -> dict[str, object]:
        if getter is not None and len(cells) >= width:
            pairs: Iterable[tuple[str, object]] = zip(names, getter(cells), strict=True)
        else:
            n = len(cells)
            pairs = ((fld, cells[col]) for fld, col in present if col < n)
        # Cells are str (plain, as the readers give them), numbers, booleans, dates or None.
        return {
            fld: value
            for fld, value in pairs
            if value is not None and (value.__class__ is not str or (value and not value.isspace()))
        }

    return pick


def _text(value: object) -> str:
    return "" if value is None else clean_text(value)


def _yes(value: object) -> bool:
    return parse_yes_no(value) or False


def _build(b: _Builder) -> None:
    row = b.row
    _identity(b)
    row.name = normalize_name(b.get("name"))  # it cleans the text itself (None -> "")
    if not row.name:
        b.add("name", "name-missing")
    row.unit = str(b.cached("text", "unit", _text))
    resolve = b.ctx.prefectures.resolve
    row.prefecture = str(b.cached("prefecture", "prefecture", lambda v: resolve(_text(v)) or _text(v)))
    row.ethnicity = str(b.cached("text", "ethnicity", _text))
    row.occupation = str(b.cached("text", "occupation", _text))
    row.remarks = b.text("remarks")
    _contact(b)
    _employment(b)
    row.union_member = bool(b.cached("yes", "union_member", _yes))
    row.renewal = bool(b.cached("yes", "renewal", _yes))
    row.approval = bool(b.cached("yes", "approval", _yes))
    values = b.values
    if "prev_end" in values:
        row.prev_end = parse_date(values["prev_end"])
    if "retire_date" in values:
        row.retire_date = parse_date(values["retire_date"])
    row.prev_shares = _whole_or_none(values.get("prev_shares"))
    _shares(b)


def _identity(b: _Builder) -> None:
    """ID number (a number cell is id-as-number), gender, age column."""
    row, raw = b.row, b.get("id_number")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        digits = str(int(raw)) if raw == int(raw) else str(raw)
        row.id_number = digits
        shown = f"{raw:.14E}" if raw >= 1e15 else digits
        if len(digits) == 15:
            b.add("id_number", "id-as-number", "legacy", shown=shown, upgraded=upgrade_legacy(digits))
        else:
            b.add("id_number", "id-as-number", shown=shown)
    else:
        result = check_id("" if raw is None else str(raw), b.ctx.start)
        row.id_number = result.number
        if result.code == "id-format" and _SCIENTIFIC.match(result.number):
            # a CSV saved after Excel damaged the number: "6.50102E+17"
            b.add("id_number", "id-as-number", shown=result.number)
        elif result.code is None:
            row.birth, row.female = result.birth, result.female
            if not (result.province_known and result.region_known):
                b.add("id_number", "id-region-unknown", code=result.number[:6])
        elif result.code == "id-birth-date":
            n = result.number
            variant = "after-start" if result.birth is not None else None
            b.add(
                "id_number",
                "id-birth-date",
                variant,
                birth=f"{n[6:10]}-{n[10:12]}-{n[12:14]}",
                start=b.ctx.start.isoformat(),
            )
        else:
            b.add(
                "id_number",
                result.code,
                value=result.number,
                upgraded=result.upgraded,
                expected=result.expected_check,
            )
    gender = b.cached("gender", "gender", _gender)
    if gender is _INVALID:
        b.add("gender", "gender-mismatch", "invalid", given=b.text("gender"))
    elif gender is not None:
        row.gender = str(gender)
    age = b.get("age")
    if age is not None:
        row.age = _whole_or_none(age)
        if row.age is None and row.birth is not None:
            b.add("age", "age-mismatch", "invalid", given=clean_text(age), age=age_on(row.birth, b.ctx.start))


def _contact(b: _Builder) -> None:
    raw = b.get("phone")
    b.row.phone = "" if raw is None else normalize_phone(raw)
    if not b.row.phone:
        b.add("phone", "phone-missing")
    elif not phone_valid(b.row.phone):
        b.add("phone", "phone-invalid", value=b.row.phone)


def _employment(b: _Builder) -> None:
    employment = b.cached("employment", "employment", parse_employment)
    b.row.employment = employment if isinstance(employment, str) else None
    if "employment" not in b.values:
        b.add("employment", "employment-missing")
    elif b.row.employment is None:
        b.add("employment", "employment-invalid", value=b.text("employment"))
    term = b.get("term_months")
    b.row.term_months = _whole_or_none(term)
    if b.row.term_months is None and term is not None and b.row.employment == TEMP:
        minimum = b.ctx.rules.common.temp_min_term_months
        b.add("term_months", "temp-term-short", min=minimum, term=f"聘用期限“{clean_text(term)}”不是整数月数")


def _shares(b: _Builder) -> None:
    row, values = b.row, b.values
    for code, fld in _SHARE_FIELDS:
        value = values.get(fld)
        if value is None:
            continue
        if isinstance(value, float) and value.is_integer() and value >= 0:
            shares = int(value)
        else:
            try:
                shares = parse_whole(value) or 0
            except ValueError:
                b.add(fld, "shares-invalid", plan=PLAN_SHORT[code], value=clean_text(value))
                continue
        if shares:
            row.shares[code] = shares
    tier = values.get("short_tier")
    row.short_tier = _tier(tier) if tier is not None else None
    end = values.get("short_end")
    if end is not None:
        row.short_end = parse_date(end)
        if row.short_end is None and SHORT_TERM in row.shares:
            b.add("short_end", "end-date-invalid", "unparseable", value=clean_text(end))


def _tier(value: object) -> str:
    """ "15", 15, 15.0, "15元", "15元/份" -> "15"."""
    text = clean_text(value).removesuffix("/份").removesuffix("元")
    return text[:-2] if text.endswith(".0") else text


def _gender(value: object) -> object:
    try:
        return gender_value(value)
    except ValueError:
        return _INVALID


def _whole_or_none(value: object) -> int | None:
    try:
        return parse_whole(value)
    except ValueError:
        return None
