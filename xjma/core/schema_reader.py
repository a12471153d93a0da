"""Typed reads of parsed YAML values that collect problems by key path instead of raising."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class KeyPathReader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.problems.append(f"{path or '(顶层)'}: {message}")

    def mapping(
        self,
        raw: object,
        path: str,
        required: Iterable[object] = (),
        optional: Iterable[object] = (),
        lenient: bool = False,
    ) -> dict[Any, Any] | None:
        """A mapping with these keys: missing required keys and (unless lenient) unknown keys are errors."""
        if raw is None:
            self.error(path, "缺少")
            return None
        if not isinstance(raw, dict):
            self.error(path, "应为键值映射")
            return None
        required = tuple(required)
        for key in required:
            if key not in raw:
                self.error(f"{path}.{key}" if path else str(key), "缺少")
        if not lenient:
            allowed = set(required) | set(optional)
            for key in raw:
                if key not in allowed:
                    self.error(f"{path}.{key}" if path else str(key), "未知的键")
        return raw

    def list_of(self, raw: object, path: str) -> list[Any]:
        if raw is None:
            self.error(path, "缺少")
            return []
        if not isinstance(raw, list):
            self.error(path, "应为列表")
            return []
        return raw

    def money(self, raw: object, path: str) -> Decimal:
        value = self._decimal(raw, path)
        if value is not None and value < 0:
            self.error(path, "金额不能为负数")
        if value is not None and value != value.quantize(Decimal("0.01")):
            self.error(path, "金额最多两位小数")
        return value if value is not None else Decimal(0)

    def ratio(self, raw: object, path: str) -> Decimal:
        value = self._decimal(raw, path)
        if value is not None and not Decimal(0) <= value <= Decimal(1):
            self.error(path, "比例应在 0 到 1 之间")
        return value if value is not None else Decimal(0)

    def _decimal(self, raw: object, path: str) -> Decimal | None:
        if raw is None:
            self.error(path, "缺少")
            return None
        if isinstance(raw, (bool, float)):
            self.error(path, f'请把数值写成带引号的字符串（如 "{raw}"），以免按浮点数读取')
            return None
        try:
            return Decimal(str(raw).strip())
        except InvalidOperation:
            self.error(path, f"不是数值：{raw!r}")
            return None

    def count(self, raw: object, path: str, minimum: int = 0) -> int:
        if raw is None:
            self.error(path, "缺少")
            return minimum
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.error(path, f"应为整数：{raw!r}")
            return minimum
        if raw < minimum:
            self.error(path, f"不能小于 {minimum}")
        return raw

    def flag(self, raw: object, path: str) -> bool:
        if not isinstance(raw, bool):
            self.error(path, f"应为 true 或 false：{raw!r}")
            return False
        return raw

    def text(self, raw: object, path: str) -> str:
        if not isinstance(raw, str) or not raw.strip():
            self.error(path, "应为非空文本")
            return ""
        return raw

    def strings(self, raw: object, path: str) -> list[str]:
        items = self.list_of(raw, path)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                self.error(f"{path}[{i}]", "应为文本")
        return [str(i) for i in items]

    def choice(self, raw: object, path: str, options: tuple[str, ...]) -> str:
        if raw not in options:
            self.error(path, f"应为 {' | '.join(options)} 之一：{raw!r}")
            return options[0]
        return str(raw)

    def date(self, raw: object, path: str) -> dt.date:
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                pass
        self.error(path, f"应为日期 YYYY-MM-DD：{raw!r}")
        return dt.date.min

    def month(self, raw: object, path: str) -> tuple[int, int] | None:
        match = _MONTH.match(str(raw)) if raw is not None else None
        if not match or not 1 <= int(match.group(2)) <= 12:
            self.error(path, f"应为年月 YYYY-MM：{raw!r}")
            return None
        return int(match.group(1)), int(match.group(2))
