"""Workbooks (.xlsx/.xlsm/.xls/.ods) through python-calamine's public API, one sheet at a time.

A sheet is parsed once (calamine keeps its cells in Rust) and its rows are then streamed with
`iter_rows()`, which yields every row from the first one and every column from the first used one: the
rows are padded on the left so that index + 1 is the Excel column, and position + 1 the Excel row. A
second pass (the report needs the cells of the rows with problems) streams again from the same parse.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.vocab import squash
from xjma.errors import DEBUG, XjmaError
from xjma.io import limits
from xjma.io.sheets import detect

if TYPE_CHECKING:
    from python_calamine import CalamineSheet, CalamineWorkbook

Merge = tuple[tuple[int, int], tuple[int, int]]
_EPOCH_1904 = dt.date(1904, 1, 1)


class WorkbookSheet:
    """One parsed sheet: rows() from A1, the merged ranges, and the workbook's date system."""

    def __init__(self, file: Path, sheet: CalamineSheet, date1904: bool) -> None:
        self.file, self.name, self._sheet, self.date1904 = file, sheet.name, sheet, date1904
        last = sheet.end  # (row, column) of the last used cell, None when empty
        if last is not None:  # .xls and .ods are not scanned beforehand: their used area is checked here
            limits.check_area(file, last[0] + 1, last[1] + 1)
        self.merges: list[Merge] = list(sheet.merged_cell_ranges or ())
        self.bad_rows: set[int] = set()
        self.total_rows = 0 if last is None else last[0] + 1

    @property
    def empty(self) -> bool:
        return self._sheet.start is None

    def rows(self) -> Iterator[list[Any]]:
        start = self._sheet.start
        if start is None:
            return
        pad = [""] * start[1]
        # No guard here: the sheet is parsed already, and stderr must stay open between rows.
        for cells in self._sheet.iter_rows():
            yield pad + cells if pad else cells

    def date_of(self, serial: float) -> dt.date | float:
        """A plain number in a date column, in this workbook's date system (1900: left to the reader)."""
        if not self.date1904 or not 0 < serial < 2_958_465:
            return serial
        return _EPOCH_1904 + dt.timedelta(days=int(serial))


def open_book(file: Path, suffix: str) -> tuple[CalamineWorkbook, bool]:
    """The workbook (decrypted when Excel's default password is all it has) and whether it counts dates
    from 1904. A file name that is not valid text (a GBK name from a Windows share) is read through an
    open file, not by path."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    plain = detect.workbook_bytes(file, suffix)
    ole = detect.head(file, 8) == detect.OLE_MAGIC
    encrypted = ole and suffix != ".xls"  # an OLE file named .xlsx is nearly always a password-protected one
    try:
        with calamine_guard(file):
            if plain is not None:
                return CalamineWorkbook.from_filelike(plain), _is_1904(plain)
            if _text_path(file):
                return CalamineWorkbook.from_path(str(file)), _is_1904(file)
    except PasswordError:
        raise XjmaError(detect.password_message(file)) from None
    except (CalamineError, ValueError, OSError):
        pass
    try:  # a workbook under another format's name: calamine tells the format from the content
        with calamine_guard(file), open(file, "rb") as handle:
            data = io.BytesIO(handle.read())
            return CalamineWorkbook.from_filelike(data), _is_1904(data)
    except PasswordError:
        raise XjmaError(detect.password_message(file)) from None
    except (CalamineError, OSError, ValueError):
        raise XjmaError(
            detect.password_message(file) if encrypted else detect.corrupt_message(file)
        ) from None


def _text_path(file: Path) -> bool:
    try:
        str(file).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_1904(source: Path | io.BytesIO) -> bool:
    """An .xlsx whose workbook part says date1904 (Excel for Mac's old default)."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                return False
            with archive.open("xl/workbook.xml") as part:
                head = part.read(1 << 16)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
    finally:
        if isinstance(source, io.BytesIO):
            source.seek(0)
    at = head.find(b"date1904=")
    return at >= 0 and head[at + 10 : at + 11] in (b"1", b"t")


def sheet_names(book: CalamineWorkbook) -> tuple[list[str], list[str]]:
    """(visible worksheets, hidden worksheets) in workbook order; chart and macro sheets left out."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    visible: list[str] = []
    hidden: list[str] = []
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        (visible if meta.visible == SheetVisibleEnum.Visible else hidden).append(meta.name)
    return visible, hidden


def load_sheet(file: Path, book: CalamineWorkbook, name: str, date1904: bool) -> WorkbookSheet:
    """Parse one sheet; a sheet calamine cannot parse is a damaged file."""
    from python_calamine import CalamineError

    try:
        with calamine_guard(file):
            return WorkbookSheet(file, book.get_sheet_by_name(name), date1904)
    except CalamineError:
        raise XjmaError(damaged_sheet_message(file, name)) from None


def resolve_sheet(sheet: str, names: list[str], file: Path) -> str:
    if sheet in names:
        return sheet
    for name in names:  # " 名册 " or a full-width variant still names the sheet
        if squash(name) == squash(sheet):
            return name
    listed = "、".join(f"“{n}”" for n in names)
    raise XjmaError(f"{file} 中没有名为“{sheet}”的工作表，现有工作表：{listed}，请用 --sheet 指定其中一个。")


@contextlib.contextmanager
def calamine_guard(file: Path) -> Iterator[None]:
    """calamine is Rust: on some damaged files (a broken OLE directory) it panics instead of raising
    (upstream: tafia/calamine#693 and its kin). The panic text goes straight to file descriptor 2 and
    pyo3 raises PanicException, a BaseException that no `except Exception` sees. Here stderr is closed
    for the call and the panic is a damaged file. Kept while calamine panics (review §5)."""
    debug = DEBUG.get()
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
        raise XjmaError(detect.corrupt_message(file)) from None
    finally:
        if quiet:
            os.dup2(saved, 2)
            os.close(saved)


def damaged_sheet_message(file: Path, name: str) -> str:
    return (
        f"无法读取文件 {file} 的工作表“{name}”：文件已损坏，请用 Excel 打开后另存为 .xlsx 再试"
        "（或用 --sheet 指定另一个工作表）。"
    )
