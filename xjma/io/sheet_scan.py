"""The used area of a worksheet part and of an ODS content.xml, read as an XML parser reads them.

calamine places a cell by its `r` reference (else after its left neighbour), and allocates rows x
columns for the area the cells span. Here the same cells are measured before calamine runs:

- quick_area: a segment (whole rows) in the shape spreadsheet programs write — every cell tag
  `<c r="A12"` with double quotes, an upper-case reference of at most 7 digits, one `r` per element, no
  prefixed cell elements, shared-string indexes that are plain numbers — is proved to be in that
  shape by byte counts and literal-led searches (each a C-speed pass) and measured without parsing;
- exact_area: anything else is parsed with expat (xml.parsers.expat), references read leniently (lower
  case, spaces, quotes, leading zeros and long numbers all count as the reader could take them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol
from xml.parsers import expat

from xjma.errors import XjmaError


class Bounds(Protocol):
    """What a scan asks of the limits (io/limits.Limits): is a used area of rows x columns allowed?"""

    def within(self, rows: int, columns: int) -> bool: ...


def column_number(letters: bytes | str) -> int:
    """A=1 ... XFD=16384 (lower case read as upper case, as a lenient reader would)."""
    text = letters.decode() if isinstance(letters, bytes) else letters
    number = 0
    for char in text.upper():
        number = number * 26 + ord(char) - 64
    return number


_MAX_SEGMENT = 64 << 20  # a row longer than this is not a roster row: measured exactly
_PREFIXED = re.compile(rb":(?:c|row|v|is)[\s/>]")  # <x:c …>: calamine reads a cell by its local name
# A "<c" that is neither a regular cell tag nor another element (<col>, <cfRule>, <color> …); the
# one-letter form also bounds the row's digits, so a single search settles the usual sheet.
_IRREGULAR_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}"|[A-Za-z])')
_ONE_LETTER = [re.compile(rb'<c(?! r="[A-Z][1-9][0-9]{0,%d}"|[A-Za-z])' % (d - 1)) for d in range(1, 8)]
_OTHER_R = re.compile(rb'r=(?:(?<=[^ ]r=)|(?!"))')  # an `r` attribute not written ` r="`
_BAD_STRING_INDEX = re.compile(rb"""t=["']s["'][^>]*>\s*<v>(?![0-9]+</v>)""")
_MULTI_LETTER = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')
_LAST_REF = re.compile(rb'<c r="[A-Z]{1,3}([0-9]+)"')


class _Stop(Exception):
    """The area is already over the limits: no need to read further."""


def sheet_area(file: Path, part: Callable[[], Iterator[bytes]], limits: Bounds) -> tuple[int, int]:
    """(last row, last column) holding a cell in a worksheet part; `part()` streams its bytes."""
    rows = cols = 0
    for segment in _segments(part()):
        found = quick_area(segment, limits)
        if found is None:
            return exact_area(file, part(), limits)
        rows, cols = max(rows, found[0]), max(cols, found[1])
        if not limits.within(rows, cols):
            break
    return rows, cols


def _segments(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The part in pieces that each end at a row's end tag (the last piece: the rest)."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        cut = buffer.rfind(b"</row>")  # a prefixed </x:row> is left to the exact scan
        if cut >= 0:
            yield buffer[: cut + 6]
            buffer = buffer[cut + 6 :]
        elif len(buffer) > _MAX_SEGMENT:
            yield buffer
            buffer = b""
    if buffer:
        yield buffer


def quick_area(segment: bytes, limits: Bounds) -> tuple[int, int] | None:
    """(a bound on the last row, the last column) of a regular segment, None when it is not regular.

    Inside sheetData only row and cell elements and their children stand, and none of their attributes
    but `r` ends in "r=": so every "r=" must be a cell's or row's ` r="`, every "<c" a cell's `<c r="`
    (other than <col>, <cfRule> …), no cell element prefixed, every reference upper case with at most
    7 digits and no leading zero, every shared-string index a plain number. Text holding "r=" is
    merely sent to the exact scan."""
    start = segment.find(b"<sheetData")
    end = segment.rfind(b"</sheetData>")
    data = segment[start if start >= 0 else 0 : end if end >= 0 else len(segment)]
    at = data.rfind(b'<c r="')
    if at < 0:
        return (0, 0) if _IRREGULAR_CELL.search(data) is None and _OTHER_R.search(data) is None else None
    last = _LAST_REF.match(data, at)
    digits = min(len(last.group(1)), 7) if last else 7
    # A cell without a reference, another attribute first, an odd reference; an `r` written another
    # way or given twice; a prefixed cell; a shared-string index that is not a plain number.
    for irregular in (_OTHER_R, _PREFIXED, _BAD_STRING_INDEX):
        if irregular.search(data):
            return None
    width = 26
    if _ONE_LETTER[digits - 1].search(data):  # columns past Z, rows out of order, or irregular
        if _IRREGULAR_CELL.search(data):
            return None
        digits = 7
        if _MULTI_LETTER.search(data):
            width = max(map(column_number, set(_MULTI_LETTER.findall(data))))
    bound = 10**digits - 1
    if limits.within(bound, width):
        return bound, width  # no row number has more digits: within the limits whatever it is
    return _last_row(data, digits), width


def _last_row(segment: bytes, digits: int) -> int:
    """The highest row number among those of up to `digits` digits (equal-length digit strings compare
    as their numbers do, so only the longest need comparing)."""
    for size in range(digits, 0, -1):
        found = re.findall(rb'<c r="[A-Z]{1,3}([0-9]{%d})"' % size, segment)
        if found:
            return int(max(found))
    return 0


def exact_area(file: Path, chunks: Iterator[bytes], limits: Bounds) -> tuple[int, int]:
    """Every cell element of the part, its reference read leniently; a shared-string index that is not a
    plain number (which calamine would read as the first string) is a damaged file."""
    state = {"row": 0, "col": 0, "last_row": 0, "last_col": 0, "strings": False}
    text: list[str] = []
    in_value = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "row":
            state["row"] = _number(attrs.get("r")) or state["row"] + 1
            state["col"] = 0
        elif local == "c":
            ref = attrs.get("r")
            letters = "".join(ch for ch in ref or "" if ch.isascii() and ch.isalpha())
            row = _number(ref) or state["row"]
            state["col"] = column_number(letters) if letters else state["col"] + 1
            state["last_row"] = max(state["last_row"], row)
            state["last_col"] = max(state["last_col"], state["col"])
            state["strings"] = attrs.get("t") == "s"
            if not limits.within(state["last_row"], state["last_col"]):
                raise _Stop
        elif local == "v" and state["strings"]:
            in_value[0] = True
            text.clear()

    def end(name: str) -> None:
        if in_value[0] and name.rsplit(" ", 1)[-1] == "v":
            in_value[0] = False
            if not "".join(text).isdigit() or not "".join(text).isascii():
                raise XjmaError(_bad_index(file))

    def data(chunk: str) -> None:
        if in_value[0]:
            text.append(chunk)

    _parse(file, chunks, start, end, data)
    return state["last_row"], state["last_col"]


def ods_area(file: Path, chunks: Iterator[bytes], limits: Bounds) -> tuple[int, int]:
    """ODS repeats rows and cells by count (table:number-rows-repeated="1000000"): only repeats that hold
    a value widen the used area (LibreOffice ends every sheet with a million repeated empty rows)."""
    state = {"row": 0, "repeat": 1, "col": 0, "extent": 0, "last_row": 0, "last_col": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "table":
            state["row"] = 0
        elif local == "table-row":
            state["repeat"] = _repeat(attrs, "number-rows-repeated")
            state["col"] = state["extent"] = 0
        elif local in ("table-cell", "covered-table-cell"):
            state["col"] += _repeat(attrs, "number-columns-repeated")
            if any(k.rsplit(" ", 1)[-1] == "value-type" for k in attrs):
                state["extent"] = state["col"]
        elif local == "p":  # text inside the current cell
            state["extent"] = state["col"]

    def end(name: str) -> None:
        if name.rsplit(" ", 1)[-1] != "table-row":
            return
        if state["extent"]:
            state["last_row"] = max(state["last_row"], state["row"] + state["repeat"])
            state["last_col"] = max(state["last_col"], state["extent"])
            if not limits.within(state["last_row"], state["last_col"]):
                raise _Stop
        state["row"] += state["repeat"]

    _parse(file, chunks, start, end, None)
    return state["last_row"], state["last_col"]


def _parse(file: Path, chunks: Iterator[bytes], start, end, data) -> None:  # type: ignore[no-untyped-def]
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if data is not None:
        parser.CharacterDataHandler = data
    parser.buffer_text = True
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        return
    except expat.ExpatError:
        raise XjmaError(_broken(file)) from None


def _number(ref: str | None) -> int:
    digits = "".join(ch for ch in ref or "" if ch.isascii() and ch.isdigit())
    return int(digits) if digits else 0


def _repeat(attrs: dict[str, str], name: str) -> int:
    for key, value in attrs.items():
        if key.rsplit(" ", 1)[-1] == name:
            return max(_number(value), 1)
    return 1


def _bad_index(file: Path) -> str:
    return f"无法读取文件 {file}：工作表中有损坏的单元格（共享文本编号不对），文件已损坏，请用 Excel 打开后另存为 .xlsx 再试。"


def _broken(file: Path) -> str:
    return (
        f"无法读取文件 {file}：工作表的内容不是有效的 XML，文件已损坏，请用 Excel 打开后另存为 .xlsx 再试。"
    )
