"""Named limits on what xjma reads, checked before a workbook is parsed (issues 6 and 23, "bad input").

python-calamine builds each sheet as one dense block of rows x columns, so a tiny .xlsx holding only A1
and XFD1048576 asks for half a terabyte and aborts the process (tafia/calamine#693, open); a zip bomb
decompresses to gigabytes. Neither can be caught once calamine runs, so the file is measured first: its
size, the zip central directory (declared sizes and ratios), every part inflated here with a bound (a
part that inflates past its declared size is refused), the prolog of each XML part (entity
declarations), the shared-string indexes, and the used area of each sheet calamine will read: the
parts the workbook's relationships name. References are read as an XML parser reads them
(sheet_scan.py); a sheet in the shape Excel, WPS, LibreOffice and xlsxwriter write is measured by
byte counts first, which prove that shape (sheet_scan.quick_area).

Each limit can be lowered or raised with an environment variable of the same name prefixed XJMA_.
"""

from __future__ import annotations

import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from xjma.errors import XjmaError

EXCEL_MAX_ROWS = 1_048_576  # rows of one Excel sheet
EXCEL_MAX_COLUMNS = 16_384  # columns A..XFD

MAX_FILE_BYTES = 200 * 2**20  # a 1,048,576-row roster saved by Excel is about 60 MB
MAX_UNCOMPRESSED_BYTES = 2**30  # the XML inside a workbook, all parts together
MAX_COMPRESSION_RATIO = 100  # Apache POI's default; real sheets compress 5-30 times
RATIO_GRACE_BYTES = 8 * 2**20  # parts smaller than this are never refused for their ratio
MAX_ROWS = EXCEL_MAX_ROWS  # the last used row number of a sheet (a CSV: its lines)
MAX_CELLS = 30_000_000  # rows x columns of a sheet's used area: about 1 GB once calamine holds it

CHUNK = 1 << 20
MAX_PROLOG = 1 << 20  # bytes before an XML part's root element; real parts have ~100
_ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_ROOT = re.compile(rb"<[A-Za-z_]")
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[")
_WORKSHEET_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.DOTALL)
_ATTR = re.compile(rb"""\b(Type|Target)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_uncompressed_bytes: int
    max_compression_ratio: int
    max_rows: int
    max_cells: int

    def within(self, rows: int, columns: int) -> bool:
        return rows <= self.max_rows and columns <= EXCEL_MAX_COLUMNS and rows * columns <= self.max_cells


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
    """Declared sizes, then each part inflated (bounded) and scanned: prolog, sheets, shared strings."""
    from xjma.io import sheet_scan

    try:
        with zipfile.ZipFile(file) as archive, file.open("rb") as raw:
            infos = archive.infolist()
            _check_sizes(file, infos, limits)
            sheets = sheet_parts(archive)
            for info in infos:
                chunks = inflate(file, raw, info)
                if info.filename in sheets:

                    def again(info: zipfile.ZipInfo = info) -> Iterator[bytes]:
                        return _checked_prolog(file, info, inflate(file, raw, info))

                    rows, cols = sheet_scan.sheet_area(file, again, limits)
                    check_area(file, rows, cols, limits)
                elif info.filename == "content.xml":
                    rows, cols = sheet_scan.ods_area(file, _checked_prolog(file, info, chunks), limits)
                    check_area(file, rows, cols, limits)
                elif info.filename.endswith((".xml", ".rels")):
                    for _ in _checked_prolog(file, info, chunks):
                        pass
                else:
                    for _ in chunks:  # inflated to its end: a part larger than declared is refused
                        pass
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        ValueError,
        struct.error,
    ):
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


def inflate(file: Path, raw: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks, inflated from the raw zip data with the declared size as the bound:
    a part that holds more than its central-directory entry says (which calamine's zip reader would
    inflate whole) is refused as soon as it passes that size."""
    raw.seek(info.header_offset)
    magic, _, flags, method, _, _, _, _, _, name_len, extra_len = _LOCAL_HEADER.unpack(raw.read(30))
    if magic != _ZIP_MAGIC or flags & 1 or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise zipfile.BadZipFile(info.filename)  # encrypted parts and exotic methods: not a workbook
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    left, out, crc = info.compress_size, 0, 0
    inflater = zlib.decompressobj(-15) if method == zipfile.ZIP_DEFLATED else None
    while left > 0:
        data = raw.read(min(CHUNK, left))
        if not data:
            raise EOFError(info.filename)
        left -= len(data)
        while data:
            piece = inflater.decompress(data, CHUNK) if inflater is not None else data
            data = inflater.unconsumed_tail if inflater is not None else b""
            out += len(piece)
            if out > info.file_size:
                raise XjmaError(_understated(file, info))
            if piece:
                crc = zlib.crc32(piece, crc)
                yield piece
        if inflater is not None and inflater.eof:
            break
    if out != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 or size for {info.filename}")


def _checked_prolog(file: Path, info: zipfile.ZipInfo, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, once the prolog (everything before the root element) is known to declare no entity.
    A workbook never declares XML entities; a part that does is built to blow up a parser. (A DOCTYPE
    alone is harmless: old OpenOffice manifests carry one.)"""
    prolog = b""
    for chunk in chunks:
        if prolog is not None:
            prolog += chunk
            root = _root_at(prolog)
            if root is None and len(prolog) <= MAX_PROLOG:
                continue
            head = prolog[: root if root is not None else len(prolog)]
            if b"<!ENTITY" in head or _INTERNAL_SUBSET.search(head) or root is None:
                raise XjmaError(
                    f"文件 {file} 含有 XML 实体声明（{info.filename}），可能是恶意文件，xjma 不读取：请用 Excel 打开后另存为 .xlsx 再试。"
                )
            chunk, prolog = prolog, None  # type: ignore[assignment]
        yield chunk
    if prolog:
        if b"<!ENTITY" in prolog or _INTERNAL_SUBSET.search(prolog):
            raise XjmaError(
                f"文件 {file} 含有 XML 实体声明（{info.filename}），可能是恶意文件，xjma 不读取。"
            )
        yield prolog


def _root_at(prolog: bytes) -> int | None:
    """Where the root element starts, skipping `<?…?>`, `<!--…-->` and `<!DOCTYPE…>`."""
    for match in _ROOT.finditer(prolog):
        before = prolog[: match.start()]
        if before.count(b"<!--") == before.count(b"-->"):
            return match.start()
    return None


def sheet_parts(archive: zipfile.ZipFile) -> set[str]:
    """The worksheet parts calamine may read: every target of a worksheet relationship in any .rels
    part (relative to the part that owns it, or absolute), and anything under xl/worksheets/."""
    names = set(archive.namelist())
    found = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    for rels in (n for n in names if n.endswith(".rels")):
        base = posixpath.dirname(posixpath.dirname(rels))  # xl/_rels/workbook.xml.rels -> xl
        info = archive.getinfo(rels)
        if info.file_size > 16 << 20:
            continue  # checked as a part like any other; no workbook has such relationships
        with archive.open(info) as part:
            text = part.read()
        for tag in _WORKSHEET_REL.findall(text):
            attrs = {m.group(1): (m.group(2) or m.group(3) or b"") for m in _ATTR.finditer(tag)}
            if not attrs.get(b"Type", b"").endswith(b"/worksheet"):
                continue
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            for name in (
                target.lstrip("/"),
                posixpath.join(base, target),
                posixpath.normpath(posixpath.join(base, target)),
            ):
                if name in names:
                    found.add(name)
    return found


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


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB" if size >= 2**20 else f"{size:,} 字节"


def _understated(file: Path, info: zipfile.ZipInfo) -> str:
    return (
        f"文件 {file} 中的 {info.filename} 实际内容比文件声明的 {_mb(info.file_size)} 更大，文件已损坏或是恶意文件："
        "请用 Excel 打开后另存为 .xlsx 再试。"
    )


def _damaged(file: Path) -> str:
    return f"无法读取文件 {file}：文件已损坏（可能没有下载或复制完整），请用 Excel 打开后另存为 .xlsx 再试。"
