"""The gunicorn config module for a plain gunicorn command line (a public, stable name)::

    gunicorn -c python:mesop_cli.gunicorn_conf -w 3 'mesop_cli.wsgi:create_app("main.py")'

Loading it runs :mod:`mesop_cli.serving.gunicorn_hooks` (the launch's metrics directory,
Mesop's ``gunicorn main:me``) and hands gunicorn its hooks, and the worker class that
``mesop --prod`` uses (a ``-k`` on the command line still wins). With a config file of your
own, import the hooks from here:
``from mesop_cli.gunicorn_conf import child_exit, on_exit, post_worker_init, when_ready``.
"""

from __future__ import annotations

from mesop_cli.serving.gunicorn_hooks import child_exit, on_exit, post_worker_init, when_ready

#: Requests are read before a thread takes them (see mesop_cli.serving.buffered_worker).
worker_class = "mesop_cli.serving.buffered_worker.BufferedThreadWorker"

__all__ = ["child_exit", "on_exit", "post_worker_init", "when_ready", "worker_class"]
