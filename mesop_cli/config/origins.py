"""Web origins (``scheme://host[:port]``), compared as the browser's Origin header means them."""

from __future__ import annotations

import ipaddress
import re

_DEFAULT_PORTS = {"http": "80", "https": "443"}

# A browser writes an Origin header as RFC 6454 serializes it: ASCII only (international
# names in punycode), no spaces, no user, path, query or fragment, a port without leading
# zeros. Anything looser comes from a script, not from a page in a browser, so it is refused
# rather than repaired: ``urlsplit`` alone would drop tabs and newlines, accept ``:0`` and
# ``?``, and a Unicode ``lower()`` folds the Kelvin sign into a plain ``k``. A trailing
# slash is accepted for origins typed into MESOP_ALLOWED_ORIGINS.
_ORIGIN = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9_.-]+|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>[1-9][0-9]{0,4}))?/?"
)


def normalize_origin(origin: str) -> str | None:
    """``origin`` as a browser serializes it (lower case, default port left out), or None
    when it is not a plain http(s) origin (``null``, a path, a user name, ...)."""
    if not origin.isascii():
        return None
    found = _ORIGIN.fullmatch(origin.lower())
    if found is None:
        return None
    scheme, host, port = found.group("scheme", "host", "port")
    if port is not None and int(port) > 65535:
        return None
    if host.startswith("["):
        try:
            host = f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            return None
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"
