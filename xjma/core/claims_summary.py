"""What `claims summary` counts (office.md §6), pure: the ledger hands in one line per case of the period.

- A case belongs to the month of its approval (`approved`: approved and paid cases alike, the month of
  the latest `approved` event) or of its payment (`paid`: paid cases, the month of `paid_on`).
- Its amount is the payout of its latest `approved` event; 受益人次 is the number of cases; members are
  distinct ID numbers (a member with two cases in a group counts once in it, once in the total).
- Rejected: cases whose state is `rejected` and whose rejection falls in the period; open: cases still
  `submitted` or `returned` whose latest event falls in the period (counted by the ledger query).
- A blank 地州市 or unit is shown as 未填写. Groups are ordered by amount (largest first), then name;
  plans in their fixed order, benefits in theirs; months in calendar order, every month of the period
  listed (zeros included).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from xjma.core.rules import PLAN_CODES
from xjma.core.vocab import BENEFIT_NAMES

UNFILLED = "未填写"
SUMMARY_STATES = ("approved", "paid")


class CaseLine(NamedTuple):
    """One case of the period as the ledger gives it (amount in fen: summed as integers). A plain tuple
    of these fields (a database row) will do."""

    id_number: str
    plan: str
    benefit: str
    prefecture: str
    unit: str
    month: str  # YYYY-MM
    amount_fen: int


@dataclass(frozen=True)
class Group:
    """A row of a table: its key (地州市; unit and 地州市; plan and benefit; month), cases, members, amount."""

    key: tuple[str, ...]
    cases: int
    members: int
    amount: Decimal


@dataclass(frozen=True)
class ClaimsFigures:
    cases: int
    members: int
    amount: Decimal
    rejected: int
    open: int
    by_prefecture: tuple[Group, ...]
    by_unit: tuple[Group, ...]
    by_plan: tuple[Group, ...]
    by_month: tuple[Group, ...]  # members not counted (0): office.md §6 gives cases and amount


def shown(text: str) -> str:
    """A 地州市 or unit as the summary groups it: blank is 未填写."""
    return text or UNFILLED


def group_keys(
    plan: str, benefit: str, prefecture: str, unit: str
) -> tuple[tuple[str], tuple[str, str], tuple[str, str]]:
    """A case's key by 地州市, by unit (and its 地州市) and by plan and benefit."""
    shown_prefecture = shown(prefecture)
    return (shown_prefecture,), (shown(unit), shown_prefecture), (plan, benefit)


def summarise(lines: Iterable[CaseLine], months: Sequence[str], rejected: int, open_: int) -> ClaimsFigures:
    """The figures of the period's cases, grouped four ways (see the module docstring). Column by column
    (240,000 cases a year): keys are zipped and counted; members are the cases less the repeats of a
    member within a key, counted over the few cases of members with more than one."""
    rows = list(lines)
    ids = list(map(itemgetter(0), rows))
    fens = list(map(itemgetter(6), rows))
    per_member = Counter(ids)
    repeated = [i for i, n in enumerate(map(per_member.__getitem__, ids)) if n > 1]
    keys = list(map(group_keys, *(map(itemgetter(i), rows) for i in (1, 2, 3, 4))))
    columns: tuple[list[Any], ...] = (
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        list(zip(map(itemgetter(5), rows))),
    )
    by = [_groups(column, ids, fens, repeated) for column in columns]
    total = Group((), len(rows), len(per_member), yuan(sum(fens)))
    return figures(total, by[0], by[1], by[2], by[3], months, rejected, open_)


def figures(
    total: Group,
    by_prefecture: Iterable[Group],
    by_unit: Iterable[Group],
    by_plan: Iterable[Group],
    by_month: Iterable[Group],
    months: Sequence[str],
    rejected: int,
    open_: int,
) -> ClaimsFigures:
    """The figures in the order they are shown: groups by amount (plans in their order), every month of
    the period listed (zeros included). From the cases (summarise) or from totals a ledger keeps."""
    found = {g.key[0]: g for g in by_month}
    zero = Decimal("0.00")
    return ClaimsFigures(
        cases=total.cases,
        members=total.members,
        amount=total.amount,
        rejected=rejected,
        open=open_,
        by_prefecture=tuple(sorted(by_prefecture, key=_by_amount)),
        by_unit=tuple(sorted(by_unit, key=_by_amount)),
        by_plan=tuple(sorted(by_plan, key=_plan_order)),
        by_month=tuple(
            Group((m,), found[m].cases, 0, found[m].amount) if m in found else Group((m,), 0, 0, zero)
            for m in months
        ),
    )


def _groups(keys: list[tuple[str, ...]], ids: list[str], fens: list[int], repeated: list[int]) -> list[Group]:
    """Cases, distinct members and amount per key (keys[i] is the key of the case of ids[i], fens[i];
    `repeated`: the cases whose member has others)."""
    cases = Counter(keys)
    fen: dict[tuple[str, ...], int] = dict.fromkeys(cases, 0)
    for key, amount in zip(keys, fens, strict=True):
        fen[key] += amount
    again = Counter(keys[i] for i in repeated)  # a repeated member's cases in a key …
    again.subtract(Counter(key for key, _ in {(keys[i], ids[i]) for i in repeated}))  # … less one each
    return [Group(key, n, n - again[key], yuan(fen[key])) for key, n in cases.items()]


def yuan(fen: int) -> Decimal:
    """An amount in fen as yuan."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _by_amount(g: Group) -> tuple[object, ...]:
    return (-g.amount, g.key[0] == UNFILLED, *g.key)


_BENEFITS = list(BENEFIT_NAMES)


def _plan_order(g: Group) -> tuple[int, int, str, str]:
    plan, benefit = g.key
    p = PLAN_CODES.index(plan) if plan in PLAN_CODES else len(PLAN_CODES)
    b = _BENEFITS.index(benefit) if benefit in _BENEFITS else len(_BENEFITS)
    return (p, b, plan, benefit)
