"""The ``kind`` and ``handler`` labels of the event metrics, from bounded sets.

A label's every value is a series the server keeps (in each worker, for good), so no
label may take what a browser sends as it is. The kind is one the runtime knows (or
``other``); the handler is the qualified name of a function of the app's code (the
``qualname`` of its id ``module:qualname#n``, without the module, which is the same for
every handler of one app file, and without ``#n``, which counts closures met in one
render and grows with the data drawn) or ``other``. The names of the app's code are read
once per loaded app, from its functions and classes and the code nested in them, so their
number is that of the app's source, whatever ids are forged.
"""

from __future__ import annotations

import inspect
import sys
import threading
import weakref
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from mesop_cli.runtime import App
from mesop_cli.runtime.events import EVENT_KINDS

#: Label of a kind or a handler outside the bounded set.
OTHER = "other"
#: Kinds of what runs without an event of the browser's.
_OWN_KINDS = frozenset({"load", "refresh"})
#: A function's code is ``CO_OPTIMIZED``; a class body's is not (its children are named
#: ``Class.name``, a function's ``function.<locals>.name``).
_CO_OPTIMIZED = inspect.CO_OPTIMIZED

_names: weakref.WeakKeyDictionary[App, frozenset[str]] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def kind_label(kind: str) -> str:
    """``kind`` if the runtime knows it, else ``other``."""
    return kind if kind in EVENT_KINDS or kind in _OWN_KINDS else OTHER


def handler_label(app: App, handler_id: str | None) -> str:
    """The label of ``handler_id``: "" for none (a page load, a refresh), the qualname
    of a function or class of the app's code, else ``other``."""
    if not handler_id:
        return ""
    _module, colon, rest = handler_id.partition(":")
    qualname = rest.split("#", 1)[0]
    return qualname if colon and qualname in handler_names(app) else OTHER


def handler_names(app: App) -> frozenset[str]:
    """Every qualified name of a function or class in the app's code (its module, the
    helper modules beside it that it imports, and its pages'), read once per app."""
    names = _names.get(app)
    if names is None:
        with _guard:
            names = _names.get(app)
            if names is None:
                names = _names[app] = frozenset(_collect(app))
    return names


def _collect(app: App) -> set[str]:
    names: set[str] = set()
    seen: set[int] = set()
    home = Path(app.path).resolve().parent
    modules = [app.module]
    visited_modules: set[str] = set()
    while modules:
        module = modules.pop()
        if module.__name__ in visited_modules:
            continue
        visited_modules.add(module.__name__)
        for value in list(vars(module).values()):
            if isinstance(value, ModuleType):
                if _beside(value, home):  # a helper module of the app, not a library
                    modules.append(value)
            else:
                _walk(value, names, seen)
    for page in app.pages.values():
        _walk(page.fn, names, seen)
        if page.on_load is not None:
            _walk(page.on_load, names, seen)
    return names


def _beside(module: ModuleType, home: Path) -> bool:
    file = getattr(module, "__file__", None)
    if not file or module.__name__ in sys.builtin_module_names:
        return False
    try:
        where = Path(file).resolve()
    except OSError:
        return False
    # A virtual environment inside the app's directory holds libraries, not the app.
    return where.is_relative_to(home) and not {"site-packages", "dist-packages"} \
        & set(where.parts)


def _walk(value: Any, names: set[str], seen: set[int]) -> None:
    """Add the qualnames of ``value`` (a function or class) and of what it nests."""
    value = getattr(value, "__func__", value)  # staticmethod, classmethod
    if id(value) in seen:
        return
    if inspect.isfunction(value):
        seen.add(id(value))
        names.add(value.__qualname__)
        _walk_code(value.__code__, value.__qualname__, names)
    elif inspect.isclass(value):
        seen.add(id(value))
        names.add(value.__qualname__)
        for member in list(vars(value).values()):
            if inspect.isfunction(member) or inspect.isclass(member) \
                    or isinstance(member, staticmethod | classmethod):
                _walk(member, names, seen)


def _walk_code(code: CodeType, qualname: str, names: set[str]) -> None:
    """The functions, lambdas and classes defined inside ``code`` (closures are made
    anew at each call, so only their code says they exist before they run)."""
    inside = f"{qualname}.<locals>." if code.co_flags & _CO_OPTIMIZED else f"{qualname}."
    for const in code.co_consts:
        if isinstance(const, CodeType):
            # co_qualname from Python 3.11; built the same way before it.
            nested = getattr(const, "co_qualname", None) or inside + const.co_name
            names.add(nested)
            _walk_code(const, nested, names)
