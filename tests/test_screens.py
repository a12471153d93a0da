"""The people's screens of member show, claim calc and enroll's refused rows at 80 columns."""

from rich.console import Console
from terminal80 import hidden_behind_ellipsis, too_wide

from xjma.commands.screens import claims_screen, member_screen, refused_rows

UNIT = "新疆维吾尔自治区乌鲁木齐市天山区人民路街道办事处社区卫生服务中心"
MEMBER = {
    "id_number": "650104199506020045",
    "name": "努尔比亚·阿不都西库尔",
    "enrollments": [
        {"plan": "inpatient-accident", "start": "2026-12-01", "end": "2027-11-30", "shares": 1,
         "renewed_shares": 0, "observation_end": "2026-12-31", "unit": UNIT},
        {"plan": "female-illness", "start": "2026-12-01", "end": "2027-11-30", "shares": 2,
         "renewed_shares": 2, "observation_end": None, "unit": UNIT},
    ],
    "claims": [{"plan": "inpatient-accident", "benefit": "inpatient", "event_date": "2027-03-10", "payout": "4228.00"}],
    "remaining": {"inpatient-accident": {"inpatient": "3772.00", "accident": "40000.00"},
                  "female-illness": {"in-situ": "2000.00", "malignant": "30000.00"}},
}  # fmt: skip
STEP = "基本统筹段（本地就医）：统筹段个人自付 2880元 × 60% = 1728元，最高不超过统筹基金支付 16320元 × 20% = 3264元，取 1728元"
CLAIMS = {
    "claims": [
        {"row": 13, "id_number": "650104199506020045", "plan": "critical-illness", "benefit": "severe",
         "event_date": "2027-01-15", "payout": "2000.00", "reasons": ["condolence"], "warnings": ["disease-unknown"],
         "steps": [STEP, "本次给付 2000元"]},
    ],
    "total": "2000.00",
}  # fmt: skip


def _render(renderable, width=80):
    console = Console(width=width, record=True, color_system=None)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def test_member_show_hides_nothing_at_80_columns():
    text = _render(member_screen(MEMBER, "650104********0045", 80))
    assert hidden_behind_ellipsis(text) == [] and too_wide(text) == []
    assert "新疆维吾尔" in text and "中心" in text  # the unit wraps in its column, start to end
    assert "40000.00" in text and "女职工特殊疾病" in text.replace("\n", "").replace(" ", "")


def test_refused_rows_name_the_problem_in_chinese_and_keep_the_instruction_whole():
    problems = [{"row": 11, "column": "身份证号码", "code": "id-checksum", "severity": "error",
                 "message": "身份证号码最后一位校验码不对（按前17位应为5），请对照身份证原件逐位核对后重新填写"}]  # fmt: skip
    text = _render(refused_rows(problems, 80))
    assert hidden_behind_ellipsis(text) == [] and "id-checksum" not in text
    assert "身份证号码校验码不对" in text.replace(" ", "").replace("│", "").replace("\n", "")


def test_claims_show_reasons_and_warnings_in_chinese_and_steps_whole():
    text = _render(
        claims_screen(CLAIMS, {13: "努尔比亚·阿不都西库尔"}, {"650104199506020045": "650104********0045"}, 80)
    )
    assert hidden_behind_ellipsis(text) == [] and too_wide(text) == []
    assert "disease-unknown" not in text and "condolence" not in text
    assert "16320元" in text and "给付合计：2000.00 元（1 笔）" in text
