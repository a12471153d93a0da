"""Claims rules of rules.md §9 that the case tables cannot state: the plan 3 `disability_cap_ends`
setting, claim ID numbers checked like roster IDs, 保障止期 ignored for the one-year plans, the order of
same-day rows, recorded claims counting in full, typed effects and the payout stored once."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from xjma.core.claims.dates import years_after
from xjma.core.claims.engine import Pending, compute_batch
from xjma.core.claims.explain import Invalid
from xjma.core.claims.model import (
    Claim,
    Effects,
    LotEffect,
    effects_from_json,
    effects_json,
    entry_from_record,
    result_record,
)
from xjma.core.claims.parse import EnrollmentHint, enrollment_from_hint, parse_claim
from xjma.core.model import Enrollment, default_end
from xjma.errors import RulesError
from xjma.io.rules_file import default_rules_path, load_rules

MAN = "650102199001011239"
WOMAN = "650105199404050047"
S = dt.date(2026, 12, 1)


def _rules_with(tmp_path: Path, old: str, new: str) -> Path:
    text = default_rules_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "plans.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _gig(benefit: str, day: dt.date, **values: object) -> Claim:
    return Claim(plan="gig-accident", benefit=benefit, event_date=day, id_number=MAN, **values)  # type: ignore[arg-type]


def _batch(rules, claims: list[Claim], enrollment: Enrollment, recorded=None):  # type: ignore[no-untyped-def]
    pending = [Pending(i, c, enrollment) for i, c in enumerate(claims)]
    key = (enrollment.id_number, enrollment.plan, enrollment.start.isoformat())
    return compute_batch(rules, pending, {key: recorded} if recorded else {})


# ---------------------------------------------------------------- plan 3: disability_cap_ends


def test_with_disability_cap_ends_plan_medical_after_the_cap_pays_nothing(tmp_path: Path) -> None:
    path = _rules_with(tmp_path, "disability_cap_ends: benefit", "disability_cap_ends: plan")
    rules = load_rules(path)
    enrollment = Enrollment(MAN, "gig-accident", S, default_end(S), 1, 0)
    claims = [
        _gig("disability", dt.date(2027, 2, 1), grade=1),
        _gig("medical", dt.date(2027, 3, 1), expense=Decimal("500"), care="outpatient"),
    ]
    results, errors = _batch(rules, claims, enrollment)
    assert not errors
    assert results[0].cover_ended is True
    assert (results[1].payout, results[1].reasons) == (Decimal("0.00"), ("cover-ended",))


def test_with_the_default_benefit_setting_medical_after_the_cap_is_paid() -> None:
    enrollment = Enrollment(MAN, "gig-accident", S, default_end(S), 1, 0)
    claims = [
        _gig("disability", dt.date(2027, 2, 1), grade=1),
        _gig("medical", dt.date(2027, 3, 1), expense=Decimal("500"), care="outpatient"),
    ]
    results, _ = _batch(load_rules(), claims, enrollment)
    assert results[0].cover_ended is False
    assert results[1].payout == Decimal("400.00")


def test_rules_check_refuses_an_unknown_disability_cap_ends(tmp_path: Path) -> None:
    path = _rules_with(tmp_path, "disability_cap_ends: benefit", "disability_cap_ends: share")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    where = "versions[1].plans.gig-accident.benefits.disability.disability_cap_ends"
    assert any(p.startswith(where) for p in info.value.problems), info.value.problems


def test_a_rules_file_without_disability_cap_ends_defaults_to_benefit(tmp_path: Path) -> None:
    path = _rules_with(tmp_path, "            disability_cap_ends: benefit", "")
    terms = load_rules(path).plan_on("gig-accident", S)[1].benefits["disability"]  # type: ignore[index]
    assert terms.cap_ends == "benefit"  # type: ignore[union-attr]


# ---------------------------------------------------------------- 29 February


@pytest.mark.parametrize(
    ("day", "years", "after"),
    [
        (dt.date(2024, 2, 29), 2, dt.date(2026, 3, 1)),
        (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 29)),
        (dt.date(2024, 2, 28), 2, dt.date(2026, 2, 28)),
        (dt.date(2024, 3, 1), 1, dt.date(2025, 3, 1)),
    ],
)
def test_years_after_counts_29_february_as_1_march(day: dt.date, years: int, after: dt.date) -> None:
    assert years_after(day, years) == after


def test_the_default_end_agrees_with_years_after() -> None:
    for start in (dt.date(2028, 2, 29), dt.date(2026, 1, 1), dt.date(2027, 2, 28)):
        assert default_end(start) == years_after(start, 1) - dt.timedelta(days=1)


# ---------------------------------------------------------------- claim ID numbers


def _parse(id_number: object, plan: str = "住院+意外") -> Claim:
    values = {"id_number": id_number, "plan": plan, "benefit": "住院", "event_date": "2027-03-01"}
    return parse_claim(values, 2, load_rules())[0]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("65010219900101123", "格式不对"),
        ("650102199001011234", "校验码不对（按前17位应为9）"),
        ("6501021990010112X9", "格式不对"),
        ("650102900101123", "15位的旧身份证号码"),
        ("6.50105199404050E+17", "被Excel存成了数字"),
        (6.50105199404050e17, "被Excel存成了数字"),
        ("650102199002301239", "不是真实的日期"),
    ],
    ids=[
        "17 digits",
        "wrong check character",
        "a letter inside",
        "15 digits",
        "as-number text",
        "a number",
        "30 February",
    ],
)
def test_a_claim_id_that_a_roster_would_refuse_is_a_claim_error(raw: object, message: str) -> None:
    with pytest.raises(Invalid) as info:
        _parse(raw)
    assert message in info.value.message


def test_a_valid_claim_id_is_kept_in_its_compact_form() -> None:
    assert _parse(" 65010219900101123 9 ").id_number == MAN
    assert _parse("65010219850101112x".replace("x", "6")).id_number == "650102198501011126"


def test_a_plan_4_claim_with_a_male_id_is_a_claim_error_and_a_female_id_is_not() -> None:
    with pytest.raises(Invalid, match="女职工特殊疾病限女职工"):
        _parse(MAN, "女职工特殊疾病")
    assert _parse(WOMAN, "女职工特殊疾病").id_number == WOMAN


# ---------------------------------------------------------------- 保障止期 of the one-year plans


def _hint(end: dt.date | None) -> EnrollmentHint:
    return EnrollmentHint(start=S, end=end, shares=1, renewal=False, renewed_shares=None)


def test_an_end_given_for_plan_1_is_ignored_with_a_warning_when_it_differs() -> None:
    claim = _parse(MAN)
    enrollment, warnings = enrollment_from_hint(claim, _hint(dt.date(2027, 1, 31)), load_rules())
    assert enrollment.end == dt.date(2027, 11, 30)
    assert warnings == ("保障止期只用于短期意外，已按保障起始日推算为 2027-11-30",)


@pytest.mark.parametrize("end", [None, dt.date(2027, 11, 30)], ids=["no end", "the same end"])
def test_an_end_for_plan_1_equal_to_the_rule_or_absent_gives_no_warning(end: dt.date | None) -> None:
    enrollment, warnings = enrollment_from_hint(_parse(MAN), _hint(end), load_rules())
    assert (enrollment.end, warnings) == (dt.date(2027, 11, 30), ())


# ---------------------------------------------------------------- order, and recorded claims in full


def _same_day_claims() -> list[Claim]:
    day = dt.date(2027, 2, 1)
    return [
        _gig("disability", day, death=True, accident_ref="A1"),
        _gig("medical", day, expense=Decimal("500"), care="outpatient", accident_ref="A1"),
        _gig("medical", day, expense=Decimal("80"), care="outpatient", accident_ref="B2"),
        _gig("medical", dt.date(2027, 2, 2), expense=Decimal("300"), care="outpatient"),
    ]


def test_the_same_rows_in_any_order_give_the_same_payouts_for_same_day_claims() -> None:
    rules = load_rules()
    enrollment = Enrollment(MAN, "gig-accident", S, default_end(S), 1, 0)
    claims = _same_day_claims()
    results, _ = _batch(rules, claims, enrollment)
    expected = {c: (r.payout, r.reasons) for c, r in zip(claims, results, strict=True)}
    assert [r.payout for r in results] == [Decimal(x) for x in ("50000.00", "400.00", "0.00", "0.00")]
    shuffled = list(claims)
    for seed in range(6):
        random.Random(seed).shuffle(shuffled)
        again, _ = _batch(rules, shuffled, enrollment)
        assert {c: (r.payout, r.reasons) for c, r in zip(shuffled, again, strict=True)} == expected


def _recorded(results) -> list:  # type: ignore[no-untyped-def]
    """Results as the ledger gives them back (inputs, result JSON, payout column)."""
    from xjma.core.claims.model import claim_inputs

    out = []
    for r in results:
        entry = entry_from_record(json.dumps(claim_inputs(r.claim)), json.dumps(result_record(r)), r.payout)
        out.append(entry)
    return out


def test_a_claim_after_recorded_ones_is_computed_as_in_one_file() -> None:
    rules = load_rules()
    enrollment = Enrollment(MAN, "gig-accident", S, default_end(S), 1, 0)
    claims = [
        _gig("disability", dt.date(2027, 2, 1), grade=2, accident_ref="A1"),
        _gig("medical", dt.date(2027, 2, 3), expense=Decimal("60"), care="outpatient", accident_ref="A1"),
        _gig("medical", dt.date(2027, 2, 5), expense=Decimal("90"), care="inpatient", accident_ref="A1"),
        _gig("disability", dt.date(2027, 5, 1), grade=1, accident_ref="A1"),
    ]
    together, _ = _batch(rules, claims, enrollment)
    first, _ = _batch(rules, claims[:2], enrollment)
    later, _ = _batch(rules, claims[2:], enrollment, recorded=_recorded(first))
    assert [(r.payout, r.reasons, r.cover_ended) for r in later] == [
        (r.payout, r.reasons, r.cover_ended) for r in together[2:]
    ]
    assert [r.payout for r in together] == [Decimal(x) for x in ("45000.00", "0.00", "50.00", "5000.00")]


def test_a_recorded_later_claim_counts_in_full_against_the_major_cap() -> None:
    """A March stay computed after a June stay took 6000 of the 8000 大额 cap has 2000 left (rules.md §9)."""
    rules = load_rules()
    enrollment = Enrollment(MAN, "inpatient-accident", S, default_end(S), 1, 0)

    def stay(day: dt.date) -> Claim:
        return Claim(
            plan="inpatient-accident", benefit="inpatient", event_date=day, id_number=MAN, cause="illness",
            pooled_self_pay=Decimal("0"), pooled_fund_paid=Decimal("0"), major_self_pay=Decimal("12000"),
        )  # fmt: skip

    june, _ = _batch(rules, [stay(dt.date(2027, 6, 1))], enrollment)
    march, _ = _batch(rules, [stay(dt.date(2027, 3, 1))], enrollment, recorded=_recorded(june))
    assert (june[0].payout, march[0].payout) == (Decimal("6000.00"), Decimal("2000.00"))


def test_a_recorded_death_stops_only_claims_dated_after_it() -> None:
    rules = load_rules()
    enrollment = Enrollment(MAN, "gig-accident", S, default_end(S), 1, 0)
    death, _ = _batch(rules, [_gig("sudden-death", dt.date(2027, 6, 1))], enrollment)
    before = _gig("medical", dt.date(2027, 3, 1), expense=Decimal("300"), care="outpatient")
    after = _gig("medical", dt.date(2027, 7, 1), expense=Decimal("300"), care="outpatient")
    results, _ = _batch(rules, [before, after], enrollment, recorded=_recorded(death))
    assert [(r.payout, r.reasons) for r in results] == [
        (Decimal("200.00"), ()),
        (Decimal("0.00"), ("death-paid",)),
    ]
    assert results[1].warnings == ("出险日期晚于已给付的身故日期，请核对",)


# ---------------------------------------------------------------- typed effects, payout stored once


def test_effects_go_to_json_and_back() -> None:
    effects = Effects(
        major=Decimal("6000.00"),
        per_share=Decimal("25000.00"),
        deductible_used=Decimal("60.00"),
        stay=True,
        death=True,
        lots=(LotEffect("new", Decimal("3000.00"), "self"),),
    )
    assert effects_from_json(json.loads(json.dumps(effects_json(effects)))) == effects
    assert effects_json(Effects()) == {}


def test_the_result_json_holds_no_payout_and_an_old_row_with_one_reads_the_column() -> None:
    enrollment = Enrollment(MAN, "gig-accident", S, default_end(S), 1, 0)
    results, _ = _batch(load_rules(), [_gig("disability", dt.date(2027, 2, 1), grade=9)], enrollment)
    record = result_record(results[0])
    assert "payout" not in record
    from xjma.core.claims.model import claim_inputs

    old = {**record, "payout": "1.00", "effects": {"per_share": "10000.00", "ends_all": True}}
    entry = entry_from_record(claim_inputs(results[0].claim), old, Decimal("10000.00"))
    assert entry is not None
    assert entry[1].payout == Decimal("10000.00")
    assert entry[1].effects == Effects(per_share=Decimal("10000.00"))
