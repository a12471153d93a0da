"""The one masking policy for personal data on every terminal output and with `--mask`: ID numbers and
phone numbers, well-formed or not (docs/reliability.md §6).

What a masked value looks like: an ID keeps its first 6 and last 4 characters, every character between
them becomes * (650102********1015; 15-digit 110105*****1002); a mobile keeps its first 3 (with a leading
86, 5) and last 4 (139****5678); a landline its area code and last 4 (0991-****1098); another run of 7–12
digits starting with 0 or 1 its ends. Separators inside a number (spaces, hyphens) stay where they were.

Malformed IDs are personal data too, so the rule is wide on purpose: any run of letters and digits
(single spaces or hyphens allowed between the parts) holding 14 digits or more is masked as an ID: typos
such as 65010219850101112Y, 17 or 19 digits, the 15-digit legacy form, 650102-19850101-1015. A number
Excel showed in scientific form (6.50105199404050E+17) keeps its first 6 digits. Masking a little too
much is harmless; showing a birth date is not.
"""

from __future__ import annotations

import re
from typing import Any

# A run of letters and digits, parts joined by one space or hyphen: a candidate ID or phone number.
_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]+(?:[- ][0-9A-Za-z]+)*")
_SCIENTIFIC = re.compile(r"(?<![0-9A-Za-z.])(\d)\.(\d{5})(\d+)([Ee][+-]?\d+)(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?:86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")
# A mistyped phone is still personal data: any other run of 7-12 digits starting with 0 or 1, unless it
# is an amount or a count (followed by 元/份/人/天/行/岁/个/笔, or part of a decimal number).
_PHONE_LIKE = re.compile(r"(?<![\d.*])([01]\d{6,11})(?![\d.*元份人天行岁个笔])")
_ID_DIGITS = 14  # a run with at least this many digits is treated as an ID number


def mask_text(text: str) -> str:
    """Mask every ID number and phone number inside `text` (see the module docstring)."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _SCIENTIFIC.sub(lambda m: f"{m[1]}.{m[2]}{'*' * len(m[3])}{m[4]}", text)
    text = _RUN.sub(_mask_run, text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _PHONE_LIKE.sub(lambda m: _keep_ends(m.group(1)), text)


def mask_id(value: str) -> str:
    """An ID number for display: first 6 and last 4 kept; a value too short to be one shows nothing."""
    text = "".join(value.split())
    return "****" if len(text) < 11 else _keep(text, 6, 4)


def mask_phone(value: str) -> str:
    """A phone number for display, by the same rule as inside a text; a value the rule leaves alone
    (too short or not phone-like) shows only its last 4 characters."""
    text = "".join(value.split())
    if not text:
        return ""
    masked = mask_text(text)
    if masked != text:
        return masked
    return "****" + text[-4:] if len(text) > 4 else "****"


def mask_document(value: Any) -> Any:
    """A copy of a JSON-like document with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_document(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_document(v) for v in value]
    return value


def _mask_run(match: re.Match[str]) -> str:
    run = match.group()
    digits = sum(ch.isdigit() for ch in run)
    if digits >= _ID_DIGITS:
        return _keep(run, 6, 4)
    if digits >= 11:
        compact = run.replace(" ", "").replace("-", "")
        if _MOBILE.fullmatch(compact):
            return _keep(run, len(compact) - 8, 4)
    return run


def _keep(text: str, head: int, tail: int) -> str:
    """Every letter or digit of `text` but the first `head` and last `tail` becomes *; separators stay."""
    count = sum(ch.isalnum() for ch in text)
    out, seen = [], 0
    for ch in text:
        if ch.isalnum():
            out.append(ch if seen < head or seen >= count - tail else "*")
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def _keep_ends(digits: str) -> str:
    """First 3 and last 4 kept when at least one digit is hidden between them, else only the last 4."""
    if len(digits) > 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_account(value: str | None) -> str:
    """A bank account for display (everywhere but the bank file): only its last 4 digits, ****1234; a
    value too short to hide anything shows ****."""
    text = "".join((value or "").split())
    return "****" + text[-4:] if len(text) > 4 else "****"
