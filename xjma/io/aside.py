"""Writing an output file in a second process while this one goes on (the enroll workbook beside the
ledger write: on a 100,000-row roster each takes seconds, and the machine has a second core).

`written_aside(target, write, parallel)` yields `finish`. With `parallel` on a system that can fork, a
child process starts `write(tmp)` at once; `finish()` waits for it, raises XjmaError when it failed, and
moves the file over `target`. Otherwise `finish()` simply writes it then. Leaving the block without
calling `finish()` (an exception) stops the child and removes the temporary file, so the target is only
ever replaced by a complete file, and only when the caller got as far as `finish()` (for enroll: inside
the ledger transaction, before the commit, as when written in-process).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from xjma.errors import XjmaError
from xjma.io.xlsx_util import replace_into, temp_beside, write_error

_FAILED = "写入 {name} 失败，本批未登记任何人员（台账保持原样）。请用 --debug 查看原因并联系维护人员"


def can_fork() -> bool:
    """Linux only: fork is missing on Windows and unsafe on macOS once system frameworks are loaded."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


@contextlib.contextmanager
def written_aside(
    target: Path, write: Callable[[Path], None], parallel: bool
) -> Iterator[Callable[[], None]]:
    tmp = temp_beside(target)
    child: list[int] = []
    done = [False]
    reader = -1
    if parallel and can_fork():
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare (memory, a process limit): write it in turn instead
            os.close(reader)
            os.close(writer)
            reader, pid = -1, -1
        if pid == 0:  # the child: write the file, report a failure through the pipe, never return
            os.close(reader)
            _child(write, tmp, writer, target)
        if pid > 0:
            os.close(writer)
            child.append(pid)

    def finish() -> None:
        if not child:
            try:
                write(tmp)
            except OSError as exc:  # a full disk: said in Chinese, as by atomic_target
                raise write_error(target, exc) from None
        else:
            message = _read_all(reader)
            _, status = os.waitpid(child.pop(), 0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise XjmaError(message or _FAILED.format(name=target.name))
        replace_into(tmp, target)
        done[0] = True

    try:
        yield finish
    finally:
        if child:  # left early: the file is not wanted
            with contextlib.suppress(ProcessLookupError):
                os.kill(child[0], signal.SIGKILL)
            os.waitpid(child[0], 0)
        if reader >= 0:
            os.close(reader)
        if not done[0]:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _child(write: Callable[[Path], None], tmp: Path, pipe: int, target: Path) -> None:
    code = 0
    try:
        try:
            write(tmp)
        except XjmaError as exc:
            code = 1
            os.write(pipe, str(exc).encode("utf-8")[:8000])
        except OSError as exc:
            code = 1
            os.write(pipe, str(write_error(target, exc)).encode("utf-8"))
        except BaseException as exc:  # noqa: BLE001 - reported by the parent as a failed write
            code = 1
            said = _FAILED.format(name=target.name) + f"（{type(exc).__name__}）"
            os.write(pipe, said.encode("utf-8"))
    finally:
        os._exit(code)  # no atexit handlers, no flush of the parent's buffers, no cleanup of its state


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")
