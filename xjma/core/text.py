"""The two text normalisers every module shares: what a cell says, and the form names are compared in.

`clean_text(value)`: a cell as a person sees it (12.0 is "12", a midnight datetime is its date), NFKC,
trimmed, without XML-illegal and zero-width characters. `compact(text)`: NFKC with every whitespace
removed (full-width letters, digits and brackets become half-width); `squash(text)` is its lower-case
form, the key aliases, headers, prefecture names and diseases are looked up by.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# XML 1.0 forbids these control characters (a workbook holding one will not open); the zero-width
# characters are invisible in Excel but break matching of IDs and names pasted from web pages.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\u200b-\u200d\u2060\ufeff]")


def as_text(value: object) -> str:
    """The text a person sees in the cell: 12.0 is "12", a midnight datetime is its date."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def clean_text(value: object) -> str:
    """None -> ""; numbers as shown (12.0 -> "12"); NFKC; trimmed; XML-illegal and zero-width chars removed."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else as_text(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():
        text = _ILLEGAL.sub("", text)
    return text.strip()


def compact(text: str) -> str:
    """NFKC, no whitespace at all (case kept)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def squash(text: str) -> str:
    """NFKC, no whitespace, lower case: the form aliases are compared in."""
    return compact(text).lower()
