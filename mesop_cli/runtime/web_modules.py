"""The JavaScript modules of ``@me.web_component``: which files an app may serve.

A web component names its module by a path relative to the Python file that declares it,
as in Mesop. The path is resolved once, when the decorator runs (while the app loads),
following symlinks: the real file must be a regular ``.js``/``.mjs`` file inside the app's
directory (the directory of the app file). Anything else stops the load with the
declaring file and line.

The server serves exactly the modules registered this way, looked up by their URL in a
dict: a request's path is never joined onto the file system, so ``..`` or an encoded
slash in a URL reaches nothing. The file is checked again when served (a symlink swapped
in later that points out of the app's directory is refused then).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

#: Where the modules are served; the client imports only URLs under it.
WEB_MODULES_PREFIX = "/__mesop__/web-components/"

_EXTENSIONS = (".js", ".mjs")
#: A module is code we send to every browser, not a data file: keep it small.
MAX_MODULE_BYTES = 5 * 1024 * 1024


class WebComponentError(ValueError):
    """A web component declared or inserted in a way that cannot be served safely."""


@dataclass(frozen=True)
class WebModule:
    """A registered module: its URL path under the prefix, its real file, and where the
    app declared it."""

    url_path: str  # relative to the app's directory, with "/" separators
    file: Path  # the real path, symlinks resolved
    declared_at: str  # "file:line" of the @me.web_component

    @property
    def url(self) -> str:
        return WEB_MODULES_PREFIX + self.url_path

    def rebased(self, app_dir: str | os.PathLike[str]) -> WebModule | None:
        """This module as the app at ``app_dir`` serves it, or None if it lies outside."""
        real, root = os.path.realpath(self.file), os.path.realpath(app_dir)
        if not _inside(real, root):
            return None
        return WebModule(Path(os.path.relpath(real, root)).as_posix(), Path(real),
                         self.declared_at)


def _inside(path: str, directory: str) -> bool:
    return os.path.commonpath([path, directory]) == directory


def resolve_module(path: object, declaring_file: str, line: int,
                   app_dir: str | os.PathLike[str] | None) -> WebModule:
    """The module ``path`` names for a decorator at ``declaring_file:line``.

    ``app_dir`` is the directory of the app being loaded (None when no load is in
    progress: then the declaring file's own directory is the limit).
    """
    where = f"{declaring_file}:{line}"
    if not isinstance(path, str) or not path.strip():
        raise WebComponentError(f"{where}: @me.web_component path must be a non-empty string "
                                f"naming a .js file, got {path!r:.80}")
    if "\x00" in path:
        raise WebComponentError(f"{where}: @me.web_component path contains a NUL character")
    declaring_dir = os.path.dirname(os.path.abspath(declaring_file))
    root = os.path.realpath(app_dir if app_dir is not None else declaring_dir)
    # As in Mesop: relative to the declaring file (an absolute path stays absolute).
    joined = os.path.normpath(os.path.join(declaring_dir, path))
    real = os.path.realpath(joined)
    if not real.lower().endswith(_EXTENSIONS):
        raise WebComponentError(f"{where}: @me.web_component path {path!r} must name a "
                                f"JavaScript module (.js or .mjs)")
    if not _inside(real, root):
        via = f" (through a symlink, to {real})" if os.path.realpath(joined) != joined else ""
        raise WebComponentError(
            f"{where}: @me.web_component path {path!r} is outside the app's directory "
            f"{root}{via}; only files inside it are served")
    try:
        info = os.stat(real)
    except OSError:
        raise WebComponentError(f"{where}: @me.web_component path {path!r}: no such file "
                                f"{joined}") from None
    if not stat.S_ISREG(info.st_mode):
        raise WebComponentError(f"{where}: @me.web_component path {path!r} is not a "
                                f"regular file ({joined})")
    url_path = Path(os.path.relpath(real, root)).as_posix()
    return WebModule(url_path=url_path, file=Path(real), declared_at=where)


def read_module(module: WebModule, app_dir: str | os.PathLike[str]) -> bytes | None:
    """The module's bytes, or None when its file is no longer a regular file inside the
    app's directory (removed, or replaced by a symlink that leads out)."""
    real = os.path.realpath(module.file)
    if real != str(module.file) or not _inside(real, os.path.realpath(app_dir)):
        return None
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        data = handle.read(MAX_MODULE_BYTES + 1)
    return data if len(data) <= MAX_MODULE_BYTES else None
