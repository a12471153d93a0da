"""申领材料 (office.md §5): which documents a claim needs, per plan and benefit (rules/materials.yaml), and
what a claims-file row handed in — a 已交材料 column (names separated by 、 ， , ； or ;) or one 是/否
column per material.

`parse_materials` validates the file's data with every problem naming its key path; `required_for`
decides what a claim needs; `missing` what it lacks. Pure: data in, data out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from xjma.core.rules import PLAN_BENEFITS
from xjma.core.text import compact

WARNING = "materials-missing"
_SEPARATORS = re.compile(r"[、，,；;\s/／]+")
YES = ("是", "有", "已交", "√", "✓", "y", "yes", "1", "true")


@dataclass(frozen=True)
class Material:
    name: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every spelling that means this material: its name, its aliases, and the parts of a name
        written "A/B" (诊断证明/病理报告 is handed in as either)."""
        parts = tuple(p for p in re.split(r"[/／]", self.name) if p and p != self.name)
        return (self.name, *self.aliases, *parts)


@dataclass(frozen=True)
class MaterialRules:
    materials: tuple[Material, ...]
    required: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    if_death: tuple[str, ...] = ()  # added for a claim of a death (是否身故 or 猝死)
    if_grade: tuple[str, ...] = ()  # added for a claim with a 伤残等级
    version: str = ""

    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.materials)

    @cached_property
    def spellings(self) -> dict[str, str]:
        """compact(spelling) -> the material's name (made once)."""
        return self.lookup()

    def lookup(self) -> dict[str, str]:
        """compact(spelling) -> the material's name."""
        out: dict[str, str] = {}
        for m in self.materials:
            for spelling in m.names():
                out.setdefault(compact(spelling).lower(), m.name)
        return out


class MaterialsInvalid(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_materials(data: Any) -> MaterialRules:
    """The materials rules from the YAML data; MaterialsInvalid names every problem by its key path."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise MaterialsInvalid(["(根): 应为映射（materials、required 等键）"])
    for key in data:
        if key not in ("version", "materials", "required", "if_death", "if_grade"):
            problems.append(f"{key}: 未知的键")
    materials = _materials(data.get("materials"), problems)
    known = {m.name for m in materials}
    required = _required(data.get("required"), known, problems)
    extras = {k: _names(data.get(k, []), k, known, problems) for k in ("if_death", "if_grade")}
    if problems:
        raise MaterialsInvalid(problems)
    return MaterialRules(
        materials, required, extras["if_death"], extras["if_grade"], str(data.get("version", ""))
    )


def _materials(value: Any, problems: list[str]) -> tuple[Material, ...]:
    if not isinstance(value, list) or not value:
        problems.append("materials: 应为材料的列表（至少一项）")
        return ()
    out: list[Material] = []
    for i, item in enumerate(value):
        where = f"materials[{i}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str) or not item["name"].strip():
            problems.append(f"{where}.name: 应为材料名称（文字）")
            continue
        unknown = [k for k in item if k not in ("name", "aliases")]
        problems += [f"{where}.{k}: 未知的键" for k in unknown]
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            problems.append(f"{where}.aliases: 应为文字的列表")
            aliases = []
        if any(m.name == item["name"].strip() for m in out):
            problems.append(f"{where}.name: 材料“{item['name']}”重复")
        out.append(Material(item["name"].strip(), tuple(a.strip() for a in aliases)))
    return tuple(out)


def _required(value: Any, known: set[str], problems: list[str]) -> dict[tuple[str, str], tuple[str, ...]]:
    if not isinstance(value, Mapping):
        problems.append("required: 应为 险种 → 给付项目 → 材料列表 的映射")
        return {}
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for plan, benefits in value.items():
        if plan not in PLAN_BENEFITS:
            problems.append(f"required.{plan}: 未知的险种代码（应为 {'、'.join(PLAN_BENEFITS)} 之一）")
            continue
        if not isinstance(benefits, Mapping):
            problems.append(f"required.{plan}: 应为 给付项目 → 材料列表 的映射")
            continue
        for benefit, names in benefits.items():
            where = f"required.{plan}.{benefit}"
            if benefit not in PLAN_BENEFITS[plan]:
                problems.append(
                    f"{where}: 该险种没有这一给付项目（应为 {'、'.join(PLAN_BENEFITS[plan])} 之一）"
                )
                continue
            out[(plan, benefit)] = _names(names, where, known, problems)
        for benefit in PLAN_BENEFITS[plan]:
            if benefit not in benefits:
                problems.append(f"required.{plan}.{benefit}: 缺少该给付项目的材料列表")
    for plan in PLAN_BENEFITS:
        if plan not in value:
            problems.append(f"required.{plan}: 缺少该险种的材料")
    return out


def _names(value: Any, where: str, known: set[str], problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        problems.append(f"{where}: 应为材料名称的列表")
        return ()
    for i, name in enumerate(value):
        if name not in known:
            problems.append(f"{where}[{i}]: 材料“{name}”不在 materials 列表中")
    if len(set(value)) != len(value):
        problems.append(f"{where}: 同一材料列了两次")
    return tuple(value)


def required_for(
    rules: MaterialRules, plan: str, benefit: str, death: bool, grade: int | None
) -> tuple[str, ...]:
    """The materials a claim needs, in the order of the materials list."""
    wanted = set(rules.required.get((plan, benefit), ()))
    if death or benefit == "sudden-death":
        wanted |= set(rules.if_death)
    if grade is not None:
        wanted |= set(rules.if_grade)
    return tuple(n for n in rules.names() if n in wanted)


@dataclass(frozen=True)
class HandedIn:
    """What a row says was handed in: the materials' names, and spellings that name no material."""

    names: tuple[str, ...]
    unknown: tuple[str, ...] = ()
    stated: bool = False  # the row said anything at all (a column was there and filled)


def handed_in(rules: MaterialRules, listed: str | None, columns: Mapping[str, str] | None = None) -> HandedIn:
    """The materials of a 已交材料 cell (`listed`) and of per-material 是/否 cells (`columns`: material
    name -> cell text); a 是 column and a name in the list both count."""
    lookup = rules.spellings
    found: set[str] = set()
    unknown: list[str] = []
    stated = False
    for part in _SEPARATORS.split(listed or ""):
        if not part:
            continue
        stated = True
        name = lookup.get(compact(part).lower())
        if name is None:
            unknown.append(part)
        else:
            found.add(name)
    for name, cell in (columns or {}).items():
        text = compact(cell or "").lower()
        if text:
            stated = True
        if text in YES:
            found.add(name)
    return HandedIn(tuple(n for n in rules.names() if n in found), tuple(unknown), stated)


def missing(required: Iterable[str], handed: Sequence[str], waived: Iterable[str] = ()) -> tuple[str, ...]:
    """The required materials not handed in and not waived, in the order required."""
    have = set(handed) | set(waived)
    return tuple(n for n in required if n not in have)
