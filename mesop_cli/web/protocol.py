"""The wire format between the client script and the event endpoint.

One POST per event. The request names the session, the page and the event; it carries the
browser's signed copy of the state only when the state travels through the browser (the
`none` backend) or when the server asked for it after a miss. The response is a stream of
JSON lines, one per render, so a generator handler's every `yield` reaches the browser
while the handler keeps running.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from mesop_cli.runtime.browser.browser_context import DEFAULT_VIEWPORT, MAX_VIEWPORT_PIXELS
from mesop_cli.runtime.browser.query_state import (
    MAX_QUERY_CHARS,
    MAX_QUERY_PAIRS,
    Pairs,
    QueryTooLarge,
    check_size,
)
from mesop_cli.runtime.components.web_component import check_web_value
from mesop_cli.runtime.errors import InvalidEvent
from mesop_cli.runtime.events import EVENT_KINDS
from mesop_cli.state_format.session_ids import InvalidSessionId, validate_session_id


class ProtocolError(ValueError):
    """A request the client script would never send; answered with 400."""


class MalformedSessionId(ProtocolError):
    """The session id the browser holds is unusable: it must start a new session."""


@dataclass(frozen=True)
class EventRequest:
    session_id: str | None
    path: str
    event: dict[str, Any] | None  # None: load the page (first visit, navigation, reload)
    state: dict[str, Any] | None  # the browser's copy, only when needed
    signature: str | None
    has_copy: bool  # False when the browser lost its copy and needs the full state back
    version: int | None  # the version of the browser's copy, to spot a stale server copy
    # ---- browser hints (theme, viewport) and refresh: begin --------------------------
    #: The browser's colour-scheme preference, "light" or "dark": unsigned, it only
    #: answers me.theme_brightness() in "system" mode.
    color_scheme: str = "light"
    #: The viewport (width, height) for me.viewport_size(); unsigned, a hint only.
    viewport: tuple[int, int] = DEFAULT_VIEWPORT
    #: Render the session's page again, running nothing (a resize, a scheme change).
    refresh: bool = False
    # ---- browser hints (theme, viewport) and refresh: end ----------------------------
    # ---- query params: begin ---------------------------------------------------------
    #: The query of the tab's URL as (key, value) pairs; unsigned plain data that only
    #: answers me.query_params.
    query: Pairs = ()
    # ---- query params: end -----------------------------------------------------------
    #: Sent while the tab reads the stream of an earlier event of its session: where
    #: that stream still runs, the event is run between its yields (see
    #: ``web/merged_events.py``).
    during: bool = False


#: A JSON escape of a UTF-16 surrogate. Only bodies containing one need the slower walk
#: that looks for lone surrogates (a valid pair decodes to one character).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse_constant(name: str) -> float:
    raise ProtocolError(f"request body contains {name}, which is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ProtocolError(f"request body contains the number {text[:40]}, too large for a "
                            "64-bit float")
    return value


def _lone_surrogates(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def decode_body(body: bytes) -> Any:
    """Strict JSON: UTF-8 only, no NaN/Infinity, no number beyond a float's range and no
    lone surrogate, so nothing that cannot be stored or sent back reaches a handler."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"request body is not UTF-8 ({exc.reason} at byte {exc.start})") \
            from None
    try:
        message = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"request body is not JSON ({exc})") from None
    except RecursionError:
        raise ProtocolError("request body is nested too deeply") from None
    except ValueError as exc:  # an integer longer than Python converts (4300 digits)
        if isinstance(exc, ProtocolError):
            raise
        raise ProtocolError("request body contains a number with too many digits") from None
    if _SURROGATE_ESCAPE.search(text) and _lone_surrogates(message):
        raise ProtocolError("request body contains a lone UTF-16 surrogate, which is not text")
    return message


def parse_event_request(body: bytes) -> EventRequest:
    """Validate the shape of a request before anything reaches a backend."""
    message = decode_body(body)
    if not isinstance(message, dict):
        raise ProtocolError("request body must be a JSON object")

    session_id = message.get("session")
    if session_id is not None:
        try:
            validate_session_id(session_id)
        except InvalidSessionId:
            raise MalformedSessionId("malformed session id") from None

    path = message.get("path")
    if not isinstance(path, str) or not path.startswith("/") or len(path) > 2048:
        raise ProtocolError("path must be a string starting with '/'")

    event = message.get("event")
    if event is not None:
        event = _parse_event(event)

    state = message.get("state")
    signature = message.get("sig")
    if state is not None and (not isinstance(state, dict) or not isinstance(signature, str)):
        raise ProtocolError("a state copy must be an object sent with its signature")

    version = message.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ProtocolError("version must be an integer")

    during = message.get("during", False)
    if not isinstance(during, bool):
        raise ProtocolError("during must be true or false")
    if during and (event is None or session_id is None):
        raise ProtocolError("only an event of a session is sent during a stream")

    return EventRequest(
        session_id=session_id,
        path=path,
        event=event,
        state=state,
        signature=signature if state is not None else None,
        has_copy=message.get("has_copy", True) is not False,
        version=version,
        **_browser_hints(message, event),
        query=_query(message.get("query")),  # query params
        during=during,
    )


# ---- browser hints (theme, viewport) and refresh: begin ----------------------------------

_COLOR_SCHEMES = ("light", "dark")


def _browser_hints(message: dict[str, Any], event: dict[str, Any] | None) -> dict[str, Any]:
    """The colour scheme, viewport and refresh flag of a request. None of them is signed
    and none decides anything but what me.theme_brightness() and me.viewport_size()
    answer, and whether a page is drawn again."""
    scheme = message.get("scheme")
    if scheme is None:
        scheme = "light"
    elif scheme not in _COLOR_SCHEMES:
        raise ProtocolError("scheme must be 'light' or 'dark'")
    refresh = message.get("refresh", False)
    if refresh is None:
        refresh = False
    if not isinstance(refresh, bool):
        raise ProtocolError("refresh must be true or false")
    if refresh and event is not None:
        raise ProtocolError("a refresh carries no event")
    return {"color_scheme": scheme, "viewport": _viewport(message.get("viewport")),
            "refresh": refresh}


def _viewport(value: Any) -> tuple[int, int]:
    """A reported viewport, or the default for anything that is not two whole numbers of
    pixels in range: the size is a hint, so a bad one is never worth refusing an event."""
    if not isinstance(value, dict):
        return DEFAULT_VIEWPORT
    width, height = value.get("width"), value.get("height")
    if all(type(n) is int and 0 <= n <= MAX_VIEWPORT_PIXELS for n in (width, height)):
        return (width, height)
    return DEFAULT_VIEWPORT

# ---- browser hints (theme, viewport) and refresh: end ------------------------------------


# ---- query params: begin ------------------------------------------------------------------

_QUERY_SHAPE = "query must be a string or a list of [key, value] string pairs"


def _query(value: Any) -> Pairs:
    """The URL's query the browser reported: its ``location.search`` as a string, or the
    pairs it decoded (what the client sends). Like text typed into a field it is refused
    only when malformed or too large; it never decides anything but what me.query_params
    answers. (decode_body has already refused lone surrogates.)"""
    if value is None:
        return ()
    if isinstance(value, str):
        if len(value) > MAX_QUERY_CHARS * 3:  # every character percent-encoded
            raise ProtocolError(f"query must be at most {MAX_QUERY_CHARS * 3} characters")
        try:
            pairs = parse_qsl(value.removeprefix("?"), keep_blank_values=True,
                              max_num_fields=MAX_QUERY_PAIRS)
        except ValueError:
            raise ProtocolError(f"query must hold at most {MAX_QUERY_PAIRS} values") from None
    elif isinstance(value, list):
        if len(value) > MAX_QUERY_PAIRS:
            raise ProtocolError(f"query must hold at most {MAX_QUERY_PAIRS} values")
        if not all(isinstance(pair, list) and len(pair) == 2
                   and all(isinstance(part, str) for part in pair) for pair in value):
            raise ProtocolError(_QUERY_SHAPE)
        pairs = [(key, item) for key, item in value]
    else:
        raise ProtocolError(_QUERY_SHAPE)
    try:
        check_size(pairs)
    except QueryTooLarge as exc:
        raise ProtocolError(f"query too large: {exc}") from None
    return tuple(pairs)

# ---- query params: end --------------------------------------------------------------------


def _parse_event(event: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise ProtocolError("event must be an object")
    handler, kind, key = event.get("handler"), event.get("kind"), event.get("key", "")
    if not isinstance(handler, str) or not handler or len(handler) > 512:
        raise ProtocolError("event.handler must be a non-empty string")
    if not isinstance(kind, str) or kind not in EVENT_KINDS:
        raise ProtocolError(f"event.kind must be one of {', '.join(sorted(EVENT_KINDS))}")
    if not isinstance(key, str):
        raise ProtocolError("event.key must be a string")
    # ---- web components: a web event's value is checked before any session is opened --
    if kind == "web":
        try:
            check_web_value(event.get("value"))
        except InvalidEvent as exc:
            raise ProtocolError(str(exc)) from None
    # ---- web components: end ---------------------------------------------------------
    return {"handler": handler, "kind": kind, "key": key, "value": event.get("value")}


def line(message: dict[str, Any]) -> bytes:
    """One message of the response stream."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
