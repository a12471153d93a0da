"""Seeded synthetic rosters in the canonical layout, with planted mistakes whose rows and codes are known.

Used by `make bench` and by the reliability tests (a 20,000-row roster to kill mid-enroll). Start date of
the generated rosters: 2026-12-01 (ages and plan 5 end dates are chosen against it).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

START = dt.date(2026, 12, 1)
HEADERS = [
    "序号",
    "工作单位",
    "所属地州市",
    "姓名",
    "性别",
    "民族",
    "职业（工作岗位）",
    "身份证号码",
    "联系电话",
    "用工形式",
    "聘用期限（月）",
    "是否工会会员",
    "是否续保",
    "住院+意外（份）",
    "重大疾病（份）",
    "新就业形态意外（份）",
    "女职工特殊疾病（份）",
    "短期意外（份）",
    "短期意外档次（元/份）",
    "短期意外保障止期",
]
REGIONS = [
    "650102",
    "650103",
    "650104",
    "650105",
    "650106",
    "650109",
    "650202",
    "652101",
    "652301",
    "652801",
    "652901",
    "653101",
    "653201",
    "654002",
    "654202",
    "654301",
    "650502",
    "652201",
    "652701",
    "653001",
]
PREFECTURES = [
    "乌鲁木齐市",
    "克拉玛依市",
    "吐鲁番市",
    "哈密市",
    "昌吉州",
    "博州",
    "巴州",
    "阿克苏地区",
    "克州",
    "喀什地区",
    "和田地区",
    "伊犁州",
    "塔城地区",
    "阿勒泰地区",
    "区直",
]
UNIT_KINDS = [
    "建设集团有限公司",
    "第一中学",
    "人民医院",
    "供电公司",
    "市政工程有限公司",
    "物流有限公司",
    "纺织有限公司",
    "石油化工有限公司",
    "农业发展有限公司",
    "职业技术学院",
]
HAN_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯"
HAN_GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "海燕",
    "志强",
]
UYGHUR_GIVEN = [
    "努尔比亚",
    "阿依古丽",
    "艾力",
    "买买提",
    "热依拉",
    "古丽娜尔",
    "阿不都拉",
    "迪丽努尔",
    "吐尔逊",
    "帕提古丽",
]
UYGHUR_FAMILY = ["阿不都西库尔", "买买提", "吐尔逊", "艾买提", "阿布拉", "依明", "司马义", "库尔班"]
KAZAKH = ["叶尔兰·努尔兰", "阿依达娜·别克", "哈那提·加肯", "古丽米拉·托合塔尔"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def check_char(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


@dataclass
class Roster:
    path: Path
    rows: int
    planted: set[tuple[int, str]] = field(default_factory=set)  # (Excel row, error code)


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.used: set[str] = set()

    def id_number(self, birth: dt.date, female: bool) -> str:
        """A unique, valid ID of a Xinjiang region; digit 17 odd for men, even for women."""
        while True:
            region = self.rnd.choice(REGIONS)
            seq = self.rnd.randrange(500) * 2 + (0 if female else 1)
            first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
            if first17 not in self.used:
                self.used.add(first17)
                return first17 + check_char(first17)

    def birth(self, low: int = 20, high: int = 58) -> dt.date:
        age = self.rnd.randint(low, high)
        return dt.date(START.year - age - 1, self.rnd.randint(1, 12), self.rnd.randint(1, 28))

    def name(self) -> str:
        r = self.rnd.random()
        if r < 0.55:
            return self.rnd.choice(HAN_SURNAMES) + self.rnd.choice(HAN_GIVEN)
        if r < 0.9:
            return f"{self.rnd.choice(UYGHUR_GIVEN)}·{self.rnd.choice(UYGHUR_FAMILY)}"
        return self.rnd.choice(KAZAKH)

    def row(self, seq: int, unit: str, prefecture: str) -> list[object]:
        female = self.rnd.random() < 0.45
        gig = self.rnd.random() < 0.06
        birth = self.birth()
        cells: list[object] = [
            seq,
            unit,
            prefecture,
            self.name(),
            "女" if female else "男",
            self.rnd.choice(["汉族", "维吾尔族", "哈萨克族", "回族"]),
            "职员",
            self.id_number(birth, female),
            f"1{self.rnd.choice('3589')}{self.rnd.randint(0, 999999999):09d}",
        ]
        if gig:
            return cells + ["新就业形态劳动者", "", "是", "否", 0, 0, self.rnd.choice([1, 2]), 0, 0, "", ""]
        kind = self.rnd.choice(["正式职工", "正式职工", "合同制职工", "临时职工"])
        term = 24 if kind == "临时职工" else ""
        critical = self.rnd.choice([0, 0, 1, 2, 4])
        fem = self.rnd.choice([0, 1, 2]) if female else 0
        short = self.rnd.random() < 0.15
        return cells + [
            kind,
            term,
            "",
            "否",
            1,
            critical,
            0,
            fem,
            1 if short else 0,
            self.rnd.choice(["5", "10", "15"]) if short else "",
            "2027-05-31" if short else "",
        ]

    def plant(self, cells: list[object], which: int) -> str:
        """Change one clean row into one with exactly one error; returns its code."""
        if which == 0:
            number = str(cells[7])
            cells[7] = number[:17] + ("0" if number[17] != "0" else "1")
            return "id-checksum"
        if which == 1:
            cells[8] = "1234567"
            return "phone-invalid"
        if which == 2:
            cells[9] = "退休返聘"
            return "employment-invalid"
        if which == 3 and cells[9] != "新就业形态劳动者":
            cells[14] = 5
            return "shares-over-max"
        if which == 4:
            cells[3] = ""
            return "name-missing"
        cells[7] = ""
        return "id-missing"


def make_roster(path: Path, rows: int, seed: int = 20261201, mistake_rate: float = 0.02) -> Roster:
    """Write a roster of `rows` data rows (xlsxwriter, constant memory) and return the planted mistakes."""
    import xlsxwriter

    maker = _Maker(seed)
    roster = Roster(path=path, rows=rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("参保人员名册")
    sheet.write_string(0, 0, "2027年度职工互助保障活动参保人员名册")
    sheet.write_row(1, 0, HEADERS)
    units = [(f"{p}{maker.rnd.choice(UNIT_KINDS)}{i}", p) for i, p in enumerate(PREFECTURES * 40)]
    for i in range(rows):
        unit, prefecture = units[(i // 250) % len(units)]
        cells = maker.row(i + 1, unit, prefecture)
        excel_row = i + 3
        if maker.rnd.random() < mistake_rate:
            roster.planted.add((excel_row, maker.plant(cells, maker.rnd.randint(0, 5))))
        for col, value in enumerate(cells):
            if isinstance(value, int):
                sheet.write_number(i + 2, col, value)
            elif value != "":
                sheet.write_string(i + 2, col, str(value))
    book.close()
    return roster


def make_heavy_roster(path: Path, rows: int, seed: int = 20261202) -> None:
    """A unit's first attempt with a whole column wrong: every ID has a region code no table knows (a
    warning on every row), and a tenth of the rows has one planted error too."""
    import xlsxwriter

    maker = _Maker(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("参保人员名册")
    sheet.write_string(0, 0, "2027年度职工互助保障活动参保人员名册")
    sheet.write_row(1, 0, HEADERS)
    units = [(f"{p}{maker.rnd.choice(UNIT_KINDS)}{i}", p) for i, p in enumerate(PREFECTURES * 40)]
    for i in range(rows):
        unit, prefecture = units[(i // 250) % len(units)]
        cells = maker.row(i + 1, unit, prefecture)
        first17 = "659999" + str(cells[7])[6:17]
        cells[7] = first17 + check_char(first17)
        if i % 10 == 0:
            maker.plant(cells, maker.rnd.randint(1, 4))
        for col, value in enumerate(cells):
            if isinstance(value, int):
                sheet.write_number(i + 2, col, value)
            elif value != "":
                sheet.write_string(i + 2, col, str(value))
    book.close()
