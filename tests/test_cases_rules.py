"""Claims as cases, the pure rules (office.md §5): the transition table, the case view from its events,
and the 申领材料 rules (rules/materials.yaml) with their validation by key path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from xjma.core.cases import CaseEvent, CaseFacts, Refusal, case_view, transition
from xjma.core.materials import handed_in, missing, required_for
from xjma.errors import RulesError
from xjma.io.materials_file import default_materials_path, load_materials

HERE = Path(__file__).parent
TRANSITIONS = yaml.safe_load((HERE / "cases" / "case_transitions.yaml").read_text(encoding="utf-8"))
MATERIALS = yaml.safe_load((HERE / "cases" / "case_materials.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", TRANSITIONS, ids=[c["name"] for c in TRANSITIONS])
def test_transition_table(case: dict) -> None:
    after = transition(case["state"], case["action"], 7)
    if case["after"] is None:
        assert isinstance(after, Refusal)
        assert "第 7 号案件" in after.message
        assert case.get("says", "") in after.message
    else:
        assert after == case["after"]


@pytest.mark.parametrize("case", MATERIALS, ids=[c["name"] for c in MATERIALS])
def test_materials(case: dict) -> None:
    rules = load_materials()
    needed = required_for(rules, case["plan"], case["benefit"], bool(case.get("death")), case.get("grade"))
    handed = handed_in(rules, case.get("listed"), case.get("columns"))
    assert list(missing(needed, handed.names, case.get("waived", ()))) == case["missing"]


def _event(i: int, state: str, payout: str | None = None, **more: object) -> CaseEvent:
    money = Decimal(payout) if payout is not None else None
    return CaseEvent(i, state, dt.datetime(2027, 1, i), "王", payout=money, **more)  # type: ignore[arg-type]


def test_a_case_is_in_the_state_of_its_latest_event_whatever_order_they_come_in() -> None:
    view = case_view(1, [_event(3, "approved", "500.00"), _event(1, "submitted", "600.00")])
    assert (view.state, view.amount, view.provisional, view.payout) == (
        "approved", Decimal("500.00"), Decimal("600.00"), Decimal("500.00"))  # fmt: skip


def test_a_submitted_case_shows_its_provisional_amount_and_has_no_fixed_one() -> None:
    view = case_view(1, [_event(1, "submitted", "600.00")])
    assert (view.state, view.amount, view.payout, view.counts) == (
        "submitted",
        None,
        Decimal("600.00"),
        False,
    )


def test_a_paid_case_counts_with_the_latest_approved_amount_and_its_batch() -> None:
    events = [_event(1, "submitted", "600.00"), _event(2, "approved", "450.00"),
              _event(3, "paid", payment_batch=4)]  # fmt: skip
    view = case_view(1, events)
    assert (view.state, view.amount, view.payment_batch, view.counts) == ("paid", Decimal("450.00"), 4, True)


def test_a_voided_case_no_longer_counts() -> None:
    view = case_view(1, [_event(1, "approved", "450.00"), _event(2, "voided")])
    assert (view.state, view.counts) == ("voided", False)


def test_a_resubmission_brings_its_materials_and_submission() -> None:
    events = [
        _event(1, "submitted", "100.00", submission=1, materials=("身份证明",)),
        _event(2, "returned"),
        _event(3, "submitted", "100.00", submission=5, materials=("身份证明", "出院记录")),
    ]
    view = case_view(1, events, CaseFacts(submission=1, materials=("身份证明",)))
    assert (view.state, view.submission, view.materials) == ("submitted", 5, ("身份证明", "出院记录"))


def test_the_packaged_materials_file_is_valid_and_names_every_benefit() -> None:
    rules = load_materials()
    assert len(rules.required) == 13
    assert "收款账户" in rules.names()


def _broken(tmp_path: Path, edit: tuple[str, str]) -> Path:
    text = default_materials_path().read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "materials.yaml"
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (
            (
                "    inpatient: [身份证明, 医保结算单, 出院记录, 收款账户]",
                "    inpatient: [身份证明, 体检报告]",
            ),
            "required.inpatient-accident.inpatient[1]",
        ),
        (("  female-illness:", "  female-sickness:"), "required.female-sickness"),
        (("    mild: [", "    light: ["), "required.critical-illness.light"),
        (("if_grade: [伤残鉴定书]", "if_grade: 伤残鉴定书"), "if_grade"),
    ],
    ids=["an unknown material", "an unknown plan", "an unknown benefit", "a list that is not a list"],
)
def test_an_invalid_materials_file_names_the_key_path(
    tmp_path: Path, edit: tuple[str, str], path: str
) -> None:
    with pytest.raises(RulesError) as caught:
        load_materials(_broken(tmp_path, edit))
    assert any(p.startswith(path) for p in caught.value.problems), caught.value.problems


def test_rules_check_reports_the_materials_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xjma.cli import app

    ok = CliRunner().invoke(app, ["rules", "check", str(default_materials_path())])
    assert ok.exit_code == 0 and "申领材料" in ok.output
    bad = _broken(tmp_path, ("  female-illness:", "  female-sickness:"))
    refused = CliRunner().invoke(app, ["rules", "check", str(bad)])
    assert refused.exit_code == 2 and "required.female-sickness" in refused.output


def test_both_copies_of_the_materials_file_are_identical() -> None:
    assert (HERE.parent / "rules" / "materials.yaml").read_bytes() == default_materials_path().read_bytes()
