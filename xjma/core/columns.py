"""The columns xjma reads (roster.md "Roster columns", "Claims file") and how file headers are matched.

A field has one canonical header (what `xjma template` writes) and the aliases clerks actually type.
Headers are compared in `header_key` form, so "身份证号码", " 身份证号码（18位） " and "身份证号码(18位)"
are the same column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from xjma.core.rules import PLAN_CODES
from xjma.core.text import compact
from xjma.core.vocab import PLAN_SHORT


@dataclass(frozen=True)
class FieldDef:
    name: str  # e.g. "id_number", "shares:critical-illness"
    header: str  # canonical header, e.g. "身份证号码", "重大疾病（份）"
    aliases: tuple[str, ...] = ()


# Full plan names (rules.md §1): headers must be recognised without loading a rules file.
PLAN_FULL_NAMES = {
    "inpatient-accident": "在职职工（住院+意外）综合互助保障",
    "critical-illness": "在职职工重大疾病（35重+25轻）互助保障",
    "gig-accident": "新就业形态劳动者专项意外伤害互助保障",
    "female-illness": "在职女职工特殊疾病互助保障",
    "short-accident": "在职职工短期意外伤害互助保障",
}

_ID_ALIASES = ("身份证号", "公民身份号码", "证件号码", "身份证", "公民身份证号码", "身份证件号码")
_NAME_ALIASES = ("职工姓名", "会员姓名")


def _share_field(code: str) -> FieldDef:
    # "（份）" needs no alias of its own: header_key drops one trailing bracketed unit.
    return FieldDef(
        f"shares:{code}",
        f"{PLAN_SHORT[code]}（份）",
        (PLAN_FULL_NAMES[code], code, *SHARE_ALIASES.get(code, ())),
    )


# Share-column headers clerks type (roster.md "Reading the files clerks really send").
SHARE_ALIASES: dict[str, tuple[str, ...]] = {
    "critical-illness": ("重疾", "重疾险"),
    "female-illness": ("女工特殊疾病", "女职工特疾"),
    "inpatient-accident": ("住院意外",),
}


ROSTER_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("seq", "序号", ("编号",)),
    FieldDef("unit", "工作单位", ("单位", "单位名称", "所在单位", "工作单位名称", "单位全称")),
    FieldDef("prefecture", "所属地州市", ("地州市", "地区", "所属地区", "地州", "所属地州")),
    FieldDef("name", "姓名", _NAME_ALIASES),
    FieldDef("gender", "性别"),
    FieldDef("ethnicity", "民族"),
    FieldDef("age", "年龄"),
    FieldDef("occupation", "职业（工作岗位）", ("职业", "工作岗位", "岗位")),
    FieldDef("id_number", "身份证号码", _ID_ALIASES),
    FieldDef("phone", "联系电话", ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "联系手机")),
    FieldDef("employment", "用工形式", ("人员类别", "职工类型", "用工类型", "用工性质", "人员性质")),
    FieldDef("term_months", "聘用期限（月）", ("聘用期限", "合同期限（月）")),
    FieldDef("union_member", "是否工会会员", ("工会会员", "是否为工会会员", "是否工会会员（是/否）")),
    FieldDef("renewal", "是否续保", ("续保",)),
    FieldDef("prev_end", "上期保障止期"),
    *(_share_field(code) for code in PLAN_CODES),
    FieldDef("short_tier", "短期意外档次（元/份）", ("短期意外档次",)),
    FieldDef("short_end", "短期意外保障止期"),
    FieldDef("approval", "加购审批"),
    FieldDef("retire_date", "实际退休日期"),
    FieldDef("prev_shares", "上期份数"),
    FieldDef("remarks", "备注"),
)

# Read from a roster but not in the template: the unit's 统一社会信用代码 (office.md §1), as a column or
# a `KEY：VALUE` line above the header.
USCC_FIELD = FieldDef("uscc", "统一社会信用代码", ("社会信用代码",))
ROSTER_READ_FIELDS: tuple[FieldDef, ...] = (*ROSTER_FIELDS, USCC_FIELD)

CLAIMS_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("id_number", "身份证号码", _ID_ALIASES),
    FieldDef("name", "姓名", _NAME_ALIASES),
    FieldDef("plan", "险种"),
    FieldDef("benefit", "给付项目"),
    FieldDef("event_date", "出险日期", ("确诊日期", "入院日期")),
    FieldDef("accident_date", "事故发生日期", ("事故日期",)),
    FieldDef("start", "保障起始日"),
    FieldDef("end", "保障止期"),
    FieldDef("shares", "份数"),
    FieldDef("renewal", "是否续保", ("续保",)),
    FieldDef("renewed_shares", "续保份数"),
    FieldDef("grade", "伤残等级"),
    FieldDef("death", "是否身故"),
    FieldDef("expense", "医疗费用"),
    FieldDef("care", "就诊类型"),
    FieldDef("accident_ref", "事故编号"),
    FieldDef("pooled_self_pay", "统筹段个人自付"),
    FieldDef("pooled_fund_paid", "统筹基金支付"),
    FieldDef("major_self_pay", "大额段个人自付"),
    FieldDef("remote", "是否异地"),
    FieldDef("cause", "病因"),
    FieldDef("accident_kind", "意外类型"),
    FieldDef("disease", "疾病名称"),
    FieldDef("exclusion", "除外原因"),
)

# Roster fields a `KEY：VALUE` line above the header may set for every row (roster.md). Fields that
# belong to one person are left out: a "联系电话：…" line above the header is the clerk's phone, not
# every member's, and must not hide a missing phone.
_PERSONAL = {"seq", "name", "gender", "ethnicity", "age", "id_number", "phone", "retire_date", "remarks"}
FILE_LEVEL_KEYS: tuple[str, ...] = (*(f.name for f in ROSTER_FIELDS if f.name not in _PERSONAL), "uscc")

# One trailing bracketed unit, after NFKC has turned （） into ().
_TRAILING_UNIT = re.compile(r"\([^()]*\)$")


def header_key(text: str) -> str:
    """The form headers are compared in: NFKC, no whitespace, without one trailing bracketed unit
    ("（份）", "(月)", "（元/份）"), lower case. A leading or trailing "*" (the required-column mark many
    templates use) is dropped too."""
    key = compact(text).strip("*")
    return _TRAILING_UNIT.sub("", key, count=1).strip("*").lower()


def header_index(fields: Sequence[FieldDef]) -> dict[str, str]:
    """header_key of every header and alias -> field name (the first field wins a shared key)."""
    index: dict[str, str] = {}
    for field in fields:
        for text in (field.header, *field.aliases):
            index.setdefault(header_key(text), field.name)
    return index


def match_headers(headers: Sequence[str], fields: Sequence[FieldDef]) -> dict[str, int]:
    """Field name -> column index. A field whose header appears twice takes the first column."""
    index = header_index(fields)
    columns: dict[str, int] = {}
    for col, text in enumerate(headers):
        name = index.get(header_key(text)) if text else None
        if name is not None and name not in columns:
            columns[name] = col
    return columns
