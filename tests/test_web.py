"""The web layer through Flask's test client: hooks, protocol, errors, endpoints."""

from __future__ import annotations

import json
import textwrap
import threading
from pathlib import Path

import pytest

from mesop_cli.sessions.base import BackendUnavailable, SessionLock
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.state_format.image import StateImage
from mesop_cli.state_format.session_ids import ID_LENGTH
from mesop_cli.web import active_session, create_flask_app
from mesop_cli.web import context as web_context
from tests.support.flask_tab import APP_SOURCE, Client, make_settings, write_app


@pytest.fixture()
def app_file(tmp_path: Path) -> Path:
    return write_app(tmp_path)


def test_page_shell_has_title_and_strict_csp(app_file: Path) -> None:
    http = create_flask_app(app_file, make_settings()).test_client()
    response = http.get("/")
    assert response.status_code == 200
    assert b"<title>Home</title>" in response.data
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert http.get("/nope").status_code == 404
    assert http.get("/__mesop__/static/client.js").status_code == 200


def test_flask_cookie_session_is_off_and_holds_no_secret(app_file: Path) -> None:
    settings = make_settings()
    flask_app = create_flask_app(app_file, settings)
    assert flask_app.config["SECRET_KEY"] is None
    http = flask_app.test_client()
    # An app's own cookie named "session" is the app's: Flask neither reads nor rewrites it.
    http.set_cookie("session", "the-apps-own-value")
    client = Client(flask_app)
    client.send(None)
    response = http.get("/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    with flask_app.test_request_context("/"):
        from flask import session

        with pytest.raises(RuntimeError):
            session["x"] = 1  # Flask's null session: nothing can be kept in it


def test_first_load_sends_full_state_then_only_patches(app_file: Path) -> None:
    client = Client(create_flask_app(app_file, make_settings()))
    first = client.send(None)
    assert first[0]["state"] == {"State": {"count": 0, "words": []}, "#version": 1, "#path": "/"}
    assert len(client.session or "") == ID_LENGTH
    messages = client.click("Increment")
    assert sorted(messages[0]["patch"], key=lambda op: op["path"]) == [
        {"op": "replace", "path": "/#version", "value": 2},
        {"op": "replace", "path": "/State/count", "value": 1},
    ]


def test_generator_handler_streams_one_render_per_yield(app_file: Path) -> None:
    client = Client(create_flask_app(app_file, make_settings()))
    client.send(None)
    renders = client.click("Stream")
    assert len(renders) == 4  # three yields and the final render
    assert client.state is not None and client.state["State"]["words"] == ["one", "two", "three"]


def test_miss_is_answered_by_resending_the_signed_copy(app_file: Path) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    flask_app = create_flask_app(app_file, make_settings(), backend=backend)
    client = Client(flask_app)
    client.send(None)
    client.click("Increment")
    backend.remove(client.session or "")  # as if evicted, expired or held by another worker
    status, messages = client.post({"session": client.session, "path": "/",
                                    "event": {"handler": client.handler("Increment"),
                                              "kind": "click", "key": "", "value": None}})
    assert status == 200 and messages == [{"type": "miss"}]
    client.click("Increment", with_copy=True)
    assert client.state is not None and client.state["State"]["count"] == 2
    metrics = flask_app.test_client().get("/__mesop__/metrics").get_data(as_text=True)
    assert 'mesop_session_recoveries_total{backend="memory"' in metrics
    assert "mesop_session_misses_total" in metrics


def test_stale_server_copy_is_not_trusted(app_file: Path) -> None:
    """A `memory` worker may hold an old copy of a session another worker moved on; the
    version in the browser's copy exposes it, and the browser's copy wins."""
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    client.click("Increment")
    stale = backend.load(client.session or "")
    assert stale is not None
    client.click("Increment")
    client.click("Increment")
    backend.save(client.session or "", stale)  # count 1, while the browser has seen 3
    status, messages = client.post({"session": client.session, "path": "/", "version":
                                    (client.state or {})["#version"], "event": None})
    assert messages == [{"type": "miss"}]
    misses = backend.stats.misses
    client.click("Increment", with_copy=True)
    assert client.state is not None and client.state["State"]["count"] == 4
    assert backend.stats.misses == misses + 1  # the stale copy counted as a miss, not a hit


def test_tampered_copy_is_refused_with_400(app_file: Path) -> None:
    client = Client(create_flask_app(app_file, make_settings(backend="none")))
    client.send(None)
    client.click("Increment", with_copy=True)
    assert client.state is not None
    client.state["State"]["count"] = 1000
    status, body = client.post({"session": client.session, "path": "/", "state": client.state,
                                "sig": client.sig, "event": {"handler": client.handler("Increment"),
                                                             "kind": "click", "key": ""}})
    assert status == 400 and "signature" in body["message"]


def test_copy_signed_for_another_session_is_refused(app_file: Path) -> None:
    flask_app = create_flask_app(app_file, make_settings(backend="none"))
    first, second = Client(flask_app), Client(flask_app)
    first.send(None)
    second.send(None)
    status, body = first.post({"session": second.session, "path": "/", "event": None,
                               "state": first.state, "sig": first.sig})
    assert status == 400


class SpyBackend(MemoryBackend):
    def __init__(self) -> None:
        super().__init__(ttl_seconds=600, max_bytes=1 << 20)
        self.seen: list[str] = []

    def retrieve(self, session_id: str) -> bytes | None:
        self.seen.append(session_id)
        return super().retrieve(session_id)


@pytest.mark.parametrize(
    "forged",
    ["../../etc/passwd", "a" * (ID_LENGTH - 1), "a" * (ID_LENGTH + 1), "*" * ID_LENGTH, 7, ""],
)
def test_forged_session_id_never_reaches_the_backend(app_file: Path, forged: object) -> None:
    backend = SpyBackend()
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    status, body = client.post({"session": forged, "path": "/", "event": None})
    assert status == 400 and "session id" in body["message"]
    assert backend.seen == []


@pytest.mark.parametrize("body, words", [
    (b"not json", "not JSON"),
    (b"[]", "object"),
    (b'{"path": "no-slash"}', "path"),
    (b'{"path": "/", "event": {"handler": "x", "kind": "hover"}}', "kind"),
    (b'{"path": "/", "event": {"handler": "", "kind": "click"}}', "handler"),
    (b'{"path": "/", "state": {"State": {}}}', "signature"),
])
def test_malformed_requests_get_a_clear_400(app_file: Path, body: bytes, words: str) -> None:
    http = create_flask_app(app_file, make_settings()).test_client()
    response = http.post("/__mesop__/events", data=body, content_type="application/json")
    assert response.status_code == 400
    assert words in response.get_json()["message"]


def test_huge_request_is_refused_with_413_and_changes_nothing(app_file: Path) -> None:
    http = create_flask_app(app_file, make_settings()).test_client()
    huge = b'{"path": "/", "pad": "' + b"x" * (web_context.MAX_REQUEST_BYTES + 1) + b'"}'
    response = http.post("/__mesop__/events", data=huge, content_type="application/json")
    assert response.status_code == 413
    assert "larger than" in response.get_json()["message"]


def test_unknown_handler_and_unknown_page(app_file: Path) -> None:
    client = Client(create_flask_app(app_file, make_settings()))
    client.send(None)
    status, body = client.post({"session": client.session, "path": "/", "event": {
        "handler": "os:system", "kind": "click", "key": ""}})
    assert status == 400 and "reload" in body["message"]
    status, body = client.post({"session": client.session, "path": "/missing", "event": None})
    assert status == 404


def test_handler_error_in_dev_shows_file_and_line(app_file: Path) -> None:
    client = Client(create_flask_app(app_file, make_settings()))
    client.send(None)
    messages = client.click("Explode")
    error = messages[-1]
    assert error["type"] == "error"
    assert f"{app_file}:" in error["message"] and "boom" in error["message"]
    assert "Traceback" in error["traceback"]
    client.click("Increment")  # the session was unlocked and still works
    assert client.state is not None and client.state["State"]["count"] == 1


def test_handler_error_in_prod_is_redacted(
    app_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(create_flask_app(app_file, make_settings(prod=True)))
    client.send(None)
    error = client.click("Explode")[-1]
    assert error["type"] == "error" and "reference" in error["message"]
    assert "boom" not in error["message"] and "traceback" not in error
    assert "boom" in caplog.text


def test_concurrent_events_of_one_session_lose_nothing(app_file: Path) -> None:
    flask_app = create_flask_app(app_file, make_settings())
    first = Client(flask_app)
    first.send(None)
    handler = first.handler("Increment")

    def racer() -> None:
        tab = Client(flask_app)
        for _ in range(25):
            status, _ = tab.post({"session": first.session, "path": "/", "has_copy": False,
                                  "event": {"handler": handler, "kind": "click", "key": ""}})
            assert status == 200

    threads = [threading.Thread(target=racer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first.state = None
    status, messages = first.post({"session": first.session, "path": "/", "event": None,
                                   "has_copy": False})
    assert messages[0]["state"]["State"]["count"] == 100


def test_busy_session_times_out_with_503(app_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    monkeypatch.setattr(web_context, "LOCK_TIMEOUT_SECONDS", 0.2)
    held = backend.lock(client.session or "")
    try:
        status, body = client.post({"session": client.session, "path": "/", "event": None})
    finally:
        held.release()
    assert status == 503 and "busy" in body["message"]


class DeadBackend(MemoryBackend):
    def __init__(self) -> None:
        super().__init__(ttl_seconds=600, max_bytes=1 << 20)

    def retrieve(self, session_id: str) -> bytes | None:
        raise BackendUnavailable("redis at 127.0.0.1:1 refused the connection")

    def load_image(self, session_id: str, count: bool = True) -> StateImage | None:
        raise BackendUnavailable("redis at 127.0.0.1:1 refused the connection")

    def ping(self) -> None:
        raise BackendUnavailable("redis at 127.0.0.1:1 refused the connection")


def test_dead_backend_gives_503_and_health_says_so(app_file: Path) -> None:
    flask_app = create_flask_app(app_file, make_settings(), backend=DeadBackend())
    client = Client(flask_app)
    client.send(None)  # a new session needs no load
    status, body = client.post({"session": client.session, "path": "/", "event": None})
    assert status == 503 and "unavailable" in body["message"]
    health = flask_app.test_client().get("/__mesop__/healthz")
    assert health.status_code == 503 and "127.0.0.1:1" in health.get_json()["message"]


def test_healthz_ok(app_file: Path) -> None:
    health = create_flask_app(app_file, make_settings()).test_client().get("/__mesop__/healthz")
    assert health.status_code == 200 and health.get_json()["backend"] == "memory"


def test_app_file_is_reloaded_in_dev_and_errors_shown(app_file: Path) -> None:
    import os

    client = Client(create_flask_app(app_file, make_settings()))
    client.send(None)
    client.click("Increment")
    app_file.write_text(APP_SOURCE.replace('f"Count: {s.count}"', 'f"Total: {s.count}"'))
    os.utime(app_file, (1, 1))  # a different mtime, whatever the clock's resolution
    client.send(None)
    texts = [n["p"]["text"] for n in client.tree["c"] if n["t"] == "text"]
    assert "Total: 1" in texts  # new code, same session state

    app_file.write_text("def broken(:\n")
    os.utime(app_file, (2, 2))
    status, body = client.post({"session": client.session, "path": "/", "event": None})
    assert status == 500 and f"{app_file}:1" in body["message"]


def test_no_reload_in_prod(app_file: Path) -> None:
    import os

    client = Client(create_flask_app(app_file, make_settings(prod=True)))
    client.send(None)
    app_file.write_text(textwrap.dedent("def broken(:\n"))
    os.utime(app_file, (3, 3))
    client.send(None)  # still the app that was loaded at start


class RenewCountingBackend(MemoryBackend):
    """Counts how often the web layer renews the session lock."""

    def __init__(self) -> None:
        super().__init__(ttl_seconds=600, max_bytes=1 << 20)
        self.renewals = 0

    def lock(self, session_id: str, timeout: float = 30.0) -> SessionLock:
        inner = super().lock(session_id, timeout)
        backend = self

        class Counting(SessionLock):
            def release(self) -> None:
                inner.release()

            def renew(self) -> None:
                backend.renewals += 1

        return Counting()


def test_streaming_event_renews_its_session_lock(
    app_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(active_session, "LOCK_RENEW_SECONDS", 0.0)
    backend = RenewCountingBackend()
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    before = backend.renewals
    client.click("Stream")
    assert backend.renewals - before == 4  # after each of the four renders


def test_helper_modules_of_the_app_are_reloaded_too(
    app_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.syspath_prepend(str(app_file.parent))
    helper = app_file.parent / "greetings.py"
    helper.write_text('def greeting():\n    return "Hello"\n')
    app_file.write_text(APP_SOURCE.replace(
        "import mesop_cli as me",
        "import mesop_cli as me\nfrom greetings import greeting").replace(
        'me.text(f"Count: {s.count}")', 'me.text(greeting())'))
    monkeypatch.delitem(__import__("sys").modules, "greetings", raising=False)
    client = Client(create_flask_app(app_file, make_settings()))
    client.send(None)
    assert client.tree["c"][0]["p"]["text"] == "Hello"
    helper.write_text('def greeting():\n    return "Bonjour"\n')
    os.utime(helper, (5, 5))
    client.send(None)
    assert client.tree["c"][0]["p"]["text"] == "Bonjour"


def test_saved_state_is_the_state_of_the_last_render(app_file: Path) -> None:
    """What the backend keeps is the browser's copy (beside the digests of its fields),
    after a plain event, a streamed one, and one whose handler raised after a change."""
    from mesop_cli.state_format.codec import canonical_bytes

    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    for label in ("Increment", "Stream"):
        client.click(label)
        stored = json.loads(backend.load(client.session or "") or b"{}")
        stored.pop("#digests")
        assert canonical_bytes(stored) == canonical_bytes(client.state)
    client.click("Half")  # appends "half", then raises before any render
    stored = json.loads(backend.load(client.session or "") or b"{}")
    assert stored["State"]["words"] == ["one", "two", "three", "half"]
