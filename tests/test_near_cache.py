"""The near cache of the file, redis and sql backends (mesop_cli/sessions/near_cache.py): a
process that saved a session reads only its write tag on the next load, and never serves a
state another process (or a plain ``save``) wrote since. Against files, a real Redis,
SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from mesop_cli.sessions.file import FileBackend
from mesop_cli.sessions.footprint import resident_bytes
from mesop_cli.sessions.near_cache import HEADER_BYTES, NearCache, NearCachedBackend, new_tag
from mesop_cli.sessions.redis import RedisBackend
from mesop_cli.sessions.sql import SqlBackend
from mesop_cli.state_format.image import StateImage, capture
from mesop_cli.state_format.session_ids import new_session_id
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings, write_app
from tests.test_redis_backend import prefix, url  # noqa: F401 (fixtures)
from tests.test_sql_backend import _postgresql_table


@dataclasses.dataclass
class State:
    count: int = 0
    words: list[str] = dataclasses.field(default_factory=list)


CLASSES = {"State": State}
MakeBackend = Callable[..., NearCachedBackend]


def image_of(count: int, version: int = 1) -> StateImage:
    states: dict[str, object] = {"State": State(count, ["w"] * count)}
    image = capture(states, None, version, "/")
    image.states = states  # as the web layer saves it: with its live objects
    return image


@pytest.fixture
def raw(url: str, prefix: str) -> Iterator[tuple[redis.Redis, str]]:  # noqa: F811
    """A plain client on the test Redis, and the test's key prefix."""
    client = redis.Redis.from_url(url)
    yield client, prefix
    client.close()


@pytest.fixture(params=["file", "redis", "sqlite", "postgresql"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeBackend]:
    """Backends sharing one store, as several app instances would."""
    made: list[NearCachedBackend] = []
    cleanup: Iterator[tuple[str, str]] | None = None
    if request.param == "file":

        def factory(cache_bytes: int) -> NearCachedBackend:
            return FileBackend(ttl_seconds=60, base_dir=str(tmp_path / "sessions"),
                               cache_bytes=cache_bytes)
    elif request.param == "redis":
        url, key_prefix = request.getfixturevalue("url"), request.getfixturevalue("prefix")

        def factory(cache_bytes: int) -> NearCachedBackend:
            return RedisBackend(url, ttl_seconds=60, key_prefix=key_prefix,
                                cache_bytes=cache_bytes)
    else:
        if request.param == "sqlite":
            uri, table = f"sqlite:///{tmp_path / 'sessions.db'}", "sessions"
        else:
            cleanup = _postgresql_table(f"mesop_test_{uuid.uuid4().hex[:12]}")
            uri, table = next(cleanup)

        def factory(cache_bytes: int) -> NearCachedBackend:
            return SqlBackend(uri, table, ttl_seconds=60, cache_bytes=cache_bytes)

    def tracked(cache_bytes: int = 1 << 20) -> NearCachedBackend:
        made.append(factory(cache_bytes))
        return made[-1]

    yield tracked
    for backend in made:
        backend.close()
    if cleanup is not None:
        next(cleanup, None)  # drops the table


def count_of(image: StateImage | None) -> int:
    assert image is not None
    return image.as_json()["State"]["count"]


def test_the_process_that_saved_gets_its_own_image_back(make: MakeBackend) -> None:
    backend, sid = make(), new_session_id()
    saved = image_of(3)
    backend.save_image(sid, saved)
    assert backend.load_image(sid) is saved  # nothing transferred or decoded
    assert saved.live_states(CLASSES) is saved.states


def test_a_write_by_another_process_is_never_missed(make: MakeBackend) -> None:
    first, second, sid = make(), make(), new_session_id()
    first.save_image(sid, image_of(1))
    assert count_of(second.load_image(sid)) == 1
    second.save_image(sid, image_of(2, version=2))
    loaded = first.load_image(sid)
    assert count_of(loaded) == 2 and loaded is not None and loaded.states is None
    # And the other way round, once more.
    first.save_image(sid, image_of(3, version=3))
    assert count_of(second.load_image(sid)) == 3


def test_bytes_saved_plainly_or_by_an_older_release_are_read_as_they_are(
        make: MakeBackend) -> None:
    backend, sid = make(), new_session_id()
    backend.save_image(sid, image_of(1))
    other = image_of(5, version=9).to_bytes()
    make().save(sid, other)  # no tag: as releases before the cache wrote
    assert count_of(backend.load_image(sid)) == 5
    assert backend.load(sid) == other
    backend.save(sid, image_of(6, version=10).to_bytes())
    assert count_of(backend.load_image(sid)) == 6


def test_forgotten_live_objects_and_deleted_sessions_are_not_served(make: MakeBackend) -> None:
    backend, sid = make(), new_session_id()
    saved = image_of(1)
    backend.save_image(sid, saved)
    saved.states["State"].count = 99  # type: ignore[index,union-attr]  # changed, unsaved
    backend.forget_live(sid)
    loaded = backend.load_image(sid)
    assert loaded is not saved and count_of(loaded) == 1
    backend.delete(sid)
    assert backend.load_image(sid) is None


def test_a_hit_renews_the_redis_expiry_and_counts_as_a_hit(
        raw: tuple[redis.Redis, str], url: str) -> None:  # noqa: F811 (fixture)
    client, key_prefix = raw
    backend = RedisBackend(url, ttl_seconds=60, key_prefix=key_prefix)
    sid = new_session_id()
    saved = image_of(1)
    backend.save_image(sid, saved)
    client.expire(key_prefix + sid, 5)
    hits = backend.stats.hits
    assert backend.load_image(sid) is saved
    assert client.ttl(key_prefix + sid) > 50
    assert backend.stats.hits == hits + 1
    backend.close()


def test_cache_off_reads_the_store_every_time(make: MakeBackend) -> None:
    backend, sid = make(cache_bytes=0), new_session_id()
    saved = image_of(2)
    backend.save_image(sid, saved)
    loaded = backend.load_image(sid)
    assert loaded is not saved and count_of(loaded) == 2


def test_the_cache_keeps_the_most_recent_within_its_bytes() -> None:
    charge = resident_bytes(image_of(1), 40)
    cache = NearCache(max_bytes=charge * 5 // 2)  # room for two
    tags = {name: new_tag() for name in "abc"}
    images = {name: image_of(1) for name in "abc"}
    cache.put("a", tags["a"], images["a"], 40)
    cache.put("b", tags["b"], images["b"], 40)
    assert cache.get("a", tags["a"]) is images["a"]  # a is now the most recent
    cache.put("c", tags["c"], images["c"], 40)  # pushes out b, the least recent
    assert cache.get("b", tags["b"]) is None
    assert cache.get("a", tags["a"]) is images["a"] and cache.get("c", tags["c"]) is not None
    assert cache.get("a", new_tag()) is None  # another tag: dropped
    assert not cache.has("a")
    cache.put("big", new_tag(), image_of(1), charge * 3)  # larger than the whole cache
    assert not cache.has("big") and cache.has("c")


def test_the_cache_charges_what_a_session_costs_not_its_json() -> None:
    """Charged by JSON length, a cache of 100 KB kept some 800 small sessions (about 3 MB of
    objects); charged their estimated cost it keeps what 100 KB holds."""
    cache = NearCache(max_bytes=100_000)
    image = image_of(3)
    state_bytes = len(image.to_bytes())
    assert resident_bytes(image, state_bytes) > 5 * state_bytes
    ids = [new_session_id() for _ in range(800)]
    for sid in ids:
        cache.put(sid, new_tag(), image_of(3), state_bytes)
    kept = sum(cache.has(sid) for sid in ids)
    assert kept == 100_000 // resident_bytes(image, state_bytes)
    assert all(cache.has(sid) for sid in ids[-kept:])  # the most recent ones


def test_one_tab_alternating_between_two_instances_counts_every_click(
        make: MakeBackend, tmp_path: Path) -> None:
    app_file = write_app(tmp_path)
    settings = make_settings(backend="memory")  # the backends are given
    instances = [create_flask_app(app_file, settings, backend=make()).test_client()
                 for _ in range(2)]
    tab = Client(create_flask_app(app_file, settings, backend=make()))
    tab.http = instances[0]
    tab.send(None)
    for click in range(1, 9):
        # Instances take turns, and the first sometimes twice in a row (its own cache).
        tab.http = instances[0] if click % 3 else instances[1]
        tab.click("Increment")
        assert tab.state is not None and tab.state["State"]["count"] == click


def test_sqlite_pads_a_big_value_to_a_step_and_reads_it_back(tmp_path: Path) -> None:
    """A value of 64 KB or more is stored with spaces after its state, up to a multiple of
    1/32 of its power of two, so appends seldom change its length (SQLite rewrites an
    overflow chain in place only at the same length). Another process decodes it."""
    uri = f"sqlite:///{tmp_path / 'sessions.db'}"
    first, second = SqlBackend(uri, "s", 60), SqlBackend(uri, "s", 60)
    try:
        big, small, sid, other = image_of(40_000), image_of(3), new_session_id(), new_session_id()
        first.save_image(sid, big)
        first.save_image(other, small)
        stored = first.fetch_value(sid)
        assert stored is not None
        exact = HEADER_BYTES + len(big.to_bytes())
        step = 1 << (exact.bit_length() - 6)
        assert exact >= 64 * 1024 and len(stored) % step == 0
        assert 0 < len(stored) - exact < step and stored.endswith(b" ")
        assert count_of(second.load_image(sid)) == 40_000
        small_stored = first.fetch_value(other)  # under 64 KB: nothing after the state
        assert small_stored is not None
        assert len(small_stored) == HEADER_BYTES + len(small.to_bytes())
        # Other stores are never padded.
        assert RedisBackend.padding is NearCachedBackend.padding
        assert FileBackend.padding is NearCachedBackend.padding
    finally:
        first.close()
        second.close()

