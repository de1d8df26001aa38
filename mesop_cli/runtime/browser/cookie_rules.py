"""What a cookie set by an app may look like, checked before any ``Set-Cookie`` is written.

A value that breaks the header's grammar (a ``;`` or a line break) could add attributes or
whole headers of its own, so names, values, paths and domains are checked here, and a
mistake is reported to the developer at the line that made it. Messages never quote a
value: it may be a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mesop_cli.runtime.exceptions import MesopDeveloperException

SAMESITE_VALUES = ("Strict", "Lax", "None")

#: RFC 6265 cookie-name: an RFC 7230 token (letters, digits and ``!#$%&'*+-.^_`|~``).
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: RFC 6265 cookie-octet: visible ASCII but for ``"``, ``,``, ``;`` and ``\``.
_VALUE_OCTET = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]")
#: A path or domain attribute: visible ASCII but for ``;`` (which would end it).
_ATTRIBUTE = re.compile(r"[\x21-\x3a\x3c-\x7e]*")
#: Browsers drop a cookie whose name and value together pass 4096 bytes, silently.
MAX_COOKIE_BYTES = 4096
#: The launcher itself sets no cookies, so it reserves no names. The browser's own
#: prefixes still bind: ``__Secure-`` needs Secure, ``__Host-`` also Path=/ and no Domain.
_SECURE_PREFIX = "__secure-"
_HOST_PREFIX = "__host-"


@dataclass(frozen=True)
class OutgoingCookie:
    """One ``Set-Cookie`` header to send: checked, with ``secure`` already decided."""

    name: str
    value: str
    max_age: int | None
    path: str
    domain: str | None
    secure: bool
    httponly: bool
    samesite: str


def _fail(caller: str, message: str) -> MesopDeveloperException:
    return MesopDeveloperException(f"{caller}: {message}")


def check_name(caller: str, name: object) -> str:
    if not isinstance(name, str):
        raise _fail(caller, f"a cookie name is a string, got {type(name).__name__}")
    if not _NAME.fullmatch(name):
        raise _fail(caller, f"{name[:80]!r} is not a valid cookie name (RFC 6265: letters, "
                            "digits and !#$%&'*+-.^_`|~, no spaces, '=' or ';')")
    return name


def check_value(caller: str, name: str, value: object) -> str:
    if not isinstance(value, str):
        raise _fail(caller, f"the value of cookie {name!r} must be a string, got "
                            f"{type(value).__name__}")
    for position, char in enumerate(value):
        if not _VALUE_OCTET.match(char):
            # The value may be a secret: say where and what, never the value itself.
            raise _fail(caller, f"the value of cookie {name!r} has character {ord(char):#04x} "
                                f"at position {position}, which a cookie cannot carry "
                                "(spaces, control characters, non-ASCII, '\"', ',', ';' and "
                                "'\\' are refused); encode it first, for example with "
                                "base64.urlsafe_b64encode or urllib.parse.quote, or use "
                                "@me.cookieclass, which encodes for you")
    if len(name) + len(value) > MAX_COOKIE_BYTES:
        raise _fail(caller, f"cookie {name!r} is {len(name) + len(value)} bytes, over the "
                            f"{MAX_COOKIE_BYTES} browsers keep (they drop it silently); store "
                            "less, or keep the data in state and an id in the cookie")
    return value


def check_attributes(caller: str, name: str, *, max_age: object, path: object,
                     domain: object, httponly: object, samesite: object) -> None:
    if max_age is not None and (type(max_age) is not int or max_age < 0):
        raise _fail(caller, f"max_age must be a whole number of seconds (0 or more) or None, "
                            f"got {max_age!r}")
    if not isinstance(path, str) or not path.startswith("/") or not _ATTRIBUTE.fullmatch(path):
        raise _fail(caller, f"path must start with '/' and hold no spaces, ';' or control "
                            f"characters, got {str(path)[:80]!r}")
    if domain is not None and (not isinstance(domain, str) or not domain
                               or not _ATTRIBUTE.fullmatch(domain)):
        raise _fail(caller, f"domain must be a host name or None, got {str(domain)[:80]!r}")
    if type(httponly) is not bool:
        raise _fail(caller, f"httponly must be True or False, got {httponly!r}")
    if samesite not in SAMESITE_VALUES:
        raise _fail(caller, f"samesite must be one of {', '.join(SAMESITE_VALUES)}, got "
                            f"{str(samesite)[:40]!r}")


def check_secure(caller: str, name: str, *, secure: bool, samesite: str, path: str,
                 domain: str | None) -> None:
    """The rules browsers enforce once ``secure`` is decided: they would drop the cookie."""
    if samesite == "None" and not secure:
        raise _fail(caller, f"cookie {name!r}: samesite='None' needs a Secure cookie (browsers "
                            "drop it otherwise); pass secure=True, or serve over https")
    lowered = name.lower()
    if lowered.startswith((_SECURE_PREFIX, _HOST_PREFIX)) and not secure:
        raise _fail(caller, f"cookie {name!r}: its prefix needs a Secure cookie; pass "
                            "secure=True, or serve over https")
    if lowered.startswith(_HOST_PREFIX) and (path != "/" or domain is not None):
        raise _fail(caller, f"cookie {name!r}: the __Host- prefix needs path='/' and no domain")
