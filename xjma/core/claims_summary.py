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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from xjma.core.rules import PLAN_CODES
from xjma.core.vocab import BENEFIT_NAMES

UNFILLED = "未填写"
SUMMARY_STATES = ("approved", "paid")


@dataclass(frozen=True, slots=True)
class CaseLine:
    """One case of the period as the ledger gives it (amount in fen: summed as integers)."""

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


def summarise(lines: Iterable[CaseLine], months: Sequence[str], rejected: int, open_: int) -> ClaimsFigures:
    """The figures of the period's cases, grouped four ways (see the module docstring)."""
    groups: tuple[dict[tuple[str, ...], _Tally], ...] = ({}, {}, {}, {})
    people: set[str] = set()
    total = count = 0
    for line in lines:
        prefecture = line.prefecture or UNFILLED
        keys = ((prefecture,), (line.unit or UNFILLED, prefecture), (line.plan, line.benefit), (line.month,))
        for table, key in zip(groups, keys, strict=True):
            tally = table.get(key)
            if tally is None:
                tally = table[key] = _Tally()
            tally.cases += 1
            tally.fen += line.amount_fen
            tally.ids.add(line.id_number)
        people.add(line.id_number)
        total += line.amount_fen
        count += 1
    by_pref, by_unit, by_plan, by_month = (_groups(t) for t in groups)
    found = {g.key[0]: g for g in by_month}
    zero = Decimal("0.00")
    return ClaimsFigures(
        cases=count,
        members=len(people),
        amount=_yuan(total),
        rejected=rejected,
        open=open_,
        by_prefecture=tuple(sorted(by_pref, key=_by_amount)),
        by_unit=tuple(sorted(by_unit, key=_by_amount)),
        by_plan=tuple(sorted(by_plan, key=_plan_order)),
        by_month=tuple(
            Group((m,), found[m].cases, 0, found[m].amount) if m in found else Group((m,), 0, 0, zero)
            for m in months
        ),
    )


class _Tally:
    __slots__ = ("cases", "fen", "ids")

    def __init__(self) -> None:
        self.cases = 0
        self.fen = 0
        self.ids: set[str] = set()


def _groups(table: dict[tuple[str, ...], _Tally]) -> list[Group]:
    return [Group(key, t.cases, len(t.ids), _yuan(t.fen)) for key, t in table.items()]


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _by_amount(g: Group) -> tuple[object, ...]:
    return (-g.amount, g.key[0] == UNFILLED, *g.key)


_BENEFITS = list(BENEFIT_NAMES)


def _plan_order(g: Group) -> tuple[int, int, str, str]:
    plan, benefit = g.key
    p = PLAN_CODES.index(plan) if plan in PLAN_CODES else len(PLAN_CODES)
    b = _BENEFITS.index(benefit) if benefit in _BENEFITS else len(_BENEFITS)
    return (p, b, plan, benefit)
