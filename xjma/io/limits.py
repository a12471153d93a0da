"""Named limits on what xjma reads, checked before a workbook is parsed (issue 6, "bad input").

python-calamine builds each sheet as one dense block of rows x columns, so a tiny .xlsx holding only A1
and XFD1048576 asks for half a terabyte and aborts the process; a zip bomb decompresses to gigabytes.
Neither can be caught once calamine runs, so the file is measured first: its size on disk, the zip
central directory (declared sizes and compression ratios, nothing decompressed), the first bytes of each
XML part (entity declarations), and the cell references of each worksheet (its used area).

Each limit can be lowered or raised with an environment variable of the same name prefixed XJMA_.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xjma.errors import XjmaError

EXCEL_MAX_ROWS = 1_048_576  # rows of one Excel sheet
EXCEL_MAX_COLUMNS = 16_384  # columns A..XFD

MAX_FILE_BYTES = 200 * 2**20  # a 1,048,576-row roster saved by Excel is about 60 MB
MAX_UNCOMPRESSED_BYTES = 2**30  # the XML inside a workbook, all parts together
MAX_COMPRESSION_RATIO = 100  # Apache POI's default; real sheets compress 5-30 times
RATIO_GRACE_BYTES = 8 * 2**20  # parts smaller than this are never refused for their ratio
MAX_ROWS = EXCEL_MAX_ROWS  # the last used row number of a sheet (a CSV: its lines)
MAX_CELLS = 30_000_000  # rows x columns of a sheet's used area: about 1 GB once calamine holds it

_SCAN_CHUNK = 1 << 20
_WHOLE_PART = 256 << 20  # a sheet part smaller than this (every real roster) is scanned in one piece
_MAX_PIECE = 64 << 20  # a worksheet row longer than this is not a roster row
_HEAD_BYTES = 1 << 16  # the prolog, where a DOCTYPE must stand
# Worksheet rows (their end and start tags), a row's number, its cells and their columns.
_XLSX_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_XLSX_ROW_START = re.compile(rb"<(?:\w+:)?row(?=[\s>])")
_XLSX_ROW_NUMBER = re.compile(rb'\sr="([0-9]{1,9})"')
_XLSX_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,9})"')
_XLSX_CELL = re.compile(rb"<(?:\w+:)?c\b(?P<attrs>[^>]*?)(?:/>|>)")
_XLSX_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})[0-9]{1,9}"')
_ZIP_MAGIC = b"PK\x03\x04"
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[")
# An ODS sheet start, or one whole table row (self-closed, or up to its end tag).
_ODS_ITEM = re.compile(
    rb"(?P<table><table:table[\s>])|<table:table-row\b(?P<rattrs>[^>]*?)(?:/>|>(?P<body>.*?)</table:table-row>)",
    re.DOTALL,
)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b(?P<attrs>[^>]*?)(?P<closed>/)?>")


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_uncompressed_bytes: int
    max_compression_ratio: int
    max_rows: int
    max_cells: int


def current() -> Limits:
    """The limits in force: the defaults above, each overridable by XJMA_<NAME> (a positive integer)."""
    return Limits(
        max_file_bytes=_setting("MAX_FILE_BYTES", MAX_FILE_BYTES),
        max_uncompressed_bytes=_setting("MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES),
        max_compression_ratio=_setting("MAX_COMPRESSION_RATIO", MAX_COMPRESSION_RATIO),
        max_rows=min(_setting("MAX_ROWS", MAX_ROWS), EXCEL_MAX_ROWS),
        max_cells=_setting("MAX_CELLS", MAX_CELLS),
    )


def _setting(name: str, default: int) -> int:
    text = os.environ.get(f"XJMA_{name}", "").strip().replace("_", "")
    if not text:
        return default
    if not text.isdigit() or int(text) <= 0:
        raise XjmaError(
            f"环境变量 XJMA_{name} 的值“{text}”无效，请写一个正整数，或删除该变量使用默认值 {default}。"
        )
    return int(text)


def check_file(file: Path, limits: Limits | None = None) -> None:
    """Everything that can be measured before parsing: size, and for a zip container its parts."""
    limits = limits or current()
    size = file.stat().st_size
    if size > limits.max_file_bytes:
        raise XjmaError(
            f"文件 {file} 有 {_mb(size)}，超过上限 {_mb(limits.max_file_bytes)}（设置 XJMA_MAX_FILE_BYTES）："
            "请把名册拆成几个文件分批处理。"
        )
    with file.open("rb") as handle:
        zipped = handle.read(4) == _ZIP_MAGIC
    if zipped:
        check_zip(file, limits)


def check_zip(file: Path, limits: Limits) -> None:
    """Declared sizes from the central directory, entity declarations, and each worksheet's used area."""
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            _check_sizes(file, infos, limits)
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    _check_head(file, archive, info)
            for info in infos:
                if _is_sheet(info.filename):
                    _check_area(file, archive, info, limits)
                elif info.filename == "content.xml":
                    _check_ods_area(file, archive, info, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, ValueError):
        raise XjmaError(_damaged(file)) from None  # a cut-off download, a bad CRC, a damaged deflate stream
    except OSError as exc:
        raise XjmaError(
            f"无法读取文件 {file}（{exc.strerror or exc.__class__.__name__}），请检查文件后重试。"
        ) from None


def _check_sizes(file: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise XjmaError(
            f"文件 {file} 解压后有 {_mb(total)}，超过上限 {_mb(limits.max_uncompressed_bytes)}"
            "（设置 XJMA_MAX_UNCOMPRESSED_BYTES），可能是恶意文件：请用 Excel 打开后另存为 .xlsx，或拆分名册后再试。"
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE_BYTES and ratio > limits.max_compression_ratio:
            raise XjmaError(
                f"文件 {file} 中的 {info.filename} 压缩比为 {ratio:.0f} 倍，超过上限 {limits.max_compression_ratio} 倍"
                "（设置 XJMA_MAX_COMPRESSION_RATIO），可能是“压缩炸弹”：请用 Excel 打开后另存为 .xlsx 再试。"
            )


def _check_head(file: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """A workbook never declares XML entities; a part that does is built to blow up a parser. (A DOCTYPE
    alone is harmless: old OpenOffice manifests carry one.)"""
    with archive.open(info) as part:
        head = part.read(_HEAD_BYTES)
    if b"<!ENTITY" in head or _INTERNAL_SUBSET.search(head):
        raise XjmaError(
            f"文件 {file} 含有 XML 实体声明（{info.filename}），可能是恶意文件，xjma 不读取：请用 Excel 打开后另存为 .xlsx 再试。"
        )


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_area(file: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """The last row and column holding a cell; calamine allocates rows x columns for them."""
    rows, columns, upper = _used_area(archive, info, limits, quick=True)
    if upper > rows and not _within(upper, columns, limits):
        # A quick segment's bound on its rows, with another segment's width, could decide: measure exactly.
        rows, columns, _ = _used_area(archive, info, limits, quick=False)
    check_area(file, rows, columns, limits)


def _within(rows: int, columns: int, limits: Limits) -> bool:
    return rows <= limits.max_rows and rows * columns <= limits.max_cells


def _used_area(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, quick: bool
) -> tuple[int, int, int]:
    """(last row, last column, a bound on the last row) of a worksheet part, segment by segment."""
    last_row = last_col = row = upper = 0
    for segment in _segments(archive, info):
        found = _quick_area(segment, limits) if quick else None
        if found is not None:  # the common layout, in C-speed scans
            row, bound = found
            last_row, last_col, upper = max(last_row, row), max(last_col, 26), max(upper, bound)
        else:
            tagged = segment.count(b'<c r="')
            # Every "<c" starting `<c r="` (the usual case) settles the cell count in one pass.
            if segment.count(b"<c") == tagged:
                cells = tagged
            else:
                cells = segment.count(b"<c ") + segment.count(b"<c>") + segment.count(b"<c/>")
            refs = _XLSX_REF.findall(segment)
            if refs and len(refs) >= cells:  # every cell carries its reference (Excel, WPS): one pass
                row = max(map(int, {digits for _, digits in refs}))
                width = max(map(column_number, {letters for letters, _ in refs}))
                last_row, last_col = max(last_row, row), max(last_col, width)
            else:  # some writers omit r="B12": a cell is then the one after its left neighbour
                filled, width, row = _counted_area(segment, row)
                last_row, last_col = max(last_row, filled), max(last_col, width)
        if not _within(last_row, last_col, limits):
            break  # refused below: no need to read the rest
    return last_row, last_col, max(upper, last_row)


_LAST_REF = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,9})"')
_IRREGULAR: dict[int, re.Pattern[bytes]] = {}
_PREFIXED_CELL = re.compile(rb":c[\s>/]")  # <x:c …>: calamine reads a cell by its local name


def _irregular(digits: int) -> re.Pattern[bytes]:
    """A cell that does not start `<c r="` + one letter + at most `digits` digits + `"`: no reference,
    another attribute first, a column past Z, a lower-case or a longer reference."""
    found = _IRREGULAR.get(digits)
    if found is None:
        found = _IRREGULAR[digits] = re.compile(rb'<c(?:[>/]|\s(?!r="[A-Z][0-9]{1,%d}"))' % digits)
    return found


def _quick_area(segment: bytes, limits: Limits) -> tuple[int, int] | None:
    """(the last cell's row, a bound on every row) when every cell is `<c r="…"` with a one-letter
    reference (no column past Z, so 26 columns at most) whose row has at most as many digits as the last
    cell's: what Excel, WPS and xlsxwriter write for a roster. None sends the segment to the exact scan.

    calamine places a cell that carries a reference by the reference alone, so the references decide,
    not the `<row r=…>` tags (a row tag of 5 around `<c r="A50000000">` is a 50-million-row sheet). One
    regex over the part, instead of a tuple per cell (1.5 s per 100k rows)."""
    at = segment.rfind(b'<c r="')
    last = _LAST_REF.match(segment, at) if at >= 0 else None
    if last is None:
        return None
    digits = len(last.group(1))
    if _PREFIXED_CELL.search(segment) or _irregular(digits).search(segment):
        return None
    bound = 10**digits - 1  # no row number has more digits
    if _within(bound, 26, limits):
        return int(last.group(1)), bound
    # The limits could decide: the exact last row, among the rows with that many digits.
    row = max(map(int, re.findall(rb'<c r="[A-Z]([0-9]{%d})"' % digits, segment)))
    # Width 26 is an upper bound; where it could decide a refusal, the exact scan decides instead.
    return (row, row) if row * 26 <= limits.max_cells else None


def _segments(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part as one piece when its declared size is below _WHOLE_PART (one read, and each count or
    regex below runs once over it instead of once per megabyte), else in pieces of whole rows. The
    declared size was checked against the limits already, and zipfile stops reading at it, so a part
    that inflates past its declared size cannot fill memory."""
    if info.file_size >= _WHOLE_PART:
        yield from _whole_rows(archive, info)
        return
    with archive.open(info) as part:
        whole = part.read()
    if whole:
        yield whole


def _whole_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part in pieces of about a megabyte, each ending at a row's end tag (the last piece: the rest)."""
    buffer = b""
    with archive.open(info) as part:
        while chunk := part.read(_SCAN_CHUNK):
            buffer += chunk
            ends = list(_XLSX_ROW_END.finditer(buffer, max(0, len(buffer) - len(chunk) - 16)))
            if ends:
                yield buffer[: ends[-1].end()]
                buffer = buffer[ends[-1].end() :]
            elif len(buffer) > _MAX_PIECE:  # one enormous row: counted in pieces (it cannot be legitimate)
                yield buffer
                buffer = b""
    if buffer:
        yield buffer


def _counted_area(segment: bytes, row: int) -> tuple[int, int, int]:
    """(last row with a cell, widest row, last row) of a segment whose cells may lack references; `row`
    is the number of the row before the segment."""
    last_row = width = 0
    for piece in _XLSX_ROW_END.split(segment):
        starts = list(_XLSX_ROW_START.finditer(piece))
        if not starts:
            continue
        close = piece.find(b">", starts[-1].end())
        number = _XLSX_ROW_NUMBER.search(piece, starts[-1].end(), close + 1)
        row = int(number.group(1)) if number else row + 1
        col = 0
        for cell in _XLSX_CELL.finditer(piece, close + 1):
            ref = _XLSX_CELL_REF.search(cell.group("attrs"))
            col = column_number(ref.group(1)) if ref else col + 1
            last_row, width = row, max(width, col)
    return last_row, width, row


def _items(
    file: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, pattern: re.Pattern[bytes]
) -> Iterator[re.Match[bytes]]:
    """Matches of `pattern` (whole elements) in a part read chunk by chunk; an element cut by a chunk
    boundary is matched once the next chunk has completed it."""
    buffer = b""
    with archive.open(info) as part:
        while True:
            chunk = part.read(_SCAN_CHUNK)
            buffer += chunk
            end = 0
            for match in pattern.finditer(buffer):
                end = match.end()
                yield match
            buffer = buffer[end:]
            if not chunk:
                return
            if len(buffer) > _MAX_PIECE:  # no row ends within 64 MB: re-scanning it would take for ever
                raise XjmaError(
                    f"文件 {file} 的 {info.filename} 中有一行超过 {_mb(_MAX_PIECE)}，文件已损坏或是恶意文件：请用 Excel 打开后另存再试。"
                )


def _check_ods_area(file: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """ODS repeats rows and cells by count (table:number-rows-repeated="1000000"): only repeats that hold
    a value widen the used area (LibreOffice ends every sheet with a million repeated empty rows)."""
    last_row = last_col = row = 0
    for match in _items(file, archive, info, _ODS_ITEM):
        if match.group("table") is not None:
            row = 0  # a new sheet
            continue
        repeat = _repeat(match.group("rattrs"), b"number-rows-repeated")
        extent = _ods_row_extent(match.group("body") or b"")
        if extent:
            last_row, last_col = max(last_row, row + repeat), max(last_col, extent)
        row += repeat
        if last_row > limits.max_rows or last_row * last_col > limits.max_cells:
            break
    check_area(file, last_row, last_col, limits)


def _ods_row_extent(body: bytes) -> int:
    """The column of the last cell holding something (a value type, or text inside it)."""
    col = extent = 0
    for match in _ODS_CELL.finditer(body):
        col += _repeat(match.group("attrs"), b"number-columns-repeated")
        if b"value-type" in match.group("attrs") or not match.group("closed"):
            extent = col
    return extent


def _repeat(attrs: bytes | None, name: bytes) -> int:
    found = re.search(name + rb'="([0-9]{1,12})"', attrs or b"")
    return int(found.group(1)) if found else 1


def check_area(file: Path | str, rows: int, columns: int, limits: Limits | None = None) -> None:
    """Refuse a sheet (or CSV) whose used area exceeds Excel's size or the configured limits."""
    limits = limits or current()
    if rows > limits.max_rows:
        beyond = "，超过了 Excel 允许的行数" if rows > EXCEL_MAX_ROWS else ""
        raise XjmaError(
            f"文件 {file} 用到了第 {rows:,} 行{beyond}，上限为 {limits.max_rows:,} 行（设置 XJMA_MAX_ROWS）："
            "请删除多余的行，或把名册拆成几个文件分批处理。"
        )
    if columns > EXCEL_MAX_COLUMNS:
        raise XjmaError(
            f"文件 {file} 用到了第 {columns:,} 列，超过了 Excel 允许的 {EXCEL_MAX_COLUMNS:,} 列，文件可能已损坏：请用 Excel 另存后再试。"
        )
    if rows * max(columns, 1) > limits.max_cells:
        raise XjmaError(
            f"文件 {file} 的使用区域有 {rows:,} 行 × {columns:,} 列，超过上限 {limits.max_cells:,} 个单元格"
            "（设置 XJMA_MAX_CELLS）：请删除名册右侧或下方多余的内容（包括只有格式的单元格）后再试。"
        )


def column_number(letters: bytes | str) -> int:
    """A=1 ... XFD=16384."""
    text = letters.decode() if isinstance(letters, bytes) else letters
    number = 0
    for char in text:
        number = number * 26 + ord(char) - 64
    return number


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB" if size >= 2**20 else f"{size:,} 字节"


def _damaged(file: Path) -> str:
    return f"无法读取文件 {file}：文件已损坏（可能没有下载或复制完整），请用 Excel 打开后另存为 .xlsx 再试。"
