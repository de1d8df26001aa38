"""Mesop's web components: ``@me.web_component`` and ``me.insert_web_component``.

The decorator registers the component's JavaScript module (see
``mesop_cli.runtime.web_modules``); each call of the decorated function during a render
adds the module's URL to that render, and ``insert_web_component`` adds a node naming
the custom element, its properties (JSON data) and its events. Each event handler becomes
a handler id registered in the render's HandlerMap for ``web`` events, exactly like a
button's ``on_click``: the browser sets the id as the element's property named by the
event, the element dispatches ``new MesopEvent(id, value)``, and the server runs the
handler only if this session's page, rendered again, shows it. The ``web`` event kind's
value must be plain JSON within :data:`MAX_WEB_EVENT_BYTES` and
:data:`MAX_WEB_EVENT_DEPTH`; the web layer checks it before opening a session too.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from mesop_cli.runtime.components.node import ParentComponent, insert
from mesop_cli.runtime.components.values import Kinds, MesopEvent, short
from mesop_cli.runtime.errors import InvalidEvent
from mesop_cli.runtime.registry import declare_web_module, loading_app_dir
from mesop_cli.runtime.scope import TreeBuilder, current_builder, current_scope, in_scope
from mesop_cli.runtime.web_modules import (
    WebComponentError,
    WebModule,
    resolve_module,
)

C = TypeVar("C", bound=Callable[..., Any])

# A custom element name as the HTML standard allows it, restricted to ASCII: a lowercase
# letter first, a hyphen somewhere, then lowercase letters, digits, "-", "." and "_".
_ELEMENT_NAME = re.compile(r"[a-z][a-z0-9._]*-[a-z0-9._-]*")
# Names the standard reserves (SVG and MathML elements with a hyphen).
_RESERVED_NAMES = frozenset({
    "annotation-xml", "color-profile", "font-face", "font-face-src", "font-face-uri",
    "font-face-format", "font-face-name", "missing-glyph"})
# A property is set as `element[name] = value`, so it must be a plain identifier.
_PROPERTY_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
# Properties that load or run code, or write markup (as Mesop: src, srcdoc, on*), and
# ones that would reach the object model rather than the element's own properties.
_UNSAFE_PROPERTIES = frozenset({"src", "srcdoc", "innerhtml", "outerhtml", "__proto__",
                                "constructor", "prototype"})

# The modules each render's web components registered, in order (a render's TreeBuilder
# is dropped with the render, and its entry with it).
_RENDER_MODULES: weakref.WeakKeyDictionary[TreeBuilder, dict[str, None]] = (
    weakref.WeakKeyDictionary())

#: The most a web component's event value may weigh, as compact JSON, and how deeply it
#: may nest: a component's own messages, not bulk data (use me.uploader for files).
MAX_WEB_EVENT_BYTES = 4 * 1024 * 1024
MAX_WEB_EVENT_DEPTH = 64


@dataclass(kw_only=True)
class WebEvent(MesopEvent):
    """An event a web component dispatched (``new MesopEvent(this.someEvent, value)`` in its
    JavaScript); ``value`` is the JSON value it sent (an object, as a rule)."""

    value: Any


def check_web_value(value: object) -> None:
    """InvalidEvent unless ``value`` is plain JSON (objects with string keys, arrays,
    strings, finite numbers, booleans, null) nested at most MAX_WEB_EVENT_DEPTH deep and
    at most MAX_WEB_EVENT_BYTES long."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_WEB_EVENT_DEPTH:
            raise InvalidEvent(f"web event: value nests deeper than {MAX_WEB_EVENT_DEPTH}")
        if isinstance(item, dict):
            for name, inner in item.items():
                if not isinstance(name, str):
                    raise InvalidEvent(f"web event: object keys must be strings, got "
                                       f"{short(name)}")
                stack.append((inner, depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise InvalidEvent(f"web event: value holds {item}, not a JSON number")
        elif item is not None and not isinstance(item, (str, int, bool)):
            raise InvalidEvent(f"web event: value holds {type(item).__name__}, not JSON")
    try:
        size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False)
                   .encode("utf-8", "surrogatepass"))
    except ValueError as exc:  # an int longer than Python prints (4300 digits)
        raise InvalidEvent(f"web event: value cannot be encoded as JSON ({exc})") from None
    if size > MAX_WEB_EVENT_BYTES:
        raise InvalidEvent(f"web event: value is {size} bytes of JSON, more than the "
                           f"{MAX_WEB_EVENT_BYTES} a web component event may carry")


def _web(key: str, value: object) -> MesopEvent:
    check_web_value(value)
    return WebEvent(key=key, value=value)


KINDS: Kinds = {"web": _web}


def web_component(*, path: str, skip_validation: bool = False) -> Callable[[C], C]:
    """Declare a web component whose JavaScript module is ``path``, relative to the file
    that declares it (as in Mesop). The file must be inside the app's directory; it is
    checked now, so a bad path stops the app's load at this line.

    ``skip_validation`` is accepted for Mesop's sake: mesop-cli does not type-check the
    decorated function's arguments either way.
    """
    if in_scope():
        # As Mesop: every process must know the module before any browser asks for it.
        raise WebComponentError(
            "@me.web_component must run when the app loads (decorate a module-level "
            "function), not while a page renders or a handler runs: a module registered "
            "later would not be served by the app's other processes")
    frame = inspect.currentframe()
    caller = frame.f_back if frame is not None else None
    filename, line = (caller.f_code.co_filename, caller.f_lineno) if caller else ("?", 0)
    del frame, caller
    module = resolve_module(path, filename, line, loading_app_dir())
    declare_web_module(module)

    def decorate(fn: C) -> C:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _use_module(module)
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _use_module(module: WebModule) -> None:
    """Note that this render needs ``module`` (called while a page renders)."""
    builder = current_builder("a @me.web_component function")
    app = current_scope("a @me.web_component function").app
    served = app.web_modules.get(module.url_path)
    if served is None or served.file != module.file:
        # Declared outside this app's load (a module Python had already imported): serve
        # it too, as long as it lies inside this app's directory.
        rebased = module.rebased(app.path.parent)
        if rebased is None:
            raise WebComponentError(
                f"{module.declared_at}: the web component module {module.file} is outside "
                f"the app's directory {app.path.parent}; only files inside it are served")
        module = rebased
        app.web_modules = {**app.web_modules, module.url_path: module}
    _RENDER_MODULES.setdefault(builder, {})[module.url] = None


def element_name(name: object) -> str:
    """``name`` if it is a valid custom element name, else WebComponentError saying why."""
    if not isinstance(name, str) or not _ELEMENT_NAME.fullmatch(name):
        raise WebComponentError(
            f"insert_web_component name {name!r:.80} is not a custom element name: it must "
            "start with a lowercase letter and hold a hyphen, using only a-z, 0-9, '-', "
            "'.' and '_' (for example 'counter-component')")
    if name in _RESERVED_NAMES:
        raise WebComponentError(f"insert_web_component name {name!r} is reserved by HTML")
    return name


def _check_property_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not _PROPERTY_NAME.fullmatch(name):
        raise WebComponentError(f"insert_web_component {what} name {name!r:.80} must be a "
                                "JavaScript identifier (letters, digits, '_', '$')")
    lowered = name.lower()
    if lowered in _UNSAFE_PROPERTIES or lowered.startswith("on") or name.startswith("__mesop"):
        raise WebComponentError(
            f"insert_web_component cannot use {name!r} as a {what} name: it could load or "
            "run code in the page (src, srcdoc, innerHTML, on...) or reach the element's "
            "prototype")
    return name


def _json_properties(properties: dict[Any, Any]) -> dict[str, Any]:
    """The properties as plain JSON data (tuples become lists), refusing NaN, infinities
    and anything JSON cannot carry, with the name of the property at fault."""
    plain: dict[str, Any] = {}
    for name, value in properties.items():
        _check_property_name(name, "property")
        try:
            plain[name] = json.loads(json.dumps(value, allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise WebComponentError(
                f"insert_web_component property {name!r} is not JSON data ({exc}); pass "
                "strings, numbers, booleans, None, lists and dicts (dataclasses.asdict for "
                "a dataclass)") from None
    return plain


def insert_web_component(
    *,
    name: str,
    events: dict[str, Callable[[Any], Any] | None] | None = None,
    properties: dict[str, Any] | None = None,
    key: str | None = None,
) -> ParentComponent:
    """Insert the custom element ``name``: ``properties`` are set on it as JavaScript
    properties, and each of ``events`` sets the property named by its key (Mesop uses
    camelCase, ``incrementEvent``) to the id of its handler, which receives a
    ``me.WebEvent``. Use it as a context manager to give the element children (slots)."""
    caller = "insert_web_component"
    tag = element_name(name)
    if events is not None and not isinstance(events, dict):
        raise WebComponentError(f"{caller} events must be a dict, got {type(events).__name__}")
    if properties is not None and not isinstance(properties, dict):
        raise WebComponentError(
            f"{caller} properties must be a dict, got {type(properties).__name__}")
    plain = _json_properties(properties or {})
    handlers = {}
    for event, handler in (events or {}).items():
        _check_property_name(event, "event")
        if handler is None:  # as in Mesop, an event without a callback is left out
            continue
        if not callable(handler):
            raise WebComponentError(f"{caller} event {event!r} must be a callable or None, "
                                    f"got {type(handler).__name__}")
        if event in plain:
            raise WebComponentError(f"{caller} {event!r} is both a property and an event")
        handlers[event] = handler
    builder = current_builder(caller)
    event_ids = {event: builder.handlers.register(handler, "web")
                 for event, handler in handlers.items()}
    props = {"name": tag, "modules": list(_RENDER_MODULES.get(builder, {})),
             "properties": plain, "events": event_ids}
    return insert(caller, "web_component", key, props, None, {})
