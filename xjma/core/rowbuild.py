"""Build RosterRow records from raw table cells, with the format problems found on the way (roster.md).

A value comes from the row's own cell, else from a file-level `KEY：VALUE` line, else from an option
(`--unit`, `--prefecture`, `--end`): the caller merges the last two into `RowContext.fallback`.
Format problems (id-*, name-missing, phone-*, employment-*, shares-invalid, a 性别 that is neither
男 nor 女, an unreadable 短期意外保障止期 …) are reported here; eligibility is xjma/core/checks.py.

This is the hot loop of `validate` (issue 5), so it works a column at a time on blocks of rows: each
field's cells are parsed by one pass over the block (xjma/core/row_columns.py), memoised by the cell
itself, with the cell parsers of xjma/core/roster_cells.py; the rows are built by one map() over the
columns. Then each
format check (`_Builder.check_*`, one per problem code) runs over its columns of the block and yields the
rows it finds wrong; a row's problems are listed in the order of the checks. A field whose cell could
not be read is marked in RosterRow.unreadable, so that xjma/core/checks.py leaves it alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice

from xjma.core.checks import severity_of
from xjma.core.idnumber import age_on
from xjma.core.messages import message
from xjma.core.model import RosterRow
from xjma.core.normalize import (
    clean_text,
    normalize_name,
    normalize_phone,
    parse_date,
    parse_employment,
    phone_valid,
)
from xjma.core.prefectures import Prefectures
from xjma.core.problems import Problem
from xjma.core.regions import Regions
from xjma.core.roster_cells import (
    INVALID,
    MISSING,
    SHARE_FIELDS,
    Spec,
    as_text,
    gender_of,
    identity_of,
    optional,
    plain,
    share_count,
    share_set,
    tier_of,
    whole_or_none,
    yes,
)
from xjma.core.row_columns import Column, FieldColumn, Memo, RowBlock
from xjma.core.rules import Rules

_BLOCK = 8192  # rows per block: memory stays flat and a progress bar still moves
TEMP = "临时职工"
# format problems that leave a field unread (RosterRow.unreadable)
_UNREADABLE = {"term_months": ("temp-term-short",), "short_end": ("end-date-invalid",)}
_LEAVES_UNREAD = frozenset({"shares-invalid", "temp-term-short", "end-date-invalid"})
Worded = tuple[str, str, str, str]  # a problem but its row: column, code, severity, message
_SAID_MAX = 10_000  # distinct problem specs worded once (a value unique to each row is merely not kept)
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


class _Builder:
    def __init__(self, ctx: RowContext) -> None:
        self.ctx = ctx
        resolve = ctx.prefectures.resolve
        start = ctx.start

        def field(fld: str, parse: Callable[[object], object], memo: bool = True) -> FieldColumn:
            return FieldColumn(ctx.columns, ctx.fallback, fld, parse, memo)

        identity = partial(identity_of, start=start, regions=ctx.regions)
        self.id = FieldColumn(ctx.columns, ctx.fallback, "id_number", plain(identity), False, identity)
        self.gender = field("gender", plain(gender_of))
        self.age = field("age", plain(optional(whole_or_none)))
        self.name = field("name", plain(normalize_name))
        self.unit = field("unit", plain(as_text))
        self.prefecture = field("prefecture", plain(lambda v: resolve(as_text(v)) or as_text(v)))
        self.ethnicity = field("ethnicity", plain(as_text))
        self.occupation = field("occupation", plain(as_text))
        self.remarks = field("remarks", plain(as_text))
        phone = plain(lambda v: "" if v is None else normalize_phone(v))
        self.phone = FieldColumn(ctx.columns, ctx.fallback, "phone", phone, False, normalize_phone)
        self.employment = field("employment", lambda v: v if v is MISSING else parse_employment(v))
        self.term = field("term_months", plain(whole_or_none))
        self.union_member = field("union_member", plain(yes))
        self.renewal = field("renewal", plain(yes))
        self.approval = field("approval", plain(yes))
        self.prev_end = field("prev_end", plain(parse_date))
        self.retire_date = field("retire_date", plain(parse_date))
        self.prev_shares = field("prev_shares", plain(whole_or_none))
        self.shares = [field(fld, plain(share_count)) for _, fld in SHARE_FIELDS]
        self.short_tier = field("short_tier", plain(optional(tier_of)))
        self.short_end = field("short_end", plain(optional(parse_date)))
        self.share_sets = Memo(share_set)  # parsed counts of the five plans -> the row's shares
        self.said: dict[tuple[object, ...], Worded] = {}  # problem spec -> its wording (problem_of)
        # plans with an end date per enrollment (plans.yaml `short_term`), in any version
        self.short_term = frozenset(
            code for version in ctx.rules.versions for code, plan in version.plans.items() if plan.short_term
        )
        self.checks: tuple[Callable[[RowBlock], Iterator[tuple[int, Spec]]], ...] = (
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
        fields: dict[str, FieldColumn] = {}

        def parsed(name: str, fld: FieldColumn) -> Column:
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
            "gender": [None if g is INVALID else g for g in genders],
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
        block_ = RowBlock(rows, first, got, raw, fields)
        found: dict[int, list[Spec]] = {}
        for check in self.checks:  # the order of the checks is the order of a row's problems
            for i, spec in check(block_):
                found.setdefault(i, []).append(spec)
        for i in sorted(found):
            row = rows[first + i]
            unreadable: set[str] = set()
            for spec in found[i]:
                fld, code = spec[0], spec[1]
                if code in _LEAVES_UNREAD and (code == "shares-invalid" or code in _UNREADABLE.get(fld, ())):
                    unreadable.add(fld)
                problems.append(Problem(row.row, *self.problem_of(spec)))
            if unreadable:
                row.unreadable = frozenset(unreadable)

    def problem_of(self, spec: Spec) -> Worded:
        """(column, code, severity, message) of a problem spec, worded once per distinct spec: a problem on
        every row of a column (a region code no table knows) repeats the same few messages."""
        fld, code, variant, values = spec
        try:
            key: tuple[object, ...] = (fld, code, variant, *values.items())
            found = self.said.get(key)
        except TypeError:  # a value that cannot be a key: worded on its own
            key, found = (), None
        if found is None:
            found = (self.ctx.headers.get(fld, ""), code, severity_of(code), message(code, variant, **values))
            if key and len(self.said) < _SAID_MAX:
                self.said[key] = found
        return found

    # Format checks: each yields (index in the block, problem spec) for the rows it finds wrong.

    def check_id(self, b: RowBlock) -> Iterator[tuple[int, Spec]]:
        for i, identity in enumerate(b.got["id"]):
            for spec in identity[3]:
                yield i, spec

    def check_gender(self, b: RowBlock) -> Iterator[tuple[int, Spec]]:
        for i, gender in enumerate(b.got["gender"]):
            if gender is INVALID:
                yield i, ("gender", "gender-mismatch", "invalid", {"given": as_text(b.value("gender", i))})

    def check_age(self, b: RowBlock) -> Iterator[tuple[int, Spec]]:
        for i in self.age.unread(b.got["age"], b.raw["age"]):
            birth = b.row(i).birth
            if birth is not None:
                values = {"given": clean_text(b.value("age", i)), "age": age_on(birth, self.ctx.start)}
                yield i, ("age", "age-mismatch", "invalid", values)

    def check_name(self, b: RowBlock) -> Iterator[tuple[int, Spec]]:
        for i, name in enumerate(b.got["name"]):
            if not name:
                yield i, ("name", "name-missing", None, {})

    def check_phone(self, b: RowBlock) -> Iterator[tuple[int, Spec]]:
        for i, phone in enumerate(b.got["phone"]):
            if not phone:
                yield i, ("phone", "phone-missing", None, {})
            elif not phone_valid(phone):
                yield i, ("phone", "phone-invalid", None, {"value": phone})

    def check_employment(self, b: RowBlock) -> Iterator[tuple[int, Spec]]:
        for i, kind in enumerate(b.got["employment"]):
            if kind is MISSING:
                yield i, ("employment", "employment-missing", None, {})
            elif kind is None:
                yield (
                    i,
                    ("employment", "employment-invalid", None, {"value": as_text(b.value("employment", i))}),
                )

    def check_term(self, b: RowBlock) -> Iterator[tuple[int, Spec]]:
        """An unreadable 聘用期限 of a 临时职工 (a missing or too short one: xjma/core/checks.py)."""
        minimum = self.ctx.rules.common.temp_min_term_months
        employments = b.got["employment"]
        for i in self.term.unread(b.got["term"], b.raw["term"]):
            if employments[i] == TEMP:
                text = f"聘用期限“{clean_text(b.value('term', i))}”不是整数月数"
                yield i, ("term_months", "temp-term-short", None, {"min": minimum, "term": text})

    def check_shares(self, b: RowBlock) -> Iterator[tuple[int, Spec]]:
        """Share cells that are not whole numbers, per row in plan order."""
        bad = [
            (i, j)
            for j in range(len(SHARE_FIELDS))
            for i, s in enumerate(b.got[f"shares{j}"])
            if s is INVALID
        ]
        for i, j in sorted(bad):
            code, fld = SHARE_FIELDS[j]
            plan = self.ctx.rules.plan_label(code, self.ctx.start)
            values: dict[str, object] = {"plan": plan, "value": clean_text(b.value(f"shares{j}", i))}
            yield i, (fld, "shares-invalid", None, values)

    def check_short_end(self, b: RowBlock) -> Iterator[tuple[int, Spec]]:
        for i in self.short_end.unread(b.got["short_end"], b.raw["short_end"]):
            if not self.short_term.isdisjoint(b.row(i).shares):
                values: dict[str, object] = {"value": clean_text(b.value("short_end", i))}
                yield i, ("short_end", "end-date-invalid", "unparseable", values)
