"""The package layout holds: no import circles, no dynamic imports that would hide one, and no
import from a lower layer to a higher one (docs/design.md has the map these rules check).

Imports are read from the source with ``ast``, wherever they stand (top level, inside a
function, under TYPE_CHECKING), so a lazy import counts as much as an eager one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "traybreak"

#: What each part may import, besides itself and the package's own ``__init__`` (the version).
#: Keys are the part's dotted name under ``traybreak``; the longest key that matches wins.
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "errors": set(),
    "paths": set(),
    "user_files": set(),
    "exercises": set(),
    "sounds": set(),
    "config": {"core", "errors", "paths", "user_files"},
    "catalog": {"core", "errors", "paths", "exercises", "user_files"},
    "store": {"core", "errors"},
    "platform": {"core", "errors", "paths"},
    # ui: windows share only toolkit, figures, protocol and the menu model; never each other.
    "ui": {"core", "catalog", "platform", "errors", "paths"},
    "ui.toolkit": {"core", "errors"},
    "ui.figures": {"core", "errors", "exercises"},
    "ui.menu": {"core"},
    "ui.protocol": {"core", "ui.menu"},
    "ui.tray": {"core", "errors", "platform", "ui.menu"},
    "ui.prompt": {"core", "errors", "ui.toolkit", "ui.figures", "ui.protocol"},
    "ui.panel": {"core", "errors", "ui.toolkit", "ui.protocol", "ui.menu"},
    "ui.history": {"core", "errors", "ui.toolkit"},
    "ui.about": {"core", "errors", "paths", "ui.toolkit"},
    "ui.settings_file": {"core", "errors", "ui.toolkit"},
    "ui.settings": {"core", "errors", "ui.toolkit"},
    "ui.notice": {"core", "errors", "platform", "ui.toolkit"},
    "app": {"core", "config", "catalog", "store", "platform", "ui", "errors", "paths"},
    "cli": {"core", "config", "catalog", "store", "platform", "ui", "app", "errors", "paths"},
    "__main__": {"cli"},
}


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = module_files()


def imported_modules(path: Path) -> Iterator[tuple[str, int]]:
    """(module, line) for each traybreak module ``path`` imports; ``from P import m`` names the
    module P.m when m is one, else P."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "traybreak":
                    yield _existing(alias.name), node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module.split(".")[0] == "traybreak"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield (full if full in MODULES else _existing(node.module)), node.lineno


def _existing(name: str) -> str:
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


def import_graph() -> dict[str, set[str]]:
    """Each module -> the traybreak modules it imports."""
    return {name: {target for target, _ in imported_modules(path)} - {name}
            for name, path in MODULES.items()}


def part_of(module: str) -> str:
    """The MAY_IMPORT key a module belongs to (its longest matching prefix)."""
    dotted = module.removeprefix("traybreak").lstrip(".")
    keys = [key for key in MAY_IMPORT if dotted == key or dotted.startswith(key + ".")]
    return max(keys, key=len) if keys else dotted


def allowed(source: str, target: str) -> bool:
    """May a module of part ``source`` import one of part ``target``?"""
    if target == "" or source == target:
        return True  # the package's own __init__ (its version), or within one part
    if target.startswith(source + ".") or source.startswith(target + "."):
        return False  # a part and its sub-part: only the listed ones, below
    rules = MAY_IMPORT[source]
    return any(target == rule or target.startswith(rule + ".") for rule in rules) or (
        # a sub-part may use what its parent part may use (ui.prompt -> catalog, say)
        "." in source and allowed_by_parent(source, target))


def allowed_by_parent(source: str, target: str) -> bool:
    parent = source.rpartition(".")[0]
    siblings = {key for key in MAY_IMPORT if key.startswith(parent + ".")}
    if any(target == s or target.startswith(s + ".") for s in siblings) or target == parent:
        return False  # sibling sub-parts only where listed explicitly
    return any(target == rule or target.startswith(rule + ".") for rule in MAY_IMPORT[parent])


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles() -> None:
    assert cycles(import_graph()) == []


def test_no_dynamic_imports() -> None:
    """importlib.import_module and __import__ would hide edges from the two tests above."""
    found = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called in ("import_module", "__import__"):
                    found.append(f"{name}:{node.lineno}")
    assert found == []


def test_no_import_from_a_lower_layer_to_a_higher_one() -> None:
    wrong = [
        f"{name}:{line} imports {target}"
        for name, path in sorted(MODULES.items())
        for target, line in imported_modules(path)
        if not allowed(part_of(name), part_of(target))
    ]
    assert wrong == []


def test_every_part_is_known() -> None:
    """A new package or top-level module needs its line in MAY_IMPORT (and in docs/design.md)."""
    unknown = sorted({part_of(name) for name in MODULES} - set(MAY_IMPORT) - {""})
    assert unknown == []


def test_every_package_says_what_it_holds_and_may_import() -> None:
    for name, path in MODULES.items():
        if path.name == "__init__.py" and name not in ("traybreak.exercises",):
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            assert "import" in doc, f"{name}: its docstring should say what it may import"


#: The modules that may import sqlite3: the log's own, in store/ (docs/design.md, the store row).
SQLITE_HOMES = {"traybreak.store.prompt_log", "traybreak.store.log_open",
                "traybreak.store.log_rows", "traybreak.store.log_errors"}


def test_sqlite3_is_imported_only_by_the_log() -> None:
    found = set()
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] == "sqlite3" for n in names):
                found.add(name)
    assert found <= SQLITE_HOMES, f"sqlite3 imported outside the log: {found - SQLITE_HOMES}"


# --- the checks themselves can fail -------------------------------------------------------------

def test_a_circle_is_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize(("source", "target", "ok"), [
    ("app", "ui", True),
    ("ui", "app", False),
    ("core", "config", False),
    ("config", "catalog", False),
    ("ui.prompt", "ui.toolkit", True),
    ("ui.prompt", "catalog", True),        # from ui's own rules
    ("ui.toolkit", "ui.panel", False),     # a sibling not listed
    ("ui.history", "ui.panel", False),
    ("ui.prompt", "ui", False),            # a sub-part never imports its parent's other parts
    ("platform", "ui", False),
])
def test_layer_rules(source: str, target: str, ok: bool) -> None:
    assert allowed(source, target) is ok


def test_part_of() -> None:
    assert part_of("traybreak.ui.prompt.window") == "ui.prompt"
    assert part_of("traybreak.ui.protocol") == "ui.protocol"
    assert part_of("traybreak.app.tray_app") == "app"
    assert part_of("traybreak") == ""
