"""The ``redis`` backend: one key per session, expiring by itself, shared by every instance.

Keys are ``<key_prefix><session id>`` and carry the TTL as a Redis expiry; ``load`` renews
it with ``GETEX`` so the TTL slides with each event. The per-session lock is redis-py's
:class:`redis.lock.Lock` (a random owner token, an expiry, a Lua-scripted release that only
deletes the key while the token still matches), so events of one session are serialized
across threads, processes and machines, and a crashed holder frees the session after
:data:`LOCK_EXPIRY_SECONDS`. Threads of one process first queue on a local lock, so only one
of them at a time polls Redis and a hand-over inside a process is immediate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import LockError, RedisError
from redis.lock import Lock
from redis.retry import Retry

from mesop_cli.sessions.base import (
    BackendUnavailable,
    LockTimeout,
    SessionBackend,
    SessionLock,
)

logger = logging.getLogger(__name__)

#: How long a lock survives its holder. Longer than any sane event (a streaming handler
#: included), short enough that a crashed worker does not block its session for long.
LOCK_EXPIRY_SECONDS = 60.0
#: Pause between two attempts at a lock held by another process.
LOCK_POLL_SECONDS = 0.02
#: ``bytes_stored`` is re-measured at most this often (see :meth:`RedisBackend.sweep`).
MEASURE_INTERVAL_SECONDS = 60.0
_SCAN_BATCH = 1000
_SESSION_ID_LENGTH = 43


class _RedisSessionLock(SessionLock):
    """The Redis lock plus the process-local lock queued on before it."""

    def __init__(self, local: SessionLock, shared: Lock, where: str) -> None:
        self._local = local
        self._shared = shared
        self._where = where
        self._held = True

    def renew(self) -> None:
        """Restart the lock's expiry; a failure is logged: the event goes on regardless."""
        if not self._held:
            return
        try:
            self._shared.reacquire()
        except LockError:
            logger.warning("session lock expired before it could be renewed")
        except RedisError as exc:
            logger.warning("could not renew session lock at Redis %s: %s", self._where, exc)

    def release(self) -> None:
        """Release both locks; a Redis failure here is logged, not raised.

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
        except RedisError as exc:
            logger.warning("could not release session lock at Redis %s: %s", self._where, exc)
        finally:
            self._local.release()


class RedisBackend(SessionBackend):
    """Sessions in Redis (``redis://`` or ``rediss://``), for many processes and hosts."""

    name = "redis"

    def __init__(self, url: str, ttl_seconds: int, key_prefix: str = "mesop:session:") -> None:
        super().__init__(ttl_seconds)
        self._prefix = key_prefix
        # Short socket timeouts and a single retry keep a dead server from stalling a
        # request (or --check-config) for longer than a few seconds; the health check
        # notices a connection the server dropped while it sat idle in the pool.
        self._client = redis.Redis.from_url(
            url,
            socket_connect_timeout=3,
            socket_timeout=5,
            health_check_interval=30,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=1),
        )
        kwargs = self._client.connection_pool.connection_kwargs
        self._password = kwargs.get("password")
        self._where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
        # Data keys are the prefix plus exactly 43 id characters; lock keys are longer, so
        # this pattern (with the prefix's glob characters escaped) matches data keys only.
        escaped = "".join("\\" + ch if ch in "\\*?[]" else ch for ch in key_prefix)
        self._data_pattern = escaped + "?" * _SESSION_ID_LENGTH
        self._measure_guard = threading.Lock()
        self._next_measure = 0.0

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn any Redis failure into :class:`BackendUnavailable` naming host:port only."""
        try:
            yield
        except RedisError as exc:
            detail = f"{type(exc).__name__}: {exc}"
            if self._password:
                detail = detail.replace(self._password, "***")
            raise BackendUnavailable(f"Redis at {self._where} is unavailable ({detail})") from None

    def _key(self, session_id: str) -> str:
        return self._prefix + session_id

    def retrieve(self, session_id: str) -> bytes | None:
        with self._errors():
            return self._client.getex(self._key(session_id), ex=self.ttl_seconds)

    def upsert(self, session_id: str, data: bytes) -> None:
        with self._errors():
            self._client.set(self._key(session_id), data, ex=self.ttl_seconds)
        self._maybe_measure()

    def delete(self, session_id: str) -> None:
        with self._errors():
            self._client.delete(self._key(session_id))

    def lock(self, session_id: str, timeout: float = 30.0) -> SessionLock:
        """Queue on the local lock, then take the Redis lock with what is left of ``timeout``."""
        started = time.monotonic()
        local = super().lock(session_id, timeout)
        shared = Lock(
            self._client,
            self._prefix + "lock:" + session_id,
            timeout=LOCK_EXPIRY_SECONDS,
            sleep=LOCK_POLL_SECONDS,
            thread_local=False,
        )
        remaining = max(0.0, timeout - (time.monotonic() - started))
        try:
            with self._errors():
                acquired = shared.acquire(blocking=True, blocking_timeout=remaining)
        except BaseException:
            local.release()
            raise
        if not acquired:
            local.release()
            raise LockTimeout(f"session busy for more than {timeout:g}s")
        return _RedisSessionLock(local, shared, self._where)

    def ping(self) -> None:
        with self._errors():
            self._client.ping()

    def sweep(self) -> int:
        """Remove nothing (Redis expires keys itself) and measure ``stats.bytes_stored``.

        The measure is exact for this key prefix at the time of the scan: SCAN over the data
        keys and sum their STRLEN, in pipelined batches. It is not kept up to date between
        scans, because expiries happen inside Redis without telling anyone; a counter key
        would drift upwards forever. ``save`` triggers a scan at most every
        :data:`MEASURE_INTERVAL_SECONDS`. Every process measures the same shared store, so
        the value must not be summed across processes.
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
        self.stats.bytes_stored = total
        return 0

    def _sizes(self, keys: list[bytes]) -> int:
        pipe = self._client.pipeline(transaction=False)
        for key in keys:
            pipe.strlen(key)
        return sum(pipe.execute())

    def _maybe_measure(self) -> None:
        """Measure at most once per interval per process, in whichever thread gets there."""
        if time.monotonic() < self._next_measure or not self._measure_guard.acquire(False):
            return
        try:
            if time.monotonic() >= self._next_measure:
                self._next_measure = time.monotonic() + MEASURE_INTERVAL_SECONDS
                self.sweep()
        finally:
            self._measure_guard.release()

    def close(self) -> None:
        self._client.close()
