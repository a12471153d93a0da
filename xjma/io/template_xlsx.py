"""Blank roster and claims workbooks (`xjma template roster|claims`, cli.md).

Canonical headers in ROSTER_FIELDS / CLAIMS_FIELDS order; the ID and phone columns are formatted as text
(so Excel never turns an ID into 6.50102E+17); drop-down lists for the closed vocabularies; a 填表说明
sheet and a sheet of the plans and fees in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xjma.core.columns import CLAIMS_FIELDS, ROSTER_FIELDS, FieldDef
from xjma.core.normalize import EMPLOYMENT_KINDS
from xjma.core.prefectures import Prefectures
from xjma.core.rules import Plan, Rules, Version
from xjma.core.vocab import BENEFIT_NAMES
from xjma.io.prefectures import load_prefectures
from xjma.io.sheet_layout import Heading, Styles
from xjma.io.template_layout import form_layout, write_notes, write_plans
from xjma.io.xlsx_util import TextCells, atomic_target, write_text

DATA_ROWS = 2000  # rows that carry the drop-down lists and formats
YES_NO = ("是", "否")
TEXT_FIELDS = ("id_number", "phone", "short_tier", "seq")
DATE_FIELDS = ("prev_end", "short_end", "retire_date", "event_date", "accident_date", "start", "end")
CLAIMS_NOTES = (
    "1. 每行一项给付申请；身份证号码列为“文本”格式，请填写18位号码。",
    "2. 险种可填代码或中文名称（{plans}）。",
    "3. 出险日期：确诊日期（重大疾病、女职工特殊疾病）、入院日期（住院）、就诊日期（门诊）、身故或伤残评定日期。",
    "4. 同一次事故的多项申请请填写相同的“事故编号”（共用一次免赔额）；留空表示独立的一次事故。",
    "5. 台账中没有该会员参保记录时，须填写保障起始日、份数（短期意外还须填写保障止期）。",
    "6. 除外原因：不属于除外责任的留空；属于的，从下拉列表中选择。",
)


def roster_notes(rules: Rules, version: Version) -> tuple[str, ...]:
    """The 填表说明 of the roster template, with every number and plan name taken from the rules."""
    c, plans = rules.common, version.plans

    def names(pick: Callable[[Plan], bool]) -> str:
        return "、".join(p.short_name for p in plans.values() if pick(p))

    delayed = names(lambda p: p.eligibility.delayed_retirement)
    age = f"须在{c.age_min}至{c.age_max}周岁之间" + (
        f"（{delayed}按国家政策延迟退休的，以实际退休年龄为准）" if delayed else ""
    )
    kinds = "、".join(
        f"{k}（聘用期限须超过{c.temp_min_term_months}个月）" if k == "临时职工" else k
        for k in c.employee_types
    )
    rules_of_plans = [
        f"参加{p.short_name}的，须同时参加{rules.plan_label(p.eligibility.requires, version.effective)}"
        for p in plans.values()
        if p.eligibility.requires
    ]
    rules_of_plans += [f"{p.short_name}只限女职工" for p in plans.values() if p.eligibility.female_only]
    gig_plans = names(lambda p: p.eligibility.who == "gig-union-member")
    if gig_plans:
        rules_of_plans.append(f"{c.gig_type}只能参加{gig_plans}")
    notes = [
        "本表由基层工会统一填写，互助保障只接受单位工会统一组织参加，不接受个人参加。",
        "第2、3行填写单位名称和所属地州市，对全表各行有效；某一行的“工作单位”“所属地州市”另有填写时以该行为准。",
        "身份证号码请填写18位号码，列已设为“文本”格式，请勿改为数字格式（数字格式会损坏号码的后几位）。",
        f"性别、年龄须与身份证号码一致；年龄按保障起始日计算周岁，{age}。",
        f"用工形式填写：{kinds}或{c.gig_type}（须为工会会员）。",
        "各险种填写参加份数，不参加的留空或填0；最多份数见“险种及会费”工作表。",
    ]
    if rules_of_plans:
        notes.append("；".join(rules_of_plans) + "。")
    for p in plans.values():
        if p.tiers:
            tiers = "、".join(t.tier for t in p.tiers)
            text = f"参加{p.short_name}的，须填写档次（{tiers}元/份）和保障止期"
            for t in p.tiers:
                if t.max_shares_with_approval:
                    text += f"；{t.tier}元档经审批最多可参加{t.max_shares_with_approval}份，须在“加购审批”列填“是”"
            notes.append(text + "。")
    notes.append("续保的，请在“是否续保”列填“是”，并填写上期保障止期；续保无观察期。")
    notes.append("填好后可先用 xjma validate 检查，按检查结果修改后再提交。")
    return tuple(f"{n}. {text}" for n, text in enumerate(notes, 1))


def write_roster_template(
    target: Path,
    rules: Rules,
    version: Version,
    prefectures: Prefectures,
    plans_doc: dict[str, Any],
    rows: Sequence[tuple[dict[str, object], Sequence[str]]] = (),
) -> None:
    """The roster template: header in row 4, 单位名称 / 所属地州市 lines above it; `rows` (field -> value,
    notes) pre-fill it (a renewal roster): a row with notes gets them in 备注 and a yellow fill."""
    lists = _roster_lists(rules, version, prefectures)
    _write(
        target,
        "参保人员名册",
        ROSTER_FIELDS,
        lists,
        roster_notes(rules, version),
        plans_doc,
        title="职工互助保障活动参保人员名册",
        preamble=("单位名称：", "所属地州市："),
        rows=rows,
    )


def write_claims_template(target: Path, rules: Rules, plans_doc: dict[str, Any]) -> None:
    labels: list[str] = []
    for group in rules.common.exclusions.values():
        labels += [e.label for e in group if e.label not in labels]
    lists = {
        "plan": list(dict.fromkeys(p.short_name for v in reversed(rules.versions) for p in v.plans.values())),
        "benefit": list(BENEFIT_NAMES.values()),
        "renewal": list(YES_NO),
        "death": list(YES_NO),
        "remote": list(YES_NO),
        "care": ["门诊", "住院"],
        "accident_kind": ["生活", "工作"],
        "cause": ["疾病", "意外"],
        "exclusion": labels,
        "grade": [str(g) for g in range(1, 11)],
    }
    notes = tuple(note.format(plans="、".join(lists["plan"])) for note in CLAIMS_NOTES)
    _write(target, "理赔明细", CLAIMS_FIELDS, lists, notes, plans_doc, title="", preamble=())


def _roster_lists(rules: Rules, version: Version, prefectures: Prefectures) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {
        "gender": ["男", "女"],
        "employment": list(EMPLOYMENT_KINDS),
        "union_member": list(YES_NO),
        "renewal": list(YES_NO),
        "approval": list(YES_NO),
        "prefecture": [p.short for p in prefectures.items],
    }
    for code, plan in version.plans.items():
        most = max([plan.max_shares] + [t.max_shares_with_approval or t.max_shares for t in plan.tiers])
        lists[f"shares:{code}"] = [str(n) for n in range(most + 1)]
        if plan.tiers:
            lists["short_tier"] = [t.tier for t in plan.tiers]
    return lists


def _write(
    target: Path,
    name: str,
    fields: Sequence[FieldDef],
    lists: dict[str, list[str]],
    notes: Sequence[str],
    plans_doc: dict[str, Any],
    *,
    title: str,
    preamble: Sequence[str],
    rows: Sequence[tuple[dict[str, object], Sequence[str]]] = (),
) -> None:
    import xlsxwriter

    with atomic_target(target) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        sheet = book.add_worksheet(name)
        notes_sheet, plans_sheet = book.add_worksheet("填表说明"), book.add_worksheet("险种及会费")
        options = book.add_worksheet("选项")
        texts = TextCells(book)
        head = book.add_format(
            {
                "bold": True,
                "bg_color": "#D9E1F2",
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        text = book.add_format({"num_format": "@"})
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        top = 0
        if title:
            sheet.merge_range(0, 0, 0, 8, title, book.add_format({"bold": True, "font_size": 16}))
            top = 1
        for i, line in enumerate(preamble):
            write_text(sheet, top + i, 0, line, book.add_format({"bold": True}))
        header_row = top + len(preamble) + (1 if preamble else 0)
        first, last = header_row + 1, header_row + DATA_ROWS
        for col, f in enumerate(fields):
            write_text(sheet, header_row, col, f.header, head)
            fmt = text if f.name in TEXT_FIELDS else date if f.name in DATE_FIELDS else None
            sheet.set_column(col, col, 20 if f.name in ("id_number", "unit") else 12, fmt)
        for n, fld in enumerate(lists):
            _list(sheet, options, n, fld, lists, fields, (first, last), texts)
        if "prefecture" in lists and preamble:
            sheet.data_validation(
                top + 1, 1, top + 1, 1, {"validate": "list", "source": _ref(lists, "prefecture")}
            )
        _fill(book, sheet, fields, header_row + 1, rows)
        sheet.set_row(header_row, 32)
        width = sum(20 if f.name in ("id_number", "unit") else 12 for f in fields)
        form_layout(sheet, title or name, header_row, width)
        options.hide()
        styles, made_on = Styles(book), dt.date.fromisoformat(plans_doc["on"])
        issuer = load_prefectures().office.name
        write_notes(notes_sheet, styles, Heading("填表说明", issuer, made_on), notes)
        write_plans(plans_sheet, styles, plans_doc, issuer, made_on)
        book.close()


def _fill(
    book: Any,
    sheet: Any,
    fields: Sequence[FieldDef],
    first: int,
    rows: Sequence[tuple[dict[str, object], Sequence[str]]],
) -> None:
    """Pre-filled rows: every value as text (IDs, dates), counts as numbers; noted rows in yellow."""
    if not rows:
        return
    yellow = book.add_format({"bg_color": "#FFFF00"})
    yellow_text = book.add_format({"bg_color": "#FFFF00", "num_format": "@"})
    columns = {f.name: col for col, f in enumerate(fields)}
    for r, (values, notes) in enumerate(rows, start=first):
        shown = {**values, "remarks": "；".join(notes)} if notes else values
        for name, value in shown.items():
            col = columns.get(name)
            if col is None or value is None or value == "":
                continue
            if isinstance(value, int):
                sheet.write_number(r, col, value, yellow if notes else None)
            else:
                write_text(sheet, r, col, value, yellow_text if notes else None)


def _ref(lists: dict[str, list[str]], fld: str) -> str:
    """The range of a list on the hidden 选项 sheet (no 255-character limit, unlike an inline list)."""
    from xlsxwriter.utility import xl_col_to_name

    letter = xl_col_to_name(list(lists).index(fld))
    return f"=选项!${letter}$2:${letter}${len(lists[fld]) + 1}"


def _list(
    sheet: Any,
    options: Any,
    n: int,
    fld: str,
    lists: dict[str, list[str]],
    fields: Sequence[FieldDef],
    rows: tuple[int, int],
    texts: TextCells,
) -> None:
    """A column of the hidden 选项 sheet, and the drop-down of that field's column."""
    values = lists[fld]
    write_text(options, 0, n, fld)
    for i, value in enumerate(values, start=1):
        texts.write(options, i, n, value)
    col = next((i for i, f in enumerate(fields) if f.name == fld), None)
    if col is None:
        return
    sheet.data_validation(
        rows[0],
        col,
        rows[1],
        col,
        {
            "validate": "list",
            "source": _ref(lists, fld),
            "error_title": "请从列表中选择",
            "error_message": f"{fields[col].header}只能填写：{'、'.join(values)[:200]}",
        },
    )
