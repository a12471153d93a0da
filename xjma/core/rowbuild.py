"""Build RosterRow records from raw table cells, with the format problems found on the way (roster.md).

A value comes from the row's own cell, else from a file-level `KEY：VALUE` line, else from an option
(`--unit`, `--prefecture`, `--end`): the caller merges the last two into `RowContext.fallback`.
Format problems (id-*, name-missing, phone-*, employment-*, shares-invalid, a 性别 that is neither
男 nor 女, an unreadable 短期意外保障止期 …) are reported here; eligibility is xjma/core/checks.py.

This is the hot loop of `validate` (issue 5), so it works a column at a time on blocks of rows: each
field's cells are parsed by one map() over the block, memoised by the cell itself (units, 用工形式,
是/否, share counts repeat on every row), and the rows are built by one map() over the columns. Then each
format check (`_Builder.check_*`, one per problem code) runs over its columns of the block and yields the
rows it finds wrong; a row's problems are listed in the order of the checks. A field whose cell could
not be read is marked in RosterRow.unreadable, so that xjma/core/checks.py leaves it alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
        self.checks: tuple[Callable[[_Block], Iterator[tuple[int, Spec]]], ...] = (
            self.check_id,
            self.check_gender,
            self.check_age,
            self.check_name,
            self.check_phone,
            self.check_employment,
            self.check_term,
            self.check_shares,
            self.check_short_end,
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
        block_ = _Block(rows, first, got, raw, fields)
        found: dict[int, list[Spec]] = {}
        for check in self.checks:  # the order of the checks is the order of a row's problems
            for i, spec in check(block_):
                found.setdefault(i, []).append(spec)
        headers = self.ctx.headers
        for i in sorted(found):
            row, specs = rows[first + i], found[i]
            unreadable = {
                fld
                for fld, code, _, _ in specs
                if code == "shares-invalid" or code in _UNREADABLE.get(fld, ())
            }
            if unreadable:
                row.unreadable = frozenset(unreadable)
            problems.extend(
                Problem(
                    row.row, headers.get(fld, ""), code, severity_of(code), message(code, variant, **values)
                )
                for fld, code, variant, values in specs
            )

    # Format checks: each yields (index in the block, problem spec) for the rows it finds wrong.

    def check_id(self, b: _Block) -> Iterator[tuple[int, Spec]]:
        for i, identity in enumerate(b.got["id"]):
            for spec in identity[3]:
                yield i, spec

    def check_gender(self, b: _Block) -> Iterator[tuple[int, Spec]]:
        for i, gender in enumerate(b.got["gender"]):
            if gender is _INVALID:
                yield i, ("gender", "gender-mismatch", "invalid", {"given": _text(b.value("gender", i))})

    def check_age(self, b: _Block) -> Iterator[tuple[int, Spec]]:
        for i in self.age.unread(b.got["age"], b.raw["age"]):
            birth = b.row(i).birth
            if birth is not None:
                values = {"given": clean_text(b.value("age", i)), "age": age_on(birth, self.ctx.start)}
                yield i, ("age", "age-mismatch", "invalid", values)

    def check_name(self, b: _Block) -> Iterator[tuple[int, Spec]]:
        for i, name in enumerate(b.got["name"]):
            if not name:
                yield i, ("name", "name-missing", None, {})

    def check_phone(self, b: _Block) -> Iterator[tuple[int, Spec]]:
        for i, phone in enumerate(b.got["phone"]):
            if not phone:
                yield i, ("phone", "phone-missing", None, {})
            elif not phone_valid(phone):
                yield i, ("phone", "phone-invalid", None, {"value": phone})

    def check_employment(self, b: _Block) -> Iterator[tuple[int, Spec]]:
        for i, kind in enumerate(b.got["employment"]):
            if kind is _MISSING:
                yield i, ("employment", "employment-missing", None, {})
            elif kind is None:
                yield (
                    i,
                    ("employment", "employment-invalid", None, {"value": _text(b.value("employment", i))}),
                )

    def check_term(self, b: _Block) -> Iterator[tuple[int, Spec]]:
        """An unreadable 聘用期限 of a 临时职工 (a missing or too short one: xjma/core/checks.py)."""
        minimum = self.ctx.rules.common.temp_min_term_months
        employments = b.got["employment"]
        for i in self.term.unread(b.got["term"], b.raw["term"]):
            if employments[i] == TEMP:
                text = f"聘用期限“{clean_text(b.value('term', i))}”不是整数月数"
                yield i, ("term_months", "temp-term-short", None, {"min": minimum, "term": text})

    def check_shares(self, b: _Block) -> Iterator[tuple[int, Spec]]:
        """Share cells that are not whole numbers, per row in plan order."""
        bad = [
            (i, j)
            for j in range(len(_SHARE_FIELDS))
            for i, s in enumerate(b.got[f"shares{j}"])
            if s is _INVALID
        ]
        for i, j in sorted(bad):
            code, fld = _SHARE_FIELDS[j]
            plan = self.ctx.rules.plan_label(code, self.ctx.start)
            values: dict[str, object] = {"plan": plan, "value": clean_text(b.value(f"shares{j}", i))}
            yield i, (fld, "shares-invalid", None, values)

    def check_short_end(self, b: _Block) -> Iterator[tuple[int, Spec]]:
        for i in self.short_end.unread(b.got["short_end"], b.raw["short_end"]):
            if not self.short_term.isdisjoint(b.row(i).shares):
                values: dict[str, object] = {"value": clean_text(b.value("short_end", i))}
                yield i, ("short_end", "end-date-invalid", "unparseable", values)


@dataclass(frozen=True)
class _Block:
    """One block of rows being built: the rows so far, where the block starts, each field's cells and
    parsed values."""

    rows: list[RosterRow]
    first: int
    got: dict[str, Column]
    raw: dict[str, Column]
    fields: dict[str, _Field]

    def row(self, i: int) -> RosterRow:
        return self.rows[self.first + i]

    def value(self, name: str, i: int) -> object:
        """What the field's parse saw on row i: the cell, else the fallback (_MISSING when neither)."""
        return self.fields[name].value_of(self.raw[name][i])


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
