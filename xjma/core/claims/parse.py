"""Turn one claims-file row (or the single-claim options) into a Claim and the enrollment it names
(roster.md "Claims file", cli.md single-claim options). Pure: cell values in, data or an error out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from xjma.core.claims.explain import Invalid
from xjma.core.claims.model import MONEY_INPUTS, Claim
from xjma.core.idnumber import check_id
from xjma.core.messages import message
from xjma.core.model import Enrollment, default_end
from xjma.core.money import round_fen
from xjma.core.normalize import parse_date
from xjma.core.rules import Plan, Rules
from xjma.core.text import clean_text
from xjma.core.vocab import ACCIDENT_KIND, CARE, CAUSE, parse_benefit, parse_plan, parse_yes_no, squash

LABELS = {
    "id_number": "身份证号码",
    "plan": "险种",
    "benefit": "给付项目",
    "event_date": "出险日期",
    "accident_date": "事故发生日期",
    "start": "保障起始日",
    "end": "保障止期",
    "shares": "份数",
    "renewal": "是否续保",
    "renewed_shares": "续保份数",
    "grade": "伤残等级",
    "death": "是否身故",
    "expense": "医疗费用",
    "care": "就诊类型",
    "accident_ref": "事故编号",
    "pooled_self_pay": "统筹段个人自付",
    "pooled_fund_paid": "统筹基金支付",
    "major_self_pay": "大额段个人自付",
    "remote": "是否异地",
    "cause": "病因",
    "accident_kind": "意外类型",
    "disease": "疾病名称",
    "exclusion": "除外原因",
}
_GRADE = re.compile(r"^(\d{1,2})(?:\.0+)?级?$")


@dataclass(frozen=True)
class EnrollmentHint:
    """What the row or options say about the enrollment, used only when the ledger has none."""

    start: dt.date | None
    end: dt.date | None
    shares: int | None
    renewal: bool
    renewed_shares: int | None


def parse_claim(values: Mapping[str, object], row: int | None, rules: Rules) -> tuple[Claim, EnrollmentHint]:
    """Raises Invalid (a Chinese sentence) when the row cannot be read."""
    plan = parse_plan(clean_text(values.get("plan")), rules) if clean_text(values.get("plan")) else None
    if plan is None:
        raise Invalid(
            f"险种“{clean_text(values.get('plan'))}”无法识别"
            if clean_text(values.get("plan"))
            else "缺少险种"
        )
    benefit = parse_benefit(clean_text(values.get("benefit"))) if clean_text(values.get("benefit")) else None
    if benefit is None:
        raise Invalid(
            f"给付项目“{clean_text(values.get('benefit'))}”无法识别"
            if clean_text(values.get("benefit"))
            else "缺少给付项目"
        )
    event_date = _date(values, "event_date")
    if event_date is None:
        raise Invalid("缺少出险日期")
    id_number = claim_id(values.get("id_number"), event_date)
    if plan == "female-illness" and id_number is not None and not _female(id_number):
        raise Invalid("女职工特殊疾病限女职工")
    claim = Claim(
        plan=plan,
        benefit=benefit,
        event_date=event_date,
        id_number=id_number,
        row=row,
        accident_date=_date(values, "accident_date"),
        accident_ref=clean_text(values.get("accident_ref")) or None,
        grade=_grade(values.get("grade")),
        death=_flag(values, "death"),
        care=_enum(values, "care", CARE),
        cause=_enum(values, "cause", CAUSE),
        accident_kind=_enum(values, "accident_kind", ACCIDENT_KIND),
        remote=_flag(values, "remote"),
        disease=clean_text(values.get("disease")) or None,
        exclusion=clean_text(values.get("exclusion")) or None,
        **{name: _money(values, name) for name in MONEY_INPUTS},
    )
    hint = EnrollmentHint(
        start=_date(values, "start"),
        end=_date(values, "end"),
        shares=_count(values, "shares"),
        renewal=_flag(values, "renewal"),
        renewed_shares=_count(values, "renewed_shares"),
    )
    return claim, hint


def enrollment_from_hint(
    claim: Claim, hint: EnrollmentHint, rules: Rules
) -> tuple[Enrollment, tuple[str, ...]]:
    """The enrollment the row or options describe (--start required; --end for plan 5, ignored for the
    one-year plans with a warning when it differs, rules.md §9; shares default 1 for plan 1; renewed
    shares default all with 续保 = 是, else 0), and the warnings for the claim."""
    if hint.start is None:
        raise Invalid("台账中没有该会员的这一险种参保记录，请填写保障起始日（--start）")
    found = rules.plan_on(claim.plan, hint.start)
    short_term = found is not None and found[1].short_term
    if short_term and hint.end is None:
        raise Invalid("短期意外须填写保障止期（--end）")
    end, warnings = _end(hint, short_term)
    if end < hint.start:
        raise Invalid("保障止期早于保障起始日")
    shares = hint.shares if hint.shares is not None else (1 if claim.plan == "inpatient-accident" else None)
    if shares is None or shares < 1:
        raise Invalid("请填写份数（--shares，至少 1 份）")
    if found is not None and shares > _most_shares(found[1]):
        # No enrollment can hold more: paying per share on such a number would overpay.
        raise Invalid(
            f"份数 {shares} 超过{found[1].short_name}的上限 {_most_shares(found[1])} 份，请核对份数"
        )
    renewed = hint.renewed_shares if hint.renewed_shares is not None else (shares if hint.renewal else 0)
    if not 0 <= renewed <= shares:
        raise Invalid(f"续保份数应在 0 到 {shares} 之间")
    enrollment = Enrollment(
        id_number=claim.id_number or "",
        plan=claim.plan,
        start=hint.start,
        end=end,
        shares=shares,
        renewed_shares=renewed,
        first_start=hint.start,
    )
    return enrollment, warnings


def _end(hint: EnrollmentHint, short_term: bool) -> tuple[dt.date, tuple[str, ...]]:
    """E: the given 保障止期 for plan 5; for the one-year plans the day before S's anniversary."""
    assert hint.start is not None
    if short_term:
        assert hint.end is not None
        return hint.end, ()
    end = default_end(hint.start)
    if hint.end is None or hint.end == end:
        return end, ()
    return end, (f"保障止期只用于短期意外，已按保障起始日推算为 {end.isoformat()}",)


def _most_shares(plan: Plan) -> int:
    """The most shares any enrollment in the plan can hold (plan 5: the largest tier, approval included)."""
    tiers = [t.max_shares_with_approval or t.max_shares for t in plan.tiers]
    return max([plan.max_shares, *tiers])


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


def claim_id(value: object, on: dt.date) -> str | None:
    """The ID number checked as on a roster (roster.md id-* codes): a missing one is None (a claims file
    row without it is refused by the job); any fault is Invalid with the roster's message."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"{value:.14E}" if value >= 1e15 else str(int(value)) if value == int(value) else str(value)
        raise Invalid(message("id-as-number", shown=shown))
    raw = clean_text(value)
    if not raw:
        return None
    result = check_id(raw, on)
    number, code = result.number, result.code
    if code is None:
        return number
    if code == "id-missing":
        return None
    if code == "id-format" and _SCIENTIFIC.match(number):
        raise Invalid(message("id-as-number", shown=number))
    if code == "id-birth-date":
        birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
        if result.birth is not None:
            raise Invalid(message(code, "after-start", birth=birth, start=on.isoformat()))
        raise Invalid(message(code, birth=birth))
    raise Invalid(message(code, value=number, upgraded=result.upgraded, expected=result.expected_check))


def _female(number: str) -> bool:
    return number[16] in "02468"


def _date(values: Mapping[str, object], name: str) -> dt.date | None:
    raw = values.get(name)
    if raw is None or clean_text(raw) == "":
        return None
    found = parse_date(raw)
    if found is None:
        raise Invalid(f"{LABELS[name]}“{clean_text(raw)}”不是有效日期，请写成 2026-12-01 的形式")
    return found


def _money(values: Mapping[str, object], name: str) -> Decimal | None:
    raw = values.get(name)
    if raw is None or clean_text(raw) == "":
        return None
    try:
        amount = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(clean_text(raw).replace(",", ""))
    except InvalidOperation:
        raise Invalid(f"{LABELS[name]}“{clean_text(raw)}”不是金额") from None
    try:
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
        return round_fen(amount)  # more digits than Decimal holds (1e309) cannot be rounded to the fen
    except InvalidOperation:
        raise Invalid(f"{LABELS[name]}“{clean_text(raw)}”不是有效金额") from None


def _count(values: Mapping[str, object], name: str) -> int | None:
    raw = clean_text(values.get(name))
    if not raw:
        return None
    if not re.fullmatch(r"\d+(\.0+)?", raw):
        raise Invalid(f"{LABELS[name]}“{raw}”应为整数")
    return int(raw.split(".")[0])


def _grade(value: object) -> int | None:
    raw = clean_text(value)
    if not raw:
        return None
    match = _GRADE.match(raw)
    if match is None:
        raise Invalid(f"伤残等级“{raw}”应为 1–10 的整数")
    return int(match.group(1))


def _flag(values: Mapping[str, object], name: str) -> bool:
    found = parse_yes_no(values.get(name))
    if found is None:
        raise Invalid(f"{LABELS[name]}“{clean_text(values.get(name))}”应为 是 或 否")
    return found


def _enum(values: Mapping[str, object], name: str, options: Mapping[str, str]) -> str | None:
    raw = clean_text(values.get(name))
    if not raw:
        return None
    found = options.get(squash(raw)) or options.get(raw)
    if found is None:
        raise Invalid(f"{LABELS[name]}“{raw}”无法识别，可填：{'、'.join(options)}")
    return found
