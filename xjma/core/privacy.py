"""Masking personal data in outputs meant to be passed on (`--mask`): ID numbers and phone numbers.

One place decides what a masked value looks like: an ID keeps its first 6 and last 4 characters
(650102********1015), a mobile its first 3 and last 4 (139****5678), a landline its area code and last 4.
Masking works on any text, so messages that quote a number ("身份证号码“650102…”格式不对") are covered too.
"""

from __future__ import annotations

import re
from typing import Any

# Longest first: an 18-character ID, a 15-digit legacy ID, then phones; never inside a longer digit run.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{7}[\dXx]|\d{5})(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")
# A mistyped phone is still personal data: any other run of 7-12 digits starting with 0 or 1, unless it
# is an amount or a count (followed by 元/份/人/天/行/岁/个/笔, or part of a decimal number).
_PHONE_LIKE = re.compile(r"(?<![\d.])([01]\d{6,11})(?![\d.元份人天行岁个笔])")


def mask_text(text: str) -> str:
    """Mask every ID number and phone number inside `text`."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _ID.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    text = _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _PHONE_LIKE.sub(lambda m: _keep_ends(m.group(1)), text)


def _keep_ends(digits: str) -> str:
    """First 3 and last 4 kept when at least one digit is hidden between them, else only the last 4."""
    if len(digits) > 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_document(value: Any) -> Any:
    """A copy of a JSON-like document with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_document(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_document(v) for v in value]
    return value
