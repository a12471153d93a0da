"""Chinese messages for the roster problem codes (roster.md): what is wrong and how to fix it.

`TITLES` is the short meaning of each code (the 汇总 sheet); `message(code, variant, **values)` fills
the template for one problem. The checks decide; this module only words the outcome.
"""

from __future__ import annotations

TITLES: dict[str, str] = {
    "id-missing": "未填身份证号码",
    "id-format": "身份证号码格式不对",
    "id-legacy": "15位旧身份证号码",
    "id-as-number": "身份证号码被Excel存成了数字",
    "id-checksum": "身份证号码校验码不对",
    "id-birth-date": "身份证号码中的出生日期不对",
    "id-duplicate": "身份证号码重复",
    "name-missing": "未填姓名",
    "gender-mismatch": "性别与身份证号码不符",
    "phone-missing": "未填联系电话",
    "phone-invalid": "联系电话不对",
    "unit-missing": "未填工作单位",
    "prefecture-unknown": "地州市名称不认识",
    "employment-missing": "未填用工形式",
    "employment-invalid": "用工形式不对",
    "temp-term-short": "临时职工聘用期限不足",
    "age-out-of-range": "年龄不在参加范围内",
    "shares-invalid": "份数不是整数",
    "shares-over-max": "份数超过上限",
    "requires-plan": "重大疾病须同时参加住院+意外",
    "female-only": "女职工特殊疾病限女职工",
    "employees-only": "该险种限在职职工",
    "gig-only": "该险种限新就业形态劳动者",
    "union-member-required": "新就业形态劳动者须为工会会员",
    "tier-invalid": "短期意外档次不对",
    "plan-not-in-force": "险种在保障起始日未开办",
    "end-date-invalid": "短期意外保障止期不对",
    "already-enrolled": "已在其他名册中参加",
    "no-plan": "未选择任何险种",
    "id-region-unknown": "身份证地区码不认识",
    "age-mismatch": "年龄与身份证号码不符",
    "likely-retired": "可能已退休",
    "renewal-unverified": "续保无法核实",
    "column-unknown": "列名不认识（像是险种份数列）",
    "column-ignored": "列名不认识，该列未读取",
    "totals-row-skipped": "合计行未当作人员",
    "text-encoding": "这一行的文字编码不对",
    "uscc-invalid": "统一社会信用代码不对",
    "prefecture-not-permitted": "无权登记其他地州市的人员",
}

# A problem as said of the rows of a named column: the 汇总 sentence for a whole column typed wrong
# ("身份证号码列 96,753 行地区码无法识别：…", documents.md), where the title would name the column again.
COLUMN_TITLES = {
    "id-region-unknown": "地区码无法识别",
}


def column_title(code: str) -> str:
    """The problem's words after "<列>列 <N> 行" (COLUMN_TITLES, else its title)."""
    return COLUMN_TITLES.get(code) or TITLES.get(code, code)


# Codes the file reader and the validate pipeline give, not the row checks (tests/test_roster_files.py);
# prefecture-not-permitted: the enroll of a prefecture role (office.md §9, tests/test_access_enroll.py).
READER_CODES = frozenset(
    {
        "column-unknown",
        "column-ignored",
        "totals-row-skipped",
        "text-encoding",
        "uscc-invalid",
        "prefecture-not-permitted",
    }
)

_FIX_ID = "请对照身份证原件逐位核对后重新填写"

TEMPLATES: dict[str, str] = {
    "id-missing": "没有填写身份证号码，请按身份证原件填写18位号码",
    "id-format": "身份证号码“{value}”格式不对：应为18位，前17位是数字，最后一位是数字或X，" + _FIX_ID,
    "id-legacy": "这是15位的旧身份证号码，请改填18位新号码（按旧号码推算应为 {upgraded}，" + _FIX_ID + "）",
    "id-legacy/birth-date": (
        "这是15位的旧身份证号码，其中的出生日期“{birth}”不是真实的日期，请按身份证原件填写18位新号码，"
        + _FIX_ID
    ),
    "id-as-number": (
        "身份证号码被Excel存成了数字（显示为 {shown}），Excel只保留15位有效数字，号码已经损坏，"
        "无法恢复。请先把这一列设置为“文本”格式（或在号码前输入英文单引号 '），再按身份证原件重新输入"
    ),
    "id-as-number/legacy": (
        "身份证号码被Excel存成了数字（显示为 {shown}），请先把这一列设置为“文本”格式"
        "（或在号码前输入英文单引号 '）；这是15位旧号码，请改填18位新号码（按旧号码推算应为 "
        "{upgraded}，" + _FIX_ID + "）"
    ),
    "id-checksum": "身份证号码最后一位校验码不对（按前17位应为{expected}），" + _FIX_ID,
    "id-birth-date": "身份证号码中的出生日期“{birth}”不是真实的日期，" + _FIX_ID,
    "id-birth-date/after-start": "身份证号码中的出生日期 {birth} 晚于保障起始日 {start}，" + _FIX_ID,
    "id-duplicate": "身份证号码在名册中重复出现（第 {rows} 行），同一人只能填一行，请删除多余的行或更正号码",
    "name-missing": "没有填写姓名，请按身份证填写",
    "gender-mismatch": "性别填的是“{given}”，但身份证号码第17位表示{expected}，请核对性别或身份证号码",
    "gender-mismatch/invalid": "性别“{given}”无法识别，只能填“男”或“女”",
    "phone-missing": "没有填写联系电话，请填写11位手机号码或带区号的固定电话",
    "phone-invalid": "联系电话“{value}”不对，请填写11位手机号码（如13912345678）或带区号的固定电话（如0991-2821098）",
    "unit-missing": "没有填写工作单位：互助保障只接受单位工会统一组织参加，请在本行或表头“单位名称：”处填写单位全称",
    "prefecture-unknown": "地州市“{value}”无法识别，请填写 {known} 之一",
    "employment-missing": "没有填写用工形式，请填写 正式职工、合同制职工、临时职工 或 新就业形态劳动者",
    "employment-invalid": "用工形式“{value}”无法识别，请填写 正式职工、合同制职工、临时职工 或 新就业形态劳动者",
    "temp-term-short": "临时职工的聘用期限须超过{min}个月才能参加，本行{term}，请核对聘用合同；期限不足的不能参加",
    "age-out-of-range": "按身份证号码，保障起始日 {start} 时年满 {age} 周岁，不在 {min}–{max} 周岁的参加范围内，本行不能参加",
    "age-out-of-range/retired": (
        "按身份证号码，保障起始日 {start} 时年满 {age} 周岁，已到法定退休日期 {retire}，"
        "不能参加；如实际延迟退休，请在“实际退休日期”列填写"
    ),
    "age-out-of-range/other-plans": (
        "按身份证号码，保障起始日 {start} 时年满 {age} 周岁，超过 {max} 周岁，"
        "只能参加短期意外（法定退休日期 {retire} 前）；请删除本行其他险种的份数后再提交"
    ),
    "shares-invalid": "{plan}份数“{value}”不对，请填写0或正整数（不参加请留空或填0）",
    "shares-over-max": "{plan}最多{max}份，本行填了{shares}份，请改为{max}份以内",
    "shares-over-max/approval": "{plan}（{tier}元档）最多{max}份，经审批最多{approval}份（须在“加购审批”列填“是”）；本行填了{shares}份",
    "requires-plan": "参加{plan}须同时参加{required}（本行或台账中保障起始日在保的），请在本行填写{required}份数",
    "female-only": "{plan}只限女职工参加，按身份证号码本人为男性，请删除该险种份数或核对身份证号码",
    "employees-only": "新就业形态劳动者不能参加{plan}（限在职职工），请删除该险种份数或核对用工形式",
    "gig-only": "{plan}只限新就业形态劳动者参加，请删除该险种份数或核对用工形式",
    "union-member-required": "新就业形态劳动者须先加入工会成为会员才能参加，请在“是否工会会员”列填“是”（须已入会）",
    "tier-invalid": "参加短期意外须填写档次，“{value}”不是可选档次，请填写 {tiers} 之一（元/份）",
    "plan-not-in-force": "{plan}在保障起始日 {start} 没有开办（没有生效的规则版本），请删除该险种份数或更改起始日",
    "end-date-invalid/missing": "参加短期意外须填写保障止期（“短期意外保障止期”列，或运行时用 --end 指定）",
    "end-date-invalid/unparseable": "短期意外保障止期“{value}”不是有效日期，请写成 2026-12-31 的形式",
    "end-date-invalid/before": "短期意外保障止期 {end} 早于保障起始日 {start}，请更正",
    "end-date-invalid/too-long": "{tier}元档短期意外最长保障{max_days}天，保障止期 {end} 超出了（最迟 {latest}），请更正",
    "already-enrolled": (
        "该人员已参加{plan}（{unit}，{start} 至 {end}，{shares}份），保障期重叠；同一人每期只能参加一次，"
        "请删除本行该险种或与原参保单位核对"
    ),
    "no-plan": "本行没有填写任何险种的份数，不会参保；如要参加，请填写份数",
    "id-region-unknown": "身份证号码前6位地区码 {code} 无法识别，请核对号码（外省号码也可以参加）",
    "age-mismatch": "年龄填的是 {given}，按身份证号码保障起始日时应为 {age} 周岁，以身份证号码为准，请核对",
    "age-mismatch/invalid": "年龄“{given}”不是整数，以身份证号码为准（保障起始日时 {age} 周岁）",
    "likely-retired": "该男职工在保障起始日已过法定退休日期 {retire}，可能已退休；退休人员不能参加，请核实是否仍在职",
    "renewal-unverified": "填了续保，但台账和“上期保障止期”都查不到连续的上一期保障（上期止期须不早于 {latest}），按新参加处理（有观察期）",
    "renewal-unverified/ledger": (
        "填了续保，但台账中该人员没有紧接本期的上一期同一险种保障（台账有该人员记录时以台账为准，"
        "不看“上期保障止期”），按新参加处理（有观察期）"
    ),
    "column-unknown": (
        "表头“{header}”不是 xjma 认识的列名，看起来是某个险种的份数列：这些份数不会被读取，"
        "请改用模板中的列名（如“重大疾病（份）”）后再提交"
    ),
    "column-ignored": "表头“{header}”不是 xjma 认识的列名，这一列没有读取；如果它有用，请改用模板中的列名",
    "totals-row-skipped": "这一行是合计行，没有当作人员读取",
    "text-encoding": "这一行的文字编码不对，请在 Excel 中另存为 CSV UTF-8",
    "prefecture-not-permitted": (
        "所属地州市“{value}”不是当前数据库账号 {role} 可以登记的地州市（只能登记{allowed}的人员），"
        "本行未登记；请交由该地州市登记，或核对所属地州市"
    ),
    "uscc-invalid": "统一社会信用代码“{value}”不对（应为18位，最后一位校验码按前17位应为{expected}），请对照营业执照核对",
    "uscc-invalid/shape": "统一社会信用代码“{value}”不对（应为18位数字或大写字母，本格不是），请对照营业执照核对",
}


def message(code: str, variant: str | None = None, /, **values: object) -> str:
    """The message of a code (or of one of its variants), with its values filled in."""
    key = f"{code}/{variant}" if variant else code
    return TEMPLATES[key].format(**values)
