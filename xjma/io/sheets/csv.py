"""CSV (and text saved under the name .xls) as rows of text, decoded line by line where it must be.

A file is UTF-8 (with or without BOM) when it is valid UTF-8 apart from at most a few lines (and its
UTF-8 lines with Chinese text outnumber them): those lines are read as GB18030 and named (`text-encoding`, roster.md). A file entirely in GB18030 is read
as such; UTF-16 with BOM is Excel's "Unicode text". `="650…"` cells (Excel's way to keep a number as
text in CSV) are read as the text inside.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xjma.errors import XjmaError
from xjma.io import limits

MAX_BAD_LINES = 3  # more lines than this that are not UTF-8: the file is GB18030
_TEXT_FORMULA = re.compile(r'^="(.*)"$', re.DOTALL)


@dataclass
class CsvText:
    text: str
    bad_lines: set[int] = field(default_factory=set)  # 1-based physical lines read as GB18030


def read_text(file: Path) -> CsvText:
    with open(file, "rb") as handle:
        data = handle.read()
    decoded = decode(data, file)
    if not decoded.text.strip():
        raise XjmaError(f"文件 {file} 是空的，请确认选择了正确的文件。")
    return decoded


def decode(data: bytes, file: Path) -> CsvText:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return CsvText(data.decode("utf-16", errors="replace"))
    try:
        return CsvText(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise XjmaError(f"文件 {file} 不是文本格式的 CSV 文件，请在 Excel 中另存为“CSV（逗号分隔）”后再试。")
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    texts: list[str] = []
    bad: set[int] = set()
    utf8 = 0  # lines with Chinese (non-ASCII) text that are valid UTF-8
    for number, line in enumerate(lines, start=1):
        try:
            texts.append(line.decode("utf-8"))
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            bad.add(number)
            if len(bad) > MAX_BAD_LINES:
                break
            texts.append(line.decode("gb18030", errors="replace"))
    if len(bad) > MAX_BAD_LINES or utf8 <= len(bad):  # mostly not UTF-8: the whole file is GB18030
        return CsvText(data.decode("gb18030", errors="replace"))
    return CsvText("\n".join(texts), bad)


class CsvSheet:
    """One way to split the text (a delimiter); rows() may be called again for a second pass."""

    name = ""
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def __init__(self, file: Path, text: CsvText, delimiter: str) -> None:
        self.file, self.text, self.delimiter = file, text, delimiter
        self.bad_rows: set[int] = set()  # Excel row numbers of records with a line read as GB18030
        self.total_rows = text.text.count("\n") + 1

    def rows(self) -> Iterator[list[object]]:
        reader = csv.reader(io.StringIO(self.text.text, newline=""), delimiter=self.delimiter)
        bound = limits.current()
        last_line = 0
        number = 0
        try:
            for cells in reader:
                number += 1
                if number > bound.max_rows or len(cells) > limits.EXCEL_MAX_COLUMNS:
                    limits.check_area(self.file, number, len(cells), bound)
                if self.text.bad_lines and any(
                    n in self.text.bad_lines for n in range(last_line + 1, reader.line_num + 1)
                ):
                    self.bad_rows.add(number)
                last_line = reader.line_num
                yield [_unwrap(c) for c in cells]
        except csv.Error as exc:  # e.g. a cell over the csv module's size limit
            raise XjmaError(
                f"无法读取 CSV 文件 {self.file}（第 {reader.line_num} 行：{exc}），请用 Excel 另存为 .xlsx 再试。"
            ) from None


def _unwrap(cell: str) -> str:
    if cell.startswith('="'):
        found = _TEXT_FORMULA.match(cell)
        if found:
            return found.group(1).replace('""', '"')
    return cell


def csv_sheets(file: Path) -> list[CsvSheet]:
    """One candidate per delimiter: ',' first, then ';' and tab for files whose header uses those."""
    text = read_text(file)
    return [CsvSheet(file, text, d) for d in (",", ";", "\t")]
