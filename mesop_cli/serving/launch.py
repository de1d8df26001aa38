"""Serving: the werkzeug dev server, or gunicorn embedded for production."""

from __future__ import annotations

import errno
import logging
import signal
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mesop_cli.config import Settings
from mesop_cli.runtime import AppLoadError, load_app
from mesop_cli.sessions.base import SessionBackend

if TYPE_CHECKING:
    from flask import Flask

    from mesop_cli.serving.app_watcher import AppWatcher

#: Seconds a gunicorn worker may stay silent; generous because handlers stream.
WORKER_TIMEOUT_SECONDS = 120
#: Seconds running events get to finish after SIGTERM.
GRACEFUL_TIMEOUT_SECONDS = 30


def serve(app_path: Path, settings: Settings) -> None:
    """Serve until interrupted. Problems a user can fix raise click.ClickException."""
    from mesop_cli.logs import configure_logging

    # Before anything logs; gunicorn's workers inherit it through the fork.
    configure_logging(settings.log_format)
    backend = _backend(settings)
    _check_port_free(settings.host, settings.port)
    if settings.prod:
        # Each worker opens its own backend after the fork; this one only proved it can be.
        backend.close()
        _serve_gunicorn(app_path, settings)
    else:
        _serve_dev(app_path, settings, backend)


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is already in use; stop the other server or "
                    "choose another port with --port or MESOP_PORT"
                ) from None
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _backend(settings: Settings) -> SessionBackend:
    """Set the backend up in the launcher, so a store that cannot be (the file backend's
    directory cannot be created) stops the launch with one line, not a traceback per worker.

    The CLI has already checked that the store answers (E005 otherwise); a store that
    goes down later costs 503s, and healthz says so, until it is back.
    """
    from mesop_cli.sessions import BackendUnavailable, create_backend

    try:
        return create_backend(settings)
    except BackendUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def _serve_dev(app_path: Path, settings: Settings, backend: SessionBackend) -> None:
    from werkzeug.serving import run_simple

    from mesop_cli.web import create_flask_app, shutdown

    try:
        app = create_flask_app(app_path, settings, backend=backend)
    except AppLoadError as exc:  # with --no-reload only: with reload, the page shows it
        raise click.ClickException(str(exc)) from None
    # The app file is re-imported in-process on change (see web.app_holder), so the
    # werkzeug reloader, which restarts the process and drops in-memory sessions, stays off.
    watcher = _start_live_reload(app) if settings.reload else None
    if settings.gunicorn_cmd_args:
        logging.getLogger("mesop_cli").warning(
            "warning GUNICORN_CMD_ARGS is not used by the dev server; it applies with --prod")
    request_handler = None
    served: Any = app
    if settings.log_format == "json":
        from mesop_cli.logs.request_log import JsonRequestLogHandler, count_body_bytes

        request_handler = JsonRequestLogHandler
        served = count_body_bytes(app)  # each request line says its body's bytes
    previous = signal.signal(signal.SIGTERM, _stop_dev_server)
    try:
        run_simple(settings.host, settings.port, served, threaded=True, use_reloader=False,
                   request_handler=request_handler)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if watcher is not None:
            watcher.stop()
        # Streams end at their next yield and save their sessions; werkzeug's threads
        # are daemons, so without this wait the process would end under them.
        shutdown.begin_shutdown()
        shutdown.wait_for_events(GRACEFUL_TIMEOUT_SECONDS)


def _start_live_reload(app: Flask) -> AppWatcher:
    """Dev with reload on: watch the app's files and tell the open tabs of each reload
    (web/live_reload.py's channel, serving/app_watcher.py's watcher)."""
    from mesop_cli.serving.app_watcher import AppWatcher
    from mesop_cli.web import live_reload

    holder = app.extensions["mesop"].holder
    live_reload.install(app, holder)
    watcher = AppWatcher(holder)
    watcher.start()
    return watcher


def _gunicorn_cmd_args(settings: Settings) -> dict[str, Any]:
    """The settings GUNICORN_CMD_ARGS gives gunicorn (checked when the configuration
    was loaded); one warning line names those mesop decides itself, which it ignores."""
    from mesop_cli.config.gunicorn_args import parse_gunicorn_args, split_decided

    if not settings.gunicorn_cmd_args:
        return {}
    used, ignored = split_decided(parse_gunicorn_args(settings.gunicorn_cmd_args))
    if ignored:
        logging.getLogger("mesop_cli").warning(
            "warning GUNICORN_CMD_ARGS: %s ignored, mesop decides %s; used: %s",
            ", ".join(ignored), "it" if len(ignored) == 1 else "them",
            ", ".join(sorted(used)) or "nothing else")
    return used


def _stop_dev_server(signum: int, frame: object) -> None:
    """SIGTERM stops the dev server as Ctrl-C does (werkzeug's loop ends on
    KeyboardInterrupt), so the streams still running are wound down, not cut off."""
    from mesop_cli.web import shutdown

    shutdown.begin_shutdown()
    raise KeyboardInterrupt


def _serve_gunicorn(app_path: Path, settings: Settings) -> None:
    from gunicorn.app.base import BaseApplication

    from mesop_cli.serving.gunicorn_logger import launch_logger_class

    try:
        # Fail in the launcher with a clear message, not in every worker.
        load_app(app_path, alias_mesop=settings.alias_mesop)
    except AppLoadError as exc:
        raise click.ClickException(str(exc)) from None

    # -- metrics: the workers add their counts up in a directory private to this launch,
    # made before they are forked (they inherit PROMETHEUS_MULTIPROC_DIR); see
    # mesop_cli.serving.launch_dir.
    from mesop_cli.serving import launch_dir

    launch_dir.create_launch_directory()
    metrics_hooks = {"child_exit": launch_dir.child_exit, "on_exit": launch_dir.on_exit}
    # -- end metrics

    from_env = _gunicorn_cmd_args(settings)

    class EmbeddedGunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            host = f"[{settings.host}]" if ":" in settings.host else settings.host
            options: dict[str, Any] = {
                "bind": f"{host}:{settings.port}",
                "workers": settings.workers,
                "threads": settings.threads,
                # gthread, with requests read before a thread takes them (slow clients).
                "worker_class": "mesop_cli.serving.buffered_worker.BufferedThreadWorker",
                "timeout": WORKER_TIMEOUT_SECONDS,
                "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
                "proc_name": f"mesop {app_path.name}",
                # Error and access logs in MESOP_LOG_FORMAT, the access log on stderr as
                # the dev server's request log is.
                "logger_class": launch_logger_class(settings.log_format),
                "accesslog": "-",
                # Whose X-Forwarded-Proto gunicorn believes: FORWARDED_ALLOW_IPS, read here
                # as for the dev server (web/forwarded.py), so both agree.
                "forwarded_allow_ips": ",".join(settings.forwarded_allow_ips),
            }
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn 24+ opens one control socket per user by default, so a second
                # app launched on the same machine would fight over it.
                options["control_socket_disable"] = True
            options.update(metrics_hooks)
            # GUNICORN_CMD_ARGS after our defaults (its --timeout wins), never over what
            # mesop decides (those were named when the launch began).
            options.update(from_env)
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # Runs in each worker after the fork, so every worker opens its own
            # connections and files.
            from mesop_cli.web import create_flask_app

            return create_flask_app(app_path, settings)

    EmbeddedGunicorn().run()
