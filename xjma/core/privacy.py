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


def mask_text(text: str) -> str:
    """Mask every ID number and phone number inside `text`."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _ID.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    text = _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def mask_document(value: Any) -> Any:
    """A copy of a JSON-like document with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_document(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_document(v) for v in value]
    return value
