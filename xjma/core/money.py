"""Money: Decimal yuan, ROUND_HALF_UP to the fen; stored as integer fen; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: object) -> Decimal:
    """Parse a money value from str/int/Decimal (not float); raises ValueError when it is not a number."""
    if isinstance(value, (float, bool)):
        raise TypeError("money must not be float or bool")
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"not a money amount: {value!r}") from None


def round_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def fmt_money(value: Decimal) -> str:
    """The JSON form: a string with two decimals ("110.00")."""
    return f"{round_fen(value):.2f}"


def to_fen(value: Decimal) -> int:
    return int(round_fen(value) * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)
