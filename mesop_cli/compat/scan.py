"""Find, before an app file runs, the Mesop names it uses that mesop-cli lacks.

A name used inside a page function or a handler (``me.video(...)``) would only fail when
that code runs, in the browser; reading the file's syntax tree finds it at load, with its
line. Only the app file is read; a helper module's missing name still fails clearly when
it runs (``UnsupportedMesopName``).

A use in code that ``mesop`` never runs (under ``if __name__ == "__main__":``, where a
Mesop app often calls ``me.run()``; under ``if TYPE_CHECKING:`` or ``if False:``) is
marked ``unreached``: it cannot fail, so it is worth a warning at most.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from types import ModuleType

from mesop_cli.compat.alias import alias_active

#: What an import of mesop-cli binds; Mesop's names too while MESOP_ALIAS_MESOP is active.
_CLI = {"mesop_cli": "mesop_cli", "mesop_cli.labs": "mesop_cli.labs"}
_ALIASED = {"mesop": "mesop_cli", "mesop.labs": "mesop_cli.labs"}


@dataclass(frozen=True)
class MissingUse:
    """One use of a missing name: its line, how it is spelled, and in which module."""

    line: int
    feature: str
    module: str
    name: str
    #: Why the line never runs under mesop (e.g. 'under `if __name__ == "__main__":`'),
    #: or "" when it may run.
    unreached: str = ""


def _has(module: ModuleType, name: str) -> bool:
    try:
        getattr(module, name)
    except AttributeError:
        return False
    return True


def _dotted(node: ast.expr) -> list[str] | None:
    """["me", "labs", "chat"] for ``me.labs.chat``; None for anything but names and dots."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _bindings(tree: ast.Module, ours: dict[str, str]) -> dict[str, str]:
    """Local names bound to our modules by the file's imports: {"me": "mesop_cli", ...}."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name not in ours:
                    continue
                if alias.asname:
                    bound[alias.asname] = ours[alias.name]
                else:  # `import mesop.labs` binds `mesop`
                    top = alias.name.split(".")[0]
                    bound[top] = ours[top]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if ours.get(node.module) == "mesop_cli":
                for alias in node.names:
                    if alias.name == "labs":
                        bound[alias.asname or "labs"] = "mesop_cli.labs"
    return bound


def imports_labs(source: str, mesop_is_ours: bool | None = None) -> bool:
    """Whether the file imports ``mesop_cli.labs`` (or ``mesop.labs`` under the alias), or
    names from it."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    if mesop_is_ours is None:
        mesop_is_ours = alias_active()
    ours = {**_CLI, **_ALIASED} if mesop_is_ours else _CLI
    labs = {name for name, target in ours.items() if target == "mesop_cli.labs"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name in labs for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (
                node.module in labs or (ours.get(node.module or "") == "mesop_cli"
                                        and any(a.name == "labs" for a in node.names))):
            return True
    return False


def _is_main_test(test: ast.expr) -> str | None:
    """"==" or "!=" for ``__name__ == "__main__"`` (either way round), else None."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Eq, ast.NotEq))):
        return None
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    if len(names) != 1 or len(mains) != 1:
        return None
    return "==" if isinstance(test.ops[0], ast.Eq) else "!="


def _dead_branch(node: ast.If) -> tuple[list[ast.stmt], str] | None:
    """The branch of ``node`` that never runs when mesop imports the app, and why.

    Only tests whose value is certain: the app's ``__name__`` is never "__main__" (mesop
    imports it as a module), ``typing.TYPE_CHECKING`` is False, a constant is itself.
    """
    test = node.test
    main = _is_main_test(test)
    if main == "==":
        return node.body, 'under `if __name__ == "__main__":`'
    if main == "!=":
        return node.orelse, 'in the `else` of `if __name__ != "__main__":`'
    if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            and isinstance(test.value, ast.Name)):
        return node.body, "under `if TYPE_CHECKING:`"
    if isinstance(test, ast.Constant):
        if test.value:
            return node.orelse, f"in the `else` of `if {test.value!r}:`"
        return node.body, f"under `if {test.value!r}:`"
    return None


def _unreached(tree: ast.Module) -> dict[int, str]:
    """id() of every node in code mesop never runs, with the reason (outermost first)."""
    found: dict[int, str] = {}
    for node in ast.walk(tree):  # breadth first: an outer block's reason is kept
        if not isinstance(node, ast.If):
            continue
        dead = _dead_branch(node)
        if dead is None:
            continue
        statements, reason = dead
        for statement in statements:
            for inner in ast.walk(statement):
                found.setdefault(id(inner), reason)
    return found


def missing_uses(source: str, mesop_is_ours: bool | None = None) -> list[MissingUse]:
    """Every use, in line order, of a name our modules lack; [] when the file does not parse
    (running it reports the SyntaxError). ``import mesop`` counts as ours while the alias
    is active (a real Mesop has its own names)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    if mesop_is_ours is None:
        mesop_is_ours = alias_active()
    ours = {**_CLI, **_ALIASED} if mesop_is_ours else _CLI
    bound = _bindings(tree, ours)
    unreached = _unreached(tree)
    found: dict[tuple[int, str], MissingUse] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in ours:
            module = importlib.import_module(ours[node.module])
            for alias in node.names:
                if alias.name != "*" and not _has(module, alias.name):
                    feature = f"{node.module}.{alias.name}"
                    found[(node.lineno, feature)] = MissingUse(
                        node.lineno, feature, module.__name__, alias.name,
                        unreached.get(id(node), ""))
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            parts = _dotted(node)
            if not parts or parts[0] not in bound:
                continue
            module_name = bound[parts[0]]
            rest = parts[1:]
            if module_name == "mesop_cli" and rest[:1] == ["labs"] and len(rest) == 2:
                module_name, rest = "mesop_cli.labs", rest[1:]
            if len(rest) != 1:
                continue  # `me.x.y` also contains the node `me.x`, checked on its own
            module = importlib.import_module(module_name)
            if not _has(module, rest[0]):
                feature = ".".join(parts)
                found[(node.lineno, feature)] = MissingUse(node.lineno, feature, module_name,
                                                           rest[0], unreached.get(id(node), ""))
    return sorted(found.values(), key=lambda use: (use.line, use.feature))
