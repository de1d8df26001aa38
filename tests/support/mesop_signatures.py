"""The argument names of Mesop's public functions and the fields of its public classes.

Usage (from the repository root, with the venv's Python)::

    pip download mesop==1.3.7 --no-deps -d /tmp/mesop-wheel
    python -m tests.support.mesop_signatures /tmp/mesop-wheel/mesop-1.3.7-py3-none-any.whl \\
        > tests/support/mesop_1_3_7_signatures.py

It reads Mesop's sources (no import: Mesop's own dependencies need not be installed):
each name ``mesop/__init__.py`` and ``mesop/labs/__init__.py`` re-export, and where it
is defined, the names a call may pass by keyword (no ``*args``, ``**kwargs`` or
positional-only parameters; a ``"*"`` after those a call may pass by position) and the
values each ``Literal`` argument allows, or, for a class, its annotated fields. The
output is a Python module of dicts, so ``tests/test_mesop_signatures.py`` can check,
without Mesop, that each of mesop-cli's same-named callables accepts every argument name
and every choice Mesop's does: a Mesop app calling ``me.textarea(autosize=True)`` or
``me.text(type="caption")`` must not meet an error here.
"""

from __future__ import annotations

import argparse
import ast
import pprint
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any


def _package_root(source: Path, scratch: Path) -> Path:
    if source.is_dir():
        return source / "mesop"
    with zipfile.ZipFile(source) as wheel:
        wheel.extractall(scratch)
    return scratch / "mesop"


def _reexports(init: Path) -> dict[str, tuple[str, str]]:
    """``public name -> (module, name there)`` for each ``from x import y as z``."""
    found = {}
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mesop"):
            for alias in node.names:
                found[alias.asname or alias.name] = (node.module, alias.name)
    return found


def _definition(site: Path, module: str, name: str,
                depth: int = 0) -> tuple[ast.FunctionDef | ast.ClassDef, ast.Module] | None:
    """Where ``name`` is defined (its node and its module's tree), or None if not found.

    A name the module only imports (``mesop.events`` re-exporting from ``.events``) is
    followed to where it is defined, a few modules deep."""
    base = site / module.replace(".", "/")
    is_package = not base.with_suffix(".py").exists()
    path = base / "__init__.py" if is_package else base.with_suffix(".py")
    if not path.exists() or depth > 4:
        return None
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            return node, tree
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    package = module if is_package else module.rpartition(".")[0]
                    for _ in range(max(node.level - 1, 0)):
                        package = package.rpartition(".")[0]
                    source = (f"{package}.{node.module}" if node.level and node.module
                              else package if node.level else node.module or "")
                    return _definition(site, source, alias.name, depth + 1)
    return None


def _arguments(function: ast.FunctionDef) -> list[str]:
    """Positional-only parameters are left out: no call names them. "*" separates the
    parameters a call may also pass by position from the keyword-only ones."""
    args = function.args
    return [a.arg for a in args.args] + ["*"] + [a.arg for a in args.kwonlyargs]


def _literal_values(annotation: ast.expr, tree: ast.Module) -> list[object]:
    """The values of every ``Literal[...]`` in an annotation, through module-level aliases
    (``ObjectFitValues = Literal[...]``)."""
    values: list[object] = []
    for node in ast.walk(annotation):
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and node.value.id == "Literal"):
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            values += [ast.literal_eval(item) for item in items]
        elif isinstance(node, ast.Name) and node.id != "Literal":
            for statement in tree.body:
                if isinstance(statement, ast.Assign) and any(
                        isinstance(target, ast.Name) and target.id == node.id
                        for target in statement.targets):
                    values += _literal_values(statement.value, tree)
    return values


def signatures(root: Path, init: str) -> dict[str, dict[str, Any]]:
    """Of one public module: ``functions`` (name: argument names), ``classes`` (name:
    field names) and ``choices`` (function: {argument: the values its Literal allows}).

    For a name defined twice (``typing.overload``), the last definition wins, which is
    the implementation."""
    functions: dict[str, list[str]] = {}
    classes: dict[str, list[str]] = {}
    choices: dict[str, dict[str, list[object]]] = {}
    for public, (module, name) in sorted(_reexports(root / init).items()):
        found = _definition(root.parent, module, name)
        if found is None or public.startswith("_"):
            continue
        node, tree = found
        if isinstance(node, ast.ClassDef):
            classes[public] = [item.target.id for item in node.body
                               if isinstance(item, ast.AnnAssign)
                               and isinstance(item.target, ast.Name)]
            continue
        functions[public] = _arguments(node)
        allowed = {arg.arg: values for arg in node.args.args + node.args.kwonlyargs
                   if arg.annotation is not None
                   and (values := _literal_values(arg.annotation, tree))}
        if allowed:
            choices[public] = allowed
    return {"functions": functions, "classes": classes, "choices": choices}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mesop", type=Path, help="Mesop's wheel, or a directory holding mesop/")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = _package_root(options.mesop, Path(scratch))
        mesop = signatures(root, "__init__.py")
        labs = signatures(root, "labs/__init__.py")
    print('"""Argument and field names of Mesop 1.3.7\'s public API, written by\n'
          '``python -m tests.support.mesop_signatures``; do not edit."""\n')
    print(f"MESOP_FUNCTIONS = {pprint.pformat(mesop['functions'], width=90, compact=True)}\n")
    print(f"MESOP_CLASSES = {pprint.pformat(mesop['classes'], width=90, compact=True)}\n")
    print(f"LABS_FUNCTIONS = {pprint.pformat(labs['functions'], width=90, compact=True)}\n")
    print(f"LABS_CLASSES = {pprint.pformat(labs['classes'], width=90, compact=True)}\n")
    print(f"MESOP_CHOICES = {pprint.pformat(mesop['choices'], width=90, compact=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
