"""The fixed vocabulary: plan and benefit codes with the Chinese spellings users type (cli.md)."""

from __future__ import annotations

__all__ = ["squash"]  # re-exported: xjma/core/text.py holds it

from xjma.core.columns import PLAN_SHORT
from xjma.core.rules import PLAN_CODES, Rules
from xjma.core.text import squash

BENEFIT_NAMES = {
    "inpatient": "住院",
    "accident": "意外",
    "severe": "重度",
    "mild": "轻度",
    "sudden-death": "猝死",
    "disability": "伤残",
    "medical": "意外医疗",
    "in-situ": "原位癌",
    "malignant": "恶性肿瘤",
}
# Extra spellings people write.
BENEFIT_EXTRA = {
    "重度疾病": "severe",
    "轻度疾病": "mild",
    "急性疾病猝死": "sudden-death",
    "恶性": "malignant",
    "身故": "disability",
    "伤残身故": "disability",
    "医疗": "medical",
    "住院医疗": "inpatient",
}

CARE = {"outpatient": "outpatient", "门诊": "outpatient", "inpatient": "inpatient", "住院": "inpatient"}
CAUSE = {"illness": "illness", "疾病": "illness", "accident": "accident", "意外": "accident"}
ACCIDENT_KIND = {
    "life": "life",
    "生活": "life",
    "生活意外": "life",
    "work": "work",
    "工作": "work",
    "工作意外": "work",
}
KIND_LABEL = {"life": "生活意外", "work": "工作意外"}

YES = {"是", "y", "yes", "1", "true", "√", "对"}
NO = {"否", "n", "no", "0", "false", "", "×"}


_ALIASES: list[tuple[Rules | None, dict[str, str]]] = []  # the last rules' aliases (one entry)


def plan_aliases(rules: Rules | None = None) -> dict[str, str]:
    """Every accepted spelling of a plan (squashed) -> plan code; made once per rules object (a claims
    file or a settlement import parses a plan per row). The mapping returned must not be changed."""
    if _ALIASES and _ALIASES[0][0] is rules:
        return _ALIASES[0][1]
    out = _build_aliases(rules)
    _ALIASES[:] = [(rules, out)]
    return out


def _build_aliases(rules: Rules | None) -> dict[str, str]:
    out = {squash(code): code for code in PLAN_CODES}
    out.update({squash(short): code for code, short in PLAN_SHORT.items()})
    if rules is not None:
        for version in rules.versions:
            for code, plan in version.plans.items():
                out[squash(plan.name)] = code
                out[squash(plan.short_name)] = code
    return out


def parse_plan(text: str, rules: Rules | None = None) -> str | None:
    return plan_aliases(rules).get(squash(text))


def parse_benefit(text: str) -> str | None:
    key = squash(text)
    for code, name in BENEFIT_NAMES.items():
        if key in (code, squash(name)):
            return code
    return BENEFIT_EXTRA.get(key)


def parse_yes_no(value: object) -> bool | None:
    """是/否, Y/N, 1/0, TRUE/FALSE; blank = 否; None when it is none of these."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    key = squash(str(value))
    if key.endswith(".0"):
        key = key[:-2]
    if key in YES:
        return True
    if key in NO:
        return False
    return None
