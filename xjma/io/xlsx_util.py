"""Safe workbook writing shared by every report: values as text, never formulas; atomic replace.

A value read from a roster is written with `write_string` (xlsxwriter) or as an explicit string cell
(openpyxl), so "=1+1" or "@SUM(A1)" stays the text the clerk typed and never runs. Characters XML 1.0
forbids would make the workbook unreadable; they are dropped. A workbook is written to a temporary file
beside the target and moved over it with os.replace, so an interrupted run never leaves half a file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xjma.core.privacy import mask_text
from xjma.errors import XjmaError

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MASKING = [False]  # --mask: every text cell written through cell_text is masked (core/privacy.py)


@contextlib.contextmanager
def masking(on: bool) -> Iterator[None]:
    """While active, ID and phone numbers in every text cell are masked."""
    before, _MASKING[0] = _MASKING[0], on
    try:
        yield
    finally:
        _MASKING[0] = before


MAX_CELL = 32767  # Excel's limit on the characters of one cell


def strip_illegal(text: str) -> str:
    return _ILLEGAL.sub("", text) if not text.isprintable() else text


def cell_text(value: object) -> str:
    """What a person saw in the cell, as text: 12.0 -> "12", a date -> 2026-12-01, None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value).upper()
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    if _MASKING[0]:
        text = mask_text(text)
    return strip_illegal(text)[:MAX_CELL]


def write_text(sheet: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
    """xlsxwriter: always a string cell (an empty value leaves the cell blank but keeps the format)."""
    text = cell_text(value)
    if text:
        sheet.write_string(row, col, text, fmt)
    elif fmt is not None:
        sheet.write_blank(row, col, None, fmt)


def set_text(cell: Any, value: object) -> None:
    """openpyxl: assign a value and force the string type, so a leading '=' is not a formula."""
    cell.value = cell_text(value)
    cell.data_type = "s"


@contextlib.contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`, on failure it is removed."""
    tmp = temp_beside(target)
    try:
        try:
            yield tmp
        except OSError as exc:  # the writer's: a full disk, a file locked by Excel
            raise write_error(target, exc) from None
        replace_into(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def temp_beside(target: Path) -> Path:
    """A new empty temporary file in `target`'s folder (so that os.replace is atomic)."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise XjmaError(f"输出文件夹不存在：{folder}，请先创建该文件夹或用 -o 指定其他位置")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp.xlsx", dir=folder)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise XjmaError(f"无法在 {folder} 中写入文件（{reason}），请用 -o 指定一个可写的文件夹") from None
    os.close(fd)
    return Path(name)


def replace_into(tmp: Path, target: Path) -> None:
    """Move a finished temporary file over `target`, with the reason in Chinese when it cannot."""
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise write_error(target, exc) from None


def write_error(target: Path, exc: OSError) -> XjmaError:
    if isinstance(exc, PermissionError):
        return XjmaError(f"无法写入 {target}：文件可能正在 Excel/WPS 中打开，请关闭后重试")
    reason = exc.strerror or exc.__class__.__name__  # a full disk, a vanished folder
    return XjmaError(f"无法写入 {target}（{reason}），请检查磁盘空间和权限后重试")


def same_file(a: Path, b: Path) -> bool:
    """True when both paths name the same file (an output must never overwrite its input)."""
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False
