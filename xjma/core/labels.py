"""Chinese labels for the stable codes, for everything a clerk sees (documents.md: no English codes).

A workbook cell or terminal line shows `label(code)`; where machines need the code it goes in a last
column headed 代码 (CODE_HEADER) or in `--json`. Exclusion codes are labelled by the rules file
(rules.md §8), so their labels are passed in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from xjma.core.claims.model import REASON_LABELS, WARNING_LABELS
from xjma.core.columns import PLAN_SHORT
from xjma.core.messages import TITLES
from xjma.core.vocab import BENEFIT_NAMES

CODE_HEADER = "代码"
SEVERITY_LABELS = {"error": "错误", "warning": "提示"}

_ALL: dict[str, str] = {
    **PLAN_SHORT,
    **BENEFIT_NAMES,
    **TITLES,
    **REASON_LABELS,
    **WARNING_LABELS,
    **SEVERITY_LABELS,
}
# A code as machines write it: lower-case ASCII words joined by hyphens ("id-checksum", "capped").
CODE_PATTERN = re.compile(r"[a-z]+(?:-[a-z0-9]+)*")


def label(code: str, extra: Mapping[str, str] | None = None) -> str:
    """The Chinese label of a code; `extra` adds labels from rules (exclusions). Unknown: the code
    itself, which the workbook tests catch (a new code must get its label here)."""
    if extra and code in extra:
        return extra[code]
    return _ALL.get(code, code)


def labels(codes: list[str], extra: Mapping[str, str] | None = None, sep: str = "；") -> str:
    """Several codes, labelled and joined (the 问题 or 说明 cell of a row)."""
    return sep.join(label(c, extra) for c in codes)


def looks_like_code(text: str) -> bool:
    """True when a clerk-visible text is a bare code (what tests forbid outside the 代码 column)."""
    return CODE_PATTERN.fullmatch(text.strip()) is not None
