"""Holds the user's app and, in dev mode, re-imports it when its files change.

Reloading in-process (instead of restarting the server) keeps the `memory` backend's
sessions and the per-launch secret key across edits: a developer keeps their state.
Watched are the app file and the modules it imports from its own directory tree (a
multi-file app's helpers); installed packages are not.

One reload path serves two callers: a request that finds a file changed (the lazy path,
always on in dev) and the dev launcher's file watcher (serving/app_watcher.py), which
calls :meth:`AppHolder.reload_if_changed` on a save so the open tabs are told at once
(web/live_reload.py listens). Each reload prints one line: what changed and how long it
took, or the error with its file and line. In dev an app that fails to load at start is
held as that error (the page shows it) until the file is fixed, instead of ending the
server.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from mesop_cli.runtime import App, AppLoadError, load_app

_INSTALLED = ("site-packages", "dist-packages")

log = logging.getLogger("mesop_cli")


def _warn_names(app: App) -> None:
    # Said when serving starts (and after a reload), not only by --check-config.
    for problem in app.name_warnings():
        log.warning("warning %s", problem)


@dataclass(frozen=True)
class Reloaded:
    """One reload: its number (1 for the first after start), the files that changed
    (relative to the app's directory), how long the import took, and its error if the
    app no longer loads."""

    generation: int
    changed: tuple[str, ...]
    milliseconds: float
    error: AppLoadError | None


#: What a listener of reloads is called with (under the holder's lock: it must not block).
ReloadListener = Callable[[Reloaded], None]


class AppHolder:
    def __init__(self, app_path: Path, watch: bool, alias_mesop: bool = False) -> None:
        self.app_path = app_path
        self._watch = watch
        self._alias_mesop = alias_mesop
        self._guard = threading.Lock()
        self._listeners: list[ReloadListener] = []
        #: Reloads so far; the live channel tells a tab that reconnects whether it missed one.
        self.generation = 0
        self._app: App | None = None
        self._error: AppLoadError | None = None
        try:
            self._app = load_app(app_path, alias_mesop=alias_mesop)
            _warn_names(self._app)
        except AppLoadError as exc:
            if not watch:
                raise  # production, or dev without reload: a broken app fails the launch
            # Dev: the server stays up, its page shows the error, and a fix is picked up.
            self._error = exc
            log.error("app failed to load: %s (serving this error until the file is fixed)",
                      exc)
        self._local_modules = self._find_local_modules()
        self._mtimes = self._current_mtimes()

    @property
    def watching(self) -> bool:
        """True when edits are picked up (dev with reload on)."""
        return self._watch

    @property
    def error(self) -> AppLoadError | None:
        """Why the app does not load now; None when it does."""
        return self._error

    @property
    def last_good(self) -> App | None:
        """The app as last loaded without error (None when it never loaded)."""
        return self._app

    def subscribe(self, listener: ReloadListener) -> None:
        """Call ``listener`` after each reload, whichever path triggered it."""
        self._listeners.append(listener)

    def get(self) -> App:
        """The current app; raises AppLoadError while the edited file does not load."""
        if self._watch and self._current_mtimes() != self._mtimes:
            self.reload_if_changed()
        if self._error is not None:
            raise self._error
        assert self._app is not None, "an app that never loaded has its error set"
        return self._app

    def reload_if_changed(self, touched: Iterable[str] = ()) -> Reloaded | None:
        """Re-import the app if one of its files changed since the last load; None if none
        did. ``touched``: the Python files the watcher saw change; they count only while
        the app fails to load (the module it missed may just have been written), since
        the app's own files are judged by their modification times, so a save seen both
        by a request and by the watcher reloads once."""
        if not self._watch:
            return None
        with self._guard:
            mtimes = self._current_mtimes()
            changed = [file for file, stamp in mtimes.items() if stamp != self._mtimes.get(file)]
            if not changed and self._error is not None:
                changed = sorted({os.path.abspath(file) for file in touched})
            if not changed:
                return None
            reloaded = self._reload(changed)
            for listener in list(self._listeners):
                listener(reloaded)
        return reloaded

    def watched_files(self) -> list[str]:
        """The app file and its helper modules' files."""
        return [str(self.app_path), *self._local_modules.values()]

    def watched_directories(self) -> list[str]:
        """The directories holding the watched files (each watched without its subtree, so
        an app beside a large tree costs nothing)."""
        return sorted({os.path.dirname(os.path.abspath(file)) for file in self.watched_files()})

    def _reload(self, changed: list[str]) -> Reloaded:
        # Forget the app's own helper modules, so the fresh import of the app file
        # imports their edited versions too.
        for name in self._local_modules:
            sys.modules.pop(name, None)
        started = time.perf_counter()
        try:
            self._app = load_app(self.app_path, alias_mesop=self._alias_mesop)
            self._error = None
        except AppLoadError as exc:
            # Keep the last good app object around; the browser shows the error until the
            # file is fixed.
            self._error = exc
        milliseconds = (time.perf_counter() - started) * 1000
        self._local_modules = self._find_local_modules() or self._local_modules
        self._mtimes = self._current_mtimes()
        self.generation += 1
        names = tuple(self._shown(file) for file in changed)
        if self._error is None:
            assert self._app is not None
            log.info("reloaded %s (changed: %s) in %.0f ms", self.app_path.name,
                     ", ".join(names), milliseconds)
            _warn_names(self._app)
        else:
            log.error("reload failed: %s", self._error)
        return Reloaded(self.generation, names, milliseconds, self._error)

    def _shown(self, file: str) -> str:
        """A changed file as the terminal names it: relative to the app's directory."""
        try:
            return os.path.relpath(file, self.app_path.parent)
        except ValueError:  # another drive (Windows)
            return file

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

    def _current_mtimes(self) -> dict[str, tuple[int, int]]:
        """Each watched file's modification time and size (the size too, for file systems
        whose clock is coarser than two saves)."""
        stamps: dict[str, tuple[int, int]] = {}
        for file in self.watched_files():
            try:
                stat = os.stat(file)
                stamps[file] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                stamps[file] = (0, -1)
        return stamps
