"""The web side of cookies: a jar filled from the request, and the headers it produces.

Whether a cookie is Secure by default (``secure=None``) follows how the browser reached
us: https as the server sees it (``wsgi.url_scheme``, which gunicorn sets from
``X-Forwarded-Proto`` only for the proxies it trusts, ``forwarded_allow_ips``), or an
``Origin`` header naming https: the event request comes from the page itself, and behind
a proxy that terminates TLS without saying so, that is the only sign of it. A forged
``Origin`` can only make a cookie Secure, which never exposes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from flask import Request, Response

from mesop_cli.config import Settings
from mesop_cli.runtime.browser.cookie_jar import CookieJar, CookieSecrets
from mesop_cli.runtime.browser.cookie_rules import OutgoingCookie


def browser_used_https(request: Request) -> bool:
    if request.is_secure:
        return True
    origin = request.headers.get("Origin", "")
    return origin[:8].lower() == "https://"


def cookie_jar_for(request: Request, settings: Settings) -> CookieJar:
    previous = (settings.secret_key_previous,) if settings.secret_key_previous else ()
    return CookieJar(received=MappingProxyType(dict(request.cookies.items())),
                     https=browser_used_https(request),
                     secrets=CookieSecrets(settings.secret_key, previous))


def write_cookies(response: Response, cookies: Sequence[OutgoingCookie]) -> None:
    """One ``Set-Cookie`` header per cookie (values were checked when set, so werkzeug
    writes them as they are, never quoted)."""
    for cookie in cookies:
        response.set_cookie(cookie.name, cookie.value, max_age=cookie.max_age,
                            expires=0 if cookie.max_age == 0 else None, path=cookie.path,
                            domain=cookie.domain, secure=cookie.secure,
                            httponly=cookie.httponly, samesite=cookie.samesite)
