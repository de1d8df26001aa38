"""Loading the user's app file into an ``App``.

Each ``load_app`` imports the file as a fresh module (hot reload in dev builds a new App
and drops the old one). The module is registered in ``sys.modules`` under a name derived
from the file's name, the same in every process, because handler ids and state-class
names include it and dataclasses resolve annotations through it.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
from pathlib import Path
from types import ModuleType

from mesop_cli.compat.alias import install_mesop_alias
from mesop_cli.compat.load_errors import describe_missing, describe_unreached, explain
from mesop_cli.compat.scan import MissingUse, imports_labs, missing_uses
from mesop_cli.config.problems import Problem
from mesop_cli.runtime.errors import AppLoadError, PageNotFound, format_traceback, locate
from mesop_cli.runtime.registry import (
    COOKIECLASS_MARK,
    PAGE_MARK,
    Collector,
    Page,
    collecting,
)
from mesop_cli.runtime.stateclass import is_stateclass
from mesop_cli.runtime.web_modules import WebModule

_IMPORT_GUARD = threading.Lock()


class App:
    """A loaded app: its pages and its state classes."""

    def __init__(
        self, path: Path, module: ModuleType, pages: dict[str, Page], classes: list[type],
        web_modules: dict[str, WebModule] | None = None,
        cookie_classes: list[type] | None = None,
        unreached_uses: list[MissingUse] | None = None,
    ) -> None:
        self.path = path
        #: Names mesop-cli lacks that the app uses only where mesop never runs them
        #: (under ``if __name__ == "__main__":``): warnings, see ``name_warnings``.
        self.unreached_uses: tuple[MissingUse, ...] = tuple(unreached_uses or ())
        self.module = module
        self.pages = pages
        #: The JavaScript modules of the app's web components, by URL path: the only
        #: files /__mesop__/web-components/ serves.
        self.web_modules: dict[str, WebModule] = dict(web_modules or {})
        self.state_classes = _name_classes(classes)
        #: The app's @me.cookieclass classes, in declaration order.
        self.cookie_classes: tuple[type, ...] = tuple(dict.fromkeys(cookie_classes or ()))
        self._keys = {cls: key for key, cls in self.state_classes.items()}
        self._guard = threading.Lock()

    def name_warnings(self) -> list[Problem]:
        """W013 for each use of a missing name in code mesop never runs: what
        --check-config prints and serving logs when it starts."""
        return [Problem("W013", describe_unreached(use, str(self.path)))
                for use in self.unreached_uses]

    def page_for(self, path: str) -> Page:
        """The page serving ``path`` (a query string is ignored)."""
        found = self.pages.get(path.split("?", 1)[0].split("#", 1)[0])
        if found is None:
            raise PageNotFound(path, list(self.pages))
        return found

    def state_key(self, cls: type) -> str:
        """The key of ``cls`` in a session's states.

        A state class that the load did not see (kept in a helper module's cache across
        a hot reload and reached only as an attribute) is added here; the dict is
        replaced rather than mutated so readers iterating the old one are unaffected.
        """
        key = self._keys.get(cls)
        if key is None:
            with self._guard:
                key = self._keys.get(cls)
                if key is None:
                    key = f"{cls.__module__}.{cls.__qualname__}"
                    self.state_classes = {**self.state_classes, key: cls}
                    self._keys = {**self._keys, cls: key}
        return key


def _name_classes(classes: list[type]) -> dict[str, type]:
    """Short names where unique ("State"), module-qualified names where not."""
    unique: list[type] = []
    for cls in classes:
        if cls not in unique:
            unique.append(cls)
    counts: dict[str, int] = {}
    for cls in unique:
        counts[cls.__qualname__] = counts.get(cls.__qualname__, 0) + 1
    named = {}
    for cls in unique:
        short = cls.__qualname__
        named[short if counts[short] == 1 else f"{cls.__module__}.{short}"] = cls
    return named


def module_name_for(path: Path) -> str:
    """The module name the app file is imported under, the same in every process."""
    return "_mesop_app_" + re.sub(r"\W", "_", path.stem)


def _check_names(path: Path) -> tuple[bool, list[MissingUse]]:
    """Stop before running the file when code of it that may run uses Mesop names that
    mesop-cli lacks. Returns whether the file imports ``mesop_cli.labs``, and the uses in
    code mesop never runs (``if __name__ == "__main__": me.run()``), which cannot fail."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False, []  # the import itself reports an unreadable file
    uses = missing_uses(source)
    live = [use for use in uses if not use.unreached]
    if live:
        raise AppLoadError(describe_missing(live, str(path)), f"{path}:{live[0].line}")
    return imports_labs(source), [use for use in uses if use.unreached]


def _labs_state_classes(module: ModuleType, labs_imported: bool) -> list[type]:
    """The state classes of the ``mesop_cli.labs`` widgets an app uses.

    Their module ran once, maybe before this load (a hot reload, another app), so the load
    did not see them declared; yet every process must know them from the start, or a
    worker that has not drawn the chat yet would drop the chat history of a session it
    receives. Only apps that use labs get them, so other apps' states stay as they were.
    """
    uses = labs_imported or any(
        getattr(value, "__module__", None) is not None
        and str(getattr(value, "__module__", "")).startswith("mesop_cli.labs")
        for value in vars(module).values() if callable(value))
    if not uses:
        return []
    return [value for name, loaded in sorted(sys.modules.items())
            if name.startswith("mesop_cli.labs.") and loaded is not None
            for value in vars(loaded).values()
            if is_stateclass(value) and value.__module__ == name]


def _execute(path: Path) -> tuple[ModuleType, Collector]:
    name = module_name_for(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AppLoadError(f"{path}: not a Python file", str(path))
    module = importlib.util.module_from_spec(spec)
    with _IMPORT_GUARD:
        previous = sys.modules.get(name)
        sys.modules[name] = module
        # Like `python main.py`: modules beside the app file are importable.
        if str(path.parent) not in sys.path:
            sys.path.insert(0, str(path.parent))
    with collecting(path.parent) as collector:
        try:
            spec.loader.exec_module(module)
        except SyntaxError as exc:
            _restore(name, module, previous)
            location = f"{exc.filename or path}:{exc.lineno or 1}"
            raise AppLoadError(
                f"{location}: SyntaxError: {exc.msg} (while loading {path})",
                location,
                format_traceback(exc),
            ) from None
        except (Exception, SystemExit) as exc:  # sys.exit() or argparse in the app, too
            _restore(name, module, previous)
            location, _ = locate(exc, path)
            explained = explain(exc)
            if explained is not None:  # a Mesop name or module we lack: one line says so
                raise AppLoadError(f"{location}: {explained}", location,
                                   format_traceback(exc)) from None
            detail = " ".join(str(exc).split())
            raise AppLoadError(
                f"{location}: {type(exc).__name__}: {detail} (while loading {path})",
                location,
                format_traceback(exc),
            ) from None
    return module, collector


def _restore(name: str, module: ModuleType, previous: ModuleType | None) -> None:
    """Put back the module a failed load replaced, so the last good app keeps working."""
    with _IMPORT_GUARD:
        if sys.modules.get(name) is module:
            if previous is None:
                del sys.modules[name]
            else:
                sys.modules[name] = previous


def load_app(path: str | Path, *, alias_mesop: bool = False) -> App:
    """Import the app file fresh and collect its pages and state classes.

    ``alias_mesop`` (the MESOP_ALIAS_MESOP setting) lets the app's ``import mesop`` and
    ``import mesop.labs`` resolve to mesop-cli when Mesop itself is not installed.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise AppLoadError(f"{path}: no such app file", str(path))
    if alias_mesop:
        install_mesop_alias()
    uses_labs, unreached = _check_names(path)
    module, collector = _execute(path)
    found = list(collector.pages)
    classes = list(collector.state_classes) + _labs_state_classes(module, uses_labs)
    cookie_classes = list(collector.cookie_classes)
    for value in list(vars(module).values()):
        if isinstance(value, type) and COOKIECLASS_MARK in value.__dict__:
            cookie_classes.append(value)  # from a helper module Python had cached
        marked = getattr(value, PAGE_MARK, None)
        if isinstance(marked, Page) and marked not in found:
            found.append(marked)
        if is_stateclass(value):
            classes.append(value)
    pages: dict[str, Page] = {}
    for page in found:
        if page.path in pages and pages[page.path] is not page:
            raise AppLoadError(
                f"{page.location}: a second page at path {page.path!r} "
                f"(the first is at {pages[page.path].location})",
                page.location,
            )
        pages[page.path] = page
    if not pages:
        raise AppLoadError(
            f"{path}:1: no pages: decorate a function with @me.page(path=\"/\")",
            f"{path}:1",
        )
    return App(path, module, pages, classes, collector.web_modules, cookie_classes,
               unreached)
