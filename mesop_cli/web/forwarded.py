"""Whose X-Forwarded-Proto is believed (FORWARDED_ALLOW_IPS, gunicorn's convention).

A proxy that ends TLS talks plain HTTP to mesop and says, in X-Forwarded-Proto, that the
browser used https. Believed from anyone, that header would let any client choose the
scheme the cross-site check takes for this server's own origin; so it is believed only
from the listed addresses (by default this machine's), under the dev server and gunicorn
alike. gunicorn applies the same list itself (``mesop --prod`` hands it over); this
middleware makes the dev server, and a plain gunicorn given the list by environment,
agree with it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from mesop_cli.web.base_path import WsgiApp

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ForwardedScheme:
    """WSGI middleware: ``wsgi.url_scheme`` from X-Forwarded-Proto, for allowed peers."""

    def __init__(self, app: WsgiApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.anyone = "*" in allowed
        self.networks: list[_Network] = [ipaddress.ip_network(a, strict=False)
                                         for a in allowed if a != "*"]

    def trusted(self, address: str | None) -> bool:
        """As gunicorn: a peer without an address (a UNIX socket) is the machine itself."""
        if self.anyone or not address:
            return True
        try:
            peer = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
            peer = peer.ipv4_mapped
        return any(peer in network for network in self.networks)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        sent = environ.get("HTTP_X_FORWARDED_PROTO")
        if sent is not None and self.trusted(environ.get("REMOTE_ADDR")):
            # One value, as gunicorn reads it (it takes "https, http" for http).
            scheme = sent.strip().lower()
            if scheme in ("http", "https"):
                environ["wsgi.url_scheme"] = scheme
        return self.app(environ, start_response)
