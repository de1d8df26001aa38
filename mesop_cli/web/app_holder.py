"""Holds the user's app and, in dev mode, re-imports it when its files change.

Reloading in-process (instead of restarting the server) keeps the `memory` backend's
sessions and the per-launch secret key across edits: a developer keeps their state.
Watched are the app file and the modules it imports from its own directory tree (a
multi-file app's helpers); installed packages are not.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from mesop_cli.runtime import App, AppLoadError, load_app

_INSTALLED = ("site-packages", "dist-packages")

log = logging.getLogger("mesop_cli")


def _warn_names(app: App) -> None:
    # Said when serving starts (and after a reload), not only by --check-config.
    for problem in app.name_warnings():
        log.warning("warning %s", problem)


class AppHolder:
    def __init__(self, app_path: Path, watch: bool, alias_mesop: bool = False) -> None:
        self.app_path = app_path
        self._watch = watch
        self._alias_mesop = alias_mesop
        self._guard = threading.Lock()
        # A broken app fails the launch, not a request.
        self._app: App = load_app(app_path, alias_mesop=alias_mesop)
        _warn_names(self._app)
        self._error: AppLoadError | None = None
        self._local_modules = self._find_local_modules()
        self._mtimes = self._current_mtimes()

    def get(self) -> App:
        """The current app; raises AppLoadError while the edited file does not load."""
        if self._watch:
            mtimes = self._current_mtimes()
            if mtimes != self._mtimes:
                with self._guard:
                    if self._current_mtimes() != self._mtimes:
                        self._reload()
        if self._error is not None:
            raise self._error
        return self._app

    def _reload(self) -> None:
        # Forget the app's own helper modules, so the fresh import of the app file
        # imports their edited versions too.
        for name in self._local_modules:
            sys.modules.pop(name, None)
        try:
            self._app = load_app(self.app_path, alias_mesop=self._alias_mesop)
            _warn_names(self._app)
            self._error = None
        except AppLoadError as exc:
            # Keep the last good app object around; the browser shows the error until the
            # file is fixed.
            self._error = exc
        self._local_modules = self._find_local_modules() or self._local_modules
        self._mtimes = self._current_mtimes()

    def _find_local_modules(self) -> dict[str, str]:
        """Modules loaded from the app's directory tree, by name: their files."""
        root = str(self.app_path.parent) + os.sep
        found: dict[str, str] = {}
        for name, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None)
            if (file and file.startswith(root) and not any(p in file for p in _INSTALLED)
                    and not name.partition(".")[0] == "mesop_cli"  # an app beside our source
                    and os.path.abspath(file) != str(self.app_path)):
                found[name] = file
        return found

    def _current_mtimes(self) -> dict[str, float]:
        files = [str(self.app_path), *self._local_modules.values()]
        mtimes: dict[str, float] = {}
        for file in files:
            try:
                mtimes[file] = os.stat(file).st_mtime
            except OSError:
                mtimes[file] = 0.0
        return mtimes
