"""The overview the office reports upward (开展概况, office.md §7): pure computation.

The ledger's aggregates (io/ledger/overview) come in; the figures of the window, overall, per 地州市
and per plan, the two ratios and the brochure's sentence come out.

Rounding, once per figure:
- 已赚会费 (earned fees): each enrollment earns fee × (its days inside the window) ÷ (its days). The
  ledger sums fee_fen × days-inside per enrollment length; the quotients are added here as exact
  fractions of a fen, and the figure (the total, each 地州市's, each plan's) is rounded half-up to the fen
  once. So the rows of a table may differ from its total by a fen or two; no figure is a sum of
  rounded parts.
- 赔付率 = 赔付 ÷ 已赚会费 as shown (both to the fen), 4 places half-up; None when 已赚会费 is 0.
- 续保率: core/renewals (the one renewal decision), 4 places half-up; None when nothing ended.
- The sentence: people counts ≥ 10,000 in 万 with two decimals, money ≥ 100,000 元 in 万元 with one
  decimal, both half-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from xjma.core.renewals import Ratio, RenewalRatios

Key = tuple[str, str]  # ("", "") the whole window; ("prefecture", P); ("plan", code)
TOTAL: Key = ("", "")
RATIO_PLACES = Decimal("0.0001")
WAN = 10_000
WAN_COUNT_FROM = 10_000  # 人 / 人次 from here in 万
WAN_MONEY_FROM = Decimal("100000")  # 元 from here in 万元


@dataclass(frozen=True)
class CoverGroup:
    """Live enrollments covering a day of the window, of one 地州市, plan, unit and own length."""

    prefecture: str
    plan: str
    unit: str
    days: int  # the enrollment's own days (E − S + 1)
    enrollments: int
    fen_days: int  # Σ fee_fen × days inside the window


@dataclass(frozen=True)
class CaseGroup:
    """Counted cases (approved or paid) of one 地州市 and plan in the window."""

    prefecture: str
    plan: str
    cases: int
    payout_fen: int


@dataclass(frozen=True)
class LedgerFigures:
    """What the ledger gives for a window (io/ledger/overview.read_overview)."""

    cover: Sequence[CoverGroup]
    members: Mapping[Key, int]  # distinct ID numbers with a covering enrollment
    cases: Sequence[CaseGroup]
    case_members: Mapping[Key, int]  # distinct members with a counted case
    fees: Mapping[Key, Decimal]  # paid in the window, net of refunds


@dataclass(frozen=True)
class Figures:
    units: int
    members: int
    enrollments: int
    fees: Decimal
    earned_fees: Decimal
    beneficiary_cases: int
    beneficiary_members: int
    payouts: Decimal
    renewal: Ratio

    @property
    def loss_ratio(self) -> Decimal | None:
        return ratio(self.payouts, self.earned_fees)

    @property
    def renewal_ratio(self) -> Decimal | None:
        return self.renewal.ratio


@dataclass(frozen=True)
class Overview:
    lo: dt.date
    hi: dt.date
    cumulative: bool
    total: Figures
    by_prefecture: list[tuple[str, Figures]]
    by_plan: list[tuple[str, Figures]]
    sentence: str


def round_fen_fraction(fen: Fraction) -> Decimal:
    """An exact amount in fen, rounded half-up (away from zero) to the fen, as Decimal yuan."""
    sign = -1 if fen < 0 else 1
    whole = (abs(fen) * 2 + 1) // 2  # floor(|x| + 1/2)
    return (Decimal(sign * whole) / 100).quantize(Decimal("0.01"))


def earned_fee(parts: Iterable[tuple[int, int]]) -> Decimal:
    """Σ fen_days ÷ days over (fen_days, days) parts, exactly, rounded half-up to the fen once. The
    parts of one length are added as integers first (Σ f ÷ d = (Σ f) ÷ d): a few fractions, not one
    per part."""
    by_days: dict[int, int] = {}
    for f, d in parts:
        if d > 0:
            by_days[d] = by_days.get(d, 0) + f
    return round_fen_fraction(sum((Fraction(f, d) for d, f in by_days.items()), Fraction(0)))


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator ÷ denominator to 4 places half-up; None when the denominator is 0."""
    if not denominator:
        return None
    return (numerator / denominator).quantize(RATIO_PLACES, ROUND_HALF_UP)


def count_text(n: int) -> str:
    """9999 -> "9999"; 10000 -> "1.00万"; 1716800 -> "171.68万"."""
    if n < WAN_COUNT_FROM:
        return str(n)
    return f"{(Decimal(n) / WAN).quantize(Decimal('0.01'), ROUND_HALF_UP)}万"


def money_text(amount: Decimal) -> str:
    """7700 -> "7700.00元"; 99999.99 -> "99999.99元"; 100000 -> "10.0万元"; 91963000 -> "9196.3万元"."""
    if amount < WAN_MONEY_FROM:
        return f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP)}元"
    return f"{(amount / WAN).quantize(Decimal('0.1'), ROUND_HALF_UP)}万元"


def window_label(lo: dt.date, hi: dt.date, cumulative: bool) -> str:
    """累计 / 2026年 / 2026-01-01至2026-06-30: how the sentence begins."""
    if cumulative:
        return "累计"
    if (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31) and lo.year == hi.year:
        return f"{lo.year}年"
    return f"{lo.isoformat()}至{hi.isoformat()}"


def sentence(total: Figures, label: str) -> str:
    """The brochure's sentence: units as a plain count of 家 (the brochure's own "19178家"), members
    and beneficiary cases in 万 from 10,000 up, payouts in 万元 from 100,000 元 up."""
    return (
        f"{label}发展会员单位{total.units}家，发展会员{count_text(total.members)}人，"
        f"受益会员达{count_text(total.beneficiary_cases)}人次，赔付互助金总额{money_text(total.payouts)}"
    )


def _keys(prefecture: str, plan: str) -> tuple[Key, Key, Key]:
    return TOTAL, ("prefecture", prefecture), ("plan", plan)


def _renewal_of(renewals: RenewalRatios, key: Key) -> Ratio:
    if key == TOTAL:
        return renewals.total
    found = (renewals.by_prefecture if key[0] == "prefecture" else renewals.by_plan).get(key[1])
    return found or Ratio(0, 0)


def _by_prefecture_and_plan(
    cover: Sequence[CoverGroup],
) -> dict[tuple[str, str], tuple[set[str], int, dict[int, int]]]:
    """(地州市, plan) -> (its units, enrollments, Σ fen_days per enrollment length): the cover groups
    (one per unit) added up once before they go to the window's total, 地州市 and plan."""
    found: dict[tuple[str, str], tuple[set[str], int, dict[int, int]]] = {}
    counts: dict[tuple[str, str], int] = {}
    for g in cover:
        pair = (g.prefecture, g.plan)
        acc = found.get(pair)
        if acc is None:
            acc = found[pair] = (set(), 0, {})
        if g.unit:
            acc[0].add(g.unit)
        counts[pair] = counts.get(pair, 0) + g.enrollments
        acc[2][g.days] = acc[2].get(g.days, 0) + g.fen_days
    return {pair: (names, counts[pair], by_days) for pair, (names, _, by_days) in found.items()}


def _figures(ledger: LedgerFigures, renewals: RenewalRatios) -> dict[Key, Figures]:
    units: dict[Key, set[str]] = {}
    enrollments: dict[Key, int] = {}
    parts: dict[Key, list[tuple[int, int]]] = {}
    for (prefecture, plan), (names, count, by_days) in _by_prefecture_and_plan(ledger.cover).items():
        for key in _keys(prefecture, plan):
            units.setdefault(key, set()).update(names)
            enrollments[key] = enrollments.get(key, 0) + count
            parts.setdefault(key, []).extend((f, d) for d, f in by_days.items())
    cases: dict[Key, list[int]] = {}
    for c in ledger.cases:
        for key in _keys(c.prefecture, c.plan):
            acc = cases.setdefault(key, [0, 0])
            acc[0] += c.cases
            acc[1] += c.payout_fen
    keys = {TOTAL, *units, *enrollments, *cases, *ledger.fees, *ledger.members}
    keys |= {("prefecture", p) for p in renewals.by_prefecture} | {("plan", p) for p in renewals.by_plan}
    return {
        key: Figures(
            units=len(units.get(key, ())),
            members=ledger.members.get(key, 0),
            enrollments=enrollments.get(key, 0),
            fees=ledger.fees.get(key, Decimal("0.00")),
            earned_fees=earned_fee(parts.get(key, ())),
            beneficiary_cases=cases.get(key, [0, 0])[0],
            beneficiary_members=ledger.case_members.get(key, 0),
            payouts=(Decimal(cases.get(key, [0, 0])[1]) / 100).quantize(Decimal("0.01")),
            renewal=_renewal_of(renewals, key),
        )
        for key in keys
    }


def _ordered(kind: str, first: Sequence[str], found: Iterable[Key], last: str = "") -> list[str]:
    """The names of `first` in their order, then the others found (sorted), `last` at the end."""
    others = sorted({k[1] for k in found if k[0] == kind} - set(first) - {last})
    tail = [last] if last and (kind, last) in set(found) else []
    return [*first, *others, *tail]


def overview(
    ledger: LedgerFigures,
    renewals: RenewalRatios,
    window: tuple[dt.date, dt.date, bool],
    prefectures: Sequence[str],
    plans: Sequence[str],
    unfilled: str,
) -> Overview:
    """The overview of the window (lo, hi, cumulative): every 地州市 of `prefectures` and every plan of
    `plans` listed (zero rows included), then any other found (the unfilled 地州市 last)."""
    lo, hi, cumulative = window
    figures = _figures(ledger, renewals)
    empty = Figures(0, 0, 0, Decimal("0.00"), Decimal("0.00"), 0, 0, Decimal("0.00"), Ratio(0, 0))

    def rows(kind: str, names: list[str]) -> list[tuple[str, Figures]]:
        return [(name, figures.get((kind, name), empty)) for name in names]

    return Overview(
        lo=lo,
        hi=hi,
        cumulative=cumulative,
        total=figures[TOTAL],
        by_prefecture=rows("prefecture", _ordered("prefecture", prefectures, figures, unfilled)),
        by_plan=rows("plan", _ordered("plan", plans, figures)),
        sentence=sentence(figures[TOTAL], window_label(lo, hi, cumulative)),
    )
