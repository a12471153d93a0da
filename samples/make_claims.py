"""Write samples/claims.xlsx (deterministic): claims of members of samples/roster_clean.xlsx, covering
every plan and benefit, for coverage start 2026-12-01.

    .venv/bin/python samples/make_claims.py

Members are picked from roster_clean.xlsx by what they hold, so the file matches the demo ledger
(`xjma enroll samples/roster_clean.xlsx --start 2026-12-01`). The 保障起始日/保障止期/份数/是否续保 columns
repeat the roster, so the file also works without a ledger.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = "2026-12-01"
HEADERS = [
    "身份证号码",
    "姓名",
    "险种",
    "给付项目",
    "出险日期",
    "事故发生日期",
    "保障起始日",
    "保障止期",
    "份数",
    "是否续保",
    "伤残等级",
    "是否身故",
    "医疗费用",
    "就诊类型",
    "事故编号",
    "统筹段个人自付",
    "统筹基金支付",
    "大额段个人自付",
    "是否异地",
    "病因",
    "意外类型",
    "疾病名称",
    "除外原因",
    "备注",
]
PLAN_COLUMNS = {
    "住院+意外": "住院+意外（份）",
    "重大疾病": "重大疾病（份）",
    "新就业形态意外": "新就业形态意外（份）",
    "女职工特殊疾病": "女职工特殊疾病（份）",
    "短期意外": "短期意外（份）",
}


def read_roster() -> list[dict[str, object]]:
    import openpyxl

    sheet = openpyxl.load_workbook(HERE / "roster_clean.xlsx", read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if "身份证号码" in r)
    return [dict(zip(rows[at], r, strict=False)) for r in rows[at + 1 :] if any(r)]


def holders(
    roster: list[dict[str, object]],
    plan: str,
    renewal: bool = False,
    gender: str | None = None,
    shares: int | None = None,
) -> list[dict[str, object]]:
    out = []
    for m in roster:
        held = int(m.get(PLAN_COLUMNS[plan]) or 0)
        if (
            held
            and (m.get("是否续保") == "是") == renewal
            and gender in (None, m.get("性别"))
            and shares in (None, held)
        ):
            out.append(m)
    return out


def claim(
    m: dict[str, object], plan: str, benefit: str, event: str, note: str, **cells: object
) -> dict[str, object]:
    row: dict[str, object] = {
        "身份证号码": m["身份证号码"],
        "姓名": m["姓名"],
        "险种": plan,
        "给付项目": benefit,
        "出险日期": event,
        "保障起始日": START,
        "份数": int(m[PLAN_COLUMNS[plan]] or 0),
        "是否续保": m.get("是否续保") or "否",
        "备注": note,
    }
    if plan == "短期意外":
        row["保障止期"] = m["短期意外保障止期"]
    row.update(cells)
    return row


def claims(roster: list[dict[str, object]]) -> list[dict[str, object]]:
    only1 = [m for m in holders(roster, "住院+意外") if not int(m.get("重大疾病（份）") or 0)]
    a, b, c = only1[:3]
    ci = holders(roster, "重大疾病", shares=2)
    renewed = holders(roster, "重大疾病", renewal=True)[0]
    fi1, fi2 = (
        holders(roster, "女职工特殊疾病", gender="女", shares=1)[0],
        holders(roster, "女职工特殊疾病", shares=2)[-1],
    )
    gig1, gig2 = holders(roster, "新就业形态意外", shares=1)[0], holders(roster, "新就业形态意外", shares=2)
    tier15 = next(m for m in roster if str(m.get("短期意外档次（元/份）")) == "15")
    short_end = next(m for m in holders(roster, "短期意外") if str(m.get("短期意外保障止期")) < "2027-01-01")
    money = {"统筹段个人自付": "2880", "统筹基金支付": "16320"}
    return [
        claim(a, "住院+意外", "住院", "2026-12-21", "疾病住院，观察期内", 病因="疾病", **money),
        claim(
            a,
            "住院+意外",
            "住院",
            "2027-03-10",
            "手册示例：本地住院",
            病因="疾病",
            大额段个人自付="5000",
            **money,
        ),
        claim(
            a,
            "住院+意外",
            "住院",
            "2027-06-01",
            "异地住院，基本段受统筹基金20%限制，大额段累计",
            病因="疾病",
            是否异地="是",
            统筹段个人自付="7680",
            统筹基金支付="11520",
            大额段个人自付="12000",
        ),
        claim(
            a,
            "住院+意外",
            "意外",
            "2027-04-01",
            "生活意外八级伤残",
            意外类型="生活",
            伤残等级=8,
            事故编号="A-2027-01",
        ),
        claim(
            a,
            "住院+意外",
            "意外",
            "2027-08-01",
            "同一事故改评五级，只补差额",
            意外类型="生活",
            伤残等级=5,
            事故编号="A-2027-01",
        ),
        claim(b, "住院+意外", "意外", "2027-05-20", "工作意外身故", 意外类型="工作", 是否身故="是"),
        claim(
            c,
            "住院+意外",
            "住院",
            "2027-02-15",
            "交通事故，应由第三人负担",
            病因="意外",
            除外原因="应当由第三人负担",
            **money,
        ),
        claim(ci[0], "重大疾病", "轻度", "2027-03-01", "轻度疾病互助金", 疾病名称="恶性肿瘤——轻度"),
        claim(
            ci[0],
            "重大疾病",
            "重度",
            "2027-09-01",
            "轻度后再患重度：每份累计最高10000元",
            疾病名称="恶性肿瘤——重度",
        ),
        claim(renewed, "重大疾病", "重度", "2026-12-21", "续保份额无观察期", 疾病名称="较重急性心肌梗死"),
        claim(
            ci[1], "重大疾病", "重度", "2027-01-15", "第31–60天：慰问金；疾病名称不在目录中", 疾病名称="肝癌"
        ),
        claim(ci[2], "重大疾病", "猝死", "2027-07-07", "急性疾病猝死"),
        claim(fi1, "女职工特殊疾病", "原位癌", "2027-03-01", "原位癌", 疾病名称="宫颈原位癌"),
        claim(fi2, "女职工特殊疾病", "恶性肿瘤", "2027-01-10", "第31–60天：慰问金", 疾病名称="乳腺癌"),
        claim(
            gig2[0],
            "新就业形态意外",
            "意外医疗",
            "2027-02-01",
            "门诊，未超过免赔额",
            医疗费用="60",
            就诊类型="门诊",
            事故编号="G-1",
        ),
        claim(
            gig2[0],
            "新就业形态意外",
            "意外医疗",
            "2027-02-03",
            "同一事故门诊累计，免赔额只扣一次",
            医疗费用="170",
            就诊类型="门诊",
            事故编号="G-1",
        ),
        claim(
            gig2[0],
            "新就业形态意外",
            "意外医疗",
            "2027-02-10",
            "同一事故首次住院",
            医疗费用="2000",
            就诊类型="住院",
            事故编号="G-1",
        ),
        claim(
            gig2[0],
            "新就业形态意外",
            "意外医疗",
            "2027-03-10",
            "同一事故第二次住院",
            医疗费用="1500",
            就诊类型="住院",
            事故编号="G-1",
        ),
        claim(
            gig2[0],
            "新就业形态意外",
            "伤残",
            "2027-08-10",
            "同一事故九级伤残",
            伤残等级=9,
            事故编号="G-1",
            事故发生日期="2027-02-01",
        ),
        claim(gig1, "新就业形态意外", "猝死", "2027-04-04", "急性疾病猝死"),
        claim(gig2[1], "新就业形态意外", "伤残", "2027-05-05", "意外身故按一级伤残", 是否身故="是"),
        claim(gig2[1], "新就业形态意外", "猝死", "2027-05-06", "已给付意外身故，猝死不再给付"),
        claim(
            tier15,
            "短期意外",
            "意外医疗",
            "2027-01-20",
            "门诊扣除100元免赔额",
            医疗费用="350",
            就诊类型="门诊",
        ),
        claim(tier15, "短期意外", "伤残", "2027-02-20", "十级伤残", 伤残等级=10),
        claim(short_end, "短期意外", "伤残", "2027-01-05", "事故在保障止期之后", 伤残等级=10),
    ]


def write(path: Path, rows: list[dict[str, object]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    book.set_properties({"created": dt.datetime(2027, 9, 30, 9, 0, 0), "author": "xjma samples"})
    sheet = book.add_worksheet("理赔明细")
    sheet.write_string(
        0, 0, "2027年度职工互助保障理赔明细（示例）", book.add_format({"bold": True, "font_size": 14})
    )
    sheet.write_row(1, 0, HEADERS, book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1}))
    for r, row in enumerate(rows, start=2):
        for key, value in row.items():
            if isinstance(value, int):
                sheet.write_number(r, HEADERS.index(key), value)
            elif value:
                sheet.write_string(r, HEADERS.index(key), str(value))
    sheet.set_column(0, len(HEADERS), 11)
    sheet.set_column(0, 0, 21)
    sheet.set_column(len(HEADERS) - 1, len(HEADERS) - 1, 40)
    book.close()


if __name__ == "__main__":
    write(HERE / "claims.xlsx", claims(read_roster()))
