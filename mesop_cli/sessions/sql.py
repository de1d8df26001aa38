"""The ``sql`` backend: one row per session, through SQLAlchemy Core (SQLite or PostgreSQL).

Table ``<table>``: ``id`` (the session id, :data:`~mesop_cli.state_format.session_ids.ID_LENGTH`
characters, primary key), ``data`` (the encoded state) and ``expires_at`` (seconds since the
epoch, indexed). It is created when missing. ``load`` pushes ``expires_at`` forward, so the
TTL slides with each event; rows past it are invisible to ``load`` and deleted by
:meth:`SqlBackend.sweep`, which ``save`` runs on its first call and then at most every
:data:`SWEEP_INTERVAL_SECONDS`.

The per-session lock differs by database:

* PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit hash of table and id, inside a
  transaction held open on a dedicated connection until ``release``. The server queues the
  waiters (no polling), ``lock_timeout`` bounds the wait, and a crashed holder's lock goes
  with its connection. Those connections come from a pool of their own, so lock holders
  and waiters can never starve the short data queries of connections.
* SQLite: a lease row in ``<table>_locks`` (owner token and expiry), taken with one
  conditional upsert and deleted on release, polled while another process holds it.
  Chosen over ``fcntl`` locks on a file beside the database because it needs no file
  handling (POSIX record locks belong to a process, not to a thread or an open file, and
  are dropped when any descriptor of the file is closed), works on Windows too, and behaves
  like the Redis lock: a crashed holder frees the session after
  :data:`LOCK_EXPIRY_SECONDS`.

Either way, threads of one process queue on the base class's local lock first, so only one
of them at a time waits on the database and a hand-over inside a process is immediate.

A save under a held lock is fenced, so an event that lost its lock cannot overwrite the
session after another event took it (:class:`~mesop_cli.sessions.base.LockLost` instead):

* PostgreSQL: the upsert runs in the lock's own transaction and commits it, which also
  ends the lock. A transaction whose connection the server ended (a restart, a failover,
  ``idle_in_transaction_session_timeout``, ``pg_terminate_backend``) has lost its lock, and
  the write fails with it. The lock is spent by that save: a second one under it is refused.
* SQLite: the upsert and an update of the lease row that matches only while we own it
  (which renews it too) run in one transaction; no row matched, nothing is written.

What one event costs on PostgreSQL, where each round trip and each byte the server handles
counts (a 1 MB state took 33 ms per event before these):

* Each data query is one statement in autocommit mode: ``load`` is a single
  ``UPDATE ... RETURNING data``, ``save`` a single upsert, so no ``BEGIN``/``COMMIT`` round
  trips. Every statement is atomic by itself.
* A process that saved a session last reads only the write tag at the start of ``data``
  (``RETURNING substr(data, 1, 20)``) and keeps using its own copy while the tag is still
  the one it wrote (see :mod:`mesop_cli.sessions.near_cache`).
* The state is read in PostgreSQL's binary format (raw bytes), not as ``bytea``'s hex text,
  which doubles what is sent and must be decoded (7 ms of a 1 MB load).
* The ``data`` column is compressed with lz4 rather than the default pglz, which took most
  of the server's time to write 1 MB (lz4 is several times faster and still compresses JSON
  text); set once when the table is created or first seen, where the server supports it.
* Data connections commit with ``synchronous_commit = off``: a commit returns before its
  WAL is flushed to disk. A server crash can lose the last fraction of a second of saves
  (never corrupt the table), which for a session is the same as a save that failed: the
  row holds the previous version (or none), the browser holds the newer signed copy of
  the lost render, its version claim earns a miss, and the copy it then sends is adopted
  because its signed version is newer than the store's (see docs/security.md). The lock
  connections write nothing, so they are left as configured.

On both, each statement of an event is built once per backend (:class:`_Statements`) and
only bound at each execution. On SQLite a big value is padded so that its length changes
in steps (:meth:`SqlBackend.padding`): a 1 MB append event went from about 7 ms to under 3.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    LargeBinary,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from mesop_cli.sessions.base import (
    BackendUnavailable,
    LockLost,
    LockTimeout,
    SharedLock,
)
from mesop_cli.sessions.near_cache import DEFAULT_CACHE_BYTES, HEADER_BYTES, NearCachedBackend
from mesop_cli.sessions.sql_mailbox import SqlMailbox, mailbox_table
from mesop_cli.state_format.session_ids import ID_LENGTH

logger = logging.getLogger(__name__)

#: ``save`` deletes expired rows and re-measures ``bytes_stored`` at most this often.
SWEEP_INTERVAL_SECONDS = 60.0
#: How long a SQLite lease survives a holder that never released it (a crashed worker).
LOCK_EXPIRY_SECONDS = 60.0
#: Pause between two attempts at a SQLite lease held by another process.
LOCK_POLL_SECONDS = 0.01
#: SQLite values from this length on are padded (see :meth:`SqlBackend.padding`).
_PAD_FROM_BYTES = 64 * 1024
#: Seconds to wait for a connection (or, on SQLite, for another writer to finish).
CONNECT_TIMEOUT_SECONDS = 3
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL SQLSTATE raised when lock_timeout expires
#: Execution option asking for a statement's results in PostgreSQL's binary format.
_BINARY_RESULTS = "mesop_binary_results"
_DIALECTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


class _PostgresSessionLock(SharedLock):
    """An advisory lock that lives as long as the transaction on ``conn``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._held = True
        #: The transaction was committed by a save, which ended the lock with it.
        self._spent = False

    def store(self, statement: Any, params: dict[str, Any]) -> None:
        """Run ``statement`` in the lock's transaction and commit both: written only
        while the lock is held. :class:`LockLost` when the transaction (and so the lock)
        was gone; other failures as SQLAlchemy raised them."""
        if self._spent or not self._held:
            raise LockLost("the session's lock ended with an earlier save")
        self._spent = True
        try:
            self._conn.execute(statement, params)
            self._conn.commit()
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise LockLost("the session lock's database connection was lost before "
                               "the save, and the lock with it; nothing was written") from None
            raise

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        try:
            self._conn.close()  # rolls the transaction back, which ends the lock
        except SQLAlchemyError as exc:
            logger.warning("could not end session lock transaction: %s", exc)


class _LeaseSessionLock(SharedLock):
    """A lease row owned by ``owner``; deleting it only when it is still ours."""

    def __init__(self, lease: _Lease) -> None:
        self._lease = lease
        self._held = True

    @property
    def lease(self) -> _Lease:
        return self._lease

    def renew(self) -> None:
        """Extend the lease; :class:`LockLost` when it is no longer ours, or the database
        did not answer (the lease may expire before the event ends)."""
        if not self._held:
            return
        try:
            extended = self._lease.extend()
        except SQLAlchemyError as exc:
            raise LockLost(f"could not renew the session lease: {exc}") from None
        if not extended:
            raise LockLost("the session lease expired and was taken before it was renewed")

    def release(self) -> None:
        """Drop the lease; a database failure is logged, since the lease expires anyway."""
        if not self._held:
            return
        self._held = False
        try:
            self._lease.release()
        except SQLAlchemyError as exc:
            logger.warning("could not release session lease: %s", exc)


class SqlBackend(NearCachedBackend):
    """Sessions in a SQL table: SQLite for one host, PostgreSQL for several."""

    name = "sql"
    sweep_interval = SWEEP_INTERVAL_SECONDS

    def __init__(self, uri: str, table: str, ttl_seconds: int,
                 cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        super().__init__(ttl_seconds, cache_bytes)
        url = make_url(uri)
        self._dialect = url.get_backend_name()
        if self._dialect not in _DIALECTS:
            raise ValueError(
                f"the sql backend supports sqlite and postgresql, not {self._dialect!r} "
                f"(in {url.render_as_string(hide_password=True)})"
            )
        self._where = url.render_as_string(hide_password=True)
        self._password = url.password
        metadata = MetaData()
        self._table = Table(
            table,
            metadata,
            Column("id", String(ID_LENGTH), primary_key=True),
            Column("data", LargeBinary, nullable=False),
            Column("expires_at", Float, nullable=False, index=True),
        )
        self._leases: Table | None = None
        self._lock_engine: Engine | None = None
        if self._dialect == "sqlite":
            self._leases = Table(
                f"{table}_locks",
                metadata,
                Column("id", String(ID_LENGTH), primary_key=True),
                Column("owner", String(32), nullable=False),
                Column("expires_at", Float, nullable=False),
            )
            # `timeout` is SQLite's busy timeout: how long a write waits for another writer.
            self._engine = create_engine(
                url,
                pool_pre_ping=True,
                hide_parameters=True,
                connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
            )
            event.listen(self._engine, "connect", _sqlite_pragmas)
        else:
            options: dict[str, Any] = {
                "pool_pre_ping": True,
                "hide_parameters": True,
                "connect_args": {"connect_timeout": CONNECT_TIMEOUT_SECONDS},
            }
            # One statement per data query, each committed on its own: no BEGIN and COMMIT
            # round trips (see the module docstring, as for the two listeners).
            self._engine = create_engine(url, isolation_level="AUTOCOMMIT", **options)
            event.listen(self._engine, "connect", _postgresql_commit_asynchronously)
            if self._engine.dialect.driver == "psycopg":  # psycopg 3: cursors have a format
                event.listen(self._engine, "before_cursor_execute", _binary_results_if_asked)
            # Unbounded overflow: lock connections are capped by the number of request
            # threads anyway, and a pool wait here would not honour the lock timeout.
            self._lock_engine = create_engine(url, max_overflow=-1, **options)
        #: Events posted while another event of their session streams (sql_mailbox.py).
        self._rows_mailbox = SqlMailbox(mailbox_table(table, metadata), self._transaction)
        self.mailbox = self._rows_mailbox
        self._metadata = metadata
        self._ready = False
        self._ready_guard = threading.Lock()
        self._statements = _Statements(self._table, self._leases, _DIALECTS[self._dialect])

    # -- plumbing ----------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn a database failure into :class:`BackendUnavailable` with a redacted URL.

        Only the driver's first line is kept: SQLAlchemy's own message would quote the SQL
        statement. After a failure the table is checked again on the next call, in case
        it was dropped or the database was replaced.
        """
        try:
            yield
        except SQLAlchemyError as exc:
            raise self._unavailable(exc) from None

    def _unavailable(self, exc: SQLAlchemyError) -> BackendUnavailable:
        self._ready = False
        cause = exc.orig if isinstance(exc, DBAPIError) else exc
        lines = str(cause).strip().splitlines() or [type(cause).__name__]
        detail = lines[0]
        if self._password:
            detail = detail.replace(self._password, "***")
        return BackendUnavailable(f"SQL database {self._where} is unavailable: {detail}")

    def _ensure_table(self) -> None:
        """Create the tables once per backend; tolerate another process creating them first."""
        if self._ready:
            return
        with self._ready_guard, self._errors():
            if self._ready:
                return
            try:
                self._metadata.create_all(self._engine, checkfirst=True)
            except SQLAlchemyError:
                # Another process created some of the tables between our check and our
                # CREATE. Check again for every table (the sessions table alone existing
                # does not mean its lease table does yet), once the other is done.
                time.sleep(0.05)
                self._metadata.create_all(self._engine, checkfirst=True)
            if self._dialect == "postgresql":
                self._compress_with_lz4()
            self._ready = True

    def _compress_with_lz4(self) -> None:
        """Have PostgreSQL compress new ``data`` values with lz4 instead of pglz (see the
        module docstring), unless the column already does. A server without lz4 (before
        PostgreSQL 14, or built without it), or a table we may not alter, keeps pglz: a
        slower save is no reason to refuse to start."""
        quoted = self._engine.dialect.identifier_preparer.format_table(self._table)
        try:
            with self._engine.connect().execution_options(
                    isolation_level="READ COMMITTED") as conn, conn.begin():
                method = conn.execute(
                    text("SELECT attcompression FROM pg_attribute "
                         "WHERE attrelid = CAST(:table AS regclass) AND attname = 'data'"),
                    {"table": quoted},
                ).scalar_one_or_none()
                if method == "l":
                    return
                # Altering waits for the table's other users; never for long at startup.
                conn.execute(select(func.set_config("lock_timeout", "2s", True)))
                conn.exec_driver_sql(f"ALTER TABLE {quoted} ALTER COLUMN data "
                                     "SET COMPRESSION lz4")
        except SQLAlchemyError as exc:
            cause = exc.orig if isinstance(exc, DBAPIError) else exc
            detail = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
            logger.info("session data stays compressed with pglz: %s", detail)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        self._ensure_table()
        with self._errors(), self._engine.begin() as conn:
            yield conn

    # -- storage -----------------------------------------------------------------------

    def fetch_value(self, session_id: str) -> bytes | None:
        """Renew and read in one statement on PostgreSQL, in one transaction on SQLite
        (whose ``RETURNING`` of a 1 MB value took five times as long as a ``SELECT``), so
        an expired row is never revived."""
        return self._renew_and_read(session_id, header=False)

    def fetch_header(self, session_id: str) -> bytes | None:
        return self._renew_and_read(session_id, header=True)

    def _renew_and_read(self, session_id: str, header: bool) -> bytes | None:
        now = time.time()
        renewal = {"sid": session_id, "now": now, "new_expiry": now + self.ttl_seconds}
        statements = self._statements
        with self._transaction() as conn:
            if self._dialect == "postgresql":
                renew_and_read = (statements.renew_returning_header if header
                                  else statements.renew_returning_data)
                return conn.execute(renew_and_read, renewal,
                                    execution_options={_BINARY_RESULTS: True}
                                    ).scalar_one_or_none()
            if conn.execute(statements.renew, renewal).rowcount != 1:
                return None
            read = statements.read_header if header else statements.read_data
            return conn.execute(read, {"sid": session_id}).scalar_one()

    def store_value(self, session_id: str, value: bytes, fence: SharedLock | None = None
                    ) -> None:
        row = {"sid": session_id, "value": value, "new_expiry": time.time() + self.ttl_seconds}
        if isinstance(fence, _PostgresSessionLock):
            self._ensure_table()
            with self._errors():
                fence.store(self._statements.store, row)
            return
        with self._transaction() as conn:
            if isinstance(fence, _LeaseSessionLock):
                # First, so that this transaction takes SQLite's write lock at once.
                if conn.execute(self._statements.extend_lease, fence.lease.extended()
                                ).rowcount != 1:
                    raise LockLost("the session lease expired and was taken by another "
                                   "event before the save; nothing was written")
            conn.execute(self._statements.store, row)

    def padding(self, length: int) -> int:
        """On SQLite, spaces after the state so that its length changes in steps.

        A value over one page lives in a chain of overflow pages. SQLite rewrites the
        chain in place while the length stays the same, but frees it and builds a new one
        when the length changes, which took a 1 MB append event from about 3 to 7 ms. So
        a value of 64 KB or more is padded to a multiple of 1/32 of its power of two
        (at most 3% more bytes): appends cross a step every few hundred events. JSON
        allows the trailing spaces, and the write tag still starts the value.
        """
        if self._dialect != "sqlite" or length < _PAD_FROM_BYTES:
            return 0
        step = 1 << (length.bit_length() - 6)
        return -length % step

    def remove_value(self, session_id: str) -> None:
        with self._transaction() as conn:
            conn.execute(delete(self._table).where(self._table.c.id == session_id))

    def sweep(self) -> int:
        """Delete expired rows (and stale SQLite leases); re-measure ``bytes_stored``.

        ``bytes_stored`` is the total length of the live rows' data, read from the shared
        table, so it must not be summed across processes.
        """
        now = time.time()
        t = self._table
        with self._transaction() as conn:
            removed = conn.execute(delete(t).where(t.c.expires_at <= now)).rowcount
            if self._leases is not None:
                conn.execute(delete(self._leases).where(self._leases.c.expires_at <= now))
            self._rows_mailbox.sweep(conn)
            size = conn.execute(
                select(func.coalesce(func.sum(func.length(t.c.data)), 0)).where(
                    t.c.expires_at > now
                )
            ).scalar_one()
        self.measured_held_bytes(int(size))
        return removed

    def ping(self) -> None:
        """``SELECT 1``, then make sure the table exists (creating it if it may)."""
        with self._errors(), self._engine.connect() as conn:
            conn.execute(select(1))
        self._ensure_table()

    def close(self) -> None:
        super().close()
        self._engine.dispose()
        if self._lock_engine is not None:
            self._lock_engine.dispose()

    # -- locking -----------------------------------------------------------------------

    def acquire_shared(self, session_id: str, deadline: float) -> SharedLock:
        if self._lock_engine is not None:
            remaining = max(0.0, deadline - time.monotonic())
            return _PostgresSessionLock(self._advisory_lock(session_id, remaining))
        return _LeaseSessionLock(self._take_lease(session_id, deadline))

    def _advisory_lock(self, session_id: str, timeout: float) -> Connection:
        """Open a transaction holding the session's advisory lock; return its connection."""
        assert self._lock_engine is not None
        digest = hashlib.blake2b(f"{self._table.name}:{session_id}".encode(), digest_size=8)
        key = int.from_bytes(digest.digest(), "big", signed=True)
        # lock_timeout 0 would mean "wait forever", hence at least one millisecond.
        wait = f"{max(1, int(timeout * 1000))}ms"
        with self._errors():
            conn = self._lock_engine.connect()
        try:
            # The save commits in this transaction (see the module docstring): asynchronously,
            # as the data connections do.
            conn.execute(select(func.set_config("lock_timeout", wait, True),
                                func.set_config("synchronous_commit", "off", True)))
            conn.execute(select(func.pg_advisory_xact_lock(key)))
        except DBAPIError as exc:
            conn.close()
            if getattr(exc.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                raise LockTimeout from None
            raise self._unavailable(exc) from None
        except BaseException:
            conn.close()
            raise
        return conn

    def _take_lease(self, session_id: str, deadline: float) -> _Lease:
        """Poll for the lease row until it is ours, or until ``deadline`` (monotonic)."""
        assert self._leases is not None
        owner = secrets.token_hex(16)
        while True:
            now = time.time()
            with self._transaction() as conn:
                taken = conn.execute(self._statements.take_lease, {
                    "sid": session_id, "lease_owner": owner, "now": now,
                    "new_expiry": now + LOCK_EXPIRY_SECONDS}).rowcount == 1
            if taken:
                break
            if time.monotonic() + LOCK_POLL_SECONDS > deadline:
                raise LockTimeout
            time.sleep(LOCK_POLL_SECONDS)

        return _Lease(self._engine, self._statements, session_id, owner)


class _Lease:
    """A SQLite lease row this process owns; every change is conditional on the owner."""

    def __init__(self, engine: Engine, statements: _Statements, session_id: str,
                 owner: str) -> None:
        self._engine = engine
        self._statements = statements
        self._mine = {"sid": session_id, "lease_owner": owner}

    def extended(self) -> dict[str, Any]:
        """The parameters of ``extend_lease``: ours, expiring LOCK_EXPIRY_SECONDS from now."""
        return {**self._mine, "new_expiry": time.time() + LOCK_EXPIRY_SECONDS}

    def extend(self) -> bool:
        """True when the lease was still ours and now expires LOCK_EXPIRY_SECONDS from now."""
        with self._engine.begin() as conn:
            result = conn.execute(self._statements.extend_lease, self.extended())
        return result.rowcount == 1

    def release(self) -> None:
        with self._engine.begin() as conn:
            conn.execute(self._statements.release_lease, self._mine)


class _Statements:
    """The statements of every event, built once per backend with named parameters.

    Building a statement (the insert's ``excluded`` columns, the where clause) and its
    cache key cost more than half a millisecond of every event; a statement object built
    once keeps its cache key, so each execution only binds its values. The parameters'
    names differ from the columns' (SQLAlchemy reserves those in VALUES and SET).
    """

    def __init__(self, table: Table, leases: Table | None, insert: Any) -> None:
        sid = bindparam("sid")
        self.renew = (update(table)
                      .where(table.c.id == sid, table.c.expires_at > bindparam("now"))
                      .values(expires_at=bindparam("new_expiry")))
        # substr counts from 1 and works on blobs in both dialects.
        header = func.substr(table.c.data, 1, HEADER_BYTES)
        self.renew_returning_data = self.renew.returning(table.c.data)
        self.renew_returning_header = self.renew.returning(header)
        self.read_data = select(table.c.data).where(table.c.id == sid)
        self.read_header = select(header).where(table.c.id == sid)
        store = insert(table).values(id=sid, data=bindparam("value"),
                                     expires_at=bindparam("new_expiry"))
        self.store = store.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"data": store.excluded.data, "expires_at": store.excluded.expires_at})
        if leases is None:
            return
        take = sqlite_insert(leases).values(id=sid, owner=bindparam("lease_owner"),
                                            expires_at=bindparam("new_expiry"))
        self.take_lease = take.on_conflict_do_update(
            index_elements=[leases.c.id],
            set_={"owner": take.excluded.owner, "expires_at": take.excluded.expires_at},
            where=leases.c.expires_at <= bindparam("now"))
        mine = (leases.c.id == sid) & (leases.c.owner == bindparam("lease_owner"))
        self.extend_lease = update(leases).where(mine).values(expires_at=bindparam("new_expiry"))
        self.release_lease = delete(leases).where(mine)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    """WAL lets readers and one writer work at once across processes; NORMAL sync is safe
    with WAL (a crash can lose the last commits, never corrupt the file)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _postgresql_commit_asynchronously(dbapi_connection: Any, _record: object) -> None:
    """``synchronous_commit = off`` for a new data connection (why it is safe: see the
    module docstring)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET synchronous_commit = off")
    finally:
        cursor.close()
    dbapi_connection.commit()


def _binary_results_if_asked(conn: Any, cursor: Any, statement: str, parameters: Any,
                             context: Any, executemany: bool) -> None:
    """Binary results for a statement run with the ``_BINARY_RESULTS`` option: a
    ``bytea`` then arrives as its bytes instead of hex text. Each execution has a cursor
    of its own, so no other statement is affected."""
    if context is not None and context.execution_options.get(_BINARY_RESULTS):
        from psycopg.pq import Format

        cursor.format = Format.BINARY
