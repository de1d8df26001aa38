"""Reachability checks and the app import of ``mesop --check-config``.

Each check is bounded to a few seconds so a dead server gives a verdict, not a hang, and
none of them changes anything: the file check writes and removes a probe file, the SQL
check creates its table only inside a transaction it rolls back.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mesop_cli.config import ConfigReport, redact_text, redact_url
from mesop_cli.config.pg_ssl import effective_sslmode, promise
from mesop_cli.config.private_dir import private_dir_name
from mesop_cli.config.problems import Problem
from mesop_cli.runtime.browser.cookieclass import cookie_key_problem
from mesop_cli.state_format.session_ids import ID_LENGTH

if TYPE_CHECKING:
    from sqlalchemy import Connection

TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class Check:
    """The verdict on one thing the configuration depends on."""

    name: str
    ok: bool
    detail: str
    #: How to fix this failure when the generic fix of its kind would mislead.
    fix: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def _first_line(exc: BaseException, secrets: list[str]) -> str:
    text = str(exc).strip().splitlines()
    return redact_text(text[0] if text else type(exc).__name__, secrets)


def check_file_dir(path: str) -> Check:
    """The directory the backend writes in is writable: the private session directory
    when it exists, else the base dir, or the nearest existing parent (it will be created)."""
    target = Path(path)
    private = target / private_dir_name()
    probe_dir = private if private.is_dir() else target
    while not probe_dir.exists():
        probe_dir = probe_dir.parent
    try:
        fd, probe = tempfile.mkstemp(prefix=".mesop-check-", dir=probe_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return Check("file", False, f"{probe_dir} is not writable: {exc.strerror or exc}")
    if probe_dir == private:
        return Check("file", True, f"{path} holds the writable session directory {private}")
    if probe_dir != target:
        return Check("file", True, f"{path} does not exist; it can be created under {probe_dir}")
    return Check("file", True, f"{path} is a writable directory")


def check_redis(url: str, timeout: float = TIMEOUT_SECONDS) -> Check:
    """PING, with connect and read timeouts so a dead host answers within ``timeout``; the
    TLS in effect, or behind Sentinel the sentinels, the service and its master, or on a
    cluster its state and masters. A plain URL to a node of a cluster is refused: such a
    client reaches only the slots of that one node."""
    try:
        import redis
    except ImportError:
        return Check("redis", False, "the redis package is missing: pip install 'mesop-cli[redis]'")
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from mesop_cli.config.redis_url import is_cluster_url, is_sentinel_url, scheme_of, tls_summary
    from mesop_cli.sessions.redis import connect

    if is_sentinel_url(url):
        return _check_sentinel(url, timeout)
    if is_cluster_url(url):
        return _check_cluster(url, timeout)
    shown = redact_url(url)
    # No retry: a check reports the first failure rather than repeating it.
    client = connect(url, timeout, retry=Retry(NoBackoff(), 0))
    secret = [client.connection_pool.connection_kwargs.get("password") or ""]
    started = time.monotonic()
    try:
        client.ping()
    except redis.RedisError as exc:
        line = _first_line(exc, secret)
        tls = _tls_failure(line, scheme_of(url) == "rediss")
        if tls:
            return Check("redis", False, f"{shown} did not answer PING: {tls[0]} ({line})",
                         fix=tls[1])
        return Check("redis", False, f"{shown} did not answer PING: {line}")
    else:
        elapsed = (time.monotonic() - started) * 1000
        cluster_node = _in_cluster_mode(client)
    finally:
        client.close()
    if cluster_node:
        return Check("redis", False, f"{shown} answered PING, but it is a node of a Redis "
                                     "Cluster (cluster_enabled:1 in INFO): a plain client "
                                     "reaches only the sessions in that node's hash slots",
                     fix=f"use {_as_cluster_url(url)} (and list more of the cluster's nodes "
                         "after a comma, so that the cluster is found while this one is down)")
    return Check("redis", True, f"{shown} answered PING in {elapsed:.0f} ms; {tls_summary(url)}")


def _in_cluster_mode(client: Any) -> bool:
    """Whether the server says cluster_enabled:1; a server that refuses INFO is taken at
    its word that it is not a cluster (a plain command would then be refused by it)."""
    import redis

    try:
        return bool(client.info("cluster").get("cluster_enabled"))
    except redis.RedisError:
        return False


def _as_cluster_url(url: str) -> str:
    """A plain or TLS URL written as the cluster URL of the same node (no database: a
    cluster has only database 0)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    scheme = "rediss+cluster" if parts.scheme.lower() == "rediss" else "redis+cluster"
    query = f"?{parts.query}" if parts.query else ""
    return redact_url(f"{scheme}://{parts.netloc}{query}")


def _check_cluster(url: str, timeout: float) -> Check:
    """The cluster answers through the listed nodes, says cluster_state:ok, and each of
    its masters answers PING; a listed node that is no cluster node is named."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from mesop_cli.config.redis_url import parse_cluster_url, tls_summary
    from mesop_cli.sessions.redis import FAILURES, connect

    shown = redact_url(url)
    target = parse_cluster_url(url)
    secret = [target.password or ""]
    lazy = connect(url, timeout, retry=Retry(NoBackoff(), 0))
    try:
        try:
            client = lazy.get()
        except FAILURES as exc:
            line = _first_line(exc, secret)
            if "cluster mode is not enabled" in line.lower():
                return Check("redis", False, f"{shown}: {target.addresses} answered but not "
                                             f"as a cluster node ({line})",
                             fix="for a single Redis (no cluster) use redis://host:port/db; "
                                 "otherwise list the nodes of the cluster")
            return Check("redis", False, f"{shown}: no node of the cluster answered: {line}",
                         fix="start the cluster's nodes, or correct the host:port list in "
                             "MESOP_STATE_SESSION_BACKEND_REDIS_URL")
        started = time.monotonic()
        answered, silent, state = [], [], "unknown"
        for node in sorted(client.get_primaries(), key=lambda node: node.name):
            try:
                client.ping(target_nodes=node)
                answered.append(node.name)
                if state != "ok":
                    state = str(client.cluster_info(target_nodes=node).get("cluster_state"))
            except (*FAILURES, redis.RedisError) as exc:
                silent.append(f"{node.name} ({_first_line(exc, secret)})")
        elapsed = (time.monotonic() - started) * 1000
    finally:
        lazy.close()
    masters = f"{len(answered) + len(silent)} masters"
    if silent or state != "ok":
        quiet = f"; silent: {'; '.join(silent)}" if silent else ""
        return Check("redis", False, f"{shown}: cluster_state:{state}, {masters}; answered "
                                     f"PING: {', '.join(answered) or 'none'}{quiet}",
                     fix="start the cluster's stopped nodes (or fail their slots over to a "
                         "replica); `redis-cli -c -p PORT cluster info` shows the state")
    return Check("redis", True, f"{shown}: cluster mode, cluster_state:ok; {masters} "
                                f"({', '.join(answered)}) answered PING in {elapsed:.0f} ms; "
                                f"{tls_summary(url)}")


def _tls_failure(line: str, tls: bool) -> tuple[str, str] | None:
    """(what went wrong, how to fix it) when a Redis error is about TLS, else None."""
    lower = line.lower()
    if "certificate verify failed" in lower or "certificate_verify_failed" in lower:
        if "mismatch" in lower:
            return ("TLS verification failed: the server's certificate does not name this "
                    "host", "connect with a host name or address the server's certificate "
                    "names, or add ssl_check_hostname=false to the URL (the certificate is "
                    "then still checked against the CA)")
        return ("TLS verification failed: the server's certificate is not signed by a CA "
                "this client trusts", "add ssl_ca_certs=/path/to/ca.pem (the CA that signed "
                "the server's certificate) to the URL's query, or correct it if it is "
                "there; ssl_cert_reqs=none would turn verification off, which lets anyone "
                "on the path read the sessions")
    if tls and any(text in lower for text in ("wrong version number", "wrong_version_number",
                                              "record layer failure", "eof occurred",
                                              "unexpected eof", "closed by server")):
        return ("TLS handshake failed: the server does not speak TLS on this port",
                "use redis:// for a plain port, or the server's tls-port with rediss://")
    if tls and "timeout connecting" in lower:
        return ("no TLS handshake within the timeout (a plain, non-TLS Redis port waits "
                "silently, as does a host that is down)",
                "use redis:// for a plain port, or the server's tls-port with rediss://; or "
                "start Redis, or correct the host and port")
    if not tls and ("closed by server" in lower or "reset by peer" in lower):
        return ("the server dropped the connection, as a TLS-only port does to plain text",
                "if the server only accepts TLS, use rediss:// (with ssl_ca_certs=... for a "
                "private CA); otherwise start Redis, or correct the host and port")
    return None


_NOT_A_SENTINEL = ("the address is a Redis server, not a Sentinel: list the sentinels (port "
                   "26379 by default), or use redis://host:port/db for a server without "
                   "Sentinel")


def _is_plain_server(client: Any) -> bool:
    """A Redis server answers PING as a sentinel does, but not SENTINEL commands. Asked
    here rather than read from redis-py's discovery error, whose wording changes."""
    import redis

    try:
        client.execute_command("SENTINEL", "MYID")
    except redis.ResponseError as exc:
        return "unknown command" in str(exc).lower()
    return False


def _check_sentinel(url: str, timeout: float) -> Check:
    """Each sentinel answers PING, they name a master for the service, and it answers."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry
    from redis.sentinel import MasterNotFoundError

    from mesop_cli.config.redis_url import parse_sentinel_url
    from mesop_cli.sessions.redis import connect, sentinel_for

    shown = redact_url(url)
    target = parse_sentinel_url(url)
    secret = [target.password or ""]
    sentinel = sentinel_for(target, timeout)
    answered, silent, plain = [], [], []
    for (host, port), client in zip(target.sentinels, sentinel.sentinels, strict=True):
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        try:
            client.ping()
            answered.append(address)
            if _is_plain_server(client):
                plain.append(address)
        except redis.RedisError as exc:
            silent.append(f"{address} ({_first_line(exc, secret)})")
        finally:
            client.close()
    if not answered:
        return Check("redis", False, f"{shown}: no sentinel answered: {'; '.join(silent)}",
                     fix="start Redis Sentinel, or correct the sentinel host:port list in "
                         "MESOP_STATE_SESSION_BACKEND_REDIS_URL")
    if plain == answered:
        return Check("redis", False, f"{shown}: {', '.join(plain)} answered PING but not "
                                     "SENTINEL commands",
                     fix=_NOT_A_SENTINEL)
    try:
        host, port = sentinel.discover_master(target.service)
    except MasterNotFoundError:
        return Check("redis", False, f"{shown}: sentinel {', '.join(answered)} answered but "
                                     f"names no live master for service {target.service!r}",
                     fix="use the service name the sentinels monitor (`redis-cli -p 26379 "
                         "SENTINEL MASTERS` lists them), or start its master")
    except redis.RedisError as exc:
        return Check("redis", False, f"{shown}: asking Sentinel for the master of "
                                     f"{target.service!r} failed: {_first_line(exc, secret)}")
    master = f"{host}:{port}"
    client = connect(url, timeout, retry=Retry(NoBackoff(), 0))
    started = time.monotonic()
    try:
        client.ping()
    except redis.RedisError as exc:
        return Check("redis", False, f"{shown}: the master of {target.service!r}, {master}, "
                                     f"did not answer PING: {_first_line(exc, secret)}")
    finally:
        client.close()
    elapsed = (time.monotonic() - started) * 1000
    skipped = f" ({len(silent)} silent: {'; '.join(silent)})" if silent else ""
    return Check("redis", True, f"{shown}: sentinels {', '.join(answered)} answered{skipped}; "
                                f"service {target.service}: master at {master}, db "
                                f"{target.db}, answered PING in {elapsed:.0f} ms; TLS: off")


def check_sql(uri: str, table: str, timeout: float = TIMEOUT_SECONDS) -> Check:
    """Connect, then find the table, or show it can be created (in a rolled-back
    transaction); on PostgreSQL, the sslmode in effect and whether TLS is actually on."""
    try:
        from sqlalchemy import Column, MetaData, String, Table, create_engine, inspect
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError:
        return Check("sql", False, "SQLAlchemy is missing: pip install 'mesop-cli[sql]'")
    url = make_url(uri)
    shown = url.render_as_string(hide_password=True)
    sqlite = url.get_backend_name() == "sqlite"
    connect_args = {"timeout": timeout} if sqlite else {"connect_timeout": max(1, int(timeout))}
    engine = create_engine(url, connect_args=connect_args)
    sslmode, source = effective_sslmode(url.query, os.environ)
    try:
        with engine.connect() as conn:
            tls = "" if sqlite else "; " + _postgres_tls(conn, sslmode, source)
            if inspect(conn).has_table(table):
                return Check("sql", True, f"{shown} connected; table {table} exists{tls}")
            if sqlite:
                return Check("sql", True, f"{shown} opened; table {table} will be created")
            # Still inside the transaction has_table began: the rollback undoes the CREATE.
            Table(table, MetaData(), Column("id", String(ID_LENGTH), primary_key=True)).create(conn)
            conn.rollback()
            return Check("sql", True, f"{shown} connected; table {table} can be created{tls}")
    except SQLAlchemyError as exc:
        cause = exc.orig if getattr(exc, "orig", None) is not None else exc
        line = _first_line(cause, [url.password or ""])
        fix = None if sqlite else _postgres_tls_fix(line, sslmode)
        if fix:
            return Check("sql", False, f"{shown}: TLS failure with sslmode={sslmode} ({source}): "
                                       f"{line}", fix=fix)
        return Check("sql", False, f"{shown}: {line}")
    finally:
        engine.dispose()


def _postgres_tls(conn: Connection, sslmode: str, source: str) -> str:
    """"TLS: on (TLSv1.3), sslmode=... (source): what it promises", asking the server
    whether this very connection is encrypted."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with conn.begin_nested():  # a failure here must not spoil the outer transaction
            row = conn.execute(text("SELECT ssl, version FROM pg_stat_ssl "
                                    "WHERE pid = pg_backend_pid()")).first()
    except SQLAlchemyError:  # a server without the view: say what the mode promises
        state = "unknown"
    else:
        state = f"on ({row[1]})" if row and row[0] else "off"
    return f"TLS: {state}, sslmode={sslmode} ({source}): {promise(sslmode)}"


def _postgres_tls_fix(line: str, sslmode: str) -> str | None:
    """How to fix a PostgreSQL connection error that is about TLS, else None."""
    lower = line.lower()
    if "does not support ssl" in lower:
        return (f"the server has TLS off but sslmode={sslmode} requires it: turn on ssl in "
                "the server's postgresql.conf (with a certificate); only on a network you "
                "trust, use sslmode=prefer or disable")
    if "certificate verify failed" in lower or "root certificate" in lower:
        return ("give the CA that signed the server's certificate with sslrootcert=/path/"
                "to/ca.pem in the URI's query (or ~/.postgresql/root.crt)")
    if "does not match host name" in lower or "server common name" in lower:
        return ("connect with the host name the server's certificate names, or use "
                "sslmode=verify-ca to check the CA only")
    return None


def reachability(report: ConfigReport) -> list[Check]:
    """The checks the chosen backend needs, run only on settings that passed validation."""
    backend = report.value("backend")
    if backend == "file" and isinstance(report.value("file_base_dir"), str):
        if any(error.code in ("E004", "E009") for error in report.errors):
            return []  # the directory's problem is already one line; a probe would repeat it
        return [check_file_dir(str(report.value("file_base_dir")))]
    if backend == "redis" and isinstance(report.value("redis_url"), str):
        return [check_redis(str(report.value("redis_url")))]
    uri, table = report.value("sql_connection_uri"), report.value("sql_table")
    if backend == "sql" and isinstance(uri, str) and isinstance(table, str):
        return [check_sql(uri, table)]
    return []


#: What to do when a store does not answer, per check.
_FIXES = {
    "file": "make MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR a directory the serving user can "
            "write",
    "redis": "start Redis, or correct MESOP_STATE_SESSION_BACKEND_REDIS_URL (host, port, "
             "password)",
    "sql": "start the database, or correct MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI "
           "(host, port, credentials, path)",
}


def store_problems(results: list[Check]) -> list[Problem]:
    """One E005 line per failed check, with its fix: what --check-config reports, and what
    stops a launch (the CLI and the wsgi factory) before anything is served."""
    return [Problem("E005", f"{c.name}: {c.detail.rstrip('.')}. Fix: {c.fix or _FIXES[c.name]}")
            for c in results if not c.ok]


def app_pages(app_path: Path, alias_mesop: bool = False, secret_key_generated: bool = False
              ) -> tuple[list[dict[str, str]], list[Problem]]:
    """The app's pages as [{path, title}], and its problems: E006 when it does not import,
    E010 for each page that fails when drawn, W012 for signed or encrypted cookie classes
    under a per-launch secret, W013 for missing names used only where mesop never runs.

    Each page is drawn once, with every state class at its defaults and no handler run (no
    on_load either), so a page that imports but breaks when drawn (a name missing inside
    the page function) is reported here with its file and line, not in a browser later.
    """
    from mesop_cli.runtime import AppLoadError, HandlerError, load_app, render

    # What the app prints while importing or drawing goes to stderr: stdout carries the
    # report, which --format json promises to be one JSON object.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            app = load_app(app_path, alias_mesop=alias_mesop)
        except AppLoadError as exc:
            return [], [Problem("E006", str(exc))]
        problems = []
        for page in app.pages.values():
            try:
                render(app, page.path, {})
            except Exception as exc:  # a state class that cannot be made, too
                failure = exc if isinstance(exc, HandlerError) else \
                    HandlerError.from_exception(exc, app.path)
                problems.append(Problem("E010", f"{failure.location}: page {page.path} fails "
                                                f"when drawn with default state: {failure}"))
    problems += app.name_warnings()
    keys = cookie_key_problem(app.cookie_classes, secret_key_generated)
    if keys is not None:
        problems.append(keys)
    pages = [{"path": page.path, "title": page.title} for page in app.pages.values()]
    return pages, problems
