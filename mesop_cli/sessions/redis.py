"""The ``redis`` backend: one key per session, expiring by itself, shared by every instance.

Keys are ``<key_prefix><session id>`` and carry the TTL as a Redis expiry; ``load`` renews
it with ``GETEX`` so the TTL slides with each event. A value saved from a state image starts
with its write tag, which a process that saved the session reads alone (``GETRANGE``) to
know whether its kept copy still holds (see :mod:`mesop_cli.sessions.near_cache`). Locks are
``<key_prefix>lock:<id>``: every key starts with the prefix, so apps with different prefixes
share a database without seeing each other's keys. The URL may be ``redis://``,
``rediss://`` (TLS), ``redis+sentinel://`` or ``redis+cluster://`` (see
:mod:`mesop_cli.config.redis_url`). The
per-session lock is redis-py's :class:`redis.lock.Lock` (a random owner token, an expiry, a
Lua-scripted release that only deletes the key while the token still matches), so events of
one session are serialized across threads, processes and machines, and a crashed holder
frees the session after :data:`LOCK_EXPIRY_SECONDS`. Threads of one process first queue on a
local lock, so only one of them at a time polls Redis and a hand-over inside a process is
immediate.

A Redis that stops answering (a crash, a network partition, SIGSTOP) costs each command at
most :data:`COMMAND_TIMEOUT_SECONDS`, so events answer 503 quickly and healthz quicker. A
lock command sent just before such a timeout may still be applied when Redis wakes up, and
a release that timed out never happened: either leaves a lock nobody will release for its
whole expiry. The process concerned remembers the token and deletes that lock (only while
it still holds that token) once Redis answers again.

A save under a held lock is one Lua script (:data:`_SET_IF_TOKEN`): the value is written
only while the lock key still holds our token, so an event whose lock expired, or was
deleted or lost in a failover, cannot overwrite what the event that took the session over
saved (:class:`~mesop_cli.sessions.base.LockLost` instead).

On a Redis Cluster (``redis+cluster://``) the id in every key is a hash tag:
``<key_prefix>{<id>}`` and ``<key_prefix>lock:{<id>}``. Redis hashes only what is between
the braces, so a session's lock and value sit in one slot, on one node, and the fenced save
(a script that must touch keys of one slot) runs there. Plain and Sentinel URLs keep the
keys without braces: sessions saved before an upgrade are found after it. The cluster
client learns the nodes and their slots when first used, not when made, so an app starts
(and answers 503) while the cluster is down, as it does with a single Redis.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.commands.core import Script
from redis.connection import Encoder, parse_url
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError, RedisClusterException, RedisError
from redis.lock import Lock
from redis.retry import Retry
from redis.sentinel import Sentinel

from mesop_cli.config.redis_url import (
    DEFAULT_KEY_PREFIX,
    LOCK_INFIX,
    ClusterUrl,
    SentinelUrl,
    is_cluster_url,
    is_sentinel_url,
    parse_cluster_url,
    parse_sentinel_url,
)
from mesop_cli.sessions.base import (
    BackendUnavailable,
    LockLost,
    LockTimeout,
    SharedLock,
)
from mesop_cli.sessions.near_cache import DEFAULT_CACHE_BYTES, HEADER_BYTES, NearCachedBackend
from mesop_cli.sessions.redis_mailbox import RedisMailbox
from mesop_cli.state_format.session_ids import ID_LENGTH

logger = logging.getLogger(__name__)

#: How long a lock survives its holder. Longer than any sane event (a streaming handler
#: included), short enough that a crashed worker does not block its session for long.
LOCK_EXPIRY_SECONDS = 60.0
#: Pause between two attempts at a lock held by another process.
LOCK_POLL_SECONDS = 0.02
#: ``bytes_stored`` is re-measured at most this often (see :meth:`RedisBackend.sweep`).
MEASURE_INTERVAL_SECONDS = 60.0
#: Longest wait for one Redis command (and for a connection): an event that reaches a
#: frozen Redis answers 503 within a few seconds instead of hanging its thread.
COMMAND_TIMEOUT_SECONDS = 1.5
#: healthz's own, shorter bound: a load balancer must learn of a dead store fast.
HEALTH_TIMEOUT_SECONDS = 1.0
#: How long after Redis answers again an orphaned lock is still looked for: its SET may be
#: processed a moment after our first command on a fresh connection.
ORPHAN_GRACE_SECONDS = 3.0
ORPHAN_POLL_SECONDS = 0.2
_SCAN_BATCH = 1000
#: What a Redis command can fail with: the cluster client's own errors (no node reachable,
#: keys of several slots) are not RedisErrors.
FAILURES = (RedisError, RedisClusterException)
#: How often a cluster command is tried again after a connection error or CLUSTERDOWN,
#: each time on a topology asked afresh: enough to follow a moved slot, few enough that a
#: node that is down costs an event a few seconds, not the client's default of ten tries.
CLUSTER_RETRIES = 2
#: Deletes the lock only while it holds the given token: another event's lock is left alone.
_DELETE_IF_TOKEN = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""
#: Sets the session's value (KEYS[2] to ARGV[2], expiring in ARGV[3] seconds) only while
#: its lock (KEYS[1]) holds our token (ARGV[1]): the check and the write in one step.
_SET_IF_TOKEN = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then
    return 0
end
redis.call('set', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1
"""


class _RedisSessionLock(SharedLock):
    """The Redis lock, taken with a token of ours so that a failed release can be undone."""

    # The local lock first: the next thread of this process then waits on the Redis lock,
    # which is still held, rather than behind this release, which can take a whole command
    # timeout when Redis does not answer.
    release_local_first = True

    def __init__(self, shared: Lock, token: str, where: str, orphans: _OrphanedLocks) -> None:
        self._shared = shared
        self._token = token
        self._where = where
        self._orphans = orphans
        self._held = True

    @property
    def key(self) -> str:
        return self._shared.name

    @property
    def token(self) -> str:
        return self._token

    def renew(self) -> None:
        """Restart the lock's expiry; :class:`LockLost` when it is no longer ours, or
        Redis did not answer (the lock may expire before the event ends)."""
        if not self._held:
            return
        try:
            self._shared.reacquire()
        except LockError:
            raise LockLost("the session lock expired or was taken before it could be "
                           "renewed") from None
        except FAILURES as exc:
            raise LockLost(f"could not renew the session lock at Redis {self._where}: "
                           f"{exc}") from None

    def release(self) -> None:
        """Release the Redis lock; a Redis failure here is logged, not raised.

        The event has already been saved when the caller releases, so failing the request
        would only hide a success; the Redis lock expires on its own anyway.
        """
        if not self._held:
            return
        self._held = False
        try:
            self._shared.release()
        except LockError:
            logger.warning(
                "session lock expired before release (event ran longer than %gs)",
                LOCK_EXPIRY_SECONDS,
            )
        except FAILURES as exc:
            # Left alone, the lock would keep the session for its whole expiry after Redis
            # returns: delete it then.
            logger.warning("could not release session lock at Redis %s: %s", self._where, exc)
            self._orphans.add(self._shared.name, self._token)


def connect(url: str, timeout: float, **options: Any) -> Any:
    """A client for a plain, TLS, Sentinel or Cluster URL, every socket bounded by
    ``timeout``.

    Behind Sentinel the client's pool asks the sentinels for the master's address each
    time it opens a connection, so after a failover new connections reach the new master
    (and a connection to a demoted master is dropped when it answers READONLY). For a
    cluster it is a :class:`LazyCluster`: a ``retry`` option is the cluster client's own.
    """
    bounds = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    if is_cluster_url(url):
        return LazyCluster(parse_cluster_url(url), {**bounds, **options})
    if not is_sentinel_url(url):
        return redis.Redis.from_url(url, **bounds, **options)
    target = parse_sentinel_url(url)
    return sentinel_for(target, timeout).master_for(
        target.service, db=target.db, username=target.username, password=target.password,
        **bounds, **options)


class LazyCluster:
    """A :class:`redis.cluster.RedisCluster` made on first use.

    redis-py's cluster client asks the nodes for the slot map when it is made, and fails
    when none answers; made lazily, a backend can be created (and a worker booted) while
    the cluster is down, and its first command fails like any other, to be retried by
    the next event. Everything else is the real client's.
    """

    def __init__(self, target: ClusterUrl, options: dict[str, Any]) -> None:
        self.target = target
        self._options = options
        self._guard = threading.Lock()
        self._client: RedisCluster | None = None

    def get(self) -> RedisCluster:
        """The client, made now if it was not yet (the nodes are asked then)."""
        with self._guard:
            if self._client is None:
                self._client = self._make()
            return self._client

    def _make(self) -> RedisCluster:
        options = dict(self._options)
        retries = options.pop("retry", None)
        tls: dict[str, Any] = {}
        if self.target.tls:
            # redis-py's own reading of the TLS options, as for a rediss:// URL.
            query = "&".join(f"{name}={value}" for name, value in self.target.options)
            parsed = parse_url(f"rediss://localhost/0?{query}")
            tls = {name: value for name, value in parsed.items() if name.startswith("ssl")}
            tls["ssl"] = True
        return RedisCluster(
            startup_nodes=[ClusterNode(host, port) for host, port in self.target.nodes],
            username=self.target.username, password=self.target.password,
            retry=retries or Retry(ExponentialBackoff(cap=0.5, base=0.05), CLUSTER_RETRIES),
            **tls, **options)

    def get_encoder(self) -> Encoder:
        """The encoder a script hashes itself with, without reaching the cluster."""
        return Encoder("utf-8", "strict", False)

    def close(self) -> None:
        with self._guard:
            if self._client is not None:
                self._client.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


def sentinel_for(target: SentinelUrl, timeout: float) -> Sentinel:
    """The sentinels of ``target``, reached without a password (the URL's is the master's)
    and without retries: asking for the master already tries each sentinel in turn."""
    bounds = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    return Sentinel(list(target.sentinels),
                    sentinel_kwargs={**bounds, "retry": Retry(NoBackoff(), 0)}, **bounds)


def where(url: str, kwargs: dict[str, Any]) -> str:
    """The server named in messages: host:port, a socket path, the Sentinel service, or the
    cluster's nodes."""
    if is_cluster_url(url):
        return parse_cluster_url(url).describe()
    if is_sentinel_url(url):
        return parse_sentinel_url(url).describe()
    return kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"


class RedisBackend(NearCachedBackend):
    """Sessions in Redis (``redis://``, ``rediss://``, ``redis+sentinel://`` or
    ``redis+cluster://``), for many processes and hosts. Every key it writes starts with
    ``key_prefix``."""

    name = "redis"
    #: ``save`` re-measures ``bytes_stored`` (see :meth:`sweep`) at most this often.
    sweep_interval = MEASURE_INTERVAL_SECONDS

    def __init__(self, url: str, ttl_seconds: int,
                 key_prefix: str = DEFAULT_KEY_PREFIX,
                 cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        super().__init__(ttl_seconds, cache_bytes)
        self._prefix = key_prefix
        # Short socket timeouts and a single retry keep a dead server from stalling a
        # request (or --check-config) for longer than a few seconds; the health check
        # notices a connection the server dropped while it sat idle in the pool.
        self._client = connect(
            url, COMMAND_TIMEOUT_SECONDS,
            health_check_interval=30,
            # One retry for a pooled connection the server closed, none for a timeout: a
            # command that timed out once would only time out again.
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=1,
                        supported_errors=(RedisConnectionError,)),
        )
        self._health_client = connect(url, HEALTH_TIMEOUT_SECONDS,
                                      retry=Retry(ExponentialBackoff(), retries=0))
        self._orphans = _OrphanedLocks(self._health_client)
        # A Script made here rather than by register_script, which would reach a cluster.
        self._set_if_token = Script(self._client, _SET_IF_TOKEN)
        self.cluster = isinstance(self._client, LazyCluster)
        if isinstance(self._client, LazyCluster):
            self._password = self._client.target.password
            self._where = self._client.target.describe()
        else:
            kwargs = self._client.connection_pool.connection_kwargs
            self._password = kwargs.get("password")
            self._where = where(url, kwargs)
        # On a cluster the id is each key's hash tag (see the module docstring).
        self._open, self._close = ("{", "}") if self.cluster else ("", "")
        # Data keys are the prefix plus exactly ID_LENGTH id characters (in braces on a
        # cluster); lock keys are longer, so this pattern (with the prefix's glob
        # characters escaped) matches data keys only.
        escaped = "".join("\\" + ch if ch in "\\*?[]" else ch for ch in key_prefix)
        self._data_pattern = escaped + self._open + "?" * ID_LENGTH + self._close
        self.mailbox = RedisMailbox(self._client, key_prefix,
                                    lambda session_id: self._open + session_id + self._close,
                                    self._errors)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn any Redis failure into :class:`BackendUnavailable` naming host:port only."""
        try:
            yield
        except FAILURES as exc:
            detail = f"{type(exc).__name__}: {exc}"
            if self._password:
                detail = detail.replace(self._password, "***")
            raise BackendUnavailable(f"Redis at {self._where} is unavailable ({detail})") from None

    def _key(self, session_id: str) -> str:
        return self._prefix + self._open + session_id + self._close

    def lock_key(self, session_id: str) -> str:
        """The key of the session's lock (in the slot of its value on a cluster)."""
        return self._prefix + LOCK_INFIX + self._open + session_id + self._close

    def fetch_value(self, session_id: str) -> bytes | None:
        with self._errors():
            return self._client.getex(self._key(session_id), ex=self.ttl_seconds)

    def fetch_header(self, session_id: str) -> bytes | None:
        key = self._key(session_id)
        with self._errors():
            # The tag, and the expiry renewed, in one round trip.
            pipe = self._client.pipeline(transaction=False)
            pipe.getrange(key, 0, HEADER_BYTES - 1)
            pipe.expire(key, self.ttl_seconds)
            header, renewed = pipe.execute()
        return header if renewed else None

    def store_value(self, session_id: str, value: bytes, fence: SharedLock | None = None
                    ) -> None:
        if fence is None:
            with self._errors():
                self._client.set(self._key(session_id), value, ex=self.ttl_seconds)
            return
        assert isinstance(fence, _RedisSessionLock)
        with self._errors():
            written = self._set_if_token(keys=[fence.key, self._key(session_id)],
                                         args=[fence.token, value, self.ttl_seconds])
        if not written:
            raise LockLost("the session lock expired or was taken by another event before "
                           "the save; nothing was written")

    def remove_value(self, session_id: str) -> None:
        with self._errors():
            self._client.delete(self._key(session_id))

    def acquire_shared(self, session_id: str, deadline: float) -> SharedLock:
        # Our own token, so that an attempt that timed out can be undone later.
        token = secrets.token_hex(16)
        with self._errors():
            shared = Lock(
                self._client,
                self.lock_key(session_id),
                timeout=LOCK_EXPIRY_SECONDS,
                sleep=LOCK_POLL_SECONDS,
                thread_local=False,
            )
            try:
                acquired = shared.acquire(blocking=True, token=token,
                                          blocking_timeout=max(0.0, deadline - time.monotonic()))
            except FAILURES:
                self._orphans.add(shared.name, token)
                raise
        if not acquired:
            raise LockTimeout
        return _RedisSessionLock(shared, token, self._where, self._orphans)

    def ping(self) -> None:
        with self._errors():
            if isinstance(self._health_client, LazyCluster):
                # Every primary: a session may live on any of them.
                self._health_client.ping(target_nodes=RedisCluster.PRIMARIES)
            else:
                self._health_client.ping()

    def sweep(self) -> int:
        """Remove nothing (Redis expires keys itself) and measure ``stats.bytes_stored``.

        The measure is exact for this key prefix at the time of the scan: SCAN over the data
        keys and sum their STRLEN, in pipelined batches. It is not kept up to date between
        scans, because expiries happen inside Redis without telling anyone; a counter key
        would drift upwards forever. ``save`` triggers a scan on its first call and then at
        most every :data:`MEASURE_INTERVAL_SECONDS`. Every process measures the same shared
        store, so the value must not be summed across processes.
        """
        total = 0
        with self._errors():
            batch: list[bytes] = []
            for key in self._client.scan_iter(match=self._data_pattern, count=_SCAN_BATCH):
                batch.append(key)
                if len(batch) == _SCAN_BATCH:
                    total += self._sizes(batch)
                    batch = []
            total += self._sizes(batch)
        self.measured_held_bytes(total)
        return 0

    def _sizes(self, keys: list[bytes]) -> int:
        pipe = self._client.pipeline(transaction=False)
        for key in keys:
            pipe.strlen(key)
        return sum(pipe.execute())

    def close(self) -> None:
        super().close()
        self._client.close()
        self._health_client.close()


class _OrphanedLocks:
    """Locks nobody will release, deleted by a background thread once Redis is back: an
    acquisition that timed out (Redis may apply its SET NX on waking, for an event that has
    long answered 503) and a release that failed. Either would keep the session for the
    lock's whole expiry.
    """

    def __init__(self, client: redis.Redis | LazyCluster) -> None:
        self._client = client
        self._guard = threading.Lock()
        #: (lock key, token) -> time at which to stop looking for it.
        self._pending: dict[tuple[str, str], float] = {}
        self._thread: threading.Thread | None = None

    def add(self, key: str, token: str) -> None:
        with self._guard:
            self._pending[(key, token)] = time.monotonic() + LOCK_EXPIRY_SECONDS
            if self._thread is None:
                self._thread = threading.Thread(target=self._reap, name="mesop-redis-orphans",
                                                daemon=True)
                self._thread.start()

    def _reap(self) -> None:
        delete = Script(self._client, _DELETE_IF_TOKEN)
        while True:
            with self._guard:
                if not self._pending:
                    self._thread = None
                    return
                pending = list(self._pending.items())
            for (key, token), stop_at in pending:
                try:
                    deleted = delete(keys=[key], args=[token])
                except FAILURES:
                    break  # still away: the other tokens would only time out as well
                now = time.monotonic()
                if deleted:
                    logger.info("removed a session lock left by a command sent before a "
                                "Redis timeout")
                # Redis answers: the orphan's SET, if still queued, lands within moments.
                stop_at = min(stop_at, now + ORPHAN_GRACE_SECONDS)
                with self._guard:
                    if deleted or now >= stop_at:
                        self._pending.pop((key, token), None)
                    else:
                        self._pending[(key, token)] = stop_at
            with self._guard:
                for entry, stop_at in list(self._pending.items()):
                    if time.monotonic() >= stop_at:
                        del self._pending[entry]
            time.sleep(ORPHAN_POLL_SECONDS)
