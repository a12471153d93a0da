"""Write samples/claims_cases.xlsx: four claims of the demo roster as a unit hands them in for review
(office.md §5) — the 理赔明细 columns plus 已交材料 and the payee (收款人, 与会员关系, 开户行, 收款账号).

    .venv/bin/python samples/make_claims_cases.py
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent
HEADERS = [
    "身份证号码", "姓名", "险种", "给付项目", "出险日期", "保障起始日", "份数", "是否续保", "伤残等级",
    "是否身故", "事故编号", "统筹段个人自付", "统筹基金支付", "大额段个人自付", "病因", "意外类型",
    "疾病名称", "除外原因", "已交材料", "收款人", "与会员关系", "开户行", "收款账号", "备注",
]  # fmt: skip
ROWS = [
    {"身份证号码": "650105199404050039", "姓名": "王建国", "险种": "住院+意外", "给付项目": "住院",
     "出险日期": "2027-03-10", "保障起始日": "2026-12-01", "份数": 1, "是否续保": "否",
     "统筹段个人自付": "2880", "统筹基金支付": "16320", "大额段个人自付": "5000", "病因": "疾病",
     "已交材料": "身份证明、医保结算单、出院记录、收款账户", "开户行": "中国工商银行乌鲁木齐天山支行",
     "收款账号": "6222020200112233445", "备注": "本地住院，材料齐全"},
    {"身份证号码": "650106200212240091", "姓名": "张伟", "险种": "住院+意外", "给付项目": "意外",
     "出险日期": "2027-05-20", "保障起始日": "2026-12-01", "份数": 1, "是否续保": "否", "是否身故": "是",
     "意外类型": "工作", "已交材料": "身份证明、事故证明、死亡证明及户口注销证明、收款账户",
     "收款人": "张国强", "与会员关系": "父子", "开户行": "中国农业银行乌鲁木齐分行",
     "收款账号": "6228480010998877665", "备注": "工作意外身故，由父亲领取"},
    {"身份证号码": "650104199506020045", "姓名": "李秀英", "险种": "重大疾病", "给付项目": "轻度",
     "出险日期": "2027-03-01", "保障起始日": "2026-12-01", "份数": 2, "是否续保": "否",
     "疾病名称": "恶性肿瘤——轻度", "已交材料": "身份证明、收款账户", "开户行": "中国建设银行乌鲁木齐分行",
     "收款账号": "6217000010203040506", "备注": "缺诊断证明：退回补件"},
    {"身份证号码": "652901198805040232", "姓名": "艾力·司马义", "险种": "住院+意外", "给付项目": "住院",
     "出险日期": "2027-02-15", "保障起始日": "2026-12-01", "份数": 1, "是否续保": "否",
     "统筹段个人自付": "2880", "统筹基金支付": "16320", "病因": "意外",
     "已交材料": "身份证明、医保结算单、出院记录、收款账户", "开户行": "新疆农村信用社",
     "收款账号": "6231390000111222333", "备注": "交通事故，应由第三人负担：拒付"},
]  # fmt: skip


def main() -> None:
    path = HERE / "claims_cases.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("理赔明细")
    sheet.write_string(0, 0, "2027年度职工互助保障理赔申请（示例：逐级审核）")
    sheet.write_row(1, 0, HEADERS, book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1}))
    for r, row in enumerate(ROWS, start=2):
        for key, value in row.items():
            if isinstance(value, int):
                sheet.write_number(r, HEADERS.index(key), value)
            else:
                sheet.write_string(r, HEADERS.index(key), value)
    sheet.set_column(0, len(HEADERS), 12)
    book.close()
    print(path)


if __name__ == "__main__":
    main()
