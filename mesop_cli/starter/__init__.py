"""``mesop init``: a starter app and a commented ``.env.example`` of every setting.

The app is a template file beside this module (``app.py.txt``, not ``.py``, so it is never
imported as part of mesop-cli). The ``.env.example`` is generated from the settings table,
so it lists every setting there is, with its current default and accepted values.
"""

from __future__ import annotations

import shlex
import textwrap
from importlib import resources
from pathlib import Path

from mesop_cli.config.options import BACKENDS, OPTIONS, Option

ENV_EXAMPLE = ".env.example"
#: Replaced by the app's file name in the template's docstring.
_APP_FILE_MARK = "__APP_FILE__"


class StarterRefused(Exception):
    """Nothing was written; the message is the one line to show."""


def starter_app(app_file: str) -> str:
    template = resources.files(__package__).joinpath("app.py.txt").read_text(encoding="utf-8")
    return template.replace(_APP_FILE_MARK, app_file)


def _comment(text: str) -> list[str]:
    return [f"# {line}" for line in textwrap.wrap(text, width=86)]


def _describe(option: Option) -> list[str]:
    details = f"Accepted: {option.accepted.rstrip('.')}."
    if option.backends != BACKENDS:
        details += f" Used by the {', '.join(option.backends)} backend only."
    if option.flag:
        details += f" Flag: {option.flag}."
    if option.aliases:
        details += f" Also read from {', '.join(option.aliases)} when {option.env} is unset."
    lines = _comment(option.help) + _comment(details)
    if option.env is None:  # a switch of the command line only
        default = option.default or "unset"
        lines += _comment(f"{option.flag} is a command-line flag only (default {default}); "
                          "it has no variable.")
        return lines
    if option.secret:
        lines += _comment("A secret: keep it out of version control.")
    if option.field == "secret_key":
        lines += ["# Make one with:",
                  "#   python -c 'import secrets; print(secrets.token_urlsafe(32))'"]
    lines.append(f"# {option.env}={option.default or ''}")
    return lines


def env_example() -> str:
    """Every setting, commented out at its default, with what it does and accepts."""
    lines = [
        "# mesop-cli settings, written by `mesop init` from mesop-cli's settings table.",
        "# Copy this file to .env and uncomment what you change. The environment wins over",
        "# .env, and a flag over both. `mesop --check-config APP` shows what is in effect",
        "# and where each value came from. A line ending in = has no default (unset):",
        "# give it a value when you uncomment it, since an empty value is refused.",
    ]
    for option in OPTIONS:
        lines += ["", *_describe(option)]
    return "\n".join(lines) + "\n"


def _free_name(app_path: Path) -> Path:
    """A name beside ``app_path`` that no file has yet (app2.py, app3.py, ...)."""
    number = 2
    while True:
        candidate = app_path.with_name(f"{app_path.stem}{number}.py")
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
        number += 1


def write_starter(app_path: Path) -> list[tuple[Path, bool]]:
    """Write the app and ``.env.example`` beside it; (path, written) for each.

    Never overwrites: an existing app file stops everything, and so does an existing
    ``.env.example``, unless it is exactly the one this would write (a second app started
    in the same directory), which is then left as it is.
    """
    if app_path.name == ".py":  # a hidden file with no suffix, as pathlib sees it
        raise StarterRefused(f"{app_path} has no name before .py; for example: "
                             "mesop init app.py")
    if app_path.suffix != ".py":
        raise StarterRefused(f"{app_path} does not end in .py; name a Python file, for "
                             "example: mesop init app.py")
    env_path = app_path.parent / ENV_EXAMPLE
    example = env_example()
    if app_path.exists() or app_path.is_symlink():
        free = shlex.quote(str(_free_name(app_path)))
        raise StarterRefused(f"{app_path} already exists; nothing was written. Choose "
                             f"another name, for example: mesop init {free}")
    keep_env = False
    if env_path.exists() or env_path.is_symlink():
        keep_env = (env_path.is_file() and not env_path.is_symlink()
                    and env_path.read_text(encoding="utf-8", errors="replace") == example)
        if not keep_env:
            raise StarterRefused(f"{env_path} already exists; nothing was written. Move it "
                                 "away, or run mesop init in another directory")
    try:
        app_path.parent.mkdir(parents=True, exist_ok=True)
        _create(app_path, starter_app(app_path.name))
    except OSError as exc:
        raise StarterRefused(f"cannot write {app_path}: {exc.strerror or exc}") from None
    if not keep_env:
        try:
            _create(env_path, example)
        except OSError as exc:
            app_path.unlink()  # neither file, as when it existed before
            raise StarterRefused(f"cannot write {env_path}: {exc.strerror or exc}; nothing "
                                 "was written") from None
    return [(app_path, True), (env_path, not keep_env)]


def _create(path: Path, text: str) -> None:
    """Create ``path``, failing if it appeared meanwhile (mode "x": no overwrite race)."""
    with open(path, "x", encoding="utf-8") as file:
        file.write(text)
