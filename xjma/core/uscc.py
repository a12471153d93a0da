"""统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters, the last a check character.

Characters are 0-9 and the capital letters without I, O, Z, S, V (31 in all, valued 0..30 in this
order); the check character is 31 - (Σ value × weight mod 31), 31 written as 0.
"""

from __future__ import annotations

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def compact(text: str) -> str:
    """NFKC, no spaces or hyphens, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "").upper()


def check_character(first17: str) -> str | None:
    """The check character of 17 code characters, None when one is not in the alphabet."""
    try:
        total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    except (KeyError, ValueError):
        return None
    return ALPHABET[(31 - total % 31) % 31]


def uscc_error(text: str) -> str | None:
    """None for a valid code; else the expected check character ("?" when the first 17 cannot give one)."""
    code = compact(text)
    if len(code) != 18:
        return "?"
    expected = check_character(code[:17])
    if expected is None:
        return "?"
    return None if code[17] == expected else expected
