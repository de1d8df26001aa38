"""Reading the redis backend's URL: plain, TLS (``rediss://``) and Sentinel.

Plain and TLS URLs are redis-py's own (``redis.Redis.from_url`` connects with them); this
module only checks their query options strictly, so a typo or a TLS option on a plain
``redis://`` URL is a configuration error rather than a failure at the first event, and
describes the TLS in effect for ``--check-config``.

redis-py has no URL form for Sentinel, so this module defines one and parses it::

    redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/service_name[/db]

The password (and user) authenticate to the Redis master the sentinels name; the
sentinels themselves are reached without a password. A sentinel's port defaults to 26379.

Nor has it one for Redis Cluster that names several nodes, so this module defines that
too::

    redis+cluster://[[user]:password@]host[:port][,host[:port]...][/0][?ssl_...]
    rediss+cluster://...   (TLS: the same TLS options as rediss://)

The nodes listed are where the client starts: it learns the others, and which node serves
which hash slot, from the cluster itself. A node's port defaults to 6379; a cluster has
only database 0.

Nothing here imports redis: the settings are validated whether or not it is installed.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

#: Start of every key the redis backend writes, unless MESOP_..._REDIS_KEY_PREFIX says
#: otherwise; the lock of a session is ``<prefix>lock:<id>``.
DEFAULT_KEY_PREFIX = "mesop:session:"
LOCK_INFIX = "lock:"
MAX_KEY_PREFIX = 64
SENTINEL_SCHEME = "redis+sentinel"
DEFAULT_SENTINEL_PORT = 26379
CLUSTER_SCHEME = "redis+cluster"
CLUSTER_TLS_SCHEME = "rediss+cluster"
CLUSTER_SCHEMES = (CLUSTER_SCHEME, CLUSTER_TLS_SCHEME)
DEFAULT_REDIS_PORT = 6379
#: Schemes whose connections use TLS.
_TLS_SCHEMES = ("rediss", CLUSTER_TLS_SCHEME)

#: TLS options redis-py reads from a ``rediss://`` URL's query as plain strings.
TLS_FILE_OPTIONS = ("ssl_ca_certs", "ssl_certfile", "ssl_keyfile")
TLS_OPTIONS = (*TLS_FILE_OPTIONS, "ssl_ca_path", "ssl_cert_reqs", "ssl_check_hostname",
               "ssl_min_version", "ssl_include_verify_flags", "ssl_exclude_verify_flags")
CERT_REQS = ("none", "optional", "required")
#: What redis-py's to_bool reads as false; anything else non-empty it reads as true, so a
#: typo such as ``ssl_check_hostname=flase`` would silently keep checking.
_FALSE_WORDS = ("0", "f", "false", "n", "no")
_TRUE_WORDS = ("1", "t", "true", "y", "yes")
#: Query options of plain and TLS URLs that redis-py parses; used when redis is missing.
_BASIC_OPTIONS = ("db", "socket_timeout", "socket_connect_timeout", "socket_keepalive",
                  "health_check_interval", "max_connections", "retry_on_timeout", "protocol")
_SERVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_MAX_DB = 10_000


class UrlProblem(ValueError):
    """Why a URL is refused (a phrase that follows the setting's name), and a likely fix."""

    def __init__(self, reason: str, suggestion: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion


@dataclass(frozen=True)
class SentinelUrl:
    """A parsed ``redis+sentinel://`` URL."""

    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int
    username: str | None
    password: str | None

    @property
    def addresses(self) -> str:
        return ", ".join(_host_port(host, port) for host, port in self.sentinels)

    def describe(self) -> str:
        """Where the master is looked up, for messages (never the password)."""
        return f"service {self.service} (db {self.db}) via sentinel {self.addresses}"


@dataclass(frozen=True)
class ClusterUrl:
    """A parsed ``redis+cluster://`` or ``rediss+cluster://`` URL."""

    nodes: tuple[tuple[str, int], ...]
    username: str | None
    password: str | None
    tls: bool
    #: The TLS options of the query, as (name, value) pairs.
    options: tuple[tuple[str, str], ...]

    @property
    def addresses(self) -> str:
        return ", ".join(_host_port(host, port) for host, port in self.nodes)

    def describe(self) -> str:
        """Where the cluster is reached, for messages (never the password)."""
        return f"cluster via {self.addresses}"


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def scheme_of(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def is_sentinel_url(url: str) -> bool:
    return scheme_of(url) == SENTINEL_SCHEME


def is_cluster_url(url: str) -> bool:
    return scheme_of(url) in CLUSTER_SCHEMES


def _split_userinfo(rest: str) -> tuple[str | None, str | None, str]:
    """(user, password, the rest) of ``[user[:password]@]rest``, percent-decoded."""
    if "@" not in rest:
        return None, None, rest
    userinfo, rest = rest.rsplit("@", 1)
    if any(c in userinfo for c in "/?#"):
        raise UrlProblem("has '/', '?' or '#' in its user name or password; percent-encode "
                         "them as %2F, %3F, %23")
    user, _, password = userinfo.partition(":")
    return unquote(user) or None, unquote(password) or None, rest


def _address(text: str, what: str = "sentinel", default_port: int = DEFAULT_SENTINEL_PORT
             ) -> tuple[str, int]:
    """(host, port) of one ``host[:port]`` or ``[ipv6][:port]`` of a list; ``what`` names
    the kind of address in messages."""
    if text.startswith("["):
        host, close, port_text = text[1:].partition("]")
        if not close or (port_text and not port_text.startswith(":")):
            raise UrlProblem(f"has the {what} address {text!r}, which is not [ipv6]:port")
        port_text = port_text[1:]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise UrlProblem(f"has the {what} address {text!r}, whose [...] is not an "
                             "IPv6 address") from None
    else:
        host, _, port_text = text.partition(":")
        if not re.fullmatch(r"[A-Za-z0-9._-]+", host):
            raise UrlProblem(f"has the {what} address {text!r}, which is not host[:port]")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UrlProblem(f"has the {what} address {text!r}, whose port is not a number "
                         "from 1 to 65535")
    return host, int(port_text)


def parse_sentinel_url(url: str) -> SentinelUrl:
    """The parts of a ``redis+sentinel://`` URL; :class:`UrlProblem` says what is wrong."""
    value = url.strip()
    if not is_sentinel_url(value):
        raise UrlProblem(f"does not start with {SENTINEL_SCHEME}://")
    user, password, rest = _split_userinfo(value.split("://", 1)[1])
    if "?" in rest or "#" in rest:
        raise UrlProblem("has a query or fragment; a redis+sentinel:// URL takes none")
    hosts, slash, path = rest.partition("/")
    if not hosts:
        raise UrlProblem("names no sentinel; write host:port[,host:port...] after "
                         f"{SENTINEL_SCHEME}://")
    sentinels = tuple(_address(item) for item in hosts.split(","))
    parts = path.split("/") if slash else []
    if not parts or not parts[0]:
        raise UrlProblem("names no service; add /service_name (the name the sentinels "
                         "monitor, such as mymaster) after the sentinels")
    if len(parts) > 2 or (len(parts) == 2 and not parts[1]):
        raise UrlProblem(f"has the path /{path}; expected /service_name or "
                         "/service_name/db")
    service = unquote(parts[0])
    if not _SERVICE.fullmatch(service):
        raise UrlProblem(f"has the service name {service!r}; expected letters, digits, "
                         "'.', '_' and '-'")
    db = 0
    if len(parts) == 2:
        if not parts[1].isdigit() or int(parts[1]) >= _MAX_DB:
            raise UrlProblem(f"has database '/{parts[1]}', which is not a number")
        db = int(parts[1])
    return SentinelUrl(sentinels, service, db, user, password)


def parse_cluster_url(url: str) -> ClusterUrl:
    """The parts of a ``redis+cluster://`` URL; :class:`UrlProblem` says what is wrong."""
    value = url.strip()
    scheme = scheme_of(value)
    if scheme not in CLUSTER_SCHEMES:
        raise UrlProblem(f"does not start with {CLUSTER_SCHEME}:// or {CLUSTER_TLS_SCHEME}://")
    user, password, rest = _split_userinfo(value.split("://", 1)[1].split("?", 1)[0])
    if "#" in rest:
        raise UrlProblem(f"has a fragment; a {scheme}:// URL takes none")
    hosts, slash, path = rest.partition("/")
    if not hosts:
        raise UrlProblem(f"names no node; write host:port[,host:port...] after {scheme}://")
    nodes = tuple(_address(item, "node", DEFAULT_REDIS_PORT) for item in hosts.split(","))
    if slash and path not in ("", "0"):
        raise UrlProblem(f"has the path /{path}; a Redis Cluster has only database 0, so "
                         "leave the path out", value.replace("/" + path, "", 1))
    tls = scheme == CLUSTER_TLS_SCHEME
    options = query_options(value)
    for name in options:
        if name not in TLS_OPTIONS:
            raise UrlProblem(f"has the query option {name!r}; a {scheme}:// URL takes only "
                             f"the TLS options ({', '.join(TLS_OPTIONS)})")
    check_query(value)
    return ClusterUrl(nodes, user, password, tls, tuple(options.items()))


def check_key_prefix(prefix: str) -> None:
    """A prefix that keeps this app's keys apart from any other app's on the same db.

    Printable ASCII without spaces, so it reads the same in redis-cli and in logs. Data
    keys are exactly the prefix plus a session id, locks the prefix plus ``lock:`` plus
    an id; only a prefix ending in ``lock:`` could make another app's lock keys look like
    this app's data keys (app ``a:`` locks ``a:lock:<id>``, app ``a:lock:`` stores
    ``a:lock:<id>``), so that ending is refused.
    """
    if not prefix:
        raise UrlProblem("is empty")
    if len(prefix) > MAX_KEY_PREFIX:
        raise UrlProblem(f"is {len(prefix)} characters, more than {MAX_KEY_PREFIX}",
                         prefix[:MAX_KEY_PREFIX])
    bad = next((ch for ch in prefix if not "!" <= ch <= "~"), None)
    if bad is not None:
        fixed = "".join(ch if "!" <= ch <= "~" else "_" for ch in prefix)
        raise UrlProblem(f"has {bad!r}: only printable ASCII without spaces is accepted",
                         fixed)
    if prefix.endswith(LOCK_INFIX):
        raise UrlProblem(f"ends in {LOCK_INFIX!r}, the start of another prefix's lock keys",
                         prefix.removesuffix(LOCK_INFIX) + "sessions:")


def query_options(url: str) -> dict[str, str]:
    """The query options of a plain or TLS URL, as redis-py reads them (first value wins)."""
    options: dict[str, str] = {}
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        options.setdefault(name, value)
    return options


def _known_options() -> tuple[str, ...]:
    try:
        from redis.connection import URL_QUERY_ARGUMENT_PARSERS
    except ImportError:
        return (*_BASIC_OPTIONS, *TLS_OPTIONS)
    return tuple(dict.fromkeys((*URL_QUERY_ARGUMENT_PARSERS, *TLS_OPTIONS)))


def check_cluster_key_prefix(prefix: str) -> None:
    """A prefix that leaves the hash tag to the session id.

    On a cluster every key of a session is ``<prefix>...{<id>}``, so that Redis hashes
    only the id and the session's lock and value live in one slot. Redis takes the first
    ``{...}`` of a key as its tag: a brace in the prefix would make it the tag instead,
    and put a session's lock and value in different slots (or every session in one).
    """
    brace = next((ch for ch in prefix if ch in "{}"), None)
    if brace is not None:
        raise UrlProblem(f"has {brace!r}, which Redis Cluster reads as the start or end of "
                         "a hash tag; the session id is the tag of every key",
                         prefix.replace("{", "").replace("}", ""))


def check_query(url: str) -> None:
    """Refuse query options redis-py would reject late, or that contradict the scheme."""
    import difflib

    tls = scheme_of(url) in _TLS_SCHEMES
    known = _known_options()
    for name, value in query_options(url).items():
        if name not in known:
            near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise UrlProblem(f"has the query option {name!r}, which redis-py does not "
                             f"know{hint}")
        if name.startswith("ssl_") and not tls:
            scheme = scheme_of(url)
            secure = CLUSTER_TLS_SCHEME if scheme == CLUSTER_SCHEME else "rediss"
            raise UrlProblem(f"has the TLS option {name} on a plain {scheme}:// URL, which "
                             "would not use TLS at all",
                             f"{secure}://" + url.split("://", 1)[1])
        if name == "ssl_cert_reqs" and value.lower() not in CERT_REQS:
            raise UrlProblem(f"has ssl_cert_reqs={value!r}; accepted: {', '.join(CERT_REQS)}")
        if name == "ssl_check_hostname" and value.lower() not in _TRUE_WORDS + _FALSE_WORDS:
            raise UrlProblem(f"has ssl_check_hostname={value!r}, which is neither true nor "
                             "false (write ssl_check_hostname=false to skip the check)")
        if name in TLS_FILE_OPTIONS and not os.path.isfile(value):
            raise UrlProblem(f"has {name}={value!r}, which is not a file")
        if name in TLS_FILE_OPTIONS and not os.access(value, os.R_OK):
            raise UrlProblem(f"has {name}={value!r}, which this user cannot read")
        if name == "ssl_ca_path" and not os.path.isdir(value):
            raise UrlProblem(f"has ssl_ca_path={value!r}, which is not a directory")


def tls_summary(url: str) -> str:
    """What a connection with this URL does about TLS, for --check-config."""
    if is_sentinel_url(url):
        return "TLS: off (Sentinel URLs connect without TLS)"
    if scheme_of(url) not in _TLS_SCHEMES:
        return "TLS: off"
    options = query_options(url)
    if options.get("ssl_cert_reqs", "required").lower() == "none":
        return "TLS: on, server certificate NOT verified (ssl_cert_reqs=none)"
    if "ssl_ca_certs" in options:
        against = f"the CA file {options['ssl_ca_certs']}"
    elif "ssl_ca_path" in options:
        against = f"the CA directory {options['ssl_ca_path']}"
    else:
        against = "the system's CA store"
    hostname = options.get("ssl_check_hostname", "true").lower()
    # redis-py's own reading of a false value (its to_bool).
    host = ", host name not checked" if hostname in _FALSE_WORDS else ""
    optional = " (when the server presents one)" if options.get(
        "ssl_cert_reqs", "").lower() == "optional" else ""
    return f"TLS: on, certificate verified against {against}{optional}{host}"
