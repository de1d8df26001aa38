"""The gunicorn hooks behind ``mesop_cli.gunicorn_conf``, the config module of a plain
gunicorn command line::

    gunicorn -c python:mesop_cli.gunicorn_conf -w 3 'mesop_cli.wsgi:create_app("main.py")'

Loading it (in the master, before any worker is forked, and before ``--preload`` loads the
app) makes the launch's private metrics directory, so ``/__mesop__/metrics`` sums the
workers; its hooks forget dead workers' gauges and remove the directory when gunicorn exits.

For Mesop's own command line, ``gunicorn main:me``, it also does what a plain import of
``main.py`` cannot: it makes ``import mesop`` resolve to mesop-cli when MESOP_ALIAS_MESOP
is on (the app is imported after this module), and its ``when_ready`` and
``post_worker_init`` hooks build the app before serving, so a bad configuration stops
gunicorn at once rather than at the first request.

"""

from __future__ import annotations

import os
from typing import Any

from mesop_cli.serving.launch_dir import child_exit, create_launch_directory, on_exit

__all__ = ["child_exit", "on_exit", "post_worker_init", "when_ready"]


def _alias_if_configured() -> None:
    """``import mesop`` gives mesop-cli when MESOP_ALIAS_MESOP is on (environment or .env),
    as ``load_app`` arranges for ``mesop main.py``."""
    from mesop_cli.config import load_config

    # A copy: reading the configuration here must not export a launch key to the workers.
    report = load_config(None, environ=dict(os.environ))
    if report.value("alias_mesop") is True:
        from mesop_cli.compat.alias import install_mesop_alias

        install_mesop_alias()


def _build_if_mesop(app: object) -> None:
    """Build a Mesop-style app now: SystemExit(4) for a bad configuration stops gunicorn."""
    import mesop_cli
    from mesop_cli.serving.mesop_entry import MesopWsgiApp, module_app

    if app is mesop_cli:
        module_app().build()
    elif isinstance(app, MesopWsgiApp):
        app.build()


def when_ready(server: Any) -> None:
    """With ``--preload`` the master imported the app: build it there, once."""
    _build_if_mesop(getattr(server.app, "callable", None))


def post_worker_init(worker: Any) -> None:
    """Without ``--preload`` each worker imported the app: build it before serving."""
    _build_if_mesop(getattr(worker, "wsgi", None))


create_launch_directory()
_alias_if_configured()
