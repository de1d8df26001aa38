"""The redis backend on a Redis Cluster (``redis+cluster://``), from the URL's validation
to a real server that keeps every answered click across a node's restart.

The cluster is three throwaway redis-server nodes (tests/support/redis_servers.py), with
append-only files so that a node stopped and started again keeps its keys. The contract
suite (tests/test_sessions_contract.py) runs on the cluster as well, fenced saves included.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner, Result

from mesop_cli.cli import main
from mesop_cli.config.options import Invalid, cast_redis_url
from mesop_cli.config.redis_url import ClusterUrl, parse_cluster_url, tls_summary
from mesop_cli.sessions.base import BackendUnavailable, LockLost
from mesop_cli.sessions.redis import RedisBackend
from mesop_cli.state_format.session_ids import new_session_id
from tests.support.redis_servers import RedisClusterNodes, redis_cluster
from tests.support.server import ROOT, running_server
from tests.support.services import redis_url
from tests.support.tab import ServerError, Tab

PASSWORD = "hunter2-s3cret"
COUNTER_APP = ROOT / "tests" / "apps" / "fenced_counter_app.py"


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No MESOP_* from the shell, no .env of theirs, os.environ restored after."""
    monkeypatch.setattr(os, "environ", os.environ.copy())
    for name in list(os.environ):
        if name.startswith(("MESOP_", "_MESOP_")) or name == "WEB_CONCURRENCY":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def check_config(env: dict[str, str]) -> Result:
    os.environ.update(env)
    return CliRunner().invoke(main, ["--check-config"], catch_exceptions=False)


# -- the URL ---------------------------------------------------------------------------


def test_cluster_url_parts() -> None:
    parsed = parse_cluster_url(f"redis+cluster://app:{PASSWORD}%40x@n1.example:7000,"
                               "10.0.0.2,[::1]:7002")
    assert parsed == ClusterUrl(nodes=(("n1.example", 7000), ("10.0.0.2", 6379),
                                       ("::1", 7002)),
                                username="app", password=f"{PASSWORD}@x", tls=False,
                                options=())
    assert parsed.describe() == "cluster via n1.example:7000, 10.0.0.2:6379, [::1]:7002"
    assert parse_cluster_url("redis+cluster://h:1/0").nodes == (("h", 1),)
    tls = parse_cluster_url("rediss+cluster://h:1?ssl_cert_reqs=none")
    assert tls.tls and tls.options == (("ssl_cert_reqs", "none"),)
    assert tls_summary("rediss+cluster://h:1?ssl_cert_reqs=none").startswith(
        "TLS: on, server certificate NOT verified")
    assert tls_summary("redis+cluster://h:1") == "TLS: off"


@pytest.mark.parametrize(("url", "words"), [
    ("redis+cluster://", "names no node"),
    ("redis+cluster:///0", "names no node"),
    ("redis+cluster://h1:0", "port is not a number"),
    ("redis+cluster://h1,,h2", "which is not host[:port]"),
    ("redis+cluster://h1/3", "only database 0"),
    ("redis+cluster://h1?socket_timeout=1", "takes only the TLS options"),
    ("redis+cluster://h1#x", "fragment"),
    ("redis+cluster://:pa/ss@h1", "percent-encode"),
])
def test_malformed_cluster_urls_say_what_is_wrong(url: str, words: str) -> None:
    with pytest.raises(Invalid) as caught:
        cast_redis_url(url)
    assert words in caught.value.reason


def test_cluster_url_fixes_are_suggested() -> None:
    with pytest.raises(Invalid) as caught:
        cast_redis_url("redis+cluster://h1:7000/3")
    assert caught.value.suggestion == "redis+cluster://h1:7000"
    with pytest.raises(Invalid) as caught:
        cast_redis_url("redis+cluster://h1?ssl_cert_reqs=none")
    assert caught.value.suggestion == "rediss+cluster://h1?ssl_cert_reqs=none"
    with pytest.raises(Invalid) as caught:
        cast_redis_url("redis+clustr://h1")
    assert caught.value.suggestion == "redis+cluster://h1"


def test_a_brace_in_the_prefix_is_refused_for_a_cluster_only(clean_env: None) -> None:
    env = {"MESOP_STATE_SESSION_BACKEND": "redis",
           "MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX": "app{1}:",
           "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis+cluster://127.0.0.1:1"}
    result = check_config(env)
    assert result.exit_code == 1
    assert ("error E001 MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX='app{1}:' (environment) "
            "has '{', which Redis Cluster reads as the start or end of a hash tag") \
        in result.output
    assert "did you mean 'app1:'?" in result.output
    # A single Redis has no hash slots: the same prefix is fine there.
    result = check_config({**env, "MESOP_STATE_SESSION_BACKEND_REDIS_URL": redis_url()})
    assert "E001" not in result.output, result.output


def test_a_cluster_that_is_down_is_unavailable_and_redacted() -> None:
    """The client is made on first use: the backend is made while no node answers, and
    each command fails as a 503 would, naming the nodes and not the password."""
    backend = RedisBackend(f"redis+cluster://:{PASSWORD}@127.0.0.1:1,127.0.0.1:2",
                           ttl_seconds=60)
    try:
        for call in (lambda: backend.load(new_session_id()),
                     lambda: backend.lock(new_session_id(), timeout=1), backend.ping):
            with pytest.raises(BackendUnavailable) as caught:
                call()
            assert "cluster via 127.0.0.1:1, 127.0.0.1:2" in str(caught.value)
            assert PASSWORD not in str(caught.value)
    finally:
        backend.close()


# -- against a real cluster ------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisClusterNodes]:
    with redis_cluster(tmp_path_factory.mktemp("cluster")) as nodes:
        yield nodes


def test_check_config_reports_the_cluster_and_its_masters(
        clean_env: None, cluster: RedisClusterNodes) -> None:
    result = check_config({"MESOP_STATE_SESSION_BACKEND": "redis",
                           "MESOP_STATE_SESSION_BACKEND_REDIS_URL": cluster.url()})
    assert result.exit_code == 0, result.output
    masters = ", ".join(sorted(f"127.0.0.1:{port}" for port in cluster.ports))
    assert (f"check ok: redis: {cluster.url()}: cluster mode, cluster_state:ok; 3 masters "
            f"({masters}) answered PING in ") in result.output


def test_a_plain_url_to_a_cluster_node_says_to_use_the_cluster_url(
        clean_env: None, cluster: RedisClusterNodes) -> None:
    port = cluster.ports[0]
    result = check_config({"MESOP_STATE_SESSION_BACKEND": "redis",
                           "MESOP_STATE_SESSION_BACKEND_REDIS_URL": f"redis://127.0.0.1:{port}"})
    assert result.exit_code == 1
    [error] = [line for line in result.output.splitlines() if line.startswith("error E005")]
    assert "is a node of a Redis Cluster (cluster_enabled:1 in INFO)" in error
    assert f"Fix: use redis+cluster://127.0.0.1:{port} " in error


def test_a_cluster_url_to_a_single_redis_says_it_is_no_cluster_node() -> None:
    from urllib.parse import urlsplit

    from mesop_cli.check_config import check_redis

    single = urlsplit(redis_url())
    check = check_redis(f"redis+cluster://{single.hostname}:{single.port}")
    assert not check.ok and "answered but not as a cluster node" in check.detail
    assert check.fix is not None and "use redis://host:port/db" in check.fix


def test_a_session_s_keys_share_one_slot_and_sessions_spread(
        cluster: RedisClusterNodes) -> None:
    backend = RedisBackend(cluster.url(), ttl_seconds=60)
    client = redis.RedisCluster(host="127.0.0.1", port=cluster.ports[0])
    try:
        nodes = set()
        for _ in range(30):
            sid = new_session_id()
            key, lock = backend._key(sid), backend.lock_key(sid)
            assert (key, lock) == (f"mesop:session:{{{sid}}}", f"mesop:session:lock:{{{sid}}}")
            assert client.keyslot(key) == client.keyslot(lock)
            nodes.add(client.get_node_from_key(key).name)
            held = backend.lock(sid, timeout=5)
            backend.save(sid, b"x", held)  # the fenced save: one script over both keys
            held.release()
            backend.remove(sid)
        assert len(nodes) > 1  # the id, not the prefix, picks the slot
    finally:
        client.close()
        backend.close()
    # A single Redis keeps the keys it always had: sessions survive an upgrade.
    plain = RedisBackend(redis_url(), ttl_seconds=60)
    try:
        sid = new_session_id()
        assert (plain._key(sid), plain.lock_key(sid)) == (f"mesop:session:{sid}",
                                                          f"mesop:session:lock:{sid}")
    finally:
        plain.close()


def test_a_deleted_lock_refuses_the_save_on_the_cluster(cluster: RedisClusterNodes) -> None:
    backend = RedisBackend(cluster.url(), ttl_seconds=60)
    client = redis.RedisCluster(host="127.0.0.1", port=cluster.ports[1])
    try:
        sid = new_session_id()
        backend.save(sid, b"before")
        held = backend.lock(sid, timeout=5)
        assert client.delete(backend.lock_key(sid)) == 1
        with pytest.raises(LockLost):
            backend.save(sid, b"after", held)
        with pytest.raises(LockLost):
            held.renew()
        held.release()
        assert backend.load(sid) == b"before"
        assert client.get(backend._key(sid)) == b"before"
    finally:
        client.close()
        backend.close()


# -- a real server through a node's restart ----------------------------------------------


def _count(tab: Tab) -> int:
    [text] = [t for t in tab.texts() if t.startswith("Count: ")]
    return int(text.removeprefix("Count: "))


class _Clicker:
    """A tab clicking "Add" on its own connection until told to pause or stop, counting
    the clicks answered 200 and those refused with 503."""

    def __init__(self, url: str) -> None:
        self.tab = Tab(url, server_side=True)
        self.tab.open("/")
        self.answered = 0
        self.refused = 0
        self.run = threading.Event()
        self.idle = threading.Event()
        self.stop = False
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._clicks)

    def _clicks(self) -> None:
        try:
            while not self.stop:
                if not self.run.is_set():
                    self.idle.set()
                    self.run.wait(0.05)
                    continue
                self.idle.clear()
                try:
                    self.tab.click("Add")
                except ServerError as exc:
                    assert exc.status == 503, exc
                    self.refused += 1
                    time.sleep(0.05)
                else:
                    self.answered += 1
        except BaseException as exc:  # reported by the test's thread
            self.failure = exc
        finally:
            self.idle.set()

    def pause(self) -> None:
        self.run.clear()
        self.idle.clear()
        _wait_for(self.idle.is_set, "a clicking tab to pause")

    def stored_count(self, url: str) -> int:
        """The count the store holds, read by a tab with no copy of its own (so nothing
        is recovered from one); its click adds one, counted as answered."""
        reader = Tab(url, server_side=True)
        reader.session_id, reader.tree, reader.path = (self.tab.session_id, self.tab.tree,
                                                       self.tab.path)
        reader.click("Add")
        self.answered += 1
        assert reader.misses == 0
        return _count(reader) - 1


@pytest.mark.integration
def test_no_answered_click_is_lost_when_a_node_restarts(tmp_path: Path) -> None:
    """Six tabs (each its own connection and session, spread over the three nodes) click
    together; one node is stopped with SIGTERM while they click and started again on its
    port with its nodes.conf. Clicks may be answered 503 while it is away. Right after the
    cluster is back, the store holds every session with at least the clicks answered
    before the stop (with the nodes' append-only files off, the restarted node's sessions
    are gone and this fails), and each tab's count is every click answered 200 (an answer
    whose save failed during the outage is made good by the tab's signed copy)."""
    with redis_cluster(tmp_path / "cluster") as cluster:
        env = {"MESOP_STATE_SESSION_BACKEND": "redis",
               "MESOP_STATE_SESSION_BACKEND_REDIS_URL": cluster.url(),
               "MESOP_SECRET_KEY": "cluster-restart-test-key-" + "x" * 32}
        with running_server([], env=env, app=COUNTER_APP) as server:
            clickers = [_Clicker(server.url) for _ in range(6)]
            for clicker in clickers:
                clicker.thread.start()
                clicker.run.set()

            def answered() -> int:
                return sum(c.answered for c in clickers)

            def refused() -> int:
                return sum(c.refused for c in clickers)

            try:
                _wait_for(lambda: answered() >= 30, "clicks before the stop")
                for clicker in clickers:
                    clicker.pause()
                assert refused() == 0
                before_stop = [c.answered for c in clickers]
                cluster.stop_node(cluster.ports[1])
                for clicker in clickers:
                    clicker.run.set()
                _wait_for(lambda: refused() > 3, "clicks refused while the node is away")
                # Paused before the node returns: the store is read before any tab's
                # copy could make good what it lost.
                for clicker in clickers:
                    clicker.pause()
                cluster.start_node(cluster.ports[1])
                cluster.wait_ok()
                for clicker, kept in zip(clickers, before_stop, strict=True):
                    stored = clicker.stored_count(server.url)
                    assert kept <= stored <= clicker.answered + clicker.refused, (
                        kept, stored, clicker.answered, clicker.refused)
                after = answered()
                for clicker in clickers:
                    clicker.run.set()
                _wait_for(lambda: answered() >= after + 30, "clicks after the restart")
            finally:
                for clicker in clickers:
                    clicker.stop = True
                    clicker.run.set()
                    clicker.thread.join(timeout=60)
            assert [c.failure for c in clickers] == [None] * len(clickers)
            for clicker in clickers:
                clicker.tab.click("Add")
                clicker.answered += 1
                # Every answered click counted; a refused one may have been written
                # before its answer was lost, never more than those.
                count = _count(clicker.tab)
                assert clicker.answered <= count <= clicker.answered + clicker.refused, (
                    count, clicker.answered, clicker.refused)


def _wait_for(condition: object, what: str, timeout: float = 60.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)
