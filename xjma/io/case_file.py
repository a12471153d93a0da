"""A claims file read for `claim submit` (office.md §5): the claims columns of roster.md, plus the payee
(收款人, 与会员关系, 开户行, 收款账号), 所属地州市 / 工作单位, the 已交材料 column and one 是/否 column per
material of rules/materials.yaml (headed with the material's name or an alias)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xjma.core.columns import CLAIMS_FIELDS, FieldDef
from xjma.core.materials import MaterialRules
from xjma.errors import XjmaError

CASE_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("payee", "收款人", ("收款人姓名", "领款人")),
    FieldDef("payee_relation", "与会员关系", ("与会员的关系", "收款人与会员关系")),
    FieldDef("bank", "开户行", ("开户银行", "收款银行")),
    FieldDef("account", "收款账号", ("银行账号", "收款人账号", "账号")),
    FieldDef("prefecture", "所属地州市", ("地州市", "地州", "所属地州")),
    FieldDef("unit", "工作单位", ("单位", "工作单位名称")),
    FieldDef("materials", "已交材料", ("申领材料", "提交材料")),
)
MATERIAL_PREFIX = "material:"


@dataclass(frozen=True)
class CaseRow:
    """One row: the claim's cells (read by core/claims/parse) and the case's own."""

    row: int
    claim: dict[str, object]
    case: dict[str, str] = field(default_factory=dict)  # payee … materials: cell text
    materials: dict[str, str] = field(default_factory=dict)  # material name -> its 是/否 cell


def material_fields(rules: MaterialRules) -> tuple[FieldDef, ...]:
    return tuple(FieldDef(f"{MATERIAL_PREFIX}{m.name}", m.name, m.aliases) for m in rules.materials)


def read_case_file(path: Path, rules: MaterialRules, sheet: str | None = None) -> list[CaseRow]:
    """Every data row of the file; XjmaError when it cannot be read or lacks a required column."""
    from xjma.io.sheets import read_table
    from xjma.io.xlsx_util import cell_text

    fields = (*CLAIMS_FIELDS, *CASE_FIELDS, *material_fields(rules))
    table = read_table(path, fields, sheet=sheet, key_fields=("id_number",))
    missing = [
        f.header
        for f in CLAIMS_FIELDS
        if f.name in ("plan", "benefit", "event_date") and f.name not in table.columns
    ]
    if missing:
        raise XjmaError(f"理赔明细 {path} 缺少必需的列：{'、'.join(missing)}")
    present = [f for f in material_fields(rules) if f.name in table.columns]
    rows = []
    for raw in table.rows:
        claim = {f.name: table.value(raw, f.name) for f in CLAIMS_FIELDS}
        case = {f.name: cell_text(table.value(raw, f.name)).strip() for f in CASE_FIELDS}
        materials = {f.header: cell_text(table.value(raw, f.name)).strip() for f in present}
        rows.append(CaseRow(raw.row, claim, case, materials))
    return rows
