"""The enrollment workbook (`<stem>_参保结果.xlsx`, xlsxwriter): 参保名单, 单位汇总, 缴费通知 (cli.md `enroll`).

Built from the enroll JSON document, so the workbook and `--json` never disagree. Values that come from the
roster are written with xlsx_util.write_text: never a formula, whatever they start with.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.rules import PLAN_CODES
from xjma.io.xlsx_util import atomic_target, write_text

_PLAN_FIELDS = (
    ("份数", "shares"),
    ("会费", "fee"),
    ("起始日", "start"),
    ("止期", "end"),
    ("观察期止", "observation_end"),
    ("续保份数", "renewed_shares"),
)


def write_enroll_workbook(
    path: Path, doc: dict[str, Any], names: dict[str, str], prefectures: dict[int, str]
) -> None:
    """Write the three sheets to `path` atomically (xlsx_util.atomic_target)."""
    import xlsxwriter

    with atomic_target(path) as tmp:
        # constant_memory: rows go to disk as they are written (every sheet is written top to bottom);
        # 100,000 members held ~1.8M cells in memory and their shared-string table otherwise.
        book = xlsxwriter.Workbook(
            str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "constant_memory": True}
        )
        fmt = {
            "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "money": book.add_format({"num_format": "0.00"}),
            "title": book.add_format({"bold": True, "font_size": 14}),
            "bold": book.add_format({"bold": True}),
        }
        plans = [p for p in PLAN_CODES if any(p in m["plans"] for m in doc["members"])]
        _roster_sheet(book.add_worksheet("参保名单"), doc, plans, names, prefectures, fmt)
        groups = _unit_plan_totals(doc, prefectures)
        _unit_sheet(book.add_worksheet("单位汇总"), groups, names, fmt)
        _notice_sheet(book.add_worksheet("缴费通知"), doc, groups, names, fmt)
        book.close()


def _money(value: str) -> Decimal:
    """The JSON money string ("110.00") as the number cell xlsxwriter writes."""
    return Decimal(value)


def _roster_sheet(
    ws: Any,
    doc: dict[str, Any],
    plans: list[str],
    names: dict[str, str],
    prefectures: dict[int, str],
    fmt: dict[str, Any],
) -> None:
    head = ["行号", "姓名", "身份证号码", "工作单位", "所属地州市"]
    head += [f"{names.get(p, p)}{label}" for p in plans for label, _ in _PLAN_FIELDS] + ["会费合计"]
    for col, text in enumerate(head):
        ws.write_string(0, col, text, fmt["head"])
    write_number, write_string, money = ws.write_number, ws.write_string, fmt["money"]
    for r, member in enumerate(doc["members"], start=1):
        write_number(r, 0, member["row"])
        for col, value in (
            (1, member["name"]),
            (2, member["id_number"]),
            (3, member["unit"]),
            (4, prefectures.get(member["row"], "")),
        ):
            if value:
                write_text(ws, r, col, value)  # from the roster: always a string, never a formula
        col = 5
        held = member["plans"]
        for p in plans:
            enrolled = held.get(p)
            if enrolled is not None:
                # Written by xjma itself (numbers, ISO dates): no need for write_text's checks.
                write_number(r, col, enrolled["shares"])
                write_number(r, col + 1, _money(enrolled["fee"]), money)
                write_string(r, col + 2, enrolled["start"])
                write_string(r, col + 3, enrolled["end"])
                if enrolled["observation_end"]:
                    write_string(r, col + 4, enrolled["observation_end"])
                write_number(r, col + 5, enrolled["renewed_shares"])
            col += len(_PLAN_FIELDS)
        write_number(r, col, _money(member["fee"]), money)
    ws.freeze_panes(1, 3)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 21)
    ws.set_column(3, len(head), 14)


def _unit_plan_totals(
    doc: dict[str, Any], prefectures: dict[int, str]
) -> dict[str, tuple[str, dict[str, list[Any]]]]:
    """unit -> (地州市, plan -> [member IDs, shares, fee]), units in roster order."""
    groups: dict[str, tuple[str, dict[str, list[Any]]]] = {}
    for member in doc["members"]:
        _, per_plan = groups.setdefault(member["unit"], (prefectures.get(member["row"], ""), {}))
        for plan, enrolled in member["plans"].items():
            slot = per_plan.setdefault(plan, [set(), 0, Decimal("0.00")])
            slot[0].add(member["id_number"])
            slot[1] += enrolled["shares"]
            slot[2] += Decimal(enrolled["fee"])
    return groups


def _unit_sheet(
    ws: Any, groups: dict[str, tuple[str, dict[str, list[Any]]]], names: dict[str, str], fmt: dict[str, Any]
) -> None:
    for col, text in enumerate(("工作单位", "所属地州市", "险种", "人数", "份数", "会费（元）")):
        ws.write_string(0, col, text, fmt["head"])
    r = 1
    total = Decimal("0.00")
    for unit, (prefecture, per_plan) in groups.items():
        for plan in (p for p in PLAN_CODES if p in per_plan):
            ids, shares, fee = per_plan[plan]
            write_text(ws, r, 0, unit)
            write_text(ws, r, 1, prefecture)
            ws.write_string(r, 2, names.get(plan, plan))
            ws.write_number(r, 3, len(ids))
            ws.write_number(r, 4, shares)
            ws.write_number(r, 5, fee, fmt["money"])
            total += fee
            r += 1
    ws.write_string(r, 0, "合计", fmt["bold"])
    ws.write_number(r, 5, total, fmt["money"])
    ws.set_column(0, 0, 28)
    ws.set_column(1, 2, 16)
    ws.set_column(3, 5, 12)


def _notice_sheet(
    ws: Any,
    doc: dict[str, Any],
    groups: dict[str, tuple[str, dict[str, list[Any]]]],
    names: dict[str, str],
    fmt: dict[str, Any],
) -> None:
    from xjma.core.capital import capital_amount

    r = 0
    for unit, (prefecture, per_plan) in groups.items():
        ws.write_string(r, 0, "职工互助保障活动 缴费通知", fmt["title"])
        ws.write_string(r + 1, 0, "工作单位：")
        write_text(ws, r + 1, 1, unit)
        ws.write_string(r + 1, 3, "所属地州市：")
        write_text(ws, r + 1, 4, prefecture or "未填写")
        ws.write_string(r + 2, 0, "保障起始日：")
        ws.write_string(r + 2, 1, doc["start"])
        ws.write_string(r + 2, 3, "缴费日期：")
        ws.write_string(r + 2, 4, doc["paid_on"])
        for col, text in enumerate(("险种", "人数", "份数", "金额（元）")):
            ws.write_string(r + 3, col, text, fmt["head"])
        r += 4
        members: set[str] = set()
        shares, total = 0, Decimal("0.00")
        for plan in (p for p in PLAN_CODES if p in per_plan):
            ids, plan_shares, fee = per_plan[plan]
            ws.write_string(r, 0, names.get(plan, plan))
            ws.write_number(r, 1, len(ids))
            ws.write_number(r, 2, plan_shares)
            ws.write_number(r, 3, fee, fmt["money"])
            members |= ids
            shares += plan_shares
            total += fee
            r += 1
        ws.write_string(r, 0, "合计", fmt["bold"])
        ws.write_number(r, 1, len(members))
        ws.write_number(r, 2, shares)
        ws.write_number(r, 3, total, fmt["money"])
        ws.write_string(r + 1, 0, "金额大写：")
        ws.write_string(r + 1, 1, capital_amount(total), fmt["bold"])
        r += 4
    ws.set_column(0, 0, 22)
    ws.set_column(1, 4, 16)
