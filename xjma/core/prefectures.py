"""The 地州市 unions and their on-site contacts (prefectures.md), built from parsed prefectures.yaml.

Every accepted spelling (official name, short form, alias) maps to the short form that reports use.
`contact_lines` gives what a clerk with problems should see: the prefecture's on-site staff, or the
office for 区直 and for a roster without 地州市.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xjma.core.schema_reader import KeyPathReader
from xjma.core.text import compact
from xjma.errors import RulesError

_MOBILE_OR_LANDLINE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


@dataclass(frozen=True)
class Prefecture:
    short: str
    name: str
    aliases: tuple[str, ...]
    union: str
    contact: str | None  # None: served by the office itself (区直)
    phone: str | None


@dataclass(frozen=True)
class Office:
    name: str
    address: str
    postcode: str
    phones: tuple[str, ...]
    email: str

    def line(self) -> str:
        return (
            f"{self.name}（{self.address}，邮编 {self.postcode}），电话 {' / '.join(self.phones)}，"
            f"邮箱 {self.email}"
        )


@dataclass(frozen=True)
class Prefectures:
    items: tuple[Prefecture, ...]
    office: Office

    def resolve(self, text: str) -> str | None:
        """The short form for any accepted spelling; None when unknown or blank."""
        return self._index().get(_key(text)) if text else None

    def get(self, short: str) -> Prefecture | None:
        return next((p for p in self.items if p.short == short), None)

    def contact_lines(self, shorts: list[str]) -> list[str]:
        """On-site contacts for these prefectures; the office for 区直, unknown or none."""
        lines: list[str] = []
        need_office = not shorts
        for short in shorts:
            pref = self.get(short)
            if pref is None or pref.contact is None:
                need_office = True
                continue
            lines.append(f"{pref.short}：{pref.union}驻场办公人员 {pref.contact}，电话 {pref.phone}")
        if need_office:
            lines.append(self.office.line())
        return lines

    def _index(self) -> dict[str, str]:
        cached: dict[str, str] | None = getattr(self, "_cache", None)
        if cached is None:
            cached = {}
            for p in self.items:
                for spelling in (p.short, p.name, *p.aliases):
                    cached[_key(spelling)] = p.short
            object.__setattr__(self, "_cache", cached)
        return cached


def _key(text: str) -> str:
    return compact(text)


def parse_prefectures(data: object, source: str = "") -> Prefectures:
    """Validate parsed prefectures.yaml; every problem names its key path (like plans.yaml)."""
    r = KeyPathReader()
    top = r.mapping(data, "", required=("schema", "office", "prefectures"))
    office = _office(r, top.get("office") if top else None)
    items: list[Prefecture] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(r.list_of(top.get("prefectures"), "prefectures") if top else []):
        pref = _prefecture(r, raw, f"prefectures[{i}]")
        if pref is None:
            continue
        for spelling in (pref.short, pref.name, *pref.aliases):
            other = seen.get(_key(spelling))
            if other is not None and other != pref.short:
                r.error(f"prefectures[{i}]", f"名称 {spelling} 已用于 {other}")
            seen[_key(spelling)] = pref.short
        items.append(pref)
    if r.problems:
        raise RulesError(r.problems, source)
    return Prefectures(items=tuple(items), office=office)


def _office(r: KeyPathReader, raw: object) -> Office:
    m = r.mapping(raw, "office", required=("name", "address", "postcode", "phones", "email")) or {}
    phones = r.strings(m.get("phones"), "office.phones") if m else []
    return Office(
        name=r.text(m.get("name"), "office.name"),
        address=r.text(m.get("address"), "office.address"),
        postcode=str(m.get("postcode") or ""),
        phones=tuple(phones),
        email=r.text(m.get("email"), "office.email"),
    )


def _prefecture(r: KeyPathReader, raw: object, path: str) -> Prefecture | None:
    m = r.mapping(raw, path, required=("short", "name", "aliases", "union", "contact", "phone"))
    if m is None:
        return None
    contact, phone = m.get("contact"), m.get("phone")
    if contact is not None:
        contact = r.text(contact, f"{path}.contact")
    if (contact is None) != (phone is None):
        r.error(f"{path}.phone", "contact 与 phone 须同时填写或同时为 null")
    if phone is not None and not _MOBILE_OR_LANDLINE.match(str(phone)):
        r.error(f"{path}.phone", f"不是有效的电话号码：{phone!r}（请写成带引号的字符串）")
    return Prefecture(
        short=r.text(m.get("short"), f"{path}.short"),
        name=r.text(m.get("name"), f"{path}.name"),
        aliases=tuple(r.strings(m.get("aliases"), f"{path}.aliases")),
        union=r.text(m.get("union"), f"{path}.union"),
        contact=contact,
        phone=str(phone) if phone is not None else None,
    )
