"""Read a roster or claims file into a Table: header row found by content, file-level `KEY：VALUE` lines,
Excel row numbers kept (roster.md "Files xjma reads").

Workbooks (.xlsx/.xlsm/.xls/.ods) go through python-calamine, CSV through the csv module; both give a
grid of rows that starts at cell A1, so grid index + 1 is the row number Excel shows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.columns import FILE_LEVEL_KEYS, FieldDef, header_index, header_key, match_headers
from xjma.core.normalize import clean_text
from xjma.core.vocab import squash
from xjma.errors import XjmaError
from xjma.io import limits

if TYPE_CHECKING:
    from python_calamine import CalamineSheet, CalamineWorkbook

HEADER_SCAN_ROWS = 20
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # its name in the OLE directory
# "单位名称：A公司 所属地州市：巴州" in one cell: split before each further "KEY:".
_KV_SPLIT = re.compile(r"\s+(?=[^\s:]+:)")

Grid = list[list[Any]]
Loader = Callable[[int | None], Grid]  # nrows (None: all) -> rows from A1


@dataclass(slots=True)
class RawRow:
    row: int  # the Excel row number a person sees
    # str | int | float | bool | date | datetime | None, as read: an empty cell may be "" or None (the
    # readers give "", copying 2.6M cells to swap it costs half a second); Table.value reads both as None.
    cells: list[Any]


@dataclass
class Table:
    file: str
    sheet: str  # "" for CSV
    header_row: int
    headers: list[str]
    columns: dict[str, int]
    file_values: dict[str, str]
    rows: list[RawRow]

    def header_of(self, field: str) -> str:
        """The header as it appears in the file, "" when the file has no such column."""
        col = self.columns.get(field)
        return "" if col is None else self.headers[col]

    def value(self, raw: RawRow, field: str) -> object:
        """The raw cell of a field; None when the file has no such column or the row is short."""
        col = self.columns.get(field)
        if col is None or col >= len(raw.cells):
            return None
        value = raw.cells[col]
        return None if value == "" else value


def read_table(
    path: str | Path,
    fields: Sequence[FieldDef],
    sheet: str | None = None,
    key_fields: tuple[str, ...] = ("name", "id_number"),
    require_rows: bool = True,
) -> Table:
    """The table of `path`: the sheet named `sheet` (CSV: ignored), else the first sheet with a header row,
    i.e. a row within the first 20 that holds every one of `key_fields`. XjmaError when it cannot, and
    (unless require_rows=False) when no data row follows the header: a header alone is not a roster."""
    file = Path(path)
    suffix = _check_file(file)
    candidates = _csv_candidates(file) if suffix == ".csv" else _workbook_candidates(file, suffix, sheet)
    for name, load in candidates:
        head = load(HEADER_SCAN_ROWS)
        at = _find_header(head, fields, key_fields)
        if at is not None:
            return _build(str(path), name, load(None), at, fields, require_rows)
    raise XjmaError(_no_header_message(file, suffix, sheet, fields, key_fields))


def _check_file(file: Path) -> str:
    if not file.exists():
        raise XjmaError(f"找不到文件 {file}，请检查路径和文件名是否正确。")
    if file.is_dir():
        raise XjmaError(f"{file} 是一个文件夹，请指定名册文件本身（.xlsx、.xls、.ods 或 .csv）。")
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise XjmaError(
            f"不支持的文件类型“{file.suffix or '无扩展名'}”：请提供 .xlsx、.xlsm、.xls、.ods 或 .csv 文件"
            "（可在 Excel 中“另存为”Excel 工作簿）。"
        )
    try:
        with file.open("rb") as handle:
            first = handle.read(1)
    except PermissionError:
        raise XjmaError(f"没有权限读取文件 {file}，请检查文件权限，或先关闭正在使用它的程序。") from None
    except OSError as exc:
        raise XjmaError(f"无法读取文件 {file}（{exc.strerror}），请检查文件后重试。") from None
    if not first:
        raise XjmaError(f"文件 {file} 是空的（0 字节），请确认选择了正确的文件。")
    limits.check_file(file)  # size, zip bombs, entity declarations, used area: before any parser runs
    return suffix


def _find_header(head: Grid, fields: Sequence[FieldDef], key_fields: tuple[str, ...]) -> int | None:
    for at, row in enumerate(head[:HEADER_SCAN_ROWS]):
        texts = [c if isinstance(c, str) else "" for c in row]
        found = match_headers(texts, fields)
        if all(key in found for key in key_fields):
            return at
    return None


def _build(
    file: str, sheet: str, grid: Grid, at: int, fields: Sequence[FieldDef], require_rows: bool
) -> Table:
    headers = [clean_header(c) for c in grid[at]]
    while headers and not headers[-1]:
        headers.pop()
    rows: list[RawRow] = []
    append = rows.append
    for index in range(at + 1, len(grid)):
        cells = grid[index]
        if not _is_blank(cells):
            append(RawRow(index + 1, cells))
    if not rows and require_rows:
        raise XjmaError(
            f"{file} 的表头（第 {at + 1} 行）下面没有任何数据行，请填写人员后再试，或检查是否选错了文件或工作表。"
        )
    return Table(
        file=file,
        sheet=sheet,
        header_row=at + 1,
        headers=headers,
        columns=match_headers(headers, fields),
        file_values=read_file_values(grid[:at], fields),
        rows=rows,
    )


def clean_header(cell: object) -> str:
    if cell is None:
        return ""
    return cell.strip() if isinstance(cell, str) else clean_text(cell)


def _is_blank(cells: list[Any]) -> bool:
    # Returns at the first filled cell, which for a data row is nearly always the first one.
    for cell in cells:
        if cell is None or cell == "":
            continue
        if not isinstance(cell, str) or not cell.isspace():
            return False
    return True


def read_file_values(rows: Grid, fields: Sequence[FieldDef]) -> dict[str, str]:
    """`KEY：VALUE` / `KEY:VALUE` cells above the header, or `KEY：` with the value in the next filled cell
    of the row. Only keys that name a field allowed at file level count; the first occurrence wins."""
    index = header_index([f for f in fields if f.name in FILE_LEVEL_KEYS])
    values: dict[str, str] = {}
    for row in rows:
        texts = [clean_text(c) for c in row]  # NFKC: "：" is ":" from here on
        for col, text in enumerate(texts):
            for part in _KV_SPLIT.split(text):
                key, colon, value = part.partition(":")
                name = index.get(header_key(key)) if colon else None
                if name is None or name in values:
                    continue
                value = value.strip() or _next_value(texts, col)
                if value:
                    values[name] = value
    return values


def _next_value(texts: list[str], col: int) -> str:
    for text in texts[col + 1 :]:
        if text:
            return "" if ":" in text else text  # another "KEY:" cell: this key was left blank
    return ""


def _no_header_message(
    file: Path, suffix: str, sheet: str | None, fields: Sequence[FieldDef], key_fields: tuple[str, ...]
) -> str:
    headers = {f.name: f.header for f in fields}
    needed = "、".join(f"“{headers.get(k, k)}”" for k in key_fields)
    if suffix == ".csv":
        where = f"文件 {file} 的前 {HEADER_SCAN_ROWS} 行"
    elif sheet is not None:
        where = f"工作表“{sheet}”的前 {HEADER_SCAN_ROWS} 行"
    else:
        where = f"{file} 的任何工作表的前 {HEADER_SCAN_ROWS} 行"
    return f"在{where}中没有找到表头：表头行必须包含 {needed} 列，请检查列名是否正确。"


# --- CSV ------------------------------------------------------------------------------------------


def _csv_candidates(file: Path) -> list[tuple[str, Loader]]:
    """One candidate per delimiter: ',' first, then ';' and tab for files whose header uses those."""
    text = _decode(file.read_bytes(), file)
    if not text.strip():
        raise XjmaError(f"文件 {file} 是空的，请确认选择了正确的文件。")

    def loader(delimiter: str) -> Loader:
        def load(nrows: int | None) -> Grid:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            try:
                if nrows is not None:
                    return list(itertools.islice(reader, nrows))
                grid = list(reader)
                limits.check_area(file, len(grid), max(map(len, grid), default=0))
                return grid
            except csv.Error as exc:  # e.g. a cell over the csv module's size limit
                raise XjmaError(
                    f"无法读取 CSV 文件 {file}（第 {reader.line_num} 行：{exc}），请用 Excel 另存为 .xlsx 再试。"
                ) from None

        return load

    return [("", loader(d)) for d in (",", ";", "\t")]


def _decode(data: bytes, file: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise XjmaError(f"文件 {file} 不是文本格式的 CSV 文件，请在 Excel 中另存为“CSV（逗号分隔）”后再试。")
    return data.decode("gb18030", errors="replace")


# --- workbooks ------------------------------------------------------------------------------------


def _workbook_candidates(file: Path, suffix: str, sheet: str | None) -> list[tuple[str, Loader]]:
    from python_calamine import CalamineError, SheetVisibleEnum

    book = _open_workbook(file, suffix)
    names = list(book.sheet_names)
    if sheet is not None:
        chosen = [_resolve_sheet(sheet, names, file)]
    else:
        hidden = {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
        chosen = [n for n in names if n not in hidden]

    def loader(name: str) -> Loader:
        parsed: list[CalamineSheet] = []  # parsing is the costly step: once per sheet

        def load(nrows: int | None) -> Grid:
            try:
                if not parsed:
                    with calamine_guard(file):
                        parsed.append(book.get_sheet_by_name(name))
                    # .xls and .ods are not scanned beforehand: their used area is checked here, before
                    # every cell becomes a Python object.
                    last = parsed[0].end  # (row, column) of the last used cell, None when empty
                    if last is not None:
                        limits.check_area(file, last[0] + 1, last[1] + 1)
                with calamine_guard(file):
                    return _grid(parsed, nrows)
            except CalamineError:
                if sheet is not None:
                    raise XjmaError(_corrupt_message(file)) from None
                return []  # a chart or macro sheet: not a table

        return load

    return [(n, loader(n)) for n in chosen]


def _grid(parsed: list[CalamineSheet], nrows: int | None) -> Grid:
    """The sheet's rows from A1, as `to_python(skip_empty_area=False)` gives them. A big sheet's whole
    grid is made with equal cells shared (xjma/io/shared_cells.py), and calamine's copy of the sheet is
    let go as soon as it is made."""
    from xjma.io.shared_cells import SHARE_ROWS, shared_rows

    sheet = parsed[0]
    if nrows is not None or sheet.height <= SHARE_ROWS or sheet.start is None or sheet.end is None:
        return sheet.to_python(skip_empty_area=False, nrows=nrows)
    parsed.clear()
    (_, first_col), (last_row, last_col) = sheet.start, sheet.end
    rows = iter(sheet.iter_rows())
    first = next(rows, None)
    width = last_col + 1
    if first is None or len(first) not in (width, width - first_col):  # not the iter_rows we know
        return sheet.to_python(skip_empty_area=False)
    grid = shared_rows(itertools.chain([first], rows), left=width - len(first))
    missing = last_row + 1 - len(grid)  # iter_rows may start at the first used row, not at row 1
    if missing < 0:
        return sheet.to_python(skip_empty_area=False)
    return [[""] * width for _ in range(missing)] + grid


def _resolve_sheet(sheet: str, names: list[str], file: Path) -> str:
    if sheet in names:
        return sheet
    for name in names:  # " 名册 " or a full-width variant still names the sheet
        if squash(name) == squash(sheet):
            return name
    listed = "、".join(f"“{n}”" for n in names)
    raise XjmaError(f"{file} 中没有名为“{sheet}”的工作表，现有工作表：{listed}，请用 --sheet 指定其中一个。")


def _open_workbook(file: Path, suffix: str) -> CalamineWorkbook:
    """Open with calamine. Some systems save an .xlsx, or a web page, under the name .xls, and a
    password-protected .xlsx is an OLE container: each gets its own message."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    with file.open("rb") as handle:
        start = handle.read(512)
    if start.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise XjmaError(
            f"文件 {file} 实际上是网页或 XML 格式，不是 Excel 工作簿：请用 Excel 打开后另存为 .xlsx 再试。"
        )
    ole = start.startswith(_OLE_MAGIC)
    if ole and _ENCRYPTED_PACKAGE in file.read_bytes():
        raise XjmaError(_password_message(file))  # Office's encrypted .xlsx: an OLE file with this stream
    encrypted = ole and suffix != ".xls"  # an OLE file named .xlsx is nearly always a password-protected one
    try:
        with calamine_guard(file):
            return CalamineWorkbook.from_path(str(file))
    except PasswordError:
        raise XjmaError(_password_message(file)) from None
    except (CalamineError, ValueError):
        pass
    try:  # a workbook under another format's name: calamine tells the format from the content
        with calamine_guard(file):
            return CalamineWorkbook.from_filelike(io.BytesIO(file.read_bytes()))
    except PasswordError:
        raise XjmaError(_password_message(file)) from None
    except (CalamineError, OSError, ValueError):
        raise XjmaError(_password_message(file) if encrypted else _corrupt_message(file)) from None


@contextlib.contextmanager
def calamine_guard(file: Path) -> Iterator[None]:
    """calamine is Rust: on some damaged files (a broken OLE directory) it panics instead of raising. The
    panic text goes straight to file descriptor 2 and pyo3 raises PanicException, a BaseException that
    no `except Exception` sees. Here stderr is closed for the call and the panic is a damaged file."""
    debug = os.environ.get("XJMA_DEBUG", "") not in ("", "0")
    try:
        saved = -1 if debug else os.dup(2)
    except OSError:  # no stderr at all: nothing to keep quiet
        saved = -1
    quiet = saved >= 0
    if quiet:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    try:
        yield
    except BaseException as exc:
        if type(exc).__name__ != "PanicException" or debug:
            raise
        raise XjmaError(_corrupt_message(file)) from None
    finally:
        if quiet:
            os.dup2(saved, 2)
            os.close(saved)


def _password_message(file: Path) -> str:
    return f"文件 {file} 设置了打开密码，xjma 无法读取：请在 Excel 中取消密码（或另存一份不设密码的副本）后再试。"


def _corrupt_message(file: Path) -> str:
    return f"无法读取文件 {file}：文件已损坏或不是有效的工作簿，请用 Excel 打开后另存为 .xlsx 再试。"
