"""Build RosterRow records from raw table cells, with the format problems found on the way (roster.md).

A value comes from the row's own cell, else from a file-level `KEY：VALUE` line, else from an option
(`--unit`, `--prefecture`, `--end`): the caller merges the last two into `RowContext.fallback`.
Format problems (id-*, name-missing, phone-*, employment-*, shares-invalid, a 性别 that is neither
男 nor 女, an unreadable 短期意外保障止期 …) are reported here; eligibility is xjma/core/checks.py.

This is the hot loop of `validate` (issue 5), so it works a column at a time on blocks of rows: each
field's cells are parsed by one map() over the block, memoised by the cell itself (units, 用工形式,
是/否, share counts repeat on every row), the rows are built by one map() over the columns, and only the
few rows with a problem are looked at again, field by field in the order below, for their messages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from operator import itemgetter
from typing import Any

from xjma.core.checks import severity_of, shares_field
from xjma.core.idnumber import age_on, check_id
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
from xjma.core.problems import Problem
from xjma.core.regions import Regions
from xjma.core.rules import PLAN_CODES, Rules
from xjma.core.vocab import parse_yes_no

_SHARE_FIELDS = tuple((code, shares_field(code)) for code in PLAN_CODES)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_INVALID = object()  # a cell that is there but cannot be read
_MISSING = object()  # 用工形式: no cell and no file-level value
Column = list[Any]
Spec = tuple[str, str, str | None, dict[str, object]]  # field, code, variant, message values
Identity = tuple[str, dt.date | None, bool | None, tuple[Spec, ...]]  # number, birth, female, problems
_BLOCK = 8192  # rows per block: memory stays flat and a progress bar still moves
_NO_PROBLEMS: tuple[Spec, ...] = ()
TEMP = "临时职工"
# format problems that leave a field unread (RosterRow.unreadable)
_UNREADABLE = {"term_months": ("temp-term-short",), "short_end": ("end-date-invalid",)}
_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(RosterRow) if f.init and f.name != "unreadable")


@dataclass(frozen=True)
class RowContext:
    start: dt.date
    rules: Rules
    prefectures: Prefectures
    columns: Mapping[str, int]  # field -> column index in the raw rows
    headers: Mapping[str, str]  # field -> the header as written in the file
    fallback: Mapping[str, object]  # field -> file-level value, else the option's value
    regions: Regions  # the region table (xjma/io/regions.py), for the id-region-unknown warning


def build_rows(
    raw_rows: Iterable[tuple[int, Sequence[object]]], ctx: RowContext
) -> tuple[list[RosterRow], list[Problem]]:
    """(Excel row number, cells) pairs -> rows and their format problems, in row order."""
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    builder = _Builder(ctx)
    source = iter(raw_rows)
    while block := list(islice(source, _BLOCK)):
        builder.build(block, rows, problems)
    return rows, problems


def _blank(value: object) -> bool:
    """No value: an empty cell, "" or only whitespace (cells are str as read, numbers, booleans, dates)."""
    return value is None or (value.__class__ is str and (not value or value.isspace()))


class _Memo(dict[Any, Any]):
    """cell -> parse(cell), computed on the first lookup."""

    __slots__ = ("parse",)

    def __init__(self, parse: Callable[[object], object]) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, key: object) -> object:
        value = self[key] = self.parse(key)
        return value


class _Field:
    """One field's parse of a raw cell (blank: the fallback value), memoised or not."""

    __slots__ = ("col", "direct", "memos", "one", "parse", "value_of")

    def __init__(
        self,
        ctx: RowContext,
        fld: str,
        parse: Callable[[object], object],
        memo: bool,
        direct: Callable[[object], object] | None = None,
    ) -> None:
        self.col: int | None = ctx.columns.get(fld)
        fallback = ctx.fallback
        present, default = fld in fallback, fallback.get(fld)

        def value_of(cell: object) -> object:
            """The value a field's parse sees: the cell, else the fallback; _MISSING when neither."""
            if _blank(cell):
                return default if present else _MISSING
            return cell

        def one(cell: object) -> object:
            """parse of a raw cell (a closure, not a method: the memos hold it without a reference cycle)."""
            return parse(value_of(cell))

        self.value_of, self.parse, self.one = value_of, parse, one
        self.direct = direct or parse  # parse of a cell that holds a value (no blank, no fallback)
        # One memo per type of cell, so that equal cells of two types (1.0, 1 and True) are never
        # taken for each other.
        self.memos: dict[type, _Memo] | None = {} if memo else None

    def given(self, cell: object) -> bool:
        """A value is there (the cell's or the fallback's)."""
        return self.value_of(cell) not in (None, _MISSING)

    def unread(self, parsed: Column, raw: Column) -> list[int]:
        """Indexes of the rows whose value is there but parsed to None."""
        if self.given(None):  # a fallback value stands in for blank cells
            return [
                i for i, (p, c) in enumerate(zip(parsed, raw, strict=True)) if p is None and self.given(c)
            ]
        if self.col is None:
            return []
        return [i for i, (p, c) in enumerate(zip(parsed, raw, strict=True)) if p is None and not _blank(c)]

    def _memo(self, kind: type) -> _Memo:
        assert self.memos is not None
        found = self.memos.get(kind)
        if found is None:
            found = self.memos[kind] = _Memo(self.one)
        return found

    def cells(self, grid: list[Sequence[object]], shortest: int) -> Column:
        """The field's cell in each row of the block (None where a row is too short)."""
        col = self.col
        if col is None:
            return [None] * len(grid)
        if col < shortest:
            return list(map(itemgetter(col), grid))
        return [cells[col] if col < len(cells) else None for cells in grid]

    def parsed(self, raw: Column) -> Column:
        if self.col is None:  # no such column: the same value for every row
            return [self.one(None)] * len(raw)
        if self.memos is None:  # a value on every row (ID, phone): the plain text cell parsed directly
            parse, one = self.direct, self.one
            return [parse(c) if c.__class__ is str and c and not c.isspace() else one(c) for c in raw]
        kinds = set(map(type, raw))
        if len(kinds) == 1:  # the usual column: every cell text, or every cell a number
            return list(map(self._memo(kinds.pop()).__getitem__, raw))
        return [self._memo(type(c))[c] for c in raw]


def _plain(parse: Callable[[object], object]) -> Callable[[object], object]:
    """parse for fields where a missing value is simply None."""

    def run(value: object) -> object:
        return parse(None if value is _MISSING else value)

    return run


def _text(value: object) -> str:
    return "" if value is None else clean_text(value)


def _yes(value: object) -> bool:
    return bool(parse_yes_no(value) or False)


def _optional(parse: Callable[[object], object]) -> Callable[[object], object]:
    return lambda value: None if value is None else parse(value)


class _Builder:
    def __init__(self, ctx: RowContext) -> None:
        self.ctx = ctx
        resolve = ctx.prefectures.resolve
        start = ctx.start

        def field(fld: str, parse: Callable[[object], object], memo: bool = True) -> _Field:
            return _Field(ctx, fld, parse, memo)

        identity = partial(_identity, start=start, regions=ctx.regions)
        self.id = _Field(ctx, "id_number", _plain(identity), False, identity)
        self.gender = field("gender", _plain(_gender))
        self.age = field("age", _plain(_optional(_whole_or_none)))
        self.name = field("name", _plain(normalize_name))
        self.unit = field("unit", _plain(_text))
        self.prefecture = field("prefecture", _plain(lambda v: resolve(_text(v)) or _text(v)))
        self.ethnicity = field("ethnicity", _plain(_text))
        self.occupation = field("occupation", _plain(_text))
        self.remarks = field("remarks", _plain(_text))
        phone = _plain(lambda v: "" if v is None else normalize_phone(v))
        self.phone = _Field(ctx, "phone", phone, False, normalize_phone)
        self.employment = field("employment", lambda v: v if v is _MISSING else parse_employment(v))
        self.term = field("term_months", _plain(_whole_or_none))
        self.union_member = field("union_member", _plain(_yes))
        self.renewal = field("renewal", _plain(_yes))
        self.approval = field("approval", _plain(_yes))
        self.prev_end = field("prev_end", _plain(parse_date))
        self.retire_date = field("retire_date", _plain(parse_date))
        self.prev_shares = field("prev_shares", _plain(_whole_or_none))
        self.shares = [field(fld, _plain(_share_count)) for _, fld in _SHARE_FIELDS]
        self.short_tier = field("short_tier", _plain(_optional(_tier)))
        self.short_end = field("short_end", _plain(_optional(parse_date)))
        self.share_sets = _Memo(_share_set)  # parsed counts of the five plans -> the row's shares
        # plans with an end date per enrollment (plans.yaml `short_term`), in any version
        self.short_term = frozenset(
            code for version in ctx.rules.versions for code, plan in version.plans.items() if plan.short_term
        )

    def build(
        self, block: list[tuple[int, Sequence[object]]], rows: list[RosterRow], problems: list[Problem]
    ) -> None:
        numbers = [number for number, _ in block]
        grid = [cells for _, cells in block]
        shortest = min(map(len, grid))
        raw: dict[str, Column] = {}  # name -> the block's cells of a field
        got: dict[str, Column] = {}  # name -> their parsed values
        fields: dict[str, _Field] = {}

        def parsed(name: str, fld: _Field) -> Column:
            fields[name], raw[name] = fld, fld.cells(grid, shortest)
            got[name] = fld.parsed(raw[name])
            return got[name]

        ids = parsed("id", self.id)
        genders = parsed("gender", self.gender)
        ages = parsed("age", self.age)
        names = parsed("name", self.name)
        phones = parsed("phone", self.phone)
        employments = parsed("employment", self.employment)
        terms = parsed("term", self.term)
        share_cols = [parsed(f"shares{i}", fld) for i, fld in enumerate(self.shares)]
        shares = [dict(self.share_sets[counts]) for counts in zip(*share_cols, strict=True)]
        short_ends = parsed("short_end", self.short_end)
        values: dict[str, Column] = {
            "row": numbers,
            "name": names,
            "id_number": [r[0] for r in ids],
            "unit": parsed("unit", self.unit),
            "prefecture": parsed("prefecture", self.prefecture),
            "gender": [None if g is _INVALID else g for g in genders],
            "ethnicity": parsed("ethnicity", self.ethnicity),
            "age": ages,
            "occupation": parsed("occupation", self.occupation),
            "phone": phones,
            "employment": [e if e.__class__ is str else None for e in employments],
            "term_months": terms,
            "union_member": parsed("union_member", self.union_member),
            "renewal": parsed("renewal", self.renewal),
            "prev_end": parsed("prev_end", self.prev_end),
            "prev_shares": parsed("prev_shares", self.prev_shares),
            "shares": shares,
            "short_tier": parsed("short_tier", self.short_tier),
            "short_end": short_ends,
            "approval": parsed("approval", self.approval),
            "retire_date": parsed("retire_date", self.retire_date),
            "remarks": parsed("remarks", self.remarks),
            "birth": [r[1] for r in ids],
            "female": [r[2] for r in ids],
        }
        first = len(rows)
        rows.extend(map(RosterRow, *(values[name] for name in _ROW_FIELDS)))
        # Rows that may have a problem; _problems decides, in the order problems are listed.
        suspect = {i for i, r in enumerate(ids) if r[3]}
        suspect.update(i for i, g in enumerate(genders) if g is _INVALID)
        suspect.update(self.age.unread(ages, raw["age"]))
        suspect.update(i for i, n in enumerate(names) if not n)
        suspect.update(i for i, p in enumerate(phones) if not p or not phone_valid(p))
        suspect.update(
            i
            for i, e in enumerate(employments)
            if e is None or e is _MISSING or (e == TEMP and terms[i] is None)
        )
        for col in share_cols:
            suspect.update(i for i, s in enumerate(col) if s is _INVALID)
        suspect.update(self.short_end.unread(short_ends, raw["short_end"]))
        for i in sorted(suspect):
            value = {name: fld.value_of(raw[name][i]) for name, fld in fields.items()}
            problems.extend(self._problems(rows[first + i], {k: v[i] for k, v in got.items()}, value))

    def _problems(self, row: RosterRow, got: dict[str, Any], value: dict[str, object]) -> list[Problem]:
        """The row's problems, in the order they have always been listed. `got`: the parsed value of each
        field, `value`: what was parsed (the cell, else the fallback; _MISSING when neither)."""
        specs: list[Spec] = list(got["id"][3])
        if got["gender"] is _INVALID:
            specs.append(("gender", "gender-mismatch", "invalid", {"given": _text(value["gender"])}))
        age = value["age"]
        if age not in (None, _MISSING) and row.age is None and row.birth is not None:
            specs.append(
                (
                    "age",
                    "age-mismatch",
                    "invalid",
                    {"given": clean_text(age), "age": age_on(row.birth, self.ctx.start)},
                )
            )
        if not row.name:
            specs.append(("name", "name-missing", None, {}))
        if not row.phone:
            specs.append(("phone", "phone-missing", None, {}))
        elif not phone_valid(row.phone):
            specs.append(("phone", "phone-invalid", None, {"value": row.phone}))
        if value["employment"] is _MISSING:
            specs.append(("employment", "employment-missing", None, {}))
        elif row.employment is None:
            specs.append(("employment", "employment-invalid", None, {"value": _text(value["employment"])}))
        term = value["term"]
        if row.term_months is None and term not in (None, _MISSING) and row.employment == TEMP:
            minimum = self.ctx.rules.common.temp_min_term_months
            text = f"聘用期限“{clean_text(term)}”不是整数月数"
            specs.append(("term_months", "temp-term-short", None, {"min": minimum, "term": text}))
        for i, (code, fld) in enumerate(_SHARE_FIELDS):
            if got[f"shares{i}"] is _INVALID:
                text = clean_text(value[f"shares{i}"])
                specs.append(
                    (
                        fld,
                        "shares-invalid",
                        None,
                        {"plan": self.ctx.rules.plan_label(code, self.ctx.start), "value": text},
                    )
                )
        end = value["short_end"]
        if (
            end not in (None, _MISSING)
            and row.short_end is None
            and not self.short_term.isdisjoint(row.shares)
        ):
            specs.append(("short_end", "end-date-invalid", "unparseable", {"value": clean_text(end)}))
        headers = self.ctx.headers
        unreadable = {fld for fld, code, variant, _ in specs if code in _UNREADABLE.get(fld, ())}
        unreadable.update(fld for fld, code, _, _ in specs if code == "shares-invalid")
        if unreadable:
            row.unreadable = frozenset(unreadable)
        return [
            Problem(row.row, headers.get(fld, ""), code, severity_of(code), message(code, variant, **values))
            for fld, code, variant, values in specs
        ]


def _identity(raw: object, start: dt.date, regions: Regions) -> Identity:
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


def _share_count(value: object) -> object:
    """A shares cell -> its whole number (0 when blank or zero), _INVALID when it is not one."""
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    try:
        return parse_whole(value) or 0
    except ValueError:
        return _INVALID


def _share_set(counts: Any) -> dict[str, int]:
    """The shares of one row (plan code -> shares > 0), from its parsed counts in plan order (a tuple)."""
    return {
        code: count
        for (code, _), count in zip(_SHARE_FIELDS, counts, strict=True)
        if count.__class__ is int and count
    }


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
