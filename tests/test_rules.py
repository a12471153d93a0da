"""The rules file loads, versions are looked up by date, and bad files name the key path."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from xjma.errors import RulesError, XjmaError
from xjma.io.rules_file import default_rules_path, load_rules, read_yaml


def test_shipped_rules_load_with_two_versions():
    rules = load_rules()
    assert [v.name for v in rules.versions] == ["第三期", "第四期"]
    assert list(rules.versions[0].plans) == ["inpatient-accident"]
    assert len(rules.versions[1].plans) == 5


@pytest.mark.parametrize(
    ("day", "version", "rate"),
    [("2023-12-31", "第三期", "0.50"), ("2024-01-01", "第四期", "0.60"), ("2021-01-01", "第三期", "0.50")],
)
def test_the_version_in_force_is_the_newest_on_or_before_the_date(day, version, rate):
    found = load_rules().plan_on("inpatient-accident", dt.date.fromisoformat(day))
    assert found is not None
    assert found[0].name == version
    assert found[1].benefits["inpatient"].basic_rate == Decimal(rate)


def test_no_version_before_the_first_and_no_critical_illness_in_the_third_period():
    rules = load_rules()
    assert rules.version_on(dt.date(2020, 12, 31)) is None
    assert rules.plan_on("critical-illness", dt.date(2023, 6, 1)) is None


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = default_rules_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "plans.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('fee: "110.00"', 'fee: "-110.00"', "versions[0].plans.inpatient-accident.fee"),
        ("max_shares: 4", "max_shares: 4\n        colour: red", "versions[1].plans.critical-illness.colour"),
        ("        observation_days: 30\n", "", "versions[0].plans.inpatient-accident.observation_days"),
        ("effective: 2024-01-01", "effective: 2020-01-01", "versions[1].effective"),
        (
            'basic_rate: "0.60"',
            "basic_rate: 0.6",
            "versions[1].plans.inpatient-accident.benefits.inpatient.basic_rate",
        ),
        ("renewal_grace_days: 0", "renewal_grace_days: -3", "common.renewal_grace_days"),
        (
            "observation_days: 60",
            "observation_days: 45",
            "versions[1].plans.critical-illness.observation_days",
        ),
        (
            "in_situ_ends_cover: true",
            "in_situ_ends_cover: false",
            "versions[1].plans.female-illness.benefits.in-situ.ends[2]",
        ),
        ("short_term: true", "short_term: false", "versions[1].plans.short-accident.tiers"),
        ("gig_type: 新就业形态劳动者", "gig_type: 新业态", "common.employee_types"),
    ],
    ids=[
        "a negative fee",
        "an unknown key",
        "a missing key",
        "versions out of order",
        "a rate as a float",
        "negative grace days",
        "observation days that disagree with the phases",
        "in_situ_ends_cover that disagrees with the last ends",
        "tiers on a plan that is not short-term",
        "a gig type that is not a roster employment kind",
    ],
)
def test_a_broken_rules_file_names_the_key_path(tmp_path, old, new, where):
    with pytest.raises(RulesError) as info:
        load_rules(_broken(tmp_path, old, new))
    assert any(p.startswith(where) for p in info.value.problems), info.value.problems


def test_a_duplicate_key_is_refused(tmp_path):
    path = _broken(tmp_path, "  age_min: 16", "  age_min: 16\n  age_min: 18")
    with pytest.raises(RulesError, match="重复的键"):
        read_yaml(path)


def test_a_missing_rules_file_is_a_clear_error(tmp_path):
    with pytest.raises(XjmaError, match="找不到规则文件"):
        load_rules(tmp_path / "none.yaml")


def test_the_top_level_rules_folder_is_identical_to_the_packaged_rules():
    """xjma/rules/*.yaml is the package data (no symlink: a Windows checkout breaks on one); the top-level
    rules/ folder that the docs name stays a byte-for-byte copy."""
    packaged = Path(__file__).parent.parent / "xjma" / "rules"
    top = Path(__file__).parent.parent / "rules"
    assert not packaged.is_symlink()
    names = sorted(p.name for p in packaged.glob("*.yaml"))
    assert (
        names
        == sorted(p.name for p in top.glob("*.yaml"))
        == ["diseases.yaml", "medical.yaml", "office.yaml", "plans.yaml", "prefectures.yaml"]
    )
    for name in names:
        assert (packaged / name).read_bytes() == (top / name).read_bytes(), name


def test_an_edited_rules_file_is_read_again_in_the_same_process(tmp_path):
    path = tmp_path / "plans.yaml"
    text = default_rules_path().read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    before = load_rules(path)
    path.write_text(text.replace("renewal_grace_days: 0", "renewal_grace_days: 30"), encoding="utf-8")
    assert (before.common.renewal_grace_days, load_rules(path).common.renewal_grace_days) == (0, 30)
