"""What a long run does for the person waiting: the collector paused while a roster's objects are built,
and a progress display on stderr (issue 5). Used by validate, enroll and batch report."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def gc_paused(kept: bool = False) -> Iterator[None]:
    """Python's cyclic garbage collector off while a roster's objects are built (issue 5): they form no
    reference cycles, yet each full collection walks every cell read so far, 0.5 s per 100k rows in all.
    Reference counting still frees everything; collection resumes afterwards.

    With `kept` (what was built is the result, and lives on), the objects made meanwhile are handed to
    the oldest generation unscanned (gc.freeze, then gc.unfreeze) instead of being walked by the next
    young collections, twice, as they age (0.2 s for a clean 100k roster, 0.5 s for a problem-heavy one).
    A cycle among them is still collected, by the next full collection."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if kept:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


# ---------------------------------------------------------------- progress on the terminal
# Issue 5: a progress display on stderr for reading, checking and writing when the roster has more than
# ~5,000 rows, and only for a person at a terminal: never when stdout or stderr is piped (--json into a
# file or a program) nor in CI, so logs and JSON stay clean.
PROGRESS_ROWS = 5000
_BIG_FILE_BYTES = 400_000  # about 5,000 rows of a roster .xlsx (the size is all we know before reading)


def show_progress() -> bool:
    import os
    import sys

    return sys.stderr.isatty() and sys.stdout.isatty() and not os.environ.get("CI")


@contextlib.contextmanager
def stage(text: str, big: bool) -> Iterator[None]:
    """A spinner with `text` on stderr around a step that cannot count its progress."""
    if not big or not show_progress():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(text):
        yield


def track_rows(rows: Iterable[Any], total: int) -> Iterator[Any]:
    from rich.console import Console
    from rich.progress import track

    yield from track(rows, total=total, description="检查中…", console=Console(stderr=True), transient=True)


def big_file(path: Path | str) -> bool:
    """A roster file big enough (by its size, before reading) for a progress display."""
    try:
        return Path(path).stat().st_size > _BIG_FILE_BYTES
    except OSError:
        return False
