"""rules/medical.yaml: the column map of the medical-insurance platform's settlement export (office.md §8),
validated on load with every problem naming its key path (like plans.yaml and office.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xjma.core.columns import FieldDef
from xjma.core.schema_reader import KeyPathReader
from xjma.errors import RulesError
from xjma.io.rules_file import RULES_DIR, load_yaml

# The fields of a settlement record, in the order of the documented default layout.
MEDICAL_KEYS = (
    "settlement_no",
    "id_number",
    "name",
    "admitted",
    "discharged",
    "place",
    "cause",
    "pooled_self_pay",
    "pooled_fund_paid",
    "major_self_pay",
    "mutual_paid",
)
PLACE_KINDS = ("local", "remote")


@dataclass(frozen=True)
class MedicalMap:
    """Each field's header and its other spellings; the 就医地 values meaning local and remote care."""

    columns: dict[str, tuple[str, ...]]  # key -> (header, *aliases)
    places: dict[str, tuple[str, ...]]  # local|remote -> the values

    def header(self, key: str) -> str:
        return self.columns[key][0]

    def fields(self) -> list[FieldDef]:
        return [FieldDef(key, names[0], names[1:]) for key, names in self.columns.items()]

    def is_remote(self, value: str) -> bool | None:
        """True for a remote value, False for a local one, None for neither."""
        for kind in PLACE_KINDS:
            if value in self.places[kind]:
                return kind == "remote"
        return None


def default_medical_map_path() -> Path:
    return RULES_DIR / "medical.yaml"


def load_medical_map(path: Path | str | None = None) -> MedicalMap:
    """Load and validate medical.yaml (default: the packaged one); errors name the key path."""
    return load_yaml(path or default_medical_map_path(), parse_medical_map)


def parse_medical_map(data: object, source: str = "") -> MedicalMap:
    r = KeyPathReader()
    top = r.mapping(data, "", required=("schema", "columns", "places")) or {}
    if top and top.get("schema") != 1:
        r.error("schema", f"应为 1：{top.get('schema')!r}")
    raw = r.mapping(top.get("columns"), "columns", required=MEDICAL_KEYS) if top else None
    columns = {key: _names(r, (raw or {}).get(key), f"columns.{key}") for key in MEDICAL_KEYS if raw}
    _no_header_twice(r, columns, "columns")
    found = r.mapping(top.get("places"), "places", required=PLACE_KINDS) if top else None
    places = {kind: _names(r, (found or {}).get(kind), f"places.{kind}") for kind in PLACE_KINDS if found}
    _no_header_twice(r, places, "places")
    if r.problems:
        raise RulesError(r.problems, source)
    return MedicalMap(columns, places)


def _names(r: KeyPathReader, raw: object, path: str) -> tuple[str, ...]:
    """A header text, or a list of them (the header, then aliases): non-empty texts."""
    if raw is None:
        return ()  # told by the mapping as missing
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        r.error(path, "应为表头文字，或表头文字的列表（第一个为表头，其余为别名）")
        return ()
    names = []
    for i, item in enumerate(items):
        where = f"{path}[{i}]" if isinstance(raw, list) else path
        if isinstance(item, str) and item.strip():
            names.append(item.strip())
        else:
            r.error(where, f"应为非空的表头文字：{item!r}")
    return tuple(names)


def _no_header_twice(r: KeyPathReader, named: dict[str, tuple[str, ...]], path: str) -> None:
    """One text names one column (or one kind of place): else a file could not be read unambiguously."""
    owner: dict[str, str] = {}
    for key, names in named.items():
        for name in names:
            if name in owner and owner[name] != key:
                r.error(f"{path}.{key}", f"“{name}”已用于 {path}.{owner[name]}")
            owner.setdefault(name, key)
