"""rules/medical.yaml: the column map of the platform's settlement export, validated on load with every
problem naming its key path, and checked by `xjma rules check`."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from history_helpers import x

from xjma.errors import RulesError
from xjma.io.medical_map import MEDICAL_KEYS, default_medical_map_path, load_medical_map, parse_medical_map

GOOD = yaml.safe_load(default_medical_map_path().read_text(encoding="utf-8"))


def test_the_shipped_map_names_the_documented_default_headers():
    found = load_medical_map()
    assert [found.header(k) for k in MEDICAL_KEYS] == [
        "结算编号", "身份证号码", "姓名", "入院日期", "出院日期", "就医地", "病因",
        "统筹段个人自付", "统筹基金支付", "大额段个人自付", "互助金支付",
    ]  # fmt: skip
    assert "身份证号" in found.columns["id_number"]  # an alias
    assert (found.is_remote("异地"), found.is_remote("本地"), found.is_remote("外星")) == (True, False, None)


def _with(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["columns"].pop("mutual_paid"), "columns.mutual_paid: 缺少"),
        (lambda d: d["columns"].update(bonus="奖金"), "columns.bonus: 未知的键"),
        (lambda d: d["columns"].update(name=""), "columns.name: 应为非空的表头文字"),
        (lambda d: d["columns"].update(cause=["病因", 3]), "columns.cause[1]: 应为非空的表头文字"),
        (lambda d: d["columns"].update(cause=[]), "columns.cause: 应为表头文字"),
        (lambda d: d["columns"].update(name="身份证号"), "columns.name: “身份证号”已用于 columns.id_number"),
        (lambda d: d["places"].pop("remote"), "places.remote: 缺少"),
        (lambda d: d["places"].update(remote=["本地"]), "places.remote: “本地”已用于 places.local"),
        (lambda d: d.update(schema=2), "schema: 应为 1"),
        (lambda d: d.pop("columns"), "columns: 缺少"),
    ],
)
def test_a_bad_map_is_refused_naming_the_key_path(change, problem):
    with pytest.raises(RulesError) as caught:
        parse_medical_map(_with(change))
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_the_shipped_map_is_valid_as_it_stands():
    assert parse_medical_map(copy.deepcopy(GOOD)).columns == load_medical_map().columns


def test_rules_check_checks_the_map(tmp_path: Path):
    code, _, out = x("rules", "check")
    assert code == 0 and "一单结算列名对照" in out and "检查通过" in out
    bad = tmp_path / "medical.yaml"
    bad.write_text(
        default_medical_map_path().read_text(encoding="utf-8").replace("  cause: 病因", "  reason: 病因"),
        encoding="utf-8",
    )
    code, _, out = x("rules", "check", str(bad))
    assert code == 2
    assert "columns.cause: 缺少" in out and "columns.reason: 未知的键" in out
    code, _, out = x("medical", "import", str(tmp_path / "any.csv"), "--map", str(bad))
    assert code == 2 and "columns.cause" in out


def test_rules_check_tells_the_file_by_what_it_holds_not_by_its_name(tmp_path: Path):
    from xjma.io.materials_file import default_materials_path

    column_map = tmp_path / "我的对照.yaml"
    column_map.write_text(default_medical_map_path().read_text(encoding="utf-8"), encoding="utf-8")
    code, _, out = x("rules", "check", str(column_map))
    assert code == 0 and "一单结算列名对照" in out and "检查通过" in out
    materials = tmp_path / "cailiao.yaml"
    materials.write_text(default_materials_path().read_text(encoding="utf-8"), encoding="utf-8")
    code, _, out = x("rules", "check", str(materials))
    assert code == 0 and "检查通过" in out
