"""Read rules/office.yaml (the payee, its bank account and the payment days of the 缴费通知)."""

from __future__ import annotations

from pathlib import Path

from xjma.core.payment_terms import PaymentTerms, parse_payment_terms
from xjma.io.rules_file import RULES_DIR, load_yaml


def default_office_path() -> Path:
    return RULES_DIR / "office.yaml"


def load_payment_terms(path: Path | str | None = None) -> PaymentTerms:
    """Load and validate office.yaml (default: the packaged one); errors name the key path."""
    return load_yaml(path or default_office_path(), parse_payment_terms)
