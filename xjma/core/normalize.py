"""Cell normalisation before checks (roster.md "Normalisation"): pure functions over cell values."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_date(value: object) -> dt.date | None:
    """Excel dates (date/datetime or a serial number), 2026-01-01, 2026/1/1, 2026.1.1, 2026年1月1日."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if 1 <= value < 2958466:  # Excel serial day numbers up to 9999-12-31
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    text = "".join(nfkc(str(value)).split())
    if text.endswith("00:00:00"):
        text = text[: -len("00:00:00")]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None
