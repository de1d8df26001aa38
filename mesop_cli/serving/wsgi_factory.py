"""The WSGI factory for a plain gunicorn command line::

    gunicorn -w 3 'mesop_cli.wsgi:create_app("main.py")'

It reads and validates the configuration exactly as ``mesop main.py`` does, with gunicorn's
own worker and thread counts in place of ``--workers`` and ``--threads`` (so the warning
about the memory backend with several workers appears), prints the warnings, and stops
gunicorn with the same one-line messages when the configuration is invalid.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, NoReturn

from mesop_cli.config import ConfigReport, export_env_file, load_config
from mesop_cli.config.loader import LAUNCH_KEY_VARIABLE
from mesop_cli.serving.launch_key import LaunchKeyError, shared_launch_key
from mesop_cli.telemetry.meters import multiprocess_directory

if TYPE_CHECKING:
    from flask import Flask

#: gunicorn's arbiter shuts down (instead of respawning the worker forever) when a worker
#: exits with this status: its ``Arbiter.APP_LOAD_ERROR``.
GUNICORN_APP_LOAD_ERROR = 4


class GunicornCounts(NamedTuple):
    workers: int
    threads: int
    preload: bool
    #: What gunicorn serves, ``main:me``: from its command line or its ``wsgi_app``.
    app_uri: str | None = None
    #: Whose X-Forwarded-Proto gunicorn believes (its --forwarded-allow-ips).
    forwarded_allow_ips: tuple[str, ...] = ()


def gunicorn_config() -> GunicornCounts | None:
    """The counts gunicorn itself read, or None outside gunicorn.

    gunicorn's ``WSGIApplication`` reads its command line, ``GUNICORN_CMD_ARGS``,
    ``WEB_CONCURRENCY`` and the config file, so the counts are the ones gunicorn uses.
    """
    if "gunicorn.arbiter" not in sys.modules:
        return None
    from gunicorn.app.wsgiapp import WSGIApplication

    try:
        application = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]", prog="gunicorn")
    except SystemExit:
        return None
    cfg = application.cfg
    return GunicornCounts(cfg.workers, cfg.threads, cfg.preload_app,
                          getattr(application, "app_uri", None),
                          tuple(cfg.forwarded_allow_ips))


def _share_launch_key(gunicorn: GunicornCounts) -> str | None:
    """Without --preload each worker runs this factory after the fork: agree on one
    per-launch key with the sibling workers. Returns a problem, or None."""
    if (gunicorn.workers < 2 or gunicorn.preload or LAUNCH_KEY_VARIABLE in os.environ
            or os.environ.get("MESOP_SECRET_KEY")):
        return None
    try:
        os.environ[LAUNCH_KEY_VARIABLE] = shared_launch_key(os.getppid())
    except LaunchKeyError as exc:
        return (f"gunicorn's {gunicorn.workers} workers cannot share a per-launch secret key: "
                f"{exc}. Fix: set MESOP_SECRET_KEY, or run gunicorn with --preload")
    return None


def _json_wanted(report: ConfigReport) -> bool:
    """MESOP_LOG_FORMAT=json, read even from a configuration that is otherwise invalid."""
    chosen = report.value("log_format")
    if chosen is None:
        chosen = os.environ.get("MESOP_LOG_FORMAT", "").strip().lower()
    return chosen == "json"


def _say(lines: list[tuple[int, str]], as_json: bool) -> None:
    """The factory's startup lines on stderr: as they read, or as JSON log lines."""
    if as_json:
        from mesop_cli.logs import JsonFormatter

        to_json = JsonFormatter().format
        text = [to_json(logging.LogRecord("mesop_cli.config", level, __file__, 0, line,
                                          None, None)) for level, line in lines]
    else:
        text = [line for _level, line in lines]
    print("\n".join(text), file=sys.stderr, flush=True)


def stop(code: str, message: str) -> NoReturn:
    """One error line, then the exit status a failed load has here (4 under gunicorn)."""
    as_json = os.environ.get("MESOP_LOG_FORMAT", "").strip().lower() == "json"
    _say([(logging.ERROR, f"error {code} {message}")], as_json)
    raise SystemExit(GUNICORN_APP_LOAD_ERROR if "gunicorn.arbiter" in sys.modules else 1)


def create_app(app_path: str = "main.py", *, debug_mode: bool = False) -> Flask:
    """Validate the configuration, print its warnings, and build the Flask app.

    ``debug_mode`` (Mesop's ``create_wsgi_app`` argument) serves in dev mode under
    gunicorn too, as long as it runs one worker: several always mean production.
    """
    path = Path(app_path)
    gunicorn = gunicorn_config()
    flags: dict[str, str | None] = {}
    key_problem = _share_launch_key(gunicorn) if gunicorn is not None else None
    if gunicorn is not None:
        flags = {"workers": str(gunicorn.workers), "threads": str(gunicorn.threads),
                 "prod": "false" if debug_mode else "true",
                 # The dev server's check of the scheme (web/forwarded.py) as gunicorn's.
                 "forwarded_allow_ips": ",".join(gunicorn.forwarded_allow_ips) or None}
    report = load_config(path, flags=flags, flag_source="gunicorn")
    if not path.is_file():
        report.error("E006", f"{path.resolve()}: no such app file (the argument of "
                             "mesop_cli.wsgi:create_app)")
    if key_problem is not None and report.settings is not None \
            and report.settings.secret_key_generated:
        report.error("E008", key_problem)
    if report.ok and report.settings is not None:
        from mesop_cli.check_config import reachability, store_problems

        report.errors += store_problems(reachability(report))
    # -- metrics: say when the workers' counts cannot be added up (mesop_cli.gunicorn_conf)
    if gunicorn is not None and gunicorn.workers > 1 and multiprocess_directory() is None:
        report.notes.append(
            f"/__mesop__/metrics shows one worker's counts per scrape ({gunicorn.workers} "
            "workers, no shared metrics directory); start gunicorn with "
            "-c python:mesop_cli.gunicorn_conf to add them up")
    # -- end metrics
    as_json = _json_wanted(report)
    _say([(logging.INFO, f"mesop-cli: .env {report.env.status}")]
         + [(logging.INFO, f"note: {note}") for note in report.notes]
         + [(logging.WARNING, f"warning {w}") for w in report.warnings]
         + [(logging.ERROR, f"error {e}") for e in report.errors], as_json)
    stop_status = GUNICORN_APP_LOAD_ERROR if gunicorn is not None else 1
    if not report.ok or report.settings is None:
        raise SystemExit(stop_status)
    export_env_file(report.env)
    if gunicorn is not None:
        # The app's and event lines in MESOP_LOG_FORMAT; gunicorn's own lines follow it
        # with --logger-class mesop_cli.serving.gunicorn_logger.GunicornLogger.
        from mesop_cli.logs import configure_logging

        configure_logging(report.settings.log_format)
    from mesop_cli.runtime import AppLoadError
    from mesop_cli.sessions import BackendUnavailable
    from mesop_cli.web import create_flask_app as create_web_app

    try:
        return create_web_app(path, report.settings)
    except (AppLoadError, BackendUnavailable) as exc:
        # The same one line as `mesop --check-config`, and gunicorn's "app failed to load"
        # status instead of a traceback (and a worker respawned forever).
        code = "E006" if isinstance(exc, AppLoadError) else "E004"
        _say([(logging.ERROR, f"error {code} {exc}")], as_json)
        raise SystemExit(stop_status) from None
