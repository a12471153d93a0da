"""Errors that stop a command (exit 2). Problems in input rows are data, not exceptions."""

from __future__ import annotations

import contextvars

# --debug: a bug shows its traceback, and calamine's panic text is not silenced. Set by the command line
# for the run (xjma.cli), read where it matters; a library caller may set it too.
DEBUG: contextvars.ContextVar[bool] = contextvars.ContextVar("xjma_debug", default=False)


class XjmaError(Exception):
    """A user-facing failure: one Chinese sentence, exit code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RulesError(XjmaError):
    """The rules file is invalid; `problems` name each key path."""

    def __init__(self, problems: list[str], source: str = "") -> None:
        head = (
            f"规则文件{source}有 {len(problems)} 处错误" if source else f"规则文件有 {len(problems)} 处错误"
        )
        fix = "，请改正后再运行（可用 xjma rules check 检查）"
        super().__init__(head + fix + "：\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems
