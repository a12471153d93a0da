"""xjma's two consoles, stdout (what people read) and stderr (progress, notes, errors): rich consoles made
when first printed to, so that a run that writes only its JSON document (or nothing) does without rich."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


class Screen:
    """A console for stdout or stderr; its rich Console is made on the first print (or width)."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False)
        return self._console

    def print(self, *objects: Any, **options: Any) -> None:
        self.console.print(*objects, **options)

    @property
    def width(self) -> int:
        return self.console.width

    @width.setter
    def width(self, columns: int) -> None:
        self.console.width = columns


out = Screen(stderr=False)  # stdout: what people read
err = Screen(stderr=True)  # stderr: progress, notes, errors
