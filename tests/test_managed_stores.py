"""Managed stores: ``rediss://`` (TLS), ``redis+sentinel://``, the Redis key prefix, and
PostgreSQL's ``sslmode``, from the setting's validation to a real server.

TLS and Sentinel run against throwaway redis-server processes (tests/support/
redis_servers.py); the key prefix against the test Redis; sslmode against the test
PostgreSQL, which has TLS off, so ``sslmode=require`` must fail with a clear E005.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import sqlalchemy
from click.testing import CliRunner, Result

from mesop_cli.check_config import check_redis, check_sql, store_problems
from mesop_cli.cli import main
from mesop_cli.config import load_config
from mesop_cli.config.options import Invalid, cast_redis_key_prefix, cast_redis_url, cast_sql_uri
from mesop_cli.config.redis_url import (
    DEFAULT_KEY_PREFIX,
    SentinelUrl,
    parse_sentinel_url,
    tls_summary,
)
from mesop_cli.sessions import create_backend
from mesop_cli.sessions.base import BackendUnavailable, LockTimeout
from mesop_cli.sessions.redis import RedisBackend
from mesop_cli.sessions.sql import SqlBackend
from mesop_cli.state_format.session_ids import new_session_id
from mesop_cli.web.flask_app import create_flask_app
from tests.support.flask_tab import Client, make_settings, write_app
from tests.support.redis_servers import (
    SERVICE,
    Certificates,
    make_certificates,
    plain_redis,
    redis_server_binary,
    sentinel_for,
    tls_redis,
    tls_supported,
)
from tests.support.services import postgres_uri, redis_url

PASSWORD = "hunter2-s3cret"


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No MESOP_* or PG* from the shell, no .env of theirs, os.environ restored after."""
    monkeypatch.setattr(os, "environ", os.environ.copy())
    for name in list(os.environ):
        if name.startswith(("MESOP_", "_MESOP_", "PG")) or name == "WEB_CONCURRENCY":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def check_config(env: dict[str, str]) -> Result:
    os.environ.update(env)
    return CliRunner().invoke(main, ["--check-config"], catch_exceptions=False)


# -- Sentinel URLs ---------------------------------------------------------------------


def test_sentinel_url_parts() -> None:
    parsed = parse_sentinel_url(
        f"redis+sentinel://:{PASSWORD}%40x@s1.example:26380,10.0.0.2,[::1]:5000/cache.main/4")
    assert parsed == SentinelUrl(
        sentinels=(("s1.example", 26380), ("10.0.0.2", 26379), ("::1", 5000)),
        service="cache.main", db=4, username=None, password=f"{PASSWORD}@x")
    assert PASSWORD not in parsed.describe()
    assert parsed.describe() == ("service cache.main (db 4) via sentinel s1.example:26380, "
                                 "10.0.0.2:26379, [::1]:5000")
    assert parse_sentinel_url("redis+sentinel://h/svc").db == 0


@pytest.mark.parametrize(("url", "words"), [
    ("redis+sentinel:///svc", "names no sentinel"),
    ("redis+sentinel://h1", "names no service"),
    ("redis+sentinel://h1:26379/", "names no service"),
    ("redis+sentinel://h1:0/svc", "port is not a number"),
    ("redis+sentinel://h1:x/svc", "port is not a number"),
    ("redis+sentinel://h1,,h2/svc", "which is not host[:port]"),
    ("redis+sentinel://[zz]:1/svc", "not an IPv6 address"),
    ("redis+sentinel://h1/svc/db1", "database '/db1'"),
    ("redis+sentinel://h1/svc/1/2", "expected /service_name or /service_name/db"),
    ("redis+sentinel://h1/my master", "service name"),
    ("redis+sentinel://h1/svc?socket_timeout=1", "takes none"),
    ("redis+sentinel://:pa/ss@h1/svc", "percent-encode"),
])
def test_malformed_sentinel_urls_say_what_is_wrong(url: str, words: str) -> None:
    with pytest.raises(Invalid) as caught:
        cast_redis_url(url)
    assert words in caught.value.reason


def test_sentinel_scheme_typo_is_suggested() -> None:
    with pytest.raises(Invalid) as caught:
        cast_redis_url("redis+sentinal://h1/svc")
    assert caught.value.suggestion == "redis+sentinel://h1/svc"


# -- TLS URL options -------------------------------------------------------------------


def test_tls_options_are_checked(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not read here")
    assert cast_redis_url(f"rediss://h:6380/0?ssl_ca_certs={ca}&ssl_cert_reqs=required")
    assert cast_redis_url("rediss://h:6380/0?ssl_check_hostname=False")
    refusals = {
        f"redis://h/0?ssl_ca_certs={ca}": "TLS option ssl_ca_certs on a plain redis:// URL",
        f"rediss://h/0?ssl_ca_cert={ca}": "did you mean ssl_ca_certs?",
        "rediss://h/0?ssl_cert_reqs=maybe": "accepted: none, optional, required",
        # redis-py would read a misspelt false as true and keep checking, silently.
        "rediss://h/0?ssl_check_hostname=flase": "neither true nor false",
        f"rediss://h/0?ssl_ca_certs={tmp_path}/missing.pem": "which is not a file",
        "rediss://h/0?ssl_ca_path=/no/such/dir": "which is not a directory",
    }
    for url, words in refusals.items():
        with pytest.raises(Invalid) as caught:
            cast_redis_url(url)
        assert words in caught.value.reason, url
    with pytest.raises(Invalid) as caught:
        cast_redis_url(f"redis://h/0?ssl_ca_certs={ca}")
    assert caught.value.suggestion == f"rediss://h/0?ssl_ca_certs={ca}"


def test_tls_summary_says_what_is_verified() -> None:
    assert tls_summary("redis://h/0") == "TLS: off"
    assert tls_summary("rediss://h/0") == ("TLS: on, certificate verified against the "
                                           "system's CA store")
    assert tls_summary("rediss://h/0?ssl_ca_certs=/ca.pem&ssl_check_hostname=false") == (
        "TLS: on, certificate verified against the CA file /ca.pem, host name not checked")
    assert "NOT verified" in tls_summary("rediss://h/0?ssl_cert_reqs=none")


# -- key prefix: validation ------------------------------------------------------------


def test_key_prefix_default_is_the_historical_one(clean_env: None) -> None:
    report = load_config(environ=os.environ)
    assert report.value("redis_key_prefix") == DEFAULT_KEY_PREFIX == "mesop:session:"


@pytest.mark.parametrize(("raw", "words", "suggestion"), [
    ("", "is empty", None),
    ("my app:", "only printable ASCII", "my_app:"),
    ("caf\u00e9:", "only printable ASCII", "caf_:"),
    ("x" * 65, "more than 64", "x" * 64),
    ("app:lock:", "ends in 'lock:'", "app:sessions:"),
])
def test_bad_key_prefixes_are_refused(raw: str, words: str, suggestion: str | None) -> None:
    with pytest.raises(Invalid) as caught:
        cast_redis_key_prefix(raw)
    assert words in caught.value.reason
    assert caught.value.suggestion == suggestion


def test_key_prefix_error_names_the_variable(clean_env: None) -> None:
    result = check_config({"MESOP_STATE_SESSION_BACKEND": "redis",
                           "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis://127.0.0.1:1/0",
                           "MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX": "two words"})
    assert result.exit_code == 1
    assert "error E001 MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX='two words'" in result.output


# -- key prefix: two apps on one database ----------------------------------------------


@pytest.fixture
def run_keys() -> Iterator[tuple[str, str]]:
    """(test Redis URL, a pattern start unique to this test); its keys are deleted after."""
    url = redis_url()
    start = f"mesop-test:{uuid.uuid4().hex}:"
    yield url, start
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=start + "*"):
        client.delete(key)
    client.close()


def test_two_apps_with_their_own_prefix_share_a_database(run_keys: tuple[str, str]) -> None:
    url, start = run_keys
    first_prefix, second_prefix = start + "a:", start + "b:"
    # The first as a launch builds it, from the settings.
    first = create_backend(make_settings(backend="redis", redis_url=url,
                                         redis_key_prefix=first_prefix))
    second = RedisBackend(url, ttl_seconds=600, key_prefix=second_prefix)
    try:
        shared_id, only_first = new_session_id(), new_session_id()
        first.save(shared_id, b"first app's state")
        first.save(only_first, b"x" * 100)
        assert second.load(shared_id) is None  # the other app's session is not visible
        assert second.load(only_first) is None
        second.save(shared_id, b"second")
        assert first.load(shared_id) == b"first app's state"
        # One app's lock on a session id does not hold the other app's session.
        held = first.lock(shared_id, timeout=1)
        second.lock(shared_id, timeout=0.5).release()
        with pytest.raises(LockTimeout):
            first.lock(shared_id, timeout=0.2)
        # Sweeps measure their own keys only, locks excluded.
        first.sweep()
        second.sweep()
        assert first.stats.bytes_stored == len(b"first app's state") + 100
        assert second.stats.bytes_stored == len(b"second")
        # Every key written so far starts with one of the two prefixes: no key of its own.
        client = redis.Redis.from_url(url)
        keys = [k.decode() for k in client.scan_iter(match=start + "*")]
        client.close()
        assert sorted(keys) == sorted([first_prefix + shared_id, first_prefix + only_first,
                                       first_prefix + "lock:" + shared_id,
                                       second_prefix + shared_id])
        held.release()
        # Removing a session in one app leaves the other's session of the same id alone.
        first.remove(shared_id)
        assert first.load(shared_id) is None
        assert second.load(shared_id) == b"second"
    finally:
        first.close()
        second.close()


# -- TLS against a real redis-server ---------------------------------------------------


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    binary = redis_server_binary()
    if not tls_supported(binary):
        pytest.skip(f"{binary} was built without TLS: only the URL handling is tested")
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_port(certificates: Certificates, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[int]:
    with tls_redis(tmp_path_factory.mktemp("tls-redis"), certificates) as port:
        yield port


def test_tls_with_the_ca_file_is_verified_and_serves_sessions(
        certificates: Certificates, tls_port: int) -> None:
    url = f"rediss://127.0.0.1:{tls_port}/0?ssl_ca_certs={certificates.ca}"
    assert cast_redis_url(url) == url
    check = check_redis(url)
    assert check.ok, check.detail
    assert check.detail.endswith(f"TLS: on, certificate verified against the CA file "
                                 f"{certificates.ca}")
    backend = RedisBackend(url, ttl_seconds=60, key_prefix=f"mesop-test:{uuid.uuid4().hex}:")
    try:
        sid = new_session_id()
        lock = backend.lock(sid)
        backend.save(sid, b"over TLS")
        lock.release()
        assert backend.load(sid) == b"over TLS"
        backend.remove(sid)
    finally:
        backend.close()


def test_tls_without_the_ca_is_a_clear_verification_error(
        clean_env: None, certificates: Certificates, tls_port: int) -> None:
    result = check_config({"MESOP_STATE_SESSION_BACKEND": "redis",
                           "MESOP_STATE_SESSION_BACKEND_REDIS_URL":
                               f"rediss://:{PASSWORD}@127.0.0.1:{tls_port}/0"})
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error E005")]
    assert len(errors) == 1, result.output
    assert "TLS verification failed" in errors[0]
    assert "Fix: add ssl_ca_certs=/path/to/ca.pem" in errors[0]
    assert PASSWORD not in result.output and ":***@127.0.0.1" in errors[0]
    assert "Traceback" not in result.output


def test_tls_with_the_wrong_ca_fails_verification(
        certificates: Certificates, tls_port: int) -> None:
    check = check_redis(f"rediss://127.0.0.1:{tls_port}/0?ssl_ca_certs={certificates.other_ca}")
    assert not check.ok
    problem = store_problems([check])[0]
    assert problem.code == "E005" and "TLS verification failed" in problem.message


def test_plain_url_to_the_tls_port_suggests_rediss(tls_port: int) -> None:
    check = check_redis(f"redis://127.0.0.1:{tls_port}/0")
    assert not check.ok
    assert check.fix is not None and "use rediss://" in check.fix


# -- Sentinel against real redis-server processes --------------------------------------


@pytest.fixture(scope="module")
def sentinel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """(master port, sentinel port): a throwaway master and a Sentinel monitoring it."""
    directory = tmp_path_factory.mktemp("sentinel")
    with plain_redis(directory, PASSWORD) as master, \
            sentinel_for(directory, master, PASSWORD) as port:
        yield master, port


def test_sentinel_check_names_sentinels_service_and_master(
        clean_env: None, sentinel: tuple[int, int]) -> None:
    master, port = sentinel
    result = check_config({"MESOP_STATE_SESSION_BACKEND": "redis",
                           "MESOP_STATE_SESSION_BACKEND_REDIS_URL":
                               f"redis+sentinel://:{PASSWORD}@127.0.0.1:{port}/{SERVICE}/2"})
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert (f"check ok: redis: redis+sentinel://:***@127.0.0.1:{port}/{SERVICE}/2: sentinels "
            f"127.0.0.1:{port} answered; service {SERVICE}: master at 127.0.0.1:{master}, "
            "db 2, answered PING in ") in result.output
    # A wrong password reaches the sentinels (which need none) but not the master.
    wrong_password = f"redis+sentinel://:not-{PASSWORD}@127.0.0.1:{port}/{SERVICE}/2"
    result = check_config({"MESOP_STATE_SESSION_BACKEND_REDIS_URL": wrong_password})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert PASSWORD not in result.output
    assert (f"error E005 redis: redis+sentinel://:***@127.0.0.1:{port}/{SERVICE}/2: the "
            f"master of '{SERVICE}', 127.0.0.1:{master}, did not answer PING") in result.output
    wrong = check_redis(f"redis+sentinel://127.0.0.1:{port}/nosuchservice")
    assert not wrong.ok and "names no live master for service 'nosuchservice'" in wrong.detail
    dead = check_redis("redis+sentinel://127.0.0.1:1/svc", timeout=1)
    assert not dead.ok and "no sentinel answered" in dead.detail


def test_events_go_through_sentinel_to_the_master(
        sentinel: tuple[int, int], tmp_path: Path) -> None:
    master, port = sentinel
    prefix = f"mesop-test:{uuid.uuid4().hex}:"
    url = f"redis+sentinel://:{PASSWORD}@127.0.0.1:{port}/{SERVICE}/3"
    settings = make_settings(backend="redis", redis_url=url, redis_key_prefix=prefix)
    backend = create_backend(settings)
    try:
        sid = new_session_id()
        lock = backend.lock(sid)
        backend.save(sid, b"via sentinel")
        lock.release()
        assert backend.load(sid) == b"via sentinel"
        client = Client(create_flask_app(write_app(tmp_path), settings, backend=backend))
        client.send(None)
        client.click("Increment")
        client.click("Increment")
        assert client.state is not None and client.state["State"]["count"] == 2
        on_master = redis.Redis(host="127.0.0.1", port=master, db=3, password=PASSWORD)
        stored = on_master.get(prefix + (client.session or ""))
        on_master.close()
        assert stored is not None and b'"count":2' in stored.replace(b" ", b"")
    finally:
        backend.close()


def test_a_redis_server_named_as_a_sentinel_is_told_apart() -> None:
    server = urlsplit(redis_url())
    check = check_redis(f"redis+sentinel://{server.hostname}:{server.port}/{SERVICE}")
    assert not check.ok
    assert check.fix is not None and "is a Redis server, not a Sentinel" in check.fix


def test_a_dead_master_behind_sentinel_is_unavailable_and_redacted() -> None:
    backend = RedisBackend(f"redis+sentinel://:{PASSWORD}@127.0.0.1:1/{SERVICE}",
                           ttl_seconds=60)
    try:
        with pytest.raises(BackendUnavailable) as caught:
            backend.load(new_session_id())
    finally:
        backend.close()
    message = str(caught.value)
    assert f"service {SERVICE} (db 0) via sentinel 127.0.0.1:1" in message
    assert PASSWORD not in message


# -- PostgreSQL sslmode ----------------------------------------------------------------


def test_unknown_sslmode_is_refused_with_the_near_one() -> None:
    with pytest.raises(Invalid) as caught:
        cast_sql_uri("postgresql+psycopg://u@db.example/app?sslmode=verify_full")
    assert "which libpq does not know" in caught.value.reason
    assert caught.value.suggestion == "postgresql+psycopg://u@db.example/app?sslmode=verify-full"
    assert cast_sql_uri("postgresql+psycopg://u@db.example/app?sslmode=verify-ca")


@pytest.mark.parametrize(("uri", "pgsslmode", "warned"), [
    ("postgresql+psycopg://u:{pw}@db.example.com/app", None, "sslmode=prefer (libpq's default)"),
    ("postgresql+psycopg://u:{pw}@10.1.2.3/app?sslmode=disable", None, "sslmode=disable (the URI)"),
    ("postgresql+psycopg://u:{pw}@db.example.com/app", "allow", "sslmode=allow (PGSSLMODE)"),
    ("postgresql+psycopg://u:{pw}@db.example.com/app?sslmode=require", "disable", None),
    ("postgresql+psycopg://u:{pw}@127.0.0.1/app?sslmode=disable", None, None),
    ("postgresql+psycopg://u:{pw}@localhost/app", None, None),
    ("postgresql+psycopg://u:{pw}@/app?host=/var/run/postgresql", None, None),
])
def test_w011_warns_of_plain_text_to_a_remote_postgresql(
        clean_env: None, uri: str, pgsslmode: str | None, warned: str | None) -> None:
    environ = {"MESOP_STATE_SESSION_BACKEND": "sql",
               "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": uri.format(pw=PASSWORD)}
    if pgsslmode:
        environ["PGSSLMODE"] = pgsslmode
    report = load_config(environ=environ)
    w011 = [w for w in report.warnings if w.code == "W011"]
    if warned is None:
        assert w011 == []
        return
    assert len(w011) == 1 and warned in w011[0].message
    assert PASSWORD not in w011[0].message and "sslmode=verify-full" in w011[0].message


def test_an_unknown_pgsslmode_is_refused_before_the_launch(clean_env: None) -> None:
    environ = {"MESOP_STATE_SESSION_BACKEND": "sql", "PGSSLMODE": "requre",
               "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI":
                   f"postgresql+psycopg://u:{PASSWORD}@db.example.com/app"}
    report = load_config(environ=environ)
    (error,) = [e for e in report.errors if "PGSSLMODE" in e.message]
    assert error.code == "E001" and "Did you mean require?" in error.message
    assert PASSWORD not in error.message
    # The URI's own sslmode wins, so PGSSLMODE is not read then.
    environ["MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI"] += "?sslmode=require"
    assert not [e for e in load_config(environ=environ).errors if "PGSSLMODE" in e.message]


@pytest.fixture
def pg_table() -> Iterator[str]:
    """A table name of this test's own on the test PostgreSQL, dropped afterwards."""
    uri = postgres_uri()
    name = f"mesop_stores_{uuid.uuid4().hex[:12]}"
    yield name
    engine = sqlalchemy.create_engine(uri)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'DROP TABLE IF EXISTS "{name}"'))
    engine.dispose()


def test_sslmode_disable_connects_and_is_reported(pg_table: str) -> None:
    uri = postgres_uri()
    separator = "&" if "?" in uri else "?"
    check = check_sql(f"{uri}{separator}sslmode=disable", pg_table)
    assert check.ok, check.detail
    assert check.detail.endswith("TLS: off, sslmode=disable (the URI): never encrypted")
    backend = SqlBackend(f"{uri}{separator}sslmode=disable", pg_table, ttl_seconds=60)
    try:
        sid = new_session_id()
        backend.save(sid, b"plain")
        assert backend.load(sid) == b"plain"
        backend.remove(sid)
    finally:
        backend.close()


def test_sslmode_require_against_a_server_without_tls_is_a_clear_e005(
        clean_env: None, pg_table: str) -> None:
    uri = postgres_uri()
    separator = "&" if "?" in uri else "?"
    required = f"{uri}{separator}sslmode=require"
    with_password = required.replace("://root@", f"://root:{PASSWORD}@")
    result = check_config({"MESOP_STATE_SESSION_BACKEND": "sql",
                           "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": with_password,
                           "MESOP_STATE_SESSION_BACKEND_SQL_TABLE": pg_table})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert PASSWORD not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error ")]
    assert len(errors) == 1 and errors[0].startswith("error E005 sql: "), result.output
    assert "TLS failure with sslmode=require (the URI)" in errors[0]
    assert "server does not support SSL" in errors[0]
    assert "Fix: the server has TLS off" in errors[0]
    backend = SqlBackend(required, pg_table, ttl_seconds=60)
    try:
        with pytest.raises(BackendUnavailable, match="server does not support SSL"):
            backend.load(new_session_id())
    finally:
        backend.close()


def test_check_config_json_reports_tls_and_the_prefix(clean_env: None) -> None:
    os.environ.update({"MESOP_STATE_SESSION_BACKEND": "redis",
                       "MESOP_STATE_SESSION_BACKEND_REDIS_URL": redis_url(),
                       "MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX": "shop:sessions:"})
    result = CliRunner().invoke(main, ["--check-config", "--format", "json"],
                                catch_exceptions=False)
    data = json.loads(result.output)
    assert data["ok"] is True
    settings = {s["name"]: s for s in data["settings"]}
    assert settings["MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX"] == {
        "name": "MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX",
        "read_as": "MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX",
        "value": "shop:sessions:", "source": "environment"}
    assert data["checks"][0]["detail"].endswith("TLS: off")


def test_banner_names_a_prefix_that_is_not_the_default() -> None:
    from mesop_cli.cli import _backend_summary

    url = f"redis+sentinel://:{PASSWORD}@s1:26379/{SERVICE}"
    default = _backend_summary(make_settings(backend="redis", redis_url=url))
    assert default == f"redis at redis+sentinel://:***@s1:26379/{SERVICE} (TTL 600 s)"
    shop = _backend_summary(make_settings(backend="redis", redis_url=url,
                                          redis_key_prefix="shop:"))
    assert shop.endswith("(TTL 600 s, key prefix shop:)")
