"""`xjma member correct` (office.md §3): correct a member's details, or the ID number itself (the
enrollments and claims move to the new number). One transaction with its log entry; writers of the
member take turns, so two corrections at once never lose one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xjma.core.actor import Actor
from xjma.errors import XjmaError

DETAIL_FIELDS = ("name", "phone", "unit", "prefecture", "employment")
FIELD_LABELS = {
    "name": "姓名",
    "phone": "联系电话",
    "unit": "工作单位",
    "prefecture": "所属地州市",
    "employment": "用工形式",
    "id_number": "身份证号码",
}


@dataclass(frozen=True)
class CorrectResult:
    id_number: str  # the member's number after the correction
    change: int
    edits: list[tuple[str, str | None, str | None]]  # field, before, after


def _reason(reason: str | None) -> str:
    if not (reason or "").strip():
        raise XjmaError("批改必须用 --reason 写明原因")
    return (reason or "").strip()


def clean_details(raw: dict[str, str | None]) -> dict[str, str]:
    """The given details, normalised; a value that cannot be one is a bad option (exit 2)."""
    from xjma.core.normalize import normalize_name, normalize_phone, parse_employment, phone_valid
    from xjma.core.units import clean_name
    from xjma.jobs.prefecture_option import prefecture_option

    out: dict[str, str] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if key == "name":
            out[key] = normalize_name(value)
        elif key == "phone":
            out[key] = normalize_phone(value)
            if not phone_valid(out[key]):
                raise XjmaError("--phone 不是有效的手机号码或固定电话")
        elif key == "unit":
            out[key] = clean_name(value)
        elif key == "prefecture":
            out[key] = prefecture_option(value)
        elif key == "employment":
            found = parse_employment(value)
            if found is None:
                raise XjmaError("--employment 应为 正式职工、合同制职工、临时职工 或 新就业形态劳动者")
            out[key] = found
        if not out.get(key):
            raise XjmaError(f"--{key} 不能为空")
    if not out:
        raise XjmaError(
            "请至少给出一项要批改的内容（--name、--phone、--unit、--prefecture、--employment 或 --new-id）"
        )
    return out


def correct_details(
    db: str | None, number: str, details: dict[str, str], reason: str, actor: Actor
) -> CorrectResult:
    from xjma.io.ledger import changes as store
    from xjma.jobs.ledger_access import writing

    why = _reason(reason)
    with writing(db) as ledger, ledger.begin() as conn:
        store.lock_members(conn, [number])
        before = _current(conn, number)
        if "unit" in details:
            details = {**details, "unit": _registered_unit(conn, details["unit"], details, before)}
        edits: list[tuple[str, str | None, str | None]] = [
            (f, before.get(f), v) for f, v in details.items() if before.get(f) != v
        ]
        if not edits:
            raise XjmaError("要批改的内容与台账中现有的相同，未作任何改动")
        change = _record(conn, actor, why, [number], edits)
        if "name" in details:
            store.rename_member(conn, number, details["name"])
    return CorrectResult(number, change, edits)


def _registered_unit(conn: Any, text: str, details: dict[str, str], before: dict[str, str | None]) -> str:
    """The current name of the registered unit `text` names (office.md §1: code, USCC, name or alias; a
    name used in several 地州市: the member's, as corrected). Units are registered only by enroll, so a
    name the register does not hold is refused rather than recorded as a unit no view would find."""
    from xjma.io.ledger.unit_register import find_unit, read_units

    found = find_unit(read_units(conn), text)
    if not found:
        raise XjmaError(
            f"台账中没有单位“{text}”：请用台账中已有单位的代码、名称或别名（可用 xjma unit list 查看；"
            "新单位随其参保名册 enroll 时登记）；未作任何改动"
        )
    if len(found) > 1:
        prefecture = details.get("prefecture") or before.get("prefecture")
        found = [s for s in found if s.prefecture == prefecture] or found
    if len(found) > 1:
        codes = "、".join(s.code for s in found)
        raise XjmaError(f"有多个单位叫“{text}”（{codes}），请用单位代码指明；未作任何改动")
    return str(found[0].name)


def _current(conn: Any, number: str) -> dict[str, str | None]:
    """The member's details as the ledger knows them now: corrections first, else the last enrollment."""
    from sqlalchemy import select

    from xjma.io.ledger import changes as store
    from xjma.io.ledger.members import NO_DETAILS, member_details
    from xjma.io.ledger.schema import enrollments, members

    person = conn.execute(select(members).where(members.c.id_number == number)).first()
    if person is None:
        raise XjmaError("台账中没有该身份证号码的记录")
    last = conn.execute(
        select(enrollments.c.unit, enrollments.c.prefecture)
        .where(enrollments.c.id_number == number)
        .order_by(enrollments.c.start.desc(), enrollments.c.id.desc())
    ).first()
    phone, employment, _, _ = member_details(conn, [number]).get(number, NO_DETAILS)
    found: dict[str, str | None] = {"name": person.name, "phone": phone or None, "employment": employment}
    found["unit"], found["prefecture"] = (last.unit, last.prefecture) if last else (None, None)
    # phone and 用工形式 come from member_details, which already weighs corrections against later batches
    fixed = store.current_details(conn, number)
    found.update({k: v for k, v in fixed.items() if k not in ("phone", "employment")})
    return found


def _record(
    conn: Any,
    actor: Actor,
    why: str,
    numbers: list[str],
    edits: list[tuple[str, str | None, str | None]],
    moved: dict[str, list[int]] | None = None,
) -> int:
    from xjma.io.ledger import changes as store
    from xjma.io.ledger.log import LogEntry, write_log

    listed = "、".join(FIELD_LABELS.get(f, f) for f, _, _ in edits)
    entry = LogEntry(
        kind="member-correct",
        summary=f"批改会员信息：{listed}",
        reason=why,
        refs={"fields": [f for f, _, _ in edits]},
        members=numbers,
    )
    log_id = write_log(conn, actor, entry)
    change = store.add_change(conn, "correct", actor, why, log_id)
    for number in numbers:
        store.add_member_changes(conn, change, number, edits)
    entry_ref: dict[str, Any] = {"change": change, "fields": [f for f, _, _ in edits], **(moved or {})}
    _set_refs(conn, log_id, entry_ref)
    return change


def _set_refs(conn: Any, log_id: int, refs: dict[str, Any]) -> None:
    """The entry's refs name its change (known only once the change row exists, in this transaction)."""
    import json

    from xjma.io.ledger.history_tables import log_entries

    conn.execute(
        log_entries.update()
        .where(log_entries.c.id == log_id)
        .values(refs=json.dumps(refs, ensure_ascii=False))
    )


def correct_id(
    db: str | None, old: str, raw_new: str, reason: str, actor: Actor, rules_path: Path | None, today: dt.date
) -> CorrectResult:
    """Move every enrollment and claim of `old` to the new number (office.md §3), or refuse with why."""
    from xjma.core.changes import id_move_refusal
    from xjma.core.idnumber import check_id
    from xjma.io.ledger import changes as store
    from xjma.jobs.ledger_access import writing

    why = _reason(reason)
    checked = check_id(raw_new, today)
    if checked.code is not None or checked.birth is None or checked.female is None:
        raise XjmaError("新身份证号码无效（位数、出生日期或校验码不对），未作任何改动")
    new = checked.number
    if new == old:
        raise XjmaError("新身份证号码与原号码相同")
    limits = _age_limits(rules_path)
    with writing(db) as ledger, ledger.begin() as conn:
        store.lock_members(conn, [old, new])
        moving = store.member_enrollments(conn, old)
        if not moving and not store.recorded_claims(conn, [old]):
            raise XjmaError("台账中没有原身份证号码的参保或理赔记录")
        refusal = id_move_refusal(
            moving, store.member_enrollments(conn, new), checked.birth, checked.female, limits
        )
        if refusal is not None:
            raise XjmaError(refusal + "；未作任何改动")
        edits: list[tuple[str, str | None, str | None]] = [("id_number", old, new)]
        change = _record(conn, actor, why, [old, new], edits, store.moved_rows(conn, old))
        _move(conn, old, new, checked)
    return CorrectResult(new, change, edits)


def _move(conn: Any, old: str, new: str, checked: Any) -> None:
    from sqlalchemy.exc import IntegrityError

    from xjma.io.ledger import changes as store
    from xjma.io.ledger.fee_totals import merge_member

    try:
        with conn.begin_nested():
            merge_member(conn, old, new)  # SQLite's fee totals: one member where there were two
            store.move_member(conn, old, new, "女" if checked.female else "男", checked.birth)
    except IntegrityError:
        raise XjmaError(
            "新身份证号码在台账中已有同一险种、保障期重叠的参保记录，不能改号；未作任何改动"
        ) from None


def _age_limits(rules_path: Path | None) -> dict[str, Any]:
    """Per plan, who may hold it (the newest rules version's plans; the common age range)."""
    from xjma.core.changes import AgeLimits
    from xjma.io.rules_file import load_rules

    rules = load_rules(rules_path)
    found: dict[str, AgeLimits] = {}
    for version in rules.versions:
        for code, plan in version.plans.items():
            found[code] = AgeLimits(
                rules.common.age_min,
                rules.common.age_max,
                plan.eligibility.female_only,
                plan.eligibility.delayed_retirement,
            )
    return found
