"""The package's layers hold: core imports nothing of io, jobs or commands; io nothing of jobs or
commands; jobs nothing of commands; and no two modules import each other, directly or round a cycle.
Every import counts, also those inside functions (lazy) and under TYPE_CHECKING."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "xjma"
LAYERS = {"core": 0, "io": 1, "jobs": 2, "commands": 3, "cli": 4}
KNOWN_UPWARD: set[str] = set()
KNOWN_CYCLES: list[list[str]] = []


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The xjma modules `path` imports (a `from package import name` names the module when it is one)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + [base]
                ).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m in modules and m != name}


def graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = [
        f"{source} -> {target}"
        for source, targets in graph().items()
        for target in sorted(targets)
        if layer(source) is not None and layer(target) is not None and layer(target) > layer(source)  # type: ignore[operator]
    ]
    assert [edge for edge in upward if edge not in KNOWN_UPWARD] == []


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_there_is_no_import_cycle() -> None:
    # A package's __init__ importing its own modules is not a cycle of theirs.
    edges = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph().items()}
    assert [c for c in cycles(edges) if c not in KNOWN_CYCLES] == []


def test_the_graph_sees_lazy_imports_and_finds_a_planted_cycle() -> None:
    edges = graph()
    assert "xjma.jobs.enroll" in edges["xjma.commands.enroll"]  # imported inside the function
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
