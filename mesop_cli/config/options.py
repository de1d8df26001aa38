"""The settings: one declaration per setting, and the casts that validate raw values.

Each :class:`Option` drives the environment variable that is read, the CLI flag (if any),
the cast and its "what is accepted" text, the default, which backends use it, whether it is
secret, and the help shown by ``mesop --help`` and the table of docs/configuration.md.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from mesop_cli.config.origins import normalize_origin
from mesop_cli.config.pg_ssl import SSLMODES
from mesop_cli.config.problems import REDACTED, redact_url
from mesop_cli.config.redis_url import (
    CLUSTER_SCHEMES,
    DEFAULT_KEY_PREFIX,
    MAX_KEY_PREFIX,
    SENTINEL_SCHEME,
    UrlProblem,
    check_key_prefix,
    check_query,
    parse_cluster_url,
    parse_sentinel_url,
)

#: The state session backends, one module each in mesop_cli/sessions/ (the one list).
BACKENDS = ("none", "memory", "file", "redis", "sql")
#: Seven days: a tab left open over a long weekend or a week away keeps its work; beyond
#: that, a state copy someone kept can no longer be sent back.
NONE_MAX_AGE_DEFAULT = 7 * 24 * 3600


@dataclass(frozen=True)
class Settings:
    """The validated configuration of one launch, shared by every part of mesop-cli."""

    backend: str
    file_base_dir: str
    redis_url: str | None
    sql_connection_uri: str | None
    sql_table: str
    ttl_seconds: int
    memory_max_mb: int
    secret_key: str
    secret_key_previous: str | None
    secret_key_generated: bool
    allowed_origins: tuple[str, ...] | None
    host: str
    port: int
    workers: int
    threads: int
    prod: bool
    reload: bool
    alias_mesop: bool = False
    allowed_hosts: tuple[str, ...] | None = None
    session_keep_on_reload: bool = False
    # -- managed stores --
    redis_key_prefix: str = DEFAULT_KEY_PREFIX
    # -- end managed stores --
    session_cache_mb: int = 32
    max_upload_bytes: int = 10 * 1024 * 1024
    log_format: str = "text"
    #: 0: state copies of the none backend never expire.
    none_max_age_seconds: int = NONE_MAX_AGE_DEFAULT
    # -- Mesop's settings (config/mesop_settings.py says what each means here) --
    #: "/prefix" (no trailing slash): every URL of the app is under it; None or "": root.
    base_url_path: str | None = None
    #: The directory MESOP_STATIC_FOLDER is relative to; None: the working directory.
    app_base_path: str | None = None
    #: "" turns the app's static folder off.
    static_folder: str = "static"
    static_url_path: str = "/static"
    trust_proxy_headers: bool = False
    prod_unredacted_errors: bool = False
    http_cache_js_bundle: bool = False
    web_components_http_cache_key: str | None = None
    websockets_enabled: bool = False
    # -- proxy and gunicorn conventions --
    #: Addresses or networks (``*``: any) whose X-Forwarded-Proto is believed.
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    #: gunicorn's own options for ``mesop --prod`` (config/gunicorn_args.py parses them).
    gunicorn_cmd_args: str | None = None

    def __repr__(self) -> str:
        """Like the dataclass repr, with the key and URL passwords redacted for logs."""
        shown = {name: getattr(self, name) for name in self.__dataclass_fields__}
        shown["secret_key"] = REDACTED
        if shown["secret_key_previous"]:
            shown["secret_key_previous"] = REDACTED
        for name in ("redis_url", "sql_connection_uri"):
            if shown[name]:
                shown[name] = redact_url(shown[name])
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


class Invalid(ValueError):
    """A raw value is not acceptable. ``suggestion`` holds a near miss worth proposing."""

    def __init__(self, reason: str, suggestion: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion


def closest(word: str, candidates: list[str] | tuple[str, ...], cutoff: float = 0.6) -> str | None:
    """The candidate most like ``word`` (difflib ratio), or None when none is close enough."""
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    return found[0] if found else None


# -- casts: raw string -> typed value, or Invalid -------------------------------------


def cast_backend(raw: str) -> str:
    """Backend names are case-insensitive: ``Memory`` means ``memory``."""
    value = raw.strip().lower()
    if value in BACKENDS:
        return value
    if not value:
        raise Invalid("is empty")
    raise Invalid("is not a backend", closest(value, BACKENDS))


def cast_absolute_dir(raw: str) -> str:
    """``~`` is expanded because shells do that for users and .env files do not."""
    value = os.path.expanduser(raw.strip())
    if not value:
        raise Invalid("is empty")
    if not os.path.isabs(value):
        raise Invalid("is a relative path", os.path.abspath(value))
    return os.path.normpath(value)


_REDIS_SCHEMES = ("redis", "rediss", SENTINEL_SCHEME, *CLUSTER_SCHEMES)


def cast_redis_url(raw: str) -> str:
    value = raw.strip()
    if "://" not in value:
        raise Invalid("is not a URL", f"redis://{value}" if value else None)
    scheme = value.split("://", 1)[0].lower()
    if scheme not in _REDIS_SCHEMES:
        near = closest(scheme, _REDIS_SCHEMES, cutoff=0.5)
        fixed = f"{near}://{value.split('://', 1)[1]}" if near else None
        raise Invalid(f"has scheme '{scheme}://'", fixed)
    try:
        if scheme == SENTINEL_SCHEME:
            parse_sentinel_url(value)
            return value
        if scheme in CLUSTER_SCHEMES:
            parse_cluster_url(value)
            return value
        _check_plain_redis_url(value)
        check_query(value)
    except UrlProblem as exc:
        raise Invalid(exc.reason, exc.suggestion) from None
    return value


def _check_plain_redis_url(value: str) -> None:
    """A ``redis://`` or ``rediss://`` URL: host, port and db, then redis-py's own parse."""
    rest = value.split("://", 1)[1]
    if "@" in rest and any(c in rest.rsplit("@", 1)[0] for c in "/?#"):
        raise UrlProblem("has '/', '?' or '#' in its user name or password; percent-encode "
                         "them as %2F, %3F, %23")
    parts = urlsplit(value)
    if not parts.hostname:
        raise UrlProblem("has no host")
    try:
        parts.port  # noqa: B018 - urlsplit validates the port lazily, on access
    except ValueError:
        raise UrlProblem("has a port that is not a number from 0 to 65535") from None
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise UrlProblem(f"has database '/{db}', which is not a number")
    try:
        from redis.connection import parse_url
    except ImportError:  # the loader reports the missing package
        return
    try:
        parse_url(value)  # the query options (socket_timeout=...), as redis-py reads them
    except ValueError as exc:
        raise UrlProblem(f"is refused by redis-py: {str(exc).rstrip('.')}") from None


# -- managed stores --
def cast_redis_key_prefix(raw: str) -> str:
    """Not stripped: a space is refused by the check rather than silently removed."""
    try:
        check_key_prefix(raw)
    except UrlProblem as exc:
        raise Invalid(exc.reason, exc.suggestion) from None
    return raw
# -- end managed stores --


_SQL_DIALECTS = ("sqlite", "postgresql+psycopg", "postgresql")


def cast_sql_uri(raw: str) -> str:
    """Parsed with SQLAlchemy when it is installed; its absence is reported by the loader."""
    value = raw.strip()
    if "://" not in value:
        raise Invalid("is not a URL")
    try:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    except ImportError:
        return value
    try:
        url = make_url(value)
    except ArgumentError:
        raise Invalid("is not a SQLAlchemy URL") from None
    except ValueError:  # make_url's int() of the port
        raise Invalid("has a port that is not a number") from None
    try:
        dialect = url.get_dialect()
    except NoSuchModuleError:
        rest = value.split("://", 1)[1]
        name = url.drivername
        near = "postgresql+psycopg" if name.startswith("postgres") else closest(name, _SQL_DIALECTS)
        raise Invalid(
            f"names the unknown database dialect '{name}'",
            f"{near}://{rest}" if near else None,
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise Invalid(f"names database '{url.get_backend_name()}'; the sql backend supports "
                      "sqlite and postgresql")
    try:
        dbapi = dialect.import_dbapi()
    except ImportError:
        rest = value.split("://", 1)[1]
        near = "postgresql+psycopg" if url.get_backend_name() == "postgresql" else None
        raise Invalid(
            f"needs the database driver of '{url.drivername}', which is not installed",
            f"{near}://{rest}" if near and url.drivername != near else None,
        ) from None
    if url.get_backend_name() == "postgresql":
        _check_sslmode(url.query.get("sslmode"), value)
    try:
        # Converts the query options (sqlite's ?timeout=...) as create_engine will. An
        # option SQLite's driver would ignore (a PostgreSQL ?sslmode= copied over) is only
        # a Python warning there, printed with file paths: refuse it here instead.
        with warnings.catch_warnings(record=True) as ignored:
            warnings.simplefilter("always")
            dialect(dbapi=dbapi).create_connect_args(url)
    except (ArgumentError, ValueError, TypeError) as exc:
        raise Invalid(f"has a query option SQLAlchemy refuses: {exc}") from None
    for warning in ignored:
        named = re.search(r"argument\(s\) (.+?) are not accepted", str(warning.message))
        if named:
            raise Invalid(f"has the query option {named.group(1)}, which the SQLite driver "
                          "ignores; remove it (sslmode and the like are PostgreSQL's)")
    return value


def _check_sslmode(value: object, uri: str) -> None:
    """libpq refuses an unknown sslmode only when it connects: refuse it now."""
    if value is None:
        return
    if not isinstance(value, str):
        raise Invalid("has sslmode more than once")
    if value not in SSLMODES:
        near = closest(value.lower(), SSLMODES, cutoff=0.5)
        raise Invalid(f"has sslmode={value!r}, which libpq does not know (sslmode is one of "
                      f"{', '.join(SSLMODES)})",
                      uri.replace(f"sslmode={value}", f"sslmode={near}") if near else None)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def cast_identifier(raw: str) -> str:
    value = raw.strip()
    if not _IDENTIFIER.fullmatch(value):
        fixed = re.sub(r"[^A-Za-z0-9_]", "_", value)[:63]
        raise Invalid("is not a plain table name", fixed if _IDENTIFIER.fullmatch(fixed) else None)
    return value


def int_between(low: int, high: int) -> Callable[[str], int]:
    """A cast to an int in [low, high]."""

    def cast(raw: str) -> int:
        text = raw.strip()
        try:
            value = int(text)
        except ValueError:
            near = None
            try:
                # Within the range, so the did-you-mean is itself accepted.
                near = str(min(max(round(float(text)), low), high))
            except (ValueError, OverflowError):
                pass
            raise Invalid("is not a whole number", near) from None
        if not low <= value <= high:
            raise Invalid("is out of range", str(min(max(value, low), high)))
        return value

    return cast


_HOSTNAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


def cast_host(raw: str) -> str:
    value = raw.strip().removeprefix("[").removesuffix("]")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if _HOSTNAME.fullmatch(value):
        return value
    if "://" in value:
        raise Invalid("is a URL, not a host", urlsplit(value).hostname)
    raise Invalid("is not an IP address or host name")


def cast_origins(raw: str) -> tuple[str, ...]:
    """Comma-separated ``scheme://host[:port]`` origins, kept as browsers write them in the
    Origin header (lower case, default port left out), so comparing is a string match."""
    found = []
    for item in raw.split(","):
        text = item.strip()
        if not text:
            continue
        origin = normalize_origin(text)
        if origin is None:
            raise _not_an_origin(text)
        found.append(origin)
    if not found:
        raise Invalid("is empty")
    return tuple(found)


def cast_hosts(raw: str) -> tuple[str, ...]:
    """Comma-separated host names or addresses (``.example.com`` for a domain and its
    subdomains, ``*`` for any), lower case and in punycode as a Host header carries them."""
    found = []
    for item in raw.split(","):
        text = item.strip().lower().rstrip(".")
        if not text:
            continue
        if text == "*":
            found.append(text)
            continue
        if "://" in text or "/" in text:
            raise Invalid(f"has {text!r}: list host names, not URLs or origins",
                          urlsplit(text if "://" in text else f"//{text}").hostname)
        if text.startswith("*.") and _host_entry(text[2:]) is not None:
            # nginx and Django spellings of "a domain and its subdomains": ours is ".domain".
            raise Invalid(f"has {text!r}: write a domain and its subdomains as "
                          f"{text[1:]!r}", text[1:])
        name = _host_entry(text[1:] if text.startswith(".") else text)
        if name is None:
            hint = " (leave the port out)" if ":" in text and "]" not in text else ""
            raise Invalid(f"has {text!r}, which is not a host name{hint}")
        found.append(f".{name}" if text.startswith(".") else name)
    if not found:
        raise Invalid("is empty")
    return tuple(found)


def _host_entry(text: str) -> str | None:
    """``text`` as a Host header would carry it (an address, or a name in punycode)."""
    try:
        return str(ipaddress.ip_address(text.removeprefix("[").removesuffix("]")))
    except ValueError:
        pass
    try:
        name = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return name if _HOSTNAME.fullmatch(name) else None


def _not_an_origin(text: str) -> Invalid:
    """Why ``text`` is refused, with the origin it most likely means when there is one."""
    if "*" in text:
        return Invalid(f"has {text!r}: wildcards are not accepted, since one would let "
                       "every site send events; list each origin users browse")
    if text.lower() == "null":
        return Invalid("has 'null', the Origin of sandboxed frames and local files: any site "
                       "can make a browser send it, so it cannot be allowed")
    parts = urlsplit(text if "://" in text else f"https://{text}")
    hostname = parts.hostname or ""
    reason = "which is not an origin"
    if not hostname.isascii():
        reason = "which a browser would send with its name in punycode"
    try:
        port = parts.port
        host = hostname.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return Invalid(f"has {text!r}, {reason}")
    near = normalize_origin(f"{parts.scheme}://{host}{'' if port is None else f':{port}'}")
    return Invalid(f"has {text!r}, {reason}", near if near != text else None)


def cast_secret(raw: str) -> str:
    if not raw.strip():
        raise Invalid("is empty")
    return raw


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


LOG_FORMATS = ("text", "json")


def cast_log_format(raw: str) -> str:
    """``JSON`` means ``json``, as backend names are case-insensitive."""
    value = raw.strip().lower()
    if value in LOG_FORMATS:
        return value
    if not value:
        raise Invalid("is empty")
    raise Invalid("is not a log format", closest(value, LOG_FORMATS))


YES_NO = "true or false (also 1/0, yes/no, on/off)"


def cast_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise Invalid("is not a yes/no value", closest(value, _TRUE + _FALSE))


# -- Mesop's settings, and the proxy's -------------------------------------------------

#: One segment of a URL path as these settings accept it: plain characters, no encoding.
_URL_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


def _url_path(raw: str) -> str:
    """``/a/b`` from ``raw`` (trailing slashes dropped; ``/`` is ``""``), or Invalid."""
    value = raw.strip()
    if not value.startswith("/"):
        raise Invalid("does not start with '/'", "/" + value.strip("/") if value else None)
    value = value.rstrip("/")
    segments = value.split("/")[1:]
    bad = [s for s in segments if not _URL_SEGMENT.fullmatch(s) or s in (".", "..")]
    if bad:
        fixed = "/" + "/".join(t for t in (re.sub(r"[^A-Za-z0-9._~-]", "", s)
                                             for s in segments) if t not in ("", ".", ".."))
        raise Invalid(f"has the segment {bad[0]!r}: write plain letters, digits and "
                      "._~- between single slashes", fixed if fixed != "/" else None)
    return value


def cast_base_url_path(raw: str) -> str:
    """Mesop's MESOP_BASE_URL_PATH: ``/prefix`` or ``""`` (served at the root)."""
    value = _url_path(raw) if raw.strip() else ""
    if value.split("/")[1:2] == ["__mesop__"]:
        raise Invalid("starts with /__mesop__, where mesop-cli's own paths are")
    return value


def cast_static_url_path(raw: str) -> str:
    value = _url_path(raw)
    if not value:
        raise Invalid("is '/', which would hide every page of the app", "/static")
    if value.split("/")[1] == "__mesop__":
        raise Invalid("starts with /__mesop__, where mesop-cli's own paths are", "/static")
    return value


def cast_existing_dir(raw: str) -> str:
    """An absolute path to a directory that exists (Mesop refuses anything else too)."""
    value = cast_absolute_dir(raw)
    if not os.path.isdir(value):
        raise Invalid("is not an existing directory")
    return value


def cast_static_folder(raw: str) -> str:
    """A directory relative to MESOP_APP_BASE_PATH, never leaving it; ``""``: off."""
    value = raw.strip().replace(os.sep, "/").rstrip("/")
    if not value:
        return ""
    if value.startswith("/") or os.path.isabs(value):
        raise Invalid("is an absolute path; name a directory relative to "
                      "MESOP_APP_BASE_PATH", os.path.basename(value) or None)
    parts = [p for p in value.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise Invalid("leaves the app's base directory (MESOP_APP_BASE_PATH)",
                      "/".join(p for p in parts if p != "..") or "static")
    return "/".join(parts)


def cast_cache_key(raw: str) -> str:
    value = raw.strip()
    if not value or not re.fullmatch(r"[A-Za-z0-9._~-]{1,128}", value):
        raise Invalid("is not 1 to 128 letters, digits or ._~- (it goes in a URL's query)")
    return value


def cast_forwarded_ips(raw: str) -> tuple[str, ...]:
    """gunicorn's FORWARDED_ALLOW_IPS: addresses and networks, or ``*`` for any."""
    found: list[str] = []
    for item in raw.split(","):
        text = item.strip()
        if not text:
            continue
        if text == "*":
            found.append(text)
            continue
        try:
            found.append(str(ipaddress.ip_network(text, strict=False)) if "/" in text
                         else str(ipaddress.ip_address(text)))
        except ValueError:
            host = urlsplit(text if "://" in text else f"//{text}").hostname
            raise Invalid(f"has {text!r}, which is not an IP address or network (the "
                          "proxy's address as this server sees it connect)",
                          host if host and host != text else None) from None
    if not found:
        raise Invalid("is empty")
    return tuple(found)


def cast_gunicorn_args(raw: str) -> str:
    from mesop_cli.config.gunicorn_args import GunicornArgsProblem, parse_gunicorn_args

    try:
        parse_gunicorn_args(raw)
    except GunicornArgsProblem as exc:
        raise Invalid(str(exc)) from None
    return raw


# -- the table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One setting. ``env`` is None for flag-only switches; ``default`` None means unset."""

    field: str
    env: str | None
    default: str | None
    cast: Callable[[str], object]
    accepted: str
    help: str
    flag: str | None = None
    aliases: tuple[str, ...] = ()
    backends: tuple[str, ...] = BACKENDS
    secret: bool = False
    is_url: bool = False

    @property
    def name(self) -> str:
        """What users type: the environment variable, else the flag."""
        return self.env or (self.flag or self.field).split("/")[0]


OPTIONS: tuple[Option, ...] = (
    Option(
        "backend", "MESOP_STATE_SESSION_BACKEND", "none", cast_backend,
        "one of none, memory, file, redis, sql (any case)",
        "Where per-tab UI state lives between events.",
    ),
    Option(
        "file_base_dir", "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR", "/tmp", cast_absolute_dir,
        "an absolute path to a writable directory (created if missing)",
        "Directory of the file backend's session files.",
        backends=("file",),
    ),
    Option(
        "redis_url", "MESOP_STATE_SESSION_BACKEND_REDIS_URL", None, cast_redis_url,
        "redis://[:password@]host[:port][/db], rediss://... (TLS; ?ssl_ca_certs=/ca.pem), "
        "redis+sentinel://[:password@]host:port[,host:port...]/service[/db] or "
        "redis+cluster://[:password@]host:port[,host:port...] (rediss+cluster:// for TLS)",
        "Redis server of the redis backend (required for it); see Managed stores.",
        backends=("redis",), is_url=True,
    ),
    # -- managed stores --
    Option(
        "redis_key_prefix", "MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX", DEFAULT_KEY_PREFIX,
        cast_redis_key_prefix,
        f"1 to {MAX_KEY_PREFIX} printable ASCII characters without spaces, not ending in lock:",
        "Start of every key the redis backend writes (sessions and their locks): give each "
        "app sharing one Redis database its own.",
        backends=("redis",),
    ),
    # -- end managed stores --
    Option(
        "session_cache_mb", "MESOP_STATE_SESSION_CACHE_MB", "32",
        int_between(0, 1_048_576), "a whole number of megabytes from 0 (off) to 1048576",
        "State each process keeps of the sessions it saved last: while no other process "
        "has saved a session since, its next event reads a 20-byte tag from the store "
        "instead of the whole state. Per process, each session charged its estimated "
        "memory (objects, digests, the state's bytes); least recently used sessions go "
        "first.",
        backends=("file", "redis", "sql"),
    ),
    Option(
        "sql_connection_uri", "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI", None,
        cast_sql_uri,
        "a SQLAlchemy URL such as sqlite:////abs/path.db or "
        "postgresql+psycopg://user@host/db[?sslmode=verify-full]",
        "Database of the sql backend (required for it).",
        backends=("sql",), is_url=True,
    ),
    Option(
        "sql_table", "MESOP_STATE_SESSION_BACKEND_SQL_TABLE", "mesop_state_sessions",
        cast_identifier, "letters, digits and _, not starting with a digit, at most 63",
        "Table of the sql backend, created if missing.",
        backends=("sql",),
    ),
    Option(
        "ttl_seconds", "MESOP_STATE_SESSION_TTL_SECONDS", "600", int_between(1, 31_536_000),
        "a whole number of seconds from 1 to 31536000",
        "Idle time after which a session expires; each event renews it. The signed copy a "
        "tab keeps to recover a session the store lost expires after it too.",
    ),
    Option(
        "none_max_age_seconds", "MESOP_STATE_SESSION_NONE_MAX_AGE_SECONDS",
        str(NONE_MAX_AGE_DEFAULT), int_between(0, 31_536_000),
        "a whole number of seconds from 0 (never expire, as in Mesop) to 31536000",
        "Idle time after which a tab's state on the none backend is refused, and the page "
        "starts afresh with a notice saying so. Long, so a tab left over a weekend keeps its "
        "work; anyone holding a copy of the state can send it back within this time (see "
        "docs/security.md).",
        backends=("none",),
    ),
    Option(
        "memory_max_mb", "MESOP_STATE_SESSION_BACKEND_MEMORY_MAX_MB", "256",
        int_between(1, 1_048_576), "a whole number of megabytes from 1 to 1048576",
        "Cap of the memory backend, each session charged its estimated memory (objects, "
        "digests, the state's bytes); least recently used sessions are evicted past it.",
        backends=("memory",),
    ),
    Option(
        "session_keep_on_reload", "MESOP_STATE_SESSION_KEEP_ON_RELOAD", "false", cast_bool,
        "true or false (also 1/0, yes/no, on/off)",
        "Keeps a tab's state over a reload of the page, while its session lives: the tab "
        "keeps its session in sessionStorage; a new tab still starts fresh. Off, as in Mesop, "
        "a reload starts a fresh session; navigating between the app's pages keeps the "
        "state either way.",
    ),
    Option(
        "secret_key", "MESOP_SECRET_KEY", None, cast_secret,
        "any non-empty string; 32 or more random characters",
        "Signs state that travels through the browser. Default: random per launch.",
        secret=True,
    ),
    Option(
        "secret_key_previous", "MESOP_SECRET_KEY_PREVIOUS", None, cast_secret,
        "the former MESOP_SECRET_KEY, during one TTL after a rotation (none: one "
        "MESOP_STATE_SESSION_NONE_MAX_AGE_SECONDS)",
        "Still accepted to verify signatures (never to sign), so rotating the key logs nobody "
        "out; remove it one TTL after the rotation (none: one none max age).",
        secret=True,
    ),
    Option(
        "allowed_origins", "MESOP_ALLOWED_ORIGINS", None, cast_origins,
        "comma-separated http(s) origins such as https://app.example.com "
        "(scheme://host[:port], no path)",
        "Origins besides the server's own from which browsers may send events: the "
        "addresses users browse when a proxy forwards to mesop.",
    ),
    Option(
        "allowed_hosts", "MESOP_ALLOWED_HOSTS", None, cast_hosts,
        "comma-separated host names such as app.example.com (.example.com for a domain and "
        "its subdomains, * for any)",
        "Host headers the server answers, against DNS rebinding. Default: the dev server "
        "answers IP addresses and localhost, --prod any host; the hosts of "
        "MESOP_ALLOWED_ORIGINS are always answered.",
    ),
    Option(
        "alias_mesop", "MESOP_ALIAS_MESOP", "false", cast_bool,
        "true or false (also 1/0, yes/no, on/off)",
        "Lets the app's `import mesop` and `import mesop.labs` resolve to mesop-cli when Mesop "
        "itself is not installed, so a Mesop app runs without changing its imports. A real "
        "Mesop install always wins (warning W010).",
    ),
    Option(
        "max_upload_bytes", "MESOP_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024),
        int_between(1, 12_000_000),
        "a whole number of bytes from 1 to 12000000 (a file travels in base64 inside the "
        "16 MB event body)",
        "Largest upload me.uploader accepts, all files of one upload together; the user is "
        "told when a file is larger. A file kept in state must also fit the backend.",
    ),
    Option(
        "log_format", "MESOP_LOG_FORMAT", "text", cast_log_format, "text or json (any case)",
        "How the server logs (app, events, requests; dev server and gunicorn alike): text "
        "lines, or one JSON object per line with time, level, logger, message and, for "
        "events, the event's kind, page, handler, duration, backend and a session hash.",
    ),
    # -- Mesop's settings, with Mesop's meaning --
    Option(
        "base_url_path", "MESOP_BASE_URL_PATH", None, cast_base_url_path,
        "a path such as /app (letters, digits and ._~- between slashes); empty: the root",
        "Serves the whole app under this path, as a proxy forwards it unchanged: every "
        "page, the client, the events, /__mesop__/healthz and /__mesop__/metrics (other "
        "paths get 404).",
    ),
    Option(
        "app_base_path", "MESOP_APP_BASE_PATH", None, cast_existing_dir,
        "an absolute path to an existing directory",
        "The app's base directory, which MESOP_STATIC_FOLDER is relative to. Default: the "
        "working directory, as in Mesop (web component modules stay beside the app file).",
    ),
    Option(
        "static_folder", "MESOP_STATIC_FOLDER", "static", cast_static_folder,
        "a directory relative to MESOP_APP_BASE_PATH, inside it; empty: off",
        "Files served as they are at MESOP_STATIC_URL_PATH, when the directory exists; "
        "nothing outside it is served (.., encoded or not, and symlinks leading out get "
        "404).",
    ),
    Option(
        "static_url_path", "MESOP_STATIC_URL_PATH", "/static", cast_static_url_path,
        "a path such as /static (under MESOP_BASE_URL_PATH), not / or /__mesop__",
        "Where MESOP_STATIC_FOLDER's files are served.",
    ),
    Option(
        "trust_proxy_headers", "MESOP_TRUST_PROXY_HEADERS", "false", cast_bool, YES_NO,
        "Believes X-Forwarded-Proto from any address, as FORWARDED_ALLOW_IPS='*' (which, "
        "when set, wins). Unlike Mesop, never turned on by Cloud Run's, App Engine's or "
        "Kubernetes' variables, and the Host and prefix are not taken from headers: the "
        "proxy passes Host, and MESOP_BASE_URL_PATH is the prefix.",
    ),
    Option(
        "prod_unredacted_errors", "MESOP_PROD_UNREDACTED_ERRORS", "false", cast_bool, YES_NO,
        "In production, shows a handler's error and traceback, and why the app failed to "
        "load, in the page as in dev (by default the page gets a reference to the log "
        "line). A store's errors stay in the log.",
    ),
    Option(
        "http_cache_js_bundle", "MESOP_HTTP_CACHE_JS_BUNDLE", "false", cast_bool, YES_NO,
        "Accepted, and changes nothing: the client is always served under a content-hashed "
        "path, gzip-compressed, with Cache-Control: public, max-age=31536000, immutable.",
    ),
    Option(
        "web_components_http_cache_key", "MESOP_WEB_COMPONENTS_HTTP_CACHE_KEY", None,
        cast_cache_key, "1 to 128 letters, digits or ._~-",
        "In production, web component modules are loaded with ?v=KEY and cached for a "
        "year (immutable); change the key when they change. Unset: revalidated on each "
        "load (ETag).",
    ),
    Option(
        "websockets_enabled", "MESOP_WEBSOCKETS_ENABLED", "false", cast_bool, YES_NO,
        "Accepted; mesop-cli has no WebSocket: each event is a POST whose renders stream "
        "back in its response, and events sent meanwhile run between the stream's yields.",
    ),
    # -- proxy and gunicorn conventions --
    Option(
        "forwarded_allow_ips", "FORWARDED_ALLOW_IPS", "127.0.0.1,::1", cast_forwarded_ips,
        "comma-separated IP addresses or networks (10.0.0.0/8), or * for any",
        "gunicorn's setting, for the dev server too: requests from these addresses (the "
        "proxy's, as the server sees it connect) have their X-Forwarded-Proto believed, so "
        "a page served over https by the proxy is https here (the cross-site check "
        "compares origins). Behind a platform router not on this machine, name its "
        "addresses, or * when only it can reach the server.",
        flag="--forwarded-allow-ips",
    ),
    Option(
        "gunicorn_cmd_args", "GUNICORN_CMD_ARGS", None, cast_gunicorn_args,
        "gunicorn options as on its command line (--max-requests 1000 --timeout 60)",
        "gunicorn's own options for --prod, checked by gunicorn's parser. Where mesop "
        "decides (bind, workers, threads, worker and logger class, forwarded allow ips, "
        "preload, a config file, the app), mesop's settings win and the launch says which "
        "were ignored; the dev server does not use them.",
    ),
    Option(
        "host", "MESOP_HOST", "127.0.0.1", cast_host, "an IP address or a host name",
        "Interface to listen on.", flag="--host",
    ),
    Option(
        "port", "MESOP_PORT", "32123", int_between(1, 65535), "a whole number from 1 to 65535",
        "TCP port to listen on.", flag="--port",
    ),
    Option(
        "workers", "MESOP_WORKERS", "1", int_between(1, 1024), "a whole number from 1 to 1024",
        "Worker processes; more than 1 means production (gunicorn).",
        flag="--workers", aliases=("WEB_CONCURRENCY",),
    ),
    Option(
        "threads", "MESOP_THREADS", "8", int_between(1, 1024), "a whole number from 1 to 1024",
        "Threads per process.", flag="--threads",
    ),
    Option(
        "prod", None, "false", cast_bool, "the flag --prod",
        "Serve with gunicorn (also implied by --workers > 1).", flag="--prod",
    ),
    Option(
        "reload", None, "true", cast_bool, "--reload or --no-reload",
        "Dev only: re-import the app when its files change, and redraw the open tabs at "
        "once with their state kept (a file watcher and the /__mesop__/live channel; "
        "--no-reload turns both off).",
        flag="--reload/--no-reload",
    ),
)

BY_FIELD = {option.field: option for option in OPTIONS}
KNOWN_NAMES = tuple(name for o in OPTIONS for name in (o.env, *o.aliases) if name)
