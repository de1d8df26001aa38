"""Mesop's cookie API: ``@me.cookieclass``, ``me.cookie``, ``me.set_cookie``,
``me.delete_cookie``.

A cookie class is a dataclass whose fields all have defaults; its instances travel as one
cookie of JSON (plain, signed or encrypted, see :mod:`.cookie_codec`). ``me.cookie`` reads
what the browser sent with this event's request: a cookie that is absent, altered or does
not fit the class reads as a default instance, with one warning in the log that names the
cookie and why, never what it held. As in Mesop, a cookie set during an event is not seen
by ``me.cookie`` in that same event: it reads the request, and the new value reaches the
browser with the response.

Cookies set during an event go out as ``Set-Cookie`` headers of that event's response, so
values marked HttpOnly never pass through the page's JavaScript (see :mod:`.cookie_jar`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar, overload

from mesop_cli.config.problems import Problem
from mesop_cli.logs.throttle import Throttle
from mesop_cli.runtime.browser import cookie_codec
from mesop_cli.runtime.browser.cookie_codec import CookieRefused, Protection
from mesop_cli.runtime.browser.cookie_jar import CookieJar
from mesop_cli.runtime.browser.cookie_rules import (
    OutgoingCookie,
    check_attributes,
    check_name,
    check_secure,
    check_value,
)
from mesop_cli.runtime.exceptions import MesopDeveloperException
from mesop_cli.runtime.registry import COOKIECLASS_MARK, declare_cookie_class
from mesop_cli.runtime.scope import current_scope
from mesop_cli.runtime.stateclass import dataclass_with_defaults

T = TypeVar("T")

log = logging.getLogger("mesop_cli.cookies")
#: A browser can send a bad cookie with every request: one line per cookie and reason a
#: minute is enough to tell the developer.
_REFUSALS = Throttle()


@dataclasses.dataclass(frozen=True)
class CookieClassInfo:
    """What ``@me.cookieclass`` recorded on a class."""

    name: str
    protection: Protection


# A lower case letter or digit before an upper case one ("myHttp" -> "my_Http"), and any
# character before an upper case one starting a word ("HTTPSession" -> "HTTP_Session").
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=.)(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """The cookie name a class gets by default, as Mesop derives it:
    ``SessionCookie`` -> ``session_cookie``, ``MyHTTPSession`` -> ``my_http_session``."""
    return _WORD_BOUNDARY.sub("_", name).lower()


@overload
def cookieclass(cls: type[T]) -> type[T]: ...


@overload
def cookieclass(cls: None = None, *, name: str | None = None, signed: bool = False,
                encrypted: bool = False) -> Callable[[type[T]], type[T]]: ...


def cookieclass(cls: type[T] | None = None, *, name: str | None = None, signed: bool = False,
                encrypted: bool = False) -> type[T] | Callable[[type[T]], type[T]]:
    """Make a class a cookie class, as ``@me.cookieclass`` or ``@me.cookieclass(...)``.

    ``name`` is the cookie's name (default: the class name in snake_case). ``signed=True``
    lets the browser read the value but not change it; ``encrypted=True`` hides it too
    (needs ``cryptography``). The two exclude each other: encryption also detects changes.
    """
    caller = "@me.cookieclass"
    if type(signed) is not bool or type(encrypted) is not bool:
        raise MesopDeveloperException(f"{caller}: signed= and encrypted= are True or False")
    if signed and encrypted:
        raise MesopDeveloperException(
            f"{caller}: signed=True and encrypted=True exclude each other; encrypted=True "
            "alone already detects a changed value")
    if encrypted and not cookie_codec.encryption_available():
        raise MesopDeveloperException(
            f"{caller}(encrypted=True) needs the cryptography package: "
            f"{cookie_codec.INSTALL_HINT}")
    if name is not None:
        check_name(caller, name)
    protection: Protection = "encrypted" if encrypted else "signed" if signed else "plain"

    def decorate(target: type[T]) -> type[T]:
        if not isinstance(target, type):
            raise MesopDeveloperException(f"{caller} decorates a class, got "
                                          f"{type(target).__name__}")
        made = dataclass_with_defaults(target)
        cookie_name = check_name(caller, name if name is not None else snake_case(made.__name__))
        setattr(made, COOKIECLASS_MARK, CookieClassInfo(cookie_name, protection))
        declare_cookie_class(made)
        return made

    return decorate if cls is None else decorate(cls)


def cookieclass_info(cls: object) -> CookieClassInfo | None:
    """The cookie class's record, None for any other object; on the class itself, never
    inherited (a subclass is not a cookie class until decorated)."""
    if not isinstance(cls, type):
        return None
    found = cls.__dict__.get(COOKIECLASS_MARK)
    return found if isinstance(found, CookieClassInfo) else None


def _info(caller: str, cls: object) -> CookieClassInfo:
    found = cookieclass_info(cls)
    if found is None:
        what = cls.__qualname__ if isinstance(cls, type) else type(cls).__name__
        raise MesopDeveloperException(f"{caller}: {what} is not a cookie class; decorate it "
                                      "with @me.cookieclass")
    return found


def _jar(caller: str) -> CookieJar:
    return current_scope(caller).browser.cookies


# ---- reading ------------------------------------------------------------------------------


@overload
def cookie(cls: str) -> str: ...


@overload
def cookie(cls: type[T]) -> T: ...


def cookie(cls: type[T] | str) -> T | str:
    """The request's cookie: for a cookie class, an instance (its defaults when the cookie
    is absent or unreadable); for a name, the raw text ("" when absent)."""
    caller = "me.cookie()"
    jar = _jar(caller)
    if isinstance(cls, str):
        return jar.received.get(check_name(caller, cls), "")
    info = _info(caller, cls)
    raw = jar.received.get(info.name)
    if not raw:
        return cls()
    try:
        return _read(cls, info, raw, jar)
    except CookieRefused as exc:
        allowed, held_back = _REFUSALS.allow(f"{info.name} {type(exc).__name__} {exc}")
        if allowed:
            more = f" ({held_back} more since the last such line)" if held_back else ""
            log.warning("cookie %r (%s) read as defaults: %s%s", info.name,
                        cls.__qualname__, exc, more)
        return cls()


def _read(cls: type[T], info: CookieClassInfo, raw: str, jar: CookieJar) -> T:
    data = cookie_codec.decode(raw, info.name, info.protection, jar.secrets)
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CookieRefused("it is not JSON") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("d"), dict):
        raise CookieRefused("it is not a cookie class's JSON")
    expires = payload.get("x")
    if info.protection != "plain" and expires is not None:
        if type(expires) is not int or time.time() > expires:
            raise CookieRefused("it has expired (past its max_age)")
    return _build(cls, payload["d"])


def _build(cls: type[T], data: dict[str, Any]) -> T:
    """An instance of ``cls`` from JSON; fields it does not have are ignored (a cookie
    written by a newer version of the app), a value of the wrong type refuses the cookie."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an annotation naming what cannot be resolved: types go unchecked
        hints = {}
    values = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init or f.name not in data:
            continue
        value = data[f.name]
        tp = hints.get(f.name, Any)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and isinstance(value, dict):
            value = _build(tp, value)
        elif not _fits(value, tp):
            raise CookieRefused(f"its field {f.name!r} is not a {getattr(tp, '__name__', tp)}")
        values[f.name] = value
    try:
        return cls(**values)
    except Exception as exc:  # the class's own checks (__post_init__) refuse it
        raise CookieRefused(f"{cls.__qualname__}() refused its fields "
                            f"({type(exc).__name__})") from None


def _fits(value: object, tp: Any) -> bool:
    """Whether a JSON value can stand for a field of type ``tp``; types JSON cannot carry
    are left to the class."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any or isinstance(tp, typing.TypeVar):
        return True
    if tp is None or tp is type(None):
        return value is None
    if origin is typing.Annotated:
        return _fits(value, args[0])
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arm) for arm in args)
    if origin is typing.Literal:
        return value in args
    if tp is bool:
        return type(value) is bool
    if tp is int:
        return type(value) is int
    if tp is float:
        return type(value) in (int, float)
    if tp is str:
        return isinstance(value, str)
    if tp in (list, tuple) or origin in (list, tuple):
        return isinstance(value, list) and (
            origin is not list or not args or all(_fits(v, args[0]) for v in value))
    if tp is dict or origin is dict:
        return isinstance(value, dict) and (
            not args or all(_fits(v, args[1]) for v in value.values()))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return False  # reached only for a value that is not an object
    return True


# ---- writing ------------------------------------------------------------------------------


def _encode_instance(caller: str, instance: object, info: CookieClassInfo, jar: CookieJar,
                     max_age: int | None) -> str:
    payload: dict[str, Any] = {"d": dataclasses.asdict(instance)}  # type: ignore[call-overload]
    if info.protection != "plain" and max_age is not None:
        # Signed and encrypted values carry their own end, so one copied out of a browser
        # is refused once its max_age is over, whatever the browser does with it.
        payload["x"] = int(time.time()) + max_age
    try:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise MesopDeveloperException(
            f"{caller}: the fields of {type(instance).__qualname__} must be JSON values (str, "
            f"int, float, bool, None, and lists and dicts of them): {exc}") from None
    return cookie_codec.encode(text.encode(), info.name, info.protection, jar.secrets)


def set_cookie(name_or_instance: Any, value: str | None = None, *, max_age: int | None = None,
               path: str = "/", domain: str | None = None, secure: bool | None = None,
               httponly: bool = True, samesite: str = "Lax") -> None:
    """Set a cookie with this event's response: ``me.set_cookie("name", "value")``, or
    ``me.set_cookie(instance)`` of a cookie class. ``secure=None`` means Secure when the
    browser reached the app over https. Must be called before a generator handler's first
    ``yield``: the cookie travels in the response's headers."""
    caller = "me.set_cookie()"
    jar = _jar(caller)
    if isinstance(name_or_instance, str):
        name = check_name(caller, name_or_instance)
        if value is None:
            raise TypeError(f"{caller} needs a value with a cookie name: "
                            "me.set_cookie(\"name\", \"value\"), or pass a cookie class "
                            "instance")
        text = value
    else:
        info = _info(caller, type(name_or_instance))
        name = info.name
        check_attributes(caller, name, max_age=max_age, path=path, domain=domain,
                         httponly=httponly, samesite=samesite)
        text = _encode_instance(caller, name_or_instance, info, jar, max_age)
    check_value(caller, name, text)
    _add(caller, jar, OutgoingCookie(name, text, max_age, path, domain, False, httponly,
                                     samesite), secure)


def delete_cookie(name: Any, *, path: str = "/", domain: str | None = None,
                  secure: bool | None = None) -> None:
    """Tell the browser to drop a cookie; ``name`` is its name or its cookie class (the
    argument's name is Mesop's); ``path`` and ``domain`` must be those it was set with."""
    caller = "me.delete_cookie()"
    jar = _jar(caller)
    if isinstance(name, str):
        cookie_name = check_name(caller, name)
    else:
        cookie_name = _info(caller, name).name
    _add(caller, jar, OutgoingCookie(cookie_name, "", 0, path, domain, False, True, "Lax"),
         secure)


def _add(caller: str, jar: CookieJar, cookie: OutgoingCookie, secure: bool | None) -> None:
    check_attributes(caller, cookie.name, max_age=cookie.max_age, path=cookie.path,
                     domain=cookie.domain, httponly=cookie.httponly, samesite=cookie.samesite)
    if secure is not None and type(secure) is not bool:
        raise MesopDeveloperException(f"{caller}: secure must be True, False or None, got "
                                      f"{secure!r}")
    decided = jar.https if secure is None else secure
    check_secure(caller, cookie.name, secure=decided, samesite=cookie.samesite,
                 path=cookie.path, domain=cookie.domain)
    jar.add(caller, dataclasses.replace(cookie, secure=decided))


def cookie_key_problem(cookie_classes: tuple[type, ...], secret_key_generated: bool
                       ) -> Problem | None:
    """W012 when signed or encrypted cookie classes would be keyed by a per-launch secret."""
    if not secret_key_generated:
        return None
    keyed = []
    for cls in cookie_classes:
        info = cookieclass_info(cls)
        if info is not None and info.protection != "plain":
            keyed.append(f"{cls.__qualname__} ({info.protection})")
    if not keyed:
        return None
    return Problem("W012", f"cookie class(es) {', '.join(keyed)} are keyed by a secret made "
                           "up for this launch (MESOP_SECRET_KEY is not set): after a restart, "
                           "or on another instance, those cookies read as defaults. Fix: set "
                           "MESOP_SECRET_KEY to a long random string, the same on every "
                           "instance (MESOP_COOKIE_SECRET_KEY is not read)")
