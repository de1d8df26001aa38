"""The dev server's file watcher: a save reloads the app at once and the open tabs follow.

``watchfiles`` (inotify, FSEvents, ReadDirectoryChangesW underneath) watches the
directories of the app file and of its helper modules, each without its subtree, and
groups a burst of writes (an editor's truncate-then-write, a formatter run on save) into
one change. On a change the app is reloaded through its ``AppHolder`` (the same reload a
request triggers when it finds a file changed), which prints the line and tells the live
channel (web/live_reload.py), and so every open tab. The set of directories is read again
after each reload: a helper module imported by the new code is watched from then on.

Started by the dev launcher only, when reload is on; ``--prod`` never watches files.
"""

from __future__ import annotations

import logging
import threading

from watchfiles import Change, watch

from mesop_cli.web.app_holder import AppHolder

log = logging.getLogger("mesop_cli")

#: Milliseconds without a further write before a change is acted on: short, so a save
#: shows fast, and long enough to take an editor's several writes of one save together.
_QUIET_MS = 40
#: Longest a stream of writes is grouped before a reload happens anyway.
_LONGEST_GROUP_MS = 400


def python_file(change: Change, path: str) -> bool:
    """The changes worth a look: Python source files (not editors' swap and backup files,
    nor bytecode)."""
    return path.endswith(".py")


class AppWatcher:
    """A daemon thread reloading ``holder``'s app when its files change."""

    def __init__(self, holder: AppHolder) -> None:
        self.holder = holder
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mesop-app-watcher",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        said = ""
        while not self._stop.is_set():
            directories = self.holder.watched_directories()
            try:
                for changes in watch(*directories, watch_filter=python_file, recursive=False,
                                     step=_QUIET_MS, debounce=_LONGEST_GROUP_MS,
                                     stop_event=self._stop, raise_interrupt=False):
                    self.holder.reload_if_changed(path for _change, path in changes)
                    if self.holder.watched_directories() != directories:
                        break  # watch the new set of directories
            except Exception as exc:
                # A directory removed under the watcher, say: say so (once), and look again
                # after a pause, instead of dying silently with the reloads.
                if repr(exc) != said:
                    said = repr(exc)
                    log.error("the file watcher stopped (%s); retrying every second", exc)
                self._stop.wait(1.0)
