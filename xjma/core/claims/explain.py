"""Small helpers for the step sentences a member reads, and the shared claim context."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from xjma.core.claims.model import Claim, ClaimResult, Effects
from xjma.core.diseases import Diseases
from xjma.core.model import Enrollment
from xjma.core.money import round_fen
from xjma.core.rules import Plan, Rules, Version
from xjma.core.vocab import BENEFIT_NAMES

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Context:
    """Everything a claim is judged against: the enrollment and the version in force on its S."""

    enrollment: Enrollment
    version: Version
    plan: Plan
    rules: Rules
    diseases: Diseases | None = None


class Invalid(Exception):
    """A claim that cannot be computed (missing input, exclusion not applicable): becomes a ClaimError."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def yuan(value: Decimal) -> str:
    """10000 -> "10000元", 61.725 -> "61.73元" (half-up)."""
    amount = round_fen(value)
    text = f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"
    return f"{text}元"


def pct(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


def benefit_name(code: str) -> str:
    return BENEFIT_NAMES.get(code, code)


def add_reason(reasons: list[str], code: str) -> None:
    if code not in reasons:
        reasons.append(code)


class Draft:
    """A result being built: steps, reasons, warnings and effects, closed by `finish`."""

    def __init__(self, ctx: Context, day_index: int) -> None:
        self.ctx = ctx
        self.day_index = day_index
        self.steps: list[str] = []
        self.reasons: list[str] = []
        self.warnings: list[str] = []
        self.effects = Effects()
        self.exclusion: str | None = None

    def step(self, text: str) -> None:
        self.steps.append(text)

    def reason(self, code: str) -> None:
        add_reason(self.reasons, code)

    def effect(self, **changes: object) -> None:
        self.effects = replace(self.effects, **changes)  # type: ignore[arg-type]

    def finish(self, claim: Claim, payout: Decimal) -> ClaimResult:
        """The result; `cover_ended` is decided by the engine for every claim (engine.cover_ended)."""
        amount = round_fen(payout)
        self.step(f"本次给付 {yuan(amount)}")
        return ClaimResult(
            claim=claim,
            payout=amount,
            rules_version=self.ctx.version.name,
            day_index=self.day_index,
            reasons=tuple(self.reasons),
            exclusion=self.exclusion,
            cover_ended=False,
            steps=tuple(self.steps),
            warnings=tuple(self.warnings),
            effects=self.effects,
            period_start=self.ctx.enrollment.start,
        )
