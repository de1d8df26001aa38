"""Finding and reading ``.env`` with python-dotenv, keeping each value's line number.

``dotenv_values`` would lose the line numbers that messages quote (``.env:3``), so this
reads the file with python-dotenv's own parser and expands ``${VAR}`` / ``${VAR:-default}``
with its own variable parser, the way ``load_dotenv(override=False)`` does: a variable
already in the environment wins over one defined earlier in the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import find_dotenv
from dotenv.parser import parse_stream
from dotenv.variables import parse_variables

# The values python-dotenv itself treats as "disabled".
_DISABLED_VALUES = {"1", "true", "t", "yes", "y"}


@dataclass
class EnvFile:
    """The ``.env`` that was read (or why none was), its values and its unparseable lines."""

    path: Path | None
    status: str
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (value, line)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)
    read_error: str | None = None


def _search(app_path: Path | None, environ: Mapping[str, str]) -> tuple[Path | None, str]:
    if environ.get("PYTHON_DOTENV_DISABLED", "").casefold() in _DISABLED_VALUES:
        return None, "none read (search disabled by PYTHON_DOTENV_DISABLED)"
    found = find_dotenv(usecwd=True)
    if found:
        return Path(found), f"read {found}"
    if app_path is not None:
        beside = app_path.resolve().parent / ".env"
        if beside.is_file():
            return beside, f"read {beside}"
    where = "the current directory, its parents" + (" or beside the app" if app_path else "")
    return None, f"none found (searched {where})"


def read_env_file(
    explicit: Path | None, app_path: Path | None, environ: Mapping[str, str]
) -> EnvFile:
    """Read ``explicit`` if given (even when the search is disabled), else search for one."""
    if explicit is not None:
        path: Path | None = explicit.resolve()
        status = f"read {path} (--env-file)"
    else:
        path, status = _search(app_path, environ)
    env = EnvFile(path, status)
    if path is None:
        return env
    try:
        with open(path, encoding="utf-8") as stream:
            bindings = list(parse_stream(stream))
    except (OSError, UnicodeDecodeError) as exc:
        env.read_error = f"cannot read {path}: {exc}"
        return env
    expanded: dict[str, str] = {}
    for binding in bindings:
        if binding.error:
            env.bad_lines.append((binding.original.line, binding.original.string.strip()))
            continue
        if binding.key is None or binding.value is None:
            continue
        scope = {**expanded, **environ}
        value = "".join(atom.resolve(scope) for atom in parse_variables(binding.value))
        expanded[binding.key] = value
        env.values[binding.key] = (value, binding.original.line)
    return env


def export_env_file(env: EnvFile, environ: MutableMapping[str, str] | None = None) -> None:
    """Put the file's variables into the environment, never overriding one already set.

    The app (and the processes the server starts) then see ``.env`` as Flask apps do.
    ``environ`` defaults to ``os.environ``.
    """
    environ = os.environ if environ is None else environ
    for name, (value, _line) in env.values.items():
        environ.setdefault(name, value)
