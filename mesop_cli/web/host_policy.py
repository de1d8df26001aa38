"""Which Host headers this server answers: the defence against DNS rebinding.

A page on ``attacker.example`` can re-point its own name at 127.0.0.1 once it is loaded.
The browser then treats the developer's local app as ``attacker.example``: the page's
scripts read it and send it events, and its Origin matches the Host, so the cross-site
check (``web/guard.py``) sees nothing wrong. What gives the attack away is the Host header: it
names the attacker's domain, never an address or a name we serve.

- ``MESOP_ALLOWED_HOSTS`` set: exactly those names (``.example.com`` also admits its
  subdomains, ``*`` admits every Host), plus the hosts of ``MESOP_ALLOWED_ORIGINS``.
- Unset, dev server: IP addresses, ``localhost`` and ``*.localhost``, plus the hosts of
  ``MESOP_ALLOWED_ORIGINS``. An address cannot be rebound, so opening the app by its LAN
  address keeps working; a LAN name must be listed.
- Unset, ``--prod``: every Host. A production server usually sits behind a proxy that
  forwards the public name, which we cannot guess; set the variable to check it here too.

``/__mesop__/healthz`` is answered whatever the Host (see ``web/guard.py``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

ANY_HOST = "*"


def host_name(host_header: str) -> str | None:
    """The name or address in a Host header (port and brackets dropped, lower case, no
    trailing dot), or None when the header is not a plain ``host[:port]``."""
    if not host_header or not host_header.isascii() or any(c in host_header for c in "@/\\ "):
        return None
    try:
        parts = urlsplit(f"//{host_header}")
        name = parts.hostname
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return None
    if not name:
        return None
    try:  # one spelling per address, as MESOP_ALLOWED_HOSTS entries are kept
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name.rstrip(".")


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class HostPolicy:
    """The hosts a server answers. ``listed`` None means the mode's default."""

    listed: tuple[str, ...] | None
    origin_hosts: tuple[str, ...]
    prod: bool

    @classmethod
    def from_settings(cls, listed: tuple[str, ...] | None, origins: tuple[str, ...] | None,
                      prod: bool) -> HostPolicy:
        hosts = tuple(h for h in (host_name(urlsplit(o).netloc) for o in origins or ()) if h)
        return cls(listed, hosts, prod)

    def allows(self, host_header: str) -> bool:
        if self.listed is None and self.prod:
            return True
        if self.listed is not None and ANY_HOST in self.listed:
            return True
        name = host_name(host_header)
        if name is None:
            return False
        if name in self.origin_hosts:
            return True
        if self.listed is None:
            return is_address(name) or name == "localhost" or name.endswith(".localhost")
        return any(name == entry or (entry.startswith(".") and
                                     (name.endswith(entry) or name == entry[1:]))
                   for entry in self.listed)

    def describe(self) -> str:
        """One line for ``--check-config``."""
        if self.listed is not None and ANY_HOST in self.listed:
            return "any Host header (MESOP_ALLOWED_HOSTS=*)"
        if self.listed is None and self.prod:
            return ("any Host header (--prod without MESOP_ALLOWED_HOSTS; list the public "
                    "names to refuse DNS rebinding here too)")
        names = list(self.listed) if self.listed is not None else [
            "IP addresses", "localhost", "*.localhost"]
        return "Host headers " + ", ".join(names + list(self.origin_hosts))
