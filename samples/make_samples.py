"""Write the sample rosters (deterministic): roster_clean.xlsx and roster_mistakes.xlsx.

    .venv/bin/python samples/make_samples.py

Both are meant for coverage start 2026-12-01 (`--start 2026-12-01`). The mistakes roster plants one
known problem per row; the expected (row, code) list is in samples/README.md and tests/test_validate_cli.py
checks that `xjma validate` reports exactly those.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = dt.date(2026, 12, 1)
HEADERS = [
    "序号",
    "工作单位",
    "所属地州市",
    "姓名",
    "性别",
    "民族",
    "年龄",
    "职业（工作岗位）",
    "身份证号码",
    "联系电话",
    "用工形式",
    "聘用期限（月）",
    "是否工会会员",
    "是否续保",
    "上期保障止期",
    "住院+意外（份）",
    "重大疾病（份）",
    "新就业形态意外（份）",
    "女职工特殊疾病（份）",
    "短期意外（份）",
    "短期意外档次（元/份）",
    "短期意外保障止期",
    "加购审批",
    "备注",
]
COL = {h: i for i, h in enumerate(HEADERS)}
REGIONS = ["650102", "650103", "650104", "650105", "650106", "652301", "652801", "653101", "654002", "652901"]
# (name, gender, ethnicity)
PEOPLE = [
    ("王建国", "男", "汉族"),
    ("李秀英", "女", "汉族"),
    ("努尔比亚·阿不都西库尔", "女", "维吾尔族"),
    ("张伟", "男", "汉族"),
    ("买买提·吐尔逊", "男", "维吾尔族"),
    ("刘芳", "女", "汉族"),
    ("叶尔兰·努尔兰", "男", "哈萨克族"),
    ("马文忠", "男", "回族"),
    ("阿依古丽·艾买提", "女", "维吾尔族"),
    ("陈静", "女", "汉族"),
    ("艾力·司马义", "男", "维吾尔族"),
    ("杨磊", "男", "汉族"),
    ("阿依达娜·别克", "女", "哈萨克族"),
    ("马秀兰", "女", "回族"),
    ("赵志强", "男", "汉族"),
    ("热依拉·库尔班", "女", "维吾尔族"),
    ("孙丽", "女", "汉族"),
    ("哈那提·加肯", "男", "哈萨克族"),
    ("周海燕", "女", "汉族"),
    ("吐尔逊·依明", "男", "维吾尔族"),
    ("吴桂英", "女", "汉族"),
    ("韩金花", "女", "回族"),
    ("迪丽努尔·阿布拉", "女", "维吾尔族"),
    ("徐刚", "男", "汉族"),
    ("古丽米拉·托合塔尔", "女", "哈萨克族"),
    ("胡建华", "男", "汉族"),
    ("阿不都拉·买买提", "男", "维吾尔族"),
    ("郭娟", "女", "汉族"),
    ("马海龙", "男", "回族"),
    ("林涛", "男", "汉族"),
    ("古丽娜尔·吐尔逊", "女", "维吾尔族"),
    ("何敏", "女", "汉族"),
    ("罗勇", "男", "汉族"),
    ("帕提古丽·司马义", "女", "维吾尔族"),
    ("高明", "男", "汉族"),
    ("丁玉梅", "女", "回族"),
    ("谢军", "男", "汉族"),
    ("别克·努尔兰", "男", "哈萨克族"),
    ("宋艳", "女", "汉族"),
    ("唐超", "男", "汉族"),
]
JOBS = ["施工员", "技术员", "会计", "教师", "司机", "安全员", "办公室文员", "电工", "库管员", "项目经理"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    """GB 11643-1999 check character (written out here so the samples do not depend on xjma)."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_number(region: str, birth: dt.date, seq: int, female: bool) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq * 2 + (0 if female else 1):03d}"
    return first17 + check_char(first17)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class Maker:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.seq = 0

    def person(self, i: int, **changes: object) -> dict[str, object]:
        """A clean employee row for person i (all plans chosen to be valid on 2026-12-01)."""
        name, gender, ethnicity = PEOPLE[i % len(PEOPLE)]
        female = gender == "女"
        birth = dt.date(
            START.year - self.rnd.randint(23, 57), self.rnd.randint(1, 12), self.rnd.randint(1, 28)
        )
        self.seq += 1
        row: dict[str, object] = {
            "姓名": name,
            "性别": gender,
            "民族": ethnicity,
            "年龄": age_on(birth, START),
            "职业（工作岗位）": self.rnd.choice(JOBS),
            "身份证号码": id_number(self.rnd.choice(REGIONS), birth, self.seq % 500, female),
            "联系电话": f"1{self.rnd.choice('3589')}{self.rnd.randint(0, 999999999):09d}",
            "用工形式": self.rnd.choice(["正式职工", "正式职工", "合同制职工"]),
            "是否续保": "否",
            "住院+意外（份）": 1,
            "重大疾病（份）": self.rnd.choice([0, 1, 2]),
            "女职工特殊疾病（份）": self.rnd.choice([1, 2]) if female else 0,
        }
        row.update(changes)
        return row


def clean_rows(m: Maker) -> list[dict[str, object]]:
    rows = [m.person(i) for i in range(34)]
    rows[3].update({"用工形式": "临时职工", "聘用期限（月）": 24})
    rows[5].update({"是否续保": "是", "上期保障止期": "2026-11-30", "重大疾病（份）": 4})
    for i in (1, 7, 12, 20):
        rows[i].update({"短期意外（份）": 2, "短期意外档次（元/份）": "10", "短期意外保障止期": "2027-05-31"})
    rows[9].update(
        {
            "短期意外（份）": 4,
            "短期意外档次（元/份）": "15",
            "短期意外保障止期": "2027-02-28",
            "加购审批": "是",
        }
    )
    rows[15].update({"短期意外（份）": 1, "短期意外档次（元/份）": "5", "短期意外保障止期": "2026-12-31"})
    for i in range(34, 40):  # delivery riders: gig workers, union members, plan 3 only
        rows.append(
            m.person(
                i,
                **{
                    "用工形式": "新就业形态劳动者",
                    "职业（工作岗位）": "外卖骑手",
                    "是否工会会员": "是",
                    "住院+意外（份）": 0,
                    "重大疾病（份）": 0,
                    "女职工特殊疾病（份）": 0,
                    "新就业形态意外（份）": 1 + i % 2,
                },
            )
        )
    for i in range(26, 40):
        rows[i]["工作单位"] = "乌鲁木齐市第一中学" if i < 34 else "新疆某某即时配送服务有限公司"
    return rows


def mistake_rows(m: Maker) -> tuple[list[dict[str, object]], list[tuple[int, str]]]:
    """Clean rows with one planted problem each; returns the rows and the (Excel row, code) pairs."""
    first = 6  # the header is on row 5
    p = m.person
    male = next(i for i, x in enumerate(PEOPLE) if x[1] == "男")
    plants: list[tuple[str, dict[str, object]]] = [
        ("", {}),
        ("id-missing", {"身份证号码": ""}),
        ("id-format", {"身份证号码": "65010219800304101"}),
        ("id-legacy", {"身份证号码": "650102800304101"}),
        ("id-as-number", {"身份证号码": 650102198003041015}),
        ("id-checksum", {"身份证号码": "650102198003041016"}),
        (
            "id-birth-date",
            {
                "身份证号码": id_number("650102", dt.date(1980, 1, 1), 7, False).replace(
                    "19800101", "19801332"
                )
            },
        ),
        ("name-missing", {"姓名": ""}),
        ("phone-missing", {"联系电话": ""}),
        ("phone-invalid", {"联系电话": "1234567"}),
        ("unit-missing", {"工作单位": ""}),
        ("prefecture-unknown", {"所属地州市": "火星市"}),
        ("employment-missing", {"用工形式": ""}),
        ("employment-invalid", {"用工形式": "退休返聘"}),
        ("temp-term-short", {"用工形式": "临时职工", "聘用期限（月）": 12}),
        ("shares-invalid", {"住院+意外（份）": "一份", "重大疾病（份）": 0}),
        ("shares-over-max", {"重大疾病（份）": 5}),
        ("requires-plan", {"住院+意外（份）": 0, "重大疾病（份）": 2}),
        ("gig-only", {"新就业形态意外（份）": 1}),
        (
            "tier-invalid",
            {"短期意外（份）": 1, "短期意外档次（元/份）": "20", "短期意外保障止期": "2027-05-31"},
        ),
        (
            "end-date-invalid",
            {"短期意外（份）": 1, "短期意外档次（元/份）": "10", "短期意外保障止期": "2026-11-30"},
        ),
        ("no-plan", {"住院+意外（份）": 0, "重大疾病（份）": 0, "女职工特殊疾病（份）": 0}),
        ("age-mismatch", {"年龄": 18}),
        ("renewal-unverified", {"是否续保": "是"}),
        ("", {}),
    ]
    rows: list[dict[str, object]] = []
    expected: list[tuple[int, str]] = []
    for n, (code, changes) in enumerate(plants):
        rows.append(p(n, **changes))
        if code:
            expected.append((first + n, code))
    specials = _special_rows(m, male)
    for code, row in specials:
        rows.append(row)
        expected.append((first + len(rows) - 1, code))
    dup = rows[0]["身份证号码"]
    rows.append(p(3, **{"身份证号码": dup, "年龄": rows[0]["年龄"]}))
    expected += [(first, "id-duplicate"), (first + len(rows) - 1, "id-duplicate")]
    return rows, sorted(expected)


def _special_rows(m: Maker, male: int) -> list[tuple[str, dict[str, object]]]:
    """Rows whose person must differ from the clean default (gender, age, employment)."""
    p = m.person
    woman = next(i for i, x in enumerate(PEOPLE) if x[1] == "女")
    man_id = id_number("650103", dt.date(1985, 6, 15), 41, False)
    young = dt.date(2011, 6, 1)
    retired = dt.date(1966, 3, 15)  # statutory date 2026-07-15: past it on 2026-12-01, still 60
    gig = {
        "用工形式": "新就业形态劳动者",
        "住院+意外（份）": 0,
        "重大疾病（份）": 0,
        "女职工特殊疾病（份）": 0,
        "新就业形态意外（份）": 1,
        "是否工会会员": "是",
    }
    return [
        (
            "gender-mismatch",
            p(
                woman,
                **{
                    "身份证号码": man_id,
                    "年龄": age_on(dt.date(1985, 6, 15), START),
                    "女职工特殊疾病（份）": 0,
                },
            ),
        ),
        ("female-only", p(male, **{"女职工特殊疾病（份）": 1})),
        ("age-out-of-range", p(male, **{"身份证号码": id_number("650104", young, 42, False), "年龄": 15})),
        ("likely-retired", p(male, **{"身份证号码": id_number("650105", retired, 43, False), "年龄": 60})),
        ("employees-only", p(male, **{**gig, "住院+意外（份）": 1, "新就业形态意外（份）": 0})),
        ("union-member-required", p(male, **{**gig, "是否工会会员": "否"})),
        (
            "id-region-unknown",
            p(
                male,
                **{
                    "身份证号码": id_number("990101", dt.date(1988, 8, 8), 44, False),
                    "年龄": age_on(dt.date(1988, 8, 8), START),
                },
            ),
        ),
    ]


def write_roster(path: Path, rows: list[dict[str, object]], preamble: list[str]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    book.set_properties({"created": dt.datetime(2026, 11, 20, 9, 0, 0), "author": "xjma samples"})
    sheet = book.add_worksheet("参保人员名册")
    head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    sheet.write_string(
        0, 0, "2027年度职工互助保障活动参保人员名册", book.add_format({"bold": True, "font_size": 14})
    )
    for i, line in enumerate(preamble, start=1):
        sheet.write_string(i, 0, line)
    sheet.write_row(4, 0, HEADERS, head)
    for r, row in enumerate(rows, start=5):
        sheet.write_number(r, 0, r - 4)
        for key, value in row.items():
            if isinstance(value, int):
                sheet.write_number(r, COL[key], value)
            elif value:
                sheet.write_string(r, COL[key], str(value))
    sheet.set_column(0, len(HEADERS), 12)
    sheet.set_column(COL["身份证号码"], COL["身份证号码"], 21)
    book.close()


def main() -> list[tuple[int, str]]:
    write_roster(
        HERE / "roster_clean.xlsx",
        clean_rows(Maker(20261201)),
        ["单位名称：新疆天山建设集团有限公司", "所属地州市：乌鲁木齐市", "填报日期：2026年11月20日"],
    )
    maker = Maker(20261202)
    rows, expected = mistake_rows(maker)
    for row in rows:
        row.setdefault("工作单位", "新疆某某建设集团有限公司")
    write_roster(
        HERE / "roster_mistakes.xlsx",
        rows,
        ["所属地州市：巴州", "填报人：王建国", "填报日期：2026年11月20日"],
    )
    return expected


if __name__ == "__main__":
    for row, code in main():
        print(f"| {row} | {code} |")
