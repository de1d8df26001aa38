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

from mesop_cli.config import ConfigReport, redact_text, redact_url
from mesop_cli.config.problems import Problem
from mesop_cli.sessions.ids import ID_LENGTH
from mesop_cli.sessions.private_dir import private_dir_name

TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class Check:
    """The verdict on one thing the configuration depends on."""

    name: str
    ok: bool
    detail: str

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
    """PING, with connect and read timeouts so a dead host answers within ``timeout``."""
    shown = redact_url(url)
    try:
        import redis
    except ImportError:
        return Check("redis", False, "the redis package is missing: pip install 'mesop-cli[redis]'")
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    started = time.monotonic()
    try:
        client.ping()
    except redis.RedisError as exc:
        secret = [client.connection_pool.connection_kwargs.get("password") or ""]
        return Check("redis", False, f"{shown} did not answer PING: {_first_line(exc, secret)}")
    finally:
        client.close()
    elapsed = (time.monotonic() - started) * 1000
    return Check("redis", True, f"{shown} answered PING in {elapsed:.0f} ms")


def check_sql(uri: str, table: str, timeout: float = TIMEOUT_SECONDS) -> Check:
    """Connect, then find the table, or show it can be created (in a rolled-back transaction)."""
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
    try:
        with engine.connect() as conn:
            if inspect(conn).has_table(table):
                return Check("sql", True, f"{shown} connected; table {table} exists")
            if sqlite:
                return Check("sql", True, f"{shown} opened; table {table} will be created")
            # Still inside the transaction has_table began: the rollback undoes the CREATE.
            Table(table, MetaData(), Column("id", String(ID_LENGTH), primary_key=True)).create(conn)
            conn.rollback()
            return Check("sql", True, f"{shown} connected; table {table} can be created")
    except SQLAlchemyError as exc:
        cause = exc.orig if getattr(exc, "orig", None) is not None else exc
        return Check("sql", False, f"{shown}: {_first_line(cause, [url.password or ''])}")
    finally:
        engine.dispose()


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
    return [Problem("E005", f"{c.name}: {c.detail.rstrip('.')}. Fix: {_FIXES[c.name]}")
            for c in results if not c.ok]


def app_pages(app_path: Path, alias_mesop: bool = False
              ) -> tuple[list[dict[str, str]], list[Problem]]:
    """The app's pages as [{path, title}], and its problems: E006 when it does not import,
    E010 for each page that fails when drawn.

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
    pages = [{"path": page.path, "title": page.title} for page in app.pages.values()]
    return pages, problems
