"""``me.SecurityPolicy`` and ``@me.page(stylesheets=...)``: what a page may load and who
may frame it, checked when the app loads.

The values end up in the page's Content-Security-Policy header, where one stray ``;`` or
space would start another directive, so every source is checked against the CSP source
grammar here, and a bad one stops the load with a message naming it (the loader adds the
app's file and line). Like Mesop, a query string or fragment is dropped from a source:
CSP matches on scheme, host, port and path only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Literal
from urllib.parse import urlsplit


class InvalidPageConfig(ValueError):
    """An argument of ``@me.page`` or ``me.SecurityPolicy`` that cannot be served."""


_OPENER_POLICIES = ("unsafe-none", "same-origin-allow-popups", "same-origin",
                    "noopener-allow-popups")

# CSP3 source expressions. A host is "*", or labels with an optional leading "*.";
# a path holds RFC 3986 path characters except ";" and "," (they separate directives
# and policies in the header) and quotes.
_SCHEME_SOURCE = re.compile(r"[a-z][a-z0-9+.-]*:")
_HOST_SOURCE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://)?"
    r"(?:\*|(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)"
    r"(?::(?:[0-9]{1,5}|\*))?"
    r"(?:/[A-Za-z0-9\-._~!$&()*+=:@%/]*)?"
)
# Keywords an app may add to script-src. 'unsafe-inline' is refused: our pages carry no
# nonce, so it would let any injected inline script run.
_SCRIPT_KEYWORDS = ("'unsafe-eval'", "'wasm-unsafe-eval'")
# A Trusted Types policy name, as the CSP grammar (tt-policy-name) allows it.
_POLICY_NAME = re.compile(r"[A-Za-z0-9\-#=_/@.%]+")

_EXAMPLES = ("an origin such as https://api.example.com, a host such as *.example.com, "
             "or a scheme such as wss:")


def _as_list(value: object, what: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise InvalidPageConfig(
            f"{what} must be a list of strings, got {type(value).__name__} {value!r:.80}"
            + (f"; write [{value!r}]" if isinstance(value, str) else ""))
    for item in value:
        if not isinstance(item, str):
            raise InvalidPageConfig(f"{what} must hold strings, got {type(item).__name__} "
                                    f"{item!r:.80}")
    return list(value)


def csp_source(text: str, what: str, keywords: tuple[str, ...] = ()) -> str:
    """``text`` as a CSP source expression (query and fragment dropped), or InvalidPageConfig
    saying why it is not one."""
    value = text.strip()
    if value in keywords:
        return value
    if value.startswith("'"):
        accepted = f"; accepted keywords: {', '.join(keywords)}" if keywords else ""
        raise InvalidPageConfig(f"{what} has {text!r}: a keyword that cannot be added here"
                                f"{accepted}")
    if not value or not value.isascii() or any(c.isspace() for c in value):
        hint = ("; give each source as its own list item"
                if value and any(c.isspace() for c in value) else "")
        raise InvalidPageConfig(f"{what} has {text!r}, which is not a CSP source{hint}; "
                                f"write {_EXAMPLES}")
    candidate = _lower_host(value.split("#", 1)[0].split("?", 1)[0])
    # "https//host" parses as the host "https" with the path "//host": a typo, never meant.
    typo = re.fullmatch(r"([a-z][a-z0-9+.-]*)//(.+)", candidate)
    if not typo and (_SCHEME_SOURCE.fullmatch(candidate) or _HOST_SOURCE.fullmatch(candidate)):
        return candidate
    near = f"; did you mean '{typo[1]}://{typo[2]}'?" if typo else ""
    raise InvalidPageConfig(f"{what} has {text!r}, which is not a CSP source; write "
                            f"{_EXAMPLES}{near}")


def _lower_host(source: str) -> str:
    """Scheme and host in lower case (CSP compares them so); the path is kept as written."""
    scheme, sep, rest = source.partition("://")
    if not sep:
        scheme, rest = "", source
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{sep}{host.lower()}{slash}{path}"


def stylesheet_url(url: object) -> str:
    """A stylesheet URL of ``@me.page(stylesheets=...)``: an http(s) URL or a path on this
    site ("/static/app.css")."""
    if not isinstance(url, str):
        raise InvalidPageConfig(f"@me.page stylesheets must hold URL strings, got "
                                f"{type(url).__name__} {url!r:.80}")
    value = url.strip()
    if value.startswith("/") and not value.startswith("//"):
        if not value.isascii() or any(c.isspace() or c in "\"'<>\\" for c in value):
            raise InvalidPageConfig(f"@me.page stylesheets has {url!r}, which is not a URL "
                                    "path; percent-encode spaces and quotes")
        return value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidPageConfig(
            f"@me.page stylesheets has {url!r}; write an http(s) URL such as "
            "https://fonts.googleapis.com/css2?family=Inter, or a path on this site such "
            "as /static/app.css")
    csp_source(value, "@me.page stylesheets")  # host and path must also fit the CSP header
    return value


def stylesheet_source(url: str) -> str | None:
    """What the CSP's style-src needs for ``url`` (None for a path on this site)."""
    if url.startswith("/"):
        return None
    return csp_source(url, "@me.page stylesheets")


@dataclass(kw_only=True)
class SecurityPolicy:
    """What a page may load and who may frame it, with Mesop's argument names.

    Every list holds CSP sources: origins (``https://api.example.com``), hosts
    (``*.example.com``) or schemes (``wss:``).

    - ``allowed_iframe_parents``: sites that may show the page in a frame (besides this
      one); the default lets no other site frame it.
    - ``allowed_connect_srcs``: sites the page's scripts may fetch from or connect to.
    - ``allowed_script_srcs``: sites scripts may load from (``'unsafe-eval'`` and
      ``'wasm-unsafe-eval'`` are accepted too).
    - ``allowed_worker_srcs``, ``allowed_font_srcs``: workers and fonts.
    - ``allowed_trusted_types``: further Trusted Types policy names a script may create.
    - ``dangerously_disable_trusted_types``: drop the Trusted Types requirement, which
      otherwise keeps strings from reaching HTML sinks such as ``innerHTML``.
    - ``cross_origin_opener_policy``: sent as the Cross-Origin-Opener-Policy header.
    """

    cross_origin_opener_policy: Literal[
        "unsafe-none", "same-origin-allow-popups", "same-origin", "noopener-allow-popups"
    ] = "unsafe-none"
    allowed_iframe_parents: list[str] = field(default_factory=list)
    allowed_connect_srcs: list[str] = field(default_factory=list)
    allowed_script_srcs: list[str] = field(default_factory=list)
    allowed_worker_srcs: list[str] = field(default_factory=list)
    allowed_trusted_types: list[str] = field(default_factory=list)
    allowed_font_srcs: list[str] = field(default_factory=list)
    dangerously_disable_trusted_types: bool = False

    def __post_init__(self) -> None:
        self.validated()

    def validated(self) -> SecurityPolicy:
        """A checked copy, sources normalized; InvalidPageConfig names the first bad value.

        ``@me.page`` calls it again, since the lists may have been changed in between.
        """
        if self.cross_origin_opener_policy not in _OPENER_POLICIES:
            raise InvalidPageConfig(
                f"SecurityPolicy cross_origin_opener_policy={self.cross_origin_opener_policy!r}"
                f" is not one of {', '.join(_OPENER_POLICIES)}")
        if not isinstance(self.dangerously_disable_trusted_types, bool):
            raise InvalidPageConfig("SecurityPolicy dangerously_disable_trusted_types must be "
                                    "True or False")
        checked: dict[str, object] = {}
        for item in fields(self):
            if not item.name.startswith("allowed_"):
                continue
            what = f"SecurityPolicy {item.name}"
            values = _as_list(getattr(self, item.name), what)
            if item.name == "allowed_trusted_types":
                for name in values:
                    if not _POLICY_NAME.fullmatch(name):
                        raise InvalidPageConfig(f"{what} has {name!r}, which is not a Trusted "
                                                "Types policy name (letters, digits, -#=_/@.%)")
                checked[item.name] = values
            else:
                keywords = _SCRIPT_KEYWORDS if item.name == "allowed_script_srcs" else ()
                checked[item.name] = [csp_source(v, what, keywords) for v in values]
        if self.dangerously_disable_trusted_types and self.allowed_trusted_types:
            raise InvalidPageConfig(
                "SecurityPolicy sets both dangerously_disable_trusted_types and "
                "allowed_trusted_types; keep one of them")
        copy = object.__new__(SecurityPolicy)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(checked)
        return copy
