"""Read rules/office.yaml (the payee, its bank account and the payment days of the 缴费通知)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from xjma.core.payment_terms import PaymentTerms, parse_payment_terms
from xjma.io.rules_file import RULES_DIR, read_yaml


def default_office_path() -> Path:
    return RULES_DIR / "office.yaml"


def load_payment_terms(path: Path | str | None = None) -> PaymentTerms:
    """Load and validate office.yaml (default: the packaged one); errors name the key path."""
    target = Path(path) if path else default_office_path()
    return _load_cached(str(target.resolve()))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> PaymentTerms:
    return parse_payment_terms(read_yaml(Path(path)), source=f" {path} ")
