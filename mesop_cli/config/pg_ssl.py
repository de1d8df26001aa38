"""PostgreSQL's ``sslmode``: which one a connection URI ends up with, and what it promises.

libpq takes ``sslmode`` from the URI's query, else from the ``PGSSLMODE`` environment
variable, else uses ``prefer``: TLS when the server offers it, plain text otherwise. Only
``require``, ``verify-ca`` and ``verify-full`` guarantee an encrypted connection, and only
the last two check who is at the other end.

Nothing here imports SQLAlchemy: callers pass the parts of the URL they already parsed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
DEFAULT_SSLMODE = "prefer"
#: Modes that fall back to (or always use) a plain-text connection.
UNENCRYPTED_POSSIBLE = ("disable", "allow", "prefer")

_PROMISES = {
    "disable": "never encrypted",
    "allow": "encrypted only when the server insists, else plain text",
    "prefer": "encrypted when the server offers TLS, else plain text",
    "require": "always encrypted; the server's certificate is not checked",
    "verify-ca": "always encrypted; the certificate is verified against sslrootcert",
    "verify-full": "always encrypted; the certificate and host name are verified",
}


def effective_sslmode(query: Mapping[str, object], environ: Mapping[str, str]
                      ) -> tuple[str, str]:
    """(sslmode, where it comes from) as libpq will resolve it."""
    value = query.get("sslmode")
    if isinstance(value, str):
        return value, "the URI"
    if environ.get("PGSSLMODE"):
        return environ["PGSSLMODE"], "PGSSLMODE"
    return DEFAULT_SSLMODE, "libpq's default"


def promise(sslmode: str) -> str:
    return _PROMISES.get(sslmode, "unknown to libpq")


def hosts_of(host: str | None, query: Mapping[str, object]) -> list[str]:
    """Every host libpq may connect to: the URL's host, or ``?host=`` (comma-separated, as
    psycopg accepts several); an empty list means the local Unix socket."""
    listed = query.get("host")
    text = listed if isinstance(listed, str) else host or ""
    return [item for item in text.split(",") if item]


def is_local(host: str) -> bool:
    """A Unix socket directory, localhost, or a loopback address: traffic stays on the box."""
    if host.startswith("/") or host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
