"""Mesop's two WSGI entry points: ``me.create_wsgi_app()`` and the module ``me`` itself.

Mesop's deployment runs ``gunicorn main:me`` (or ``main:app`` with
``app = me.create_wsgi_app()``). Gunicorn then imports ``main.py`` as a plain module, not
through :func:`mesop_cli.runtime.load_app`, so nothing collected its pages. Both entry
points therefore find the app's file and hand it to the factory of
``mesop_cli.wsgi:create_app``, which validates the configuration and loads the file the
way ``mesop main.py`` does.

That load executes the file a second time, under its own module name. This is on
purpose: the load is what checks the file for Mesop names mesop-cli lacks, collects pages,
state classes, cookie classes and web components in declaration order, and names them the
same in every worker. Pages are not registered twice, since the plain import ran with no
load in progress and so registered nothing; what an app does at import (open a client,
read a file) does happen twice per process, as it does on every hot reload in dev.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn

from mesop_cli.runtime.registry import PAGE_MARK, Page, loading

if TYPE_CHECKING:
    from flask import Flask

#: Modules of the app files that ``load_app`` executed: never the plain import's module.
_LOADED_PREFIX = "_mesop_app_"


class MesopWsgiApp:
    """A WSGI app that is the factory's Flask app once built (at once, or on first call)."""

    def __init__(self, locate: Callable[[], Path], debug_mode: bool = False) -> None:
        self._locate = locate
        self.debug_mode = debug_mode
        self._app: Flask | None = None
        self._guard = threading.Lock()

    def build(self) -> Flask:
        """The Flask app, built on the first call: stops the process (SystemExit) on an
        invalid configuration or an app that does not load, as the factory does."""
        if self._app is None:
            with self._guard:
                if self._app is None:
                    from mesop_cli.serving.wsgi_factory import create_app

                    self._app = create_app(str(self._locate()), debug_mode=self.debug_mode)
        return self._app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        try:
            app = self.build()
        except SystemExit as stopped:
            _end_worker(stopped)
        return app(environ, start_response)


def _end_worker(stopped: SystemExit) -> NoReturn:
    """A build that failed at a request: end the process, not just the request.

    Gunicorn's workers catch SystemExit around a request (a traceback, then a 500, and the
    next request fails the same way). Exiting the worker with the factory's status 4 makes
    gunicorn's arbiter shut down with "App failed to load", as a failure at boot does.
    """
    if "gunicorn.arbiter" not in sys.modules:
        raise stopped
    sys.stderr.flush()
    os._exit(stopped.code if isinstance(stopped.code, int) else 1)


def create_wsgi_app(*, debug_mode: bool = False) -> MesopWsgiApp:
    """Mesop's ``create_wsgi_app``: the app file that calls it, served as a WSGI app.

    The configuration is validated and the app built right away, so gunicorn stops before
    serving when either is wrong. Called while mesop-cli itself loads the file (``mesop
    main.py``, ``--check-config``, or the factory's own load of it) it builds nothing, so
    the same file serves both ways. ``debug_mode=True`` is dev mode: errors and tracebacks
    in the browser, only local host names answered, the file reloaded when it changes;
    several gunicorn workers mean production whatever it says.
    """
    caller = sys._getframe(1).f_globals.get("__name__")
    app = MesopWsgiApp(lambda: find_app_file(preferred=[caller]), debug_mode)
    if not loading():
        app.build()
        _adopt(app)
    return app


# -- which file is the app ----------------------------------------------------------------


def _py_file(module: ModuleType | None) -> Path | None:
    file = getattr(module, "__file__", None)
    if not isinstance(file, str) or not file.endswith(".py"):
        return None
    return Path(file).resolve()


def _uses_mesop_cli(module: ModuleType) -> bool:
    ours = sys.modules.get("mesop_cli")
    return any(value is ours or isinstance(value, MesopWsgiApp)
               for value in list(vars(module).values()))


def _declares_pages(module: ModuleType) -> bool:
    return any(isinstance(getattr(value, PAGE_MARK, None), Page)
               for value in list(vars(module).values()))


def _is_ours(name: str) -> bool:
    return name.startswith((_LOADED_PREFIX, "mesop_cli"))


def _app_files() -> list[Path]:
    """Files of the modules that use mesop-cli and declare pages, in import order."""
    return [path for name, module in list(sys.modules.items())
            if module is not None and not _is_ours(name)
            and (path := _py_file(module)) is not None
            and _uses_mesop_cli(module) and _declares_pages(module)]


def gunicorn_app_module() -> str | None:
    """The module gunicorn was told to serve (``main`` of ``main:me``), or None."""
    from mesop_cli.serving.wsgi_factory import gunicorn_config

    found = gunicorn_config()
    if found is None or not found.app_uri:
        return None
    return found.app_uri.split(":", 1)[0]


def find_app_file(preferred: Iterable[str | None] = ()) -> Path:
    """The app file a plain import brought in.

    First the modules named in ``preferred`` (the caller of ``create_wsgi_app``), then the
    one gunicorn names, when one of them declares pages; else the single module that uses
    mesop-cli and declares pages (``wsgi.py`` importing ``main``). A named file that
    declares none comes last, so the load says "no pages" about the file pointed at.
    """
    named = [name for name in [*preferred, gunicorn_app_module()] if name and not _is_ours(name)]
    pairs = [(module, path) for name in named
             if (path := _py_file(module := sys.modules.get(name))) is not None]
    for module, path in pairs:
        if module is not None and _declares_pages(module):
            return path
    files = [path for _module, path in pairs]
    found = _app_files()
    if len(found) > 1:
        _stop(f"more than one module declares pages ({', '.join(map(str, found))}), so "
              "which file is the app is unclear; serve it with "
              "'mesop_cli.wsgi:create_app(\"main.py\")'")
    if found or files:
        return (found or files)[0]
    _stop("no imported module declares pages with mesop-cli (@me.page); serve the app "
          "file with 'mesop_cli.wsgi:create_app(\"main.py\")'")


def _stop(message: str) -> NoReturn:
    from mesop_cli.serving.wsgi_factory import stop

    stop("E006", f"cannot tell which app to serve: {message}")


# -- `gunicorn main:me`: the module itself is the WSGI app ---------------------------------

_MODULE_APP: MesopWsgiApp | None = None
_MODULE_GUARD = threading.Lock()


def _adopt(app: MesopWsgiApp) -> None:
    """The app a file built with ``create_wsgi_app`` is the module's too: ``main:me`` on
    such a file must not load it once more."""
    global _MODULE_APP
    with _MODULE_GUARD:
        if _MODULE_APP is None:
            _MODULE_APP = app


def module_app() -> MesopWsgiApp:
    """The app behind ``mesop_cli(environ, start_response)``: one per process."""
    global _MODULE_APP
    if _MODULE_APP is None:
        with _MODULE_GUARD:
            if _MODULE_APP is None:
                _MODULE_APP = MesopWsgiApp(find_app_file)
    return _MODULE_APP


class CallableModule(ModuleType):
    """The class of the ``mesop_cli`` module: a module that is also a WSGI app.

    Built on the first request, unless gunicorn runs with ``-c
    python:mesop_cli.gunicorn_conf``, whose hooks build it before serving. Attributes,
    ``hasattr`` and the module's ``__getattr__`` (PEP 562) behave as for any module.
    """

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        return module_app()(environ, start_response)
