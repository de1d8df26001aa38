"""GUNICORN_CMD_ARGS, read as gunicorn reads it, for ``mesop --prod``.

gunicorn's own command line reads the variable; ``mesop --prod`` starts gunicorn from
Python, where nothing would. Here the text is split as a shell would, parsed by gunicorn's
own parser and each value checked by gunicorn's own validators, so a mistake stops the
launch with one line instead of being ignored. The settings mesop itself decides (where it
listens, how many processes and threads, the worker and logger classes, whose forwarding
headers are believed) are listed in :data:`MESOP_DECIDES`: those win over the variable.
"""

from __future__ import annotations

import contextlib
import io
import shlex
from typing import Any


class GunicornArgsProblem(ValueError):
    """The variable cannot be used as it is: ``reason`` completes "GUNICORN_CMD_ARGS ..."."""


#: gunicorn setting -> what decides it under ``mesop --prod`` (the variable's value loses).
MESOP_DECIDES: dict[str, str] = {
    "bind": "MESOP_HOST and MESOP_PORT (--host, --port)",
    "workers": "MESOP_WORKERS (--workers)",
    "threads": "MESOP_THREADS (--threads)",
    "worker_class": "mesop (its buffered thread worker)",
    "logger_class": "MESOP_LOG_FORMAT",
    "forwarded_allow_ips": "FORWARDED_ALLOW_IPS (--forwarded-allow-ips)",
    "preload_app": "mesop (each worker loads the app and opens its store after the fork)",
    "check_config": "mesop --check-config",
    "print_config": "mesop --check-config",
    # Read by a plain gunicorn command (the Docker recipe in docs/deploying.md sets -c in
    # the variable);
    # mesop --prod takes the options themselves, and serves its own APP argument.
    "config": "mesop, which reads no config file: put its options in GUNICORN_CMD_ARGS",
    "args": "mesop's APP argument",
}


def _refuse(message: str) -> None:
    """Stands in for argparse's ``error``, which would print usage and exit."""
    raise GunicornArgsProblem(message)


def parse_gunicorn_args(text: str) -> dict[str, Any]:
    """The settings ``text`` gives (gunicorn's names, its validated values). Raises
    GunicornArgsProblem naming what gunicorn refuses."""
    from gunicorn.config import Config

    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise GunicornArgsProblem(f"cannot be split as a shell would ({exc})") from None
    config = Config()
    parser = config.parser()
    parser.error = _refuse  # type: ignore[method-assign]
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # what --help would print
            parsed = parser.parse_args(words)
    except SystemExit:  # -h or --version: argparse prints, then exits
        raise GunicornArgsProblem("asks gunicorn for its help or version") from None
    values = {name: value for name, value in vars(parsed).items()
              if value is not None and name != "args"}
    for name, value in values.items():
        try:
            config.set(name, value)
        except (ValueError, TypeError) as exc:
            flag = config.settings[name].cli[-1] if config.settings[name].cli else name
            raise GunicornArgsProblem(f"has {flag} {value!r}, which gunicorn refuses: "
                                      f"{exc}") from None
    checked: dict[str, Any] = {name: config.settings[name].get() for name in values}
    if parsed.args:  # an app to serve, as on gunicorn's command line
        checked["args"] = " ".join(parsed.args)
    return checked


def split_decided(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the settings gunicorn gets from the variable, the lines naming the ignored ones)."""
    used = {k: v for k, v in values.items() if k not in MESOP_DECIDES}
    ignored = [f"{_flag(k)} (set by {MESOP_DECIDES[k]})" for k in values if k in MESOP_DECIDES]
    return used, ignored


def _flag(name: str) -> str:
    from gunicorn.config import KNOWN_SETTINGS

    if name == "args":
        return "the app argument"
    for setting in KNOWN_SETTINGS:
        if setting.name == name and setting.cli:
            return str(setting.cli[-1])
    return name
