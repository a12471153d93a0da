"""What `member show`, `claim calc` and the refused rows of `enroll` print for people, built from their
JSON documents (cli.md) so that the screen and `--json` say the same thing, and readable at 80 columns
(commands/screen.py: tables wrap or become lists, nothing behind "…", Chinese labels for codes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from xjma.commands.screen import fitting_table, numbered
from xjma.core.labels import label, labels


def member_screen(doc: Mapping[str, Any], masked_id: str, width: int) -> RenderableType:
    """A member: who, the enrollments, the claims paid, what each plan can still pay."""
    parts: list[RenderableType] = [Text.assemble((doc["name"], "bold"), f"（{masked_id}）")]
    rows: list[tuple[object, ...]] = [
        (
            label(e["plan"]),
            f"{e['start']} 至 {e['end']}",
            e["shares"],
            e["renewed_shares"],
            e["observation_end"] or "无",
            e["unit"],
            "已作废" if e.get("status") == "voided" else "有效",
        )  # fmt: skip
        for e in doc["enrollments"]
    ]
    heads: tuple[str, ...] = ("险种", "保障期", "份数", "续保份数", "观察期止", "工作单位", "状态")
    parts.append(fitting_table("参保记录", heads, rows, width, right=(2, 3)))
    if doc["claims"]:
        rows = [(label(c["plan"]), label(c["benefit"]), c["event_date"], c["payout"]) for c in doc["claims"]]
        heads = ("险种", "给付项目", "出险日期", "给付金额（元）")
        parts.append(fitting_table("已付理赔", heads, rows, width, right=(3,)))
    else:
        parts.append(Text("没有已付理赔。"))
    rows = [
        (label(plan), label(benefit), amount)
        for plan, benefits in doc["remaining"].items()
        for benefit, amount in benefits.items()
    ]
    parts.append(
        fitting_table(
            "本保障期还能给付（观察期结束后）", ("险种", "给付项目", "最多（元）"), rows, width, right=(2,)
        )
    )
    return Group(*parts)


def refused_rows(problems: Sequence[Mapping[str, Any]], width: int) -> RenderableType:
    """The error rows of a roster (not enrolled): row, column, the problem in Chinese, how to fix it."""
    rows = [(p["row"], p["column"], label(p["code"]), p["message"]) for p in problems]
    return fitting_table("有错误的行（未登记）", ("行", "列", "问题", "说明"), rows, width)


def claims_screen(
    doc: Mapping[str, Any], names: Mapping[int | None, str], masked: Mapping[str, str], width: int
) -> RenderableType:
    """Each claim's payout in a table, then its steps (numbered, wrapped under their own text)."""
    rows = []
    for c in doc["claims"]:
        why = labels(list(c["reasons"]), sep="、")
        if c["warnings"]:
            why += ("；" if why else "") + labels(list(c["warnings"]), sep="、")
        rows.append((c["row"] or "", names.get(c["row"], ""), label(c["plan"]), label(c["benefit"]),
                     c["event_date"], c["payout"], why))  # fmt: skip
    parts: list[RenderableType] = []
    if rows:
        heads = ("行", "姓名", "险种", "给付项目", "出险日期", "给付（元）", "原因")
        parts.append(fitting_table("理赔计算结果", heads, rows, width, right=(5,)))
    for c in doc["claims"]:
        title = f"第 {c['row']} 行" if c["row"] is not None else "计算过程"
        who = f" {names.get(c['row'], '')} {masked.get(c['id_number'], '')}" if c["id_number"] else ""
        parts.append(Text.assemble((title, "bold"), who))
        parts.append(numbered(list(c["steps"])))
    parts.append(Text.assemble("给付合计：", (str(doc["total"]), "bold"), f" 元（{len(doc['claims'])} 笔）"))
    return Group(*parts)
