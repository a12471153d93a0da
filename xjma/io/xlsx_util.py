"""Safe workbook writing shared by every report: values as text, never formulas; atomic replace.

A value read from a roster is written with `write_string` (xlsxwriter) or as an explicit string cell
(openpyxl), so "=1+1" or "@SUM(A1)" stays the text the clerk typed and never runs; through TextCells it
also gets Excel's quote prefix, so that editing the cell later does not turn it into a formula either.
Characters XML 1.0 forbids would make the workbook unreadable; they are dropped.

A workbook is written to a temporary file beside the target and moved over it with os.replace, so an
interrupted run never leaves half a file. Only a regular file (or a new path) is ever replaced: never a
device, a FIFO or a folder. A temporary file left by a killed run (its process gone) is removed the next
time a workbook is written in that folder.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xjma.core.privacy import mask_text
from xjma.core.text import as_text
from xjma.errors import XjmaError

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# --mask: every text cell written through cell_text is masked (core/privacy.py) while set.
MASKING: contextvars.ContextVar[bool] = contextvars.ContextVar("xjma_masking", default=False)
QUOTED_FIRST = ("=", "+", "-", "@", "\t")  # a text Excel would take for a formula once the cell is edited


@contextlib.contextmanager
def masking(on: bool) -> Iterator[None]:
    """While active, ID and phone numbers in every text cell are masked."""
    token = MASKING.set(on)
    try:
        yield
    finally:
        MASKING.reset(token)


MAX_CELL = 32767  # Excel's limit on the characters of one cell


def strip_illegal(text: str) -> str:
    return _ILLEGAL.sub("", text) if not text.isprintable() else text


def cell_text(value: object) -> str:
    """What a person saw in the cell, as text: 12.0 -> "12", a date -> 2026-12-01, None -> "".

    core/text.as_text is the rule; a writer differs from core/text.clean_text on purpose: it writes what
    the clerk typed verbatim (no NFKC, no trimming, zero-width characters kept; only XML-illegal ones go),
    and a number beyond Excel's 15 digits as Excel shows it (1E+16), not as digits Excel never had."""
    if value is None:
        return ""
    if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e15):
        text = repr(value).upper()
    else:
        text = as_text(value)
    if MASKING.get():
        text = mask_text(text)
    return strip_illegal(text)[:MAX_CELL]


def write_text(sheet: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
    """xlsxwriter: always a string cell (an empty value leaves the cell blank but keeps the format)."""
    text = cell_text(value)
    if text:
        sheet.write_string(row, col, text, fmt)
    elif fmt is not None:
        sheet.write_blank(row, col, None, fmt)


class TextCells:
    """xlsxwriter: text cells of one workbook, each written as a string; a text starting with = + - @
    or a tab gets the quote prefix (a twin of its format with `quote_prefix`). Formats for such cells
    are made with `add_format`, which knows their twins."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._twins: dict[int, Any] = {}
        self._plain = book.add_format({"quote_prefix": True})

    def add_format(self, properties: dict[str, Any]) -> Any:
        fmt = self.book.add_format(properties)
        self._twins[id(fmt)] = self.book.add_format({**properties, "quote_prefix": True})
        return fmt

    def write(self, sheet: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
        text = cell_text(value)
        if not text:
            if fmt is not None:
                sheet.write_blank(row, col, None, fmt)
            return
        if text.startswith(QUOTED_FIRST):
            fmt = self._plain if fmt is None else self._twins[id(fmt)]
        sheet.write_string(row, col, text, fmt)

    def write_clean(self, sheet: Any, row: int, col: int, text: str, fmt: Any = None) -> None:
        """`text` already through cell_text and not empty."""
        if text.startswith(QUOTED_FIRST):
            fmt = self._plain if fmt is None else self._twins[id(fmt)]
        sheet.write_string(row, col, text, fmt)


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
        except XjmaError:
            raise
        except Exception as exc:  # the writer's: a full disk, a file locked by Excel
            cause = os_error_in(exc)
            if cause is None:
                raise
            raise write_error(target, cause) from None
        replace_into(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def workbook_at(target: Path, options: dict[str, Any] | None = None) -> Iterator[Any]:
    """An xlsxwriter Workbook whose file is put in place when the block ends: the workbook is made in
    memory, then written to a temporary file beside `target` and moved over it (atomic_target). A disk
    that fills up fails our own write, never the zip writer's, so no half-written zip is left to be
    closed later with a traceback."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    parts = _parts_folder(Path(target))  # constant_memory's row files: beside the target, not in /tmp
    book = xlsxwriter.Workbook(buffer, {**(options or {}), "tmpdir": str(parts)})
    closed = False
    try:
        yield book
        book.close()
        closed = True
    except XjmaError:
        raise
    except Exception as exc:  # a full disk while the parts are written
        cause = os_error_in(exc)
        if cause is None:
            raise
        raise write_error(Path(target), cause) from None
    finally:
        if not closed:
            with contextlib.suppress(Exception):
                book.close()  # into the buffer: its temporary parts are removed, nothing is written
        shutil.rmtree(parts, ignore_errors=True)
    with atomic_target(target) as tmp, tmp.open("wb") as handle:
        handle.write(buffer.getbuffer())
        handle.flush()
        os.fsync(handle.fileno())


PARTS_PREFIX = "xjma-parts."  # "<system temp>/xjma-parts.<pid>-<random>": one writer's parts folder


def _parts_folder(target: Path) -> Path:
    """A private folder (0700) in the system's temporary folder for the writer's temporary parts (in
    constant_memory mode every ID of the batch), named after this process: the parts left by a killed
    run are removed when the next workbook is written."""
    check_output(target)
    remove_stale_parts()
    return Path(tempfile.mkdtemp(prefix=f"{PARTS_PREFIX}{os.getpid()}-"))


def remove_stale_parts() -> None:
    for path in Path(tempfile.gettempdir()).glob(f"{PARTS_PREFIX}*"):
        head = path.name[len(PARTS_PREFIX) :].split("-", 1)[0]
        if head.isdigit() and int(head) != os.getpid() and not _alive(int(head), path):
            shutil.rmtree(path, ignore_errors=True)


def os_error_in(exc: BaseException) -> OSError | None:
    """The OSError behind an exception (xlsxwriter's FileCreateError wraps the one of a full disk)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None or isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def check_output(target: Path) -> Path:
    """An output path xjma may write: a new path or a regular file in a folder that exists and is
    writable; else an XjmaError (never replace a device, a FIFO, a socket or a folder)."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise write_error(target, exc) from None
    if mode is not None and not stat.S_ISREG(mode):
        what = "文件夹" if stat.S_ISDIR(mode) else "设备、管道等特殊文件"
        raise XjmaError(
            f"输出路径 {target} 是{what}，不是普通文件，xjma 不会覆盖它：请用 -o 指定一个普通文件路径"
        )
    if not folder.is_dir():
        raise XjmaError(f"输出文件夹不存在：{folder}，请先创建该文件夹或用 -o 指定其他位置")
    if not os.access(folder, os.W_OK):
        raise XjmaError(f"无法在 {folder} 中写入文件，请用 -o 指定一个可写的文件夹")
    return target


_STALE_SECONDS = 24 * 3600  # where it cannot be told whether the process that made a temp file lives


def remove_stale_temps(target: Path) -> None:
    """Temporary workbooks of `target` left by runs that were killed (their process is gone)."""
    folder = target.parent if str(target.parent) else Path(".")
    for path in folder.glob(f".{glob_escape(target.stem)}.*.tmp.xlsx"):
        pid = _pid_of(path.name, target.stem)
        if pid is not None and pid != os.getpid() and not _alive(pid, path):
            with contextlib.suppress(OSError):
                path.unlink()


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _pid_of(name: str, stem: str) -> int | None:
    rest = name[len(stem) + 2 :].split(".", 1)[0]  # ".<stem>.<pid>-<random>.tmp.xlsx"
    head = rest.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _alive(pid: int, path: Path) -> bool:
    if os.name == "posix":
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True
    try:  # elsewhere signal 0 is not a probe: a day-old temporary file is taken as left behind
        return time.time() - path.stat().st_mtime < _STALE_SECONDS
    except OSError:
        return True


def temp_beside(target: Path) -> Path:
    """A new empty temporary file in `target`'s folder (so that os.replace is atomic), named after this
    process, after the temporary files of killed runs there are removed."""
    target = check_output(Path(target))
    folder = target.parent if str(target.parent) else Path(".")
    remove_stale_temps(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.{os.getpid()}-", suffix=".tmp.xlsx", dir=folder)
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
