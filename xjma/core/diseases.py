"""The disease lists of plans 2 and 4 (rules/diseases.yaml): names, aliases, category, verified flag.

A name that is not in the benefit's category is a warning (`disease-unknown`), never an error: the claim's
declared benefit decides (rules.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass

from xjma.core.schema_reader import KeyPathReader
from xjma.core.vocab import squash
from xjma.errors import RulesError

CATEGORIES = ("severe", "mild", "female")


@dataclass(frozen=True)
class Disease:
    name: str
    category: str  # severe | mild | female
    verified: bool  # False: the definition's wording was not checked against the 2020 standard
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Diseases:
    items: tuple[Disease, ...]

    def find(self, name: str, category: str | None = None) -> Disease | None:
        """The disease called `name` (or one of its aliases), in `category` when given."""
        key = squash(name)
        for disease in self.items:
            if category is not None and disease.category != category:
                continue
            if key == squash(disease.name) or key in (squash(a) for a in disease.aliases):
                return disease
        return None

    def names(self, category: str) -> list[str]:
        return [d.name for d in self.items if d.category == category]


def parse_diseases(data: object, source: str = "") -> Diseases:
    """Validate parsed diseases.yaml (`diseases: [{name, category, verified, aliases?}]`)."""
    r = KeyPathReader()
    top = r.mapping(data, "", required=("schema", "diseases"), optional=("reference",))
    items: list[Disease] = []
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(r.list_of(top.get("diseases") if top else None, "diseases")):
        p = f"diseases[{i}]"
        m = r.mapping(raw, p, required=("name", "category", "verified"), optional=("aliases", "note"))
        if m is None:
            continue
        name = r.text(m.get("name"), f"{p}.name")
        category = r.choice(m.get("category"), f"{p}.category", CATEGORIES)
        if (name, category) in seen:
            r.error(f"{p}.name", f"疾病 {name} 重复")
        seen.add((name, category))
        aliases = tuple(r.strings(m.get("aliases"), f"{p}.aliases")) if m.get("aliases") is not None else ()
        items.append(
            Disease(
                name=name,
                category=category,
                verified=r.flag(m.get("verified"), f"{p}.verified"),
                aliases=aliases,
            )
        )
    if r.problems:
        raise RulesError(r.problems, source)
    return Diseases(items=tuple(items))
