"""How every xjma sheet prints (documents.md "Every sheet"): A4, fit to one page wide, header row
repeated, page header with the sheet's title, footer 第 &P 页，共 &N 页 with the print date, no printed
gridlines; a title block (title row, then 制表单位 / 制表日期) above the table; the workbook's formats.

Only xlsxwriter's public API. A sheet is laid out by `page_setup` once its width is known (the table
writer of sheet_table.py knows it) and gets its title block from `write_title_block` before its table.
Widths are in Excel's character units, where a CJK character counts two (`display_width`).
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from xjma.core.prefectures import Prefectures

A4 = 9  # xlsxwriter's paper index for A4
PORTRAIT_WIDTH = 90  # character units that fit across A4 portrait at 100 % between default margins
LANDSCAPE_WIDTH = 135
DRAFT_MARK = "试算，非正式通知"  # a dry run's workbook says so on every page (documents.md)
REPRINT_MARK = "补打"
LINE_HEIGHT = 15.0  # points per line of 11-point text, CJK included
FOOTER = "&L打印日期：&D&C第 &P 页，共 &N 页"

MONEY = "#,##0.00"
YUAN = '"¥"#,##0.00'
DATE = "yyyy-mm-dd"
INTEGER = "0"


def display_width(text: str) -> int:
    """Width of `text` in character units: east-asian wide and full-width characters count two."""
    if text.isascii():
        return len(text)
    return len(text) + sum(map(_extra, text))


@functools.cache
def _extra(char: str) -> int:
    """1 for a character Unicode calls East Asian Wide or Fullwidth (UAX #11), else 0 (cached: a
    sheet of names asks about the same few thousand characters again and again)."""
    return 1 if unicodedata.east_asian_width(char) in "WF" else 0


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes in a wrapped cell `width` units wide (each explicit line at least one)."""
    usable = max(width - 1, 1)
    return sum(max(1, -(-display_width(part) // usable)) for part in text.split("\n"))


def row_height(lines: int) -> float:
    """A row tall enough for `lines` lines (LibreOffice and WPS do not grow rows by themselves)."""
    return LINE_HEIGHT * max(lines, 1) + 2.0


@dataclass
class Styles:
    """The formats of one workbook, made once (xlsxwriter formats belong to their workbook)."""

    book: Any
    made: dict[str, Any] = field(default_factory=dict)
    text_ranges: dict[str, list[str]] = field(default_factory=dict)  # sheet -> ranges held as text

    SPECS: ClassVar[dict[str, dict[str, Any]]] = {
        "title": {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"},
        "meta": {"font_size": 10},
        "meta_right": {"font_size": 10, "align": "right"},
        "mark": {"bold": True, "font_color": "#C00000", "font_size": 12},
        "head": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                 "align": "center", "valign": "vcenter"},
        "text": {"valign": "top", "text_wrap": True},  # wraps only past its width
        "wrap": {"valign": "top", "text_wrap": True},
        "id": {"valign": "top", "num_format": "@"},
        "money": {"valign": "top", "num_format": MONEY},
        "date": {"valign": "top", "num_format": DATE, "align": "center"},
        "int": {"valign": "top", "num_format": INTEGER, "align": "center"},  # 行号 clear of the name
        "grid": {"border": 1},  # the data's borders: one conditional format over the table
        "total_text": {"border": 1, "bold": True, "bg_color": "#F2F2F2"},
        "total_money": {"border": 1, "bold": True, "bg_color": "#F2F2F2", "num_format": MONEY},
        "total_int": {"border": 1, "bold": True, "bg_color": "#F2F2F2", "num_format": INTEGER, "align": "center"},
        "error": {"border": 1, "valign": "top", "text_wrap": True, "bg_color": "#FFC7CE", "font_color": "#9C0006"},
        "warning": {"border": 1, "valign": "top", "text_wrap": True, "bg_color": "#FFEB9C", "font_color": "#9C5700"},
        "plain": {},
        "bold": {"bold": True},
        "wrap_plain": {"text_wrap": True, "valign": "top"},
    }  # fmt: skip

    def __getitem__(self, name: str) -> Any:
        fmt = self.made.get(name)
        if fmt is None:
            fmt = self.made[name] = self.book.add_format(self.SPECS[name])
        return fmt

    def quoted(self, fmt: Any) -> Any:
        """The twin of `fmt` with Excel's quote prefix: a text starting with = + - @ stays text when
        the clerk edits the cell later (it is written as a string either way)."""
        key = f"quoted:{id(fmt)}"
        twin = self.made.get(key)
        if twin is None:
            spec: dict[str, Any] = next(
                (dict(self.SPECS[n]) for n, f in self.made.items() if f is fmt and n in self.SPECS), {}
            )
            twin = self.made[key] = self.book.add_format({**spec, "quote_prefix": True})
        return twin

    def switch_off_text_marker(self, ws: Any, ranges: list[str]) -> None:
        """Excel's "number stored as text" marker off for these ranges of `ws`, and for those set
        before (xlsxwriter's ignore_errors keeps only its last call)."""
        held = self.text_ranges.setdefault(ws.get_name(), [])
        held += ranges
        ws.ignore_errors({"number_stored_as_text": " ".join(held)})

    def custom(self, name: str, spec: dict[str, Any]) -> Any:
        """A format this module does not list (the 缴费通知's), made once under `name`."""
        fmt = self.made.get(name)
        if fmt is None:
            fmt = self.made[name] = self.book.add_format(spec)
        return fmt


def issuer_for(prefectures: Prefectures, seen: Sequence[str]) -> str:
    """制表单位: the prefecture union when every row is of one prefecture with on-site staff, else the
    office (区直, several prefectures, none)."""
    shorts = {s for s in seen if s}
    if len(shorts) == 1:
        pref = prefectures.get(next(iter(shorts)))
        if pref is not None and pref.contact is not None:
            return pref.union
    return prefectures.office.name


@dataclass(frozen=True)
class Heading:
    """The title block of a sheet: what, for whom, which period; who made it and when."""

    title: str  # e.g. "参保名单（乌鲁木齐市某单位，保障期 2026-12-02 至 2027-12-01）"
    issuer: str  # 制表单位: the office or the prefecture union (rules/prefectures.yaml)
    made_on: dt.date  # 制表日期: the run date
    mark: str = ""  # DRAFT_MARK on a dry run, REPRINT_MARK on `batch report`


def heading_rows(heading: Heading) -> int:
    """Rows the title block takes (the table's header row comes right after)."""
    return 3 if heading.mark else 2


def write_title_block(ws: Any, styles: Styles, heading: Heading, last_col: int) -> int:
    """Title row, 制表单位 / 制表日期 line (and the mark); returns the first free row."""
    if last_col > 0:
        ws.merge_range(0, 0, 0, last_col, heading.title, styles["title"])
    else:
        ws.write_string(0, 0, heading.title, styles["title"])
    ws.set_row(0, 28)
    ws.write_string(1, 0, f"制表单位：{heading.issuer}", styles["meta"])
    ws.write_string(1, max(last_col, 1), f"制表日期：{heading.made_on.isoformat()}", styles["meta_right"])
    if heading.mark:
        ws.write_string(2, 0, _mark_sentence(heading.mark), styles["mark"])
    return heading_rows(heading)


def _mark_sentence(mark: str) -> str:
    if mark == DRAFT_MARK:
        return f"{DRAFT_MARK}：本表为试算结果，未记入台账，不能作为缴费依据"
    return mark


def page_setup(
    ws: Any,
    title: str,
    width: float,
    header_rows: tuple[int, int] | None = None,
    mark: str = "",
    fit_width: bool = True,
    sign: Sequence[str] = (),
) -> None:
    """A4; landscape when `width` (character units) is wider than portrait; one page wide, height free;
    `header_rows` (first, last) repeat on every page; title in the page header; page x of n and the
    print date in the footer — or, for a form to be filled in, the `sign` line (填报人 / 联系电话 /
    单位盖章 / 日期) on every page, where it cannot be read back as data; gridlines not printed."""
    ws.set_paper(A4)
    if width > PORTRAIT_WIDTH:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if fit_width:
        ws.fit_to_pages(1, 0)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    left = f"&L&B{_escape(mark)}&B" if mark else ""
    ws.set_header(f"{left}&C{_escape(title)}"[:250])
    ws.set_footer(sign_footer(sign) if sign else FOOTER)
    ws.hide_gridlines(1)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.center_horizontally()


def sign_footer(labels: Sequence[str]) -> str:
    """A footer with blanks to sign: the first half of `labels` left, page x of n centre, the rest right."""
    blanks = [f"{name}：{'　年　月　日' if name == '日期' else '＿' * 8}" for name in labels]
    half = (len(blanks) + 1) // 2
    return f"&L{'　'.join(blanks[:half])}&C第 &P 页，共 &N 页&R{'　'.join(blanks[half:])}"


def _escape(text: str) -> str:
    return text.replace("&", "&&")
