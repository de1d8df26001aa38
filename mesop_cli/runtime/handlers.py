"""Handler ids that mean the same thing in every worker process.

A module-level function is named by ``module:qualname``, which every process that loaded
the app agrees on. Closures, lambdas, bound methods and partials have no such name, so
they get ``module:qualname#n``: the n-th distinct such callable with that name met while
rendering the page. Every event re-renders the session's current page with the session's
state (a "trace" render) and looks the id up among the handlers that render registered,
so an id from the browser is never imported or looked up by name: it reaches only what
this session's page shows it, in any process.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

Handler = Callable[[Any], Any]


def _resolve(qualname: str, namespace: dict[str, Any]) -> object:
    parts = qualname.split(".")
    obj = namespace.get(parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part, None)
    return obj


def describe(fn: Handler, app_module: ModuleType) -> tuple[str, bool]:
    """(base id, whether the base id alone names ``fn`` in any process)."""
    if isinstance(fn, functools.partial):
        return describe(fn.func, app_module)[0], False
    target = getattr(fn, "__func__", fn)
    module = getattr(target, "__module__", None) or "?"
    qualname = getattr(target, "__qualname__", None) or type(fn).__qualname__
    base = f"{module}:{qualname}"
    if target is not fn or "<" in qualname:
        return base, False
    if module == app_module.__name__:
        namespace = vars(app_module)
    else:
        loaded = sys.modules.get(module)
        namespace = vars(loaded) if loaded is not None else {}
    return base, _resolve(qualname, namespace) is fn


class HandlerMap:
    """The handlers met during one render, by id, with the event kinds each accepts."""

    def __init__(self, app_module: ModuleType) -> None:
        self._module = app_module
        self._by_id: dict[str, tuple[Handler, set[str]]] = {}
        self._by_object: dict[int, str] = {}
        self._counts: dict[str, int] = {}

    def register(self, fn: Handler, kind: str) -> str:
        """The id for ``fn`` as a handler of ``kind`` events (same object, same id)."""
        if not callable(fn):
            raise TypeError(f"event handler must be callable, got {type(fn).__name__}")
        # Entries keep their callables alive, so id() cannot be reused within one map.
        handler_id = self._by_object.get(id(fn))
        if handler_id is None:
            base, stable = describe(fn, self._module)
            if stable:
                handler_id = base
            else:
                index = self._counts.get(base, 0)
                self._counts[base] = index + 1
                handler_id = f"{base}#{index}"
            self._by_object[id(fn)] = handler_id
            self._by_id[handler_id] = (fn, set())
        self._by_id[handler_id][1].add(kind)
        return handler_id

    def get(self, handler_id: str) -> tuple[Handler, set[str]] | None:
        """The handler and its kinds, or None."""
        return self._by_id.get(handler_id)
