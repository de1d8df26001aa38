"""The directory where the workers of one launch keep their metric values.

Made by the gunicorn master before it forks, private to the launch (``mkdtemp``: a new
name, mode 0700, ours), handed to the workers through ``PROMETHEUS_MULTIPROC_DIR``, and
removed when the master exits. A fresh directory per launch matters: files left by an
earlier launch would be added to this one's counts.

The gunicorn hooks below are plain functions of gunicorn's arities, shared by ``mesop
--prod`` (:mod:`mesop_cli.serving.launch`) and plain gunicorn
(:mod:`mesop_cli.serving.gunicorn_hooks`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from typing import Any

from prometheus_client.multiprocess import mark_process_dead

from mesop_cli.telemetry.meters import MULTIPROC_VARIABLE

#: The directory this process made, and that only this process removes: gunicorn workers
#: are forked from the master and run its atexit handlers when they exit too.
_made: tuple[str, int] | None = None


def create_launch_directory() -> str:
    """Make the launch's directory and point ``PROMETHEUS_MULTIPROC_DIR`` at it, for the
    workers about to be forked. Idempotent within one process."""
    global _made
    if _made is not None and _made[1] == os.getpid():
        return _made[0]
    path = tempfile.mkdtemp(prefix="mesop-metrics-")  # mode 0700, a name nobody had
    _made = (path, os.getpid())
    os.environ[MULTIPROC_VARIABLE] = path
    atexit.register(remove_launch_directory)
    return path


def remove_launch_directory() -> None:
    """Remove the directory, in the process that made it only; safe to call twice."""
    global _made
    if _made is None or _made[1] != os.getpid():
        return
    path = _made[0]
    _made = None
    shutil.rmtree(path, ignore_errors=True)
    if os.environ.get(MULTIPROC_VARIABLE) == path:
        del os.environ[MULTIPROC_VARIABLE]


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook, in the master: a dead worker's per-process gauges
    (the bytes its memory held) stop counting; its counters stay in the sum."""
    path = os.environ.get(MULTIPROC_VARIABLE)
    if path and os.path.isdir(path):
        mark_process_dead(worker.pid, path)


def on_exit(server: Any) -> None:
    """gunicorn's ``on_exit`` hook, in the master as it stops."""
    remove_launch_directory()
