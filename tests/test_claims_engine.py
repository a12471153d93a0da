"""The claims engine against the case tables in tests/cases/claims/<plan>.yaml (rules.md §2–§8).

Each case gives an enrollment and a list of claims of one member, plan and period; the claims are
computed as one batch (event-date order, each seeing the earlier ones) and `expect` is checked on the
last claim; `payouts` (optional) lists the payout of every claim in the order given.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from xjma.core.claims.engine import Pending, compute_batch
from xjma.core.claims.model import Claim, ClaimResult, claim_from_inputs, claim_inputs, claim_key
from xjma.core.claims.remaining import compute_remaining
from xjma.core.model import Enrollment, default_end
from xjma.io.diseases import load_diseases
from xjma.io.rules_file import load_rules

CASES = Path(__file__).parent / "cases" / "claims"
ID = "650102199001011239"
MONEY = ("expense", "pooled_self_pay", "pooled_fund_paid", "major_self_pay")


def _load() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(pytest.param(data.get("defaults", {}), case, id=f"{path.stem}: {case['name']}"))
    return out


def _enrollment(defaults: dict[str, Any], case: dict[str, Any]) -> Enrollment:
    spec = {**defaults.get("enrollment", {}), **case.get("enrollment", {})}
    start = spec["start"]
    shares = spec.get("shares", 1)
    return Enrollment(
        id_number=ID,
        plan=defaults["plan"],
        start=start,
        end=spec.get("end", default_end(start)),
        shares=shares,
        renewed_shares=spec.get("renewed_shares", 0),
        first_start=spec.get("first_start"),
    )


def _claim(plan: str, raw: dict[str, Any], row: int) -> Claim:
    values = dict(raw)
    for name in MONEY:
        if values.get(name) is not None:
            values[name] = Decimal(str(values[name]))
    if "exclusion" in values and values["exclusion"] is not None:
        values["exclusion"] = str(values["exclusion"])
    if "accident_ref" in values and values["accident_ref"] is not None:
        values["accident_ref"] = str(values["accident_ref"])
    return Claim(plan=plan, id_number=ID, row=row, **values)


def _run(defaults: dict[str, Any], case: dict[str, Any]) -> tuple[list[ClaimResult], list[Any]]:
    rules = load_rules()
    enrollment = _enrollment(defaults, case)
    pending = [
        Pending(i, _claim(defaults["plan"], raw, i + 2), enrollment) for i, raw in enumerate(case["claims"])
    ]
    return compute_batch(rules, pending, {}, load_diseases())


@pytest.mark.parametrize(("defaults", "case"), _load())
def test_claim_case(defaults: dict[str, Any], case: dict[str, Any]) -> None:
    results, errors = _run(defaults, case)
    expect = case["expect"]
    last_row = len(case["claims"]) + 1
    if "error" in expect:
        messages = [e.message for _, e in errors if e.row == last_row]
        assert messages, f"expected an error, got {[r.payout for r in results]}"
        assert expect["error"] in messages[0]
        return
    assert not errors, [e.message for _, e in errors]
    if "payouts" in case:
        assert [f"{r.payout:.2f}" for r in results] == [str(p) for p in case["payouts"]]
    result = next(r for r in results if r.claim.row == last_row)
    assert f"{result.payout:.2f}" == str(expect["payout"]), result.steps
    assert list(result.reasons) == expect.get("reasons", []), result.steps
    assert result.exclusion == expect.get("exclusion")
    assert result.cover_ended == expect.get("cover_ended", False)
    assert result.rules_version == expect.get("version", "第四期")
    assert list(result.warnings) == expect.get("warnings", [])
    for text in expect.get("steps_contain", []):
        assert any(text in s for s in result.steps), result.steps


def test_every_plan_has_a_case_file() -> None:
    assert {p.stem for p in CASES.glob("*.yaml")} == {
        "inpatient-accident",
        "critical-illness",
        "gig-accident",
        "female-illness",
        "short-accident",
    }


def test_a_claim_survives_the_ledger_json_round_trip_with_the_same_key() -> None:
    claim = Claim(
        plan="gig-accident",
        benefit="medical",
        event_date=dt.date(2027, 1, 5),
        id_number=ID,
        expense=Decimal("123.45"),
        care="outpatient",
        accident_ref=" A1 ",
    )
    again = claim_from_inputs(claim_inputs(claim))
    assert again == claim
    assert claim_key(again) == claim_key(claim)
    assert claim_key(claim) != claim_key(
        Claim(**{**claim_inputs(claim), "expense": Decimal("123.46"), "event_date": claim.event_date})
    )


def test_remaining_after_a_mild_claim_leaves_the_severe_difference() -> None:
    rules = load_rules()
    start = dt.date(2026, 12, 1)
    enrollment = Enrollment(ID, "critical-illness", start, default_end(start), shares=2, renewed_shares=0)
    claim = Claim(
        plan="critical-illness", benefit="mild", event_date=start + dt.timedelta(days=90), id_number=ID
    )
    results, _ = compute_batch(rules, [Pending(0, claim, enrollment)], {})
    from xjma.core.claims.model import result_record

    paid = [
        {
            "plan": "critical-illness",
            "benefit": "mild",
            "event_date": claim.event_date,
            "payout": results[0].payout,
            "inputs": claim_inputs(claim),
            "result": result_record(results[0]),
        }
    ]
    left = compute_remaining(enrollment, "critical-illness", rules, paid)
    assert left == {
        "severe": Decimal("14000.00"),
        "mild": Decimal("0.00"),
        "sudden-death": Decimal("14000.00"),
    }
    assert compute_remaining(enrollment, "critical-illness", rules, [])["severe"] == Decimal("20000.00")


def test_remaining_of_plan_one_is_the_major_and_accident_room() -> None:
    rules = load_rules()
    start = dt.date(2026, 12, 1)
    enrollment = Enrollment(ID, "inpatient-accident", start, default_end(start), shares=1, renewed_shares=1)
    left = compute_remaining(enrollment, "inpatient-accident", rules, [])
    assert left == {"inpatient": Decimal("8000.00"), "accident": Decimal("40000.00")}


# ---------------------------------------------------------------- reading a claims row


def _parse(**values: object) -> Claim:
    from xjma.core.claims.parse import parse_claim

    base: dict[str, object] = {
        "id_number": ID,
        "plan": "短期意外",
        "benefit": "伤残",
        "event_date": "2027.1.5",
    }
    return parse_claim({**base, **values}, 7, load_rules())[0]


def test_a_row_in_chinese_spellings_reads_as_codes() -> None:
    claim = _parse(benefit="意外医疗", care="门诊", expense=123.45, accident_ref=" A1 ")
    assert (claim.plan, claim.benefit, claim.care) == ("short-accident", "medical", "outpatient")
    assert claim.expense == Decimal("123.45") and claim.event_date == dt.date(2027, 1, 5)
    assert claim.ref == "A1" and claim.row == 7


@pytest.mark.parametrize(("cell", "grade"), [("3级", 3), (3.0, 3), ("10", 10)])
def test_a_grade_is_read_from_text_or_a_number(cell: object, grade: int) -> None:
    assert _parse(grade=cell).grade == grade


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"id_number": 650102199001011239}, "文本"),
        ({"plan": "火星险"}, "险种"),
        ({"benefit": "旅游"}, "给付项目"),
        ({"event_date": "2027-02-30"}, "出险日期"),
        ({"expense": "一百"}, "医疗费用"),
        ({"care": "急诊"}, "就诊类型"),
        ({"death": "也许"}, "是否身故"),
    ],
    ids=[
        "an ID stored as a number",
        "an unknown plan",
        "an unknown benefit",
        "an impossible date",
        "an amount in words",
        "an unknown kind of care",
        "a yes-no cell that is neither",
    ],
)
def test_a_row_that_cannot_be_read_names_the_column(values: dict[str, object], message: str) -> None:
    from xjma.core.claims.explain import Invalid

    with pytest.raises(Invalid) as caught:
        _parse(**values)
    assert message in caught.value.message


def test_renewed_shares_default_to_all_shares_of_a_renewal() -> None:
    from xjma.core.claims.parse import EnrollmentHint, enrollment_from_hint

    claim = _parse(plan="重大疾病", benefit="重度")
    hint = EnrollmentHint(start=dt.date(2026, 12, 1), end=None, shares=3, renewal=True, renewed_shares=None)
    enrollment, _ = enrollment_from_hint(claim, hint, load_rules())
    assert (enrollment.renewed_shares, enrollment.end) == (3, dt.date(2027, 11, 30))


# ---------------------------------------------------------------- the disease list


def test_the_disease_list_holds_the_2020_definitions_and_the_female_list() -> None:
    diseases = load_diseases()
    assert len(diseases.names("severe")) == 28
    assert diseases.names("mild") == ["恶性肿瘤——轻度", "较轻急性心肌梗死", "轻度脑中风后遗症"]
    assert len(diseases.names("female")) == 8
    assert all(not d.verified for d in diseases.items if d.category == "female")
    assert diseases.find("宫颈原位癌", "female") is not None
    assert diseases.find("乳腺癌", "severe") is None


def test_remaining_of_plan_three_after_a_disability_is_the_rest_of_the_cap() -> None:
    rules = load_rules()
    start = dt.date(2026, 12, 1)
    enrollment = Enrollment(ID, "gig-accident", start, default_end(start), shares=2, renewed_shares=0)
    claim = Claim(plan="gig-accident", benefit="disability", event_date=start, id_number=ID, grade=9)
    results, _ = compute_batch(rules, [Pending(0, claim, enrollment)], {})
    from xjma.core.claims.model import result_record

    paid = [
        {
            "plan": "gig-accident",
            "benefit": "disability",
            "event_date": start,
            "payout": "20000.00",
            "inputs": json.dumps(claim_inputs(claim)),
            "result": json.dumps(result_record(results[0])),
        }
    ]
    left = compute_remaining(enrollment, rules.plan_on("gig-accident", start)[1], rules, paid)  # type: ignore[index]
    assert left == {
        "disability": Decimal("80000.00"),
        "medical": Decimal("20000.00"),
        "sudden-death": Decimal("20000.00"),
    }
