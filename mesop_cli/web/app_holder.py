"""Holds the user's app and, in dev mode, re-imports it when its file changes.

Reloading in-process (instead of restarting the server) keeps the `memory` backend's
sessions and the per-launch secret key across edits: a developer keeps their state.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from mesop_cli.runtime import App, AppLoadError, load_app


class AppHolder:
    def __init__(self, app_path: Path, watch: bool) -> None:
        self.app_path = app_path
        self._watch = watch
        self._guard = threading.Lock()
        self._mtime = self._current_mtime()
        self._app: App = load_app(app_path)  # a broken app fails the launch, not a request
        self._error: AppLoadError | None = None

    def _current_mtime(self) -> float:
        try:
            return os.stat(self.app_path).st_mtime
        except OSError:
            return 0.0

    def get(self) -> App:
        """The current app; raises AppLoadError while the edited file does not load."""
        if self._watch:
            mtime = self._current_mtime()
            if mtime != self._mtime:
                with self._guard:
                    if mtime != self._mtime:
                        self._reload(mtime)
        if self._error is not None:
            raise self._error
        return self._app

    def _reload(self, mtime: float) -> None:
        self._mtime = mtime
        try:
            self._app = load_app(self.app_path)
            self._error = None
        except AppLoadError as exc:
            # Keep the last good app object around; the browser shows the error until the
            # file is fixed.
            self._error = exc
