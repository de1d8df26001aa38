"""DNS rebinding: the Host headers a server answers (mesop_cli/web/host_policy.py, web/guard.py)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from mesop_cli.config import load_config
from mesop_cli.config.options import Invalid, cast_hosts
from mesop_cli.logs.throttle import MAX_SUBJECTS, Throttle
from mesop_cli.web.flask_app import create_flask_app
from mesop_cli.web.host_policy import HostPolicy, host_name
from tests.support.flask_tab import make_settings
from tests.support.server import RunningServer, memory_server_fixture

APP = Path(__file__).parent / "support" / "security_app.py"


@pytest.mark.parametrize(("header", "name"), [
    ("localhost:32123", "localhost"),
    ("LOCALHOST", "localhost"),
    ("127.0.0.1:8000", "127.0.0.1"),
    ("[::1]:8000", "::1"),
    ("[0:0::1]", "::1"),
    ("app.example.com.", "app.example.com"),
    ("evil.example@127.0.0.1", None),
    ("a b", None),
    ("host:port", None),
    ("", None),
    ("k\u212aelvin.example", None),  # the Kelvin sign must not fold into a "k"
])
def test_host_name_reads_a_host_header(header: str, name: str | None) -> None:
    assert host_name(header) == name


def test_dev_default_answers_addresses_and_localhost_only() -> None:
    policy = HostPolicy.from_settings(None, None, prod=False)
    for header in ("localhost:1", "127.0.0.1:1", "[::1]:1", "192.168.1.20:8000",
                   "app.localhost"):
        assert policy.allows(header), header
    for header in ("attacker.example", "attacker.example:32123", "localhost.attacker.example",
                   "evil.example@127.0.0.1", "mybox.lan"):
        assert not policy.allows(header), header


def test_prod_default_answers_any_host_but_a_list_is_exact() -> None:
    assert HostPolicy.from_settings(None, None, prod=True).allows("anything.example")
    listed = HostPolicy.from_settings(cast_hosts("app.example.com, .corp.example"), None,
                                      prod=True)
    assert listed.allows("app.example.com:443")
    assert listed.allows("corp.example") and listed.allows("a.b.corp.example")
    assert not listed.allows("xcorp.example")
    assert not listed.allows("127.0.0.1")  # a list is exact, in either mode
    assert not listed.allows("app.example.com.evil.example")


def test_allowed_origins_hosts_are_always_answered() -> None:
    policy = HostPolicy.from_settings(None, ("https://app.example.com",), prod=False)
    assert policy.allows("app.example.com")
    assert not policy.allows("other.example.com")


def test_star_answers_everything() -> None:
    assert HostPolicy.from_settings(("*",), None, prod=False).allows("whatever.example")


@pytest.mark.parametrize(("raw", "expected"), [
    ("App.Example.COM", ("app.example.com",)),
    (" a.example , .b.example ,", ("a.example", ".b.example")),
    ("[::1], 10.0.0.1", ("::1", "10.0.0.1")),
    ("bücher.example", ("xn--bcher-kva.example",)),
    ("*", ("*",)),
])
def test_cast_hosts_accepts(raw: str, expected: tuple[str, ...]) -> None:
    assert cast_hosts(raw) == expected


@pytest.mark.parametrize(("raw", "says"), [
    ("https://app.example.com", "not URLs"),
    ("app.example.com:8080", "leave the port out"),
    ("*.example.com", "write a domain and its subdomains as '.example.com'"),
    ("a_b!.example", "not a host name"),
    (" , ", "is empty"),
])
def test_cast_hosts_refuses(raw: str, says: str) -> None:
    with pytest.raises(Invalid, match=says):
        cast_hosts(raw)


def test_check_config_reports_the_policy(tmp_path: Path) -> None:
    report = load_config(None, environ={"MESOP_ALLOWED_HOSTS": "app.example.com"})
    assert report.ok and report.settings is not None
    assert report.settings.allowed_hosts == ("app.example.com",)


def flask_client(**settings: object):  # type: ignore[no-untyped-def]
    return create_flask_app(APP, make_settings(reload=False, **settings)).test_client()


def test_rebound_name_gets_400_on_pages_and_events_before_any_session() -> None:
    client = flask_client()
    page = client.get("/", headers={"Host": "attacker.example:32123"})
    assert page.status_code == 400
    assert "attacker.example" in page.get_data(as_text=True)
    assert "MESOP_ALLOWED_HOSTS" in page.get_data(as_text=True)
    event = client.post("/__mesop__/events", headers={
        "Host": "attacker.example:32123", "Origin": "http://attacker.example:32123"},
        data=json.dumps({"session": None, "path": "/", "event": None}),
        content_type="application/json")
    assert event.status_code == 400
    assert "does not answer" in event.get_json()["message"]
    assert client.get("/__mesop__/healthz", headers={"Host": "attacker.example"}
                      ).status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1:32123"}).status_code == 200


def test_prod_message_is_short_and_listed_hosts_pass() -> None:
    client = flask_client(prod=True, allowed_hosts=("app.example.com",))
    refused = client.get("/", headers={"Host": "attacker.example"})
    assert refused.status_code == 400
    assert "MESOP_ALLOWED_HOSTS" not in refused.get_data(as_text=True)
    assert client.get("/", headers={"Host": "app.example.com"}).status_code == 200


def test_refusals_are_logged_once_a_minute_per_name(caplog: pytest.LogCaptureFixture) -> None:
    client = flask_client()
    with caplog.at_level("WARNING", logger="mesop_cli.web"):
        for _ in range(50):
            assert client.get("/", headers={"Host": "flood.example"}).status_code == 400
        assert client.get("/", headers={"Host": "other.example"}).status_code == 400
    lines = [r.getMessage() for r in caplog.records if "is not served here" in r.getMessage()]
    assert len([line for line in lines if "flood.example" in line]) == 1
    assert len([line for line in lines if "other.example" in line]) == 1


def test_throttle_counts_what_it_held_back_and_forgets_the_oldest() -> None:
    now = [0.0]
    throttle = Throttle(interval=60, clock=lambda: now[0])
    assert throttle.allow("a") == (True, 0)
    assert throttle.allow("a") == (False, 0)
    assert throttle.allow("a") == (False, 0)
    now[0] = 61
    assert throttle.allow("a") == (True, 2)
    for number in range(MAX_SUBJECTS):
        throttle.allow(f"name{number}")
    assert throttle.allow("a") == (True, 0)  # forgotten: memory stays bounded


dev_server = memory_server_fixture(APP, name="dev_server")


def port_of(server: RunningServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def raw_get(server: RunningServer, host: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_real_dev_server_refuses_a_rebound_name(dev_server: RunningServer) -> None:
    port = port_of(dev_server)
    assert raw_get(dev_server, f"rebind.example:{port}").startswith(b"HTTP/1.1 400")
    assert raw_get(dev_server, f"localhost:{port}").startswith(b"HTTP/1.1 200")
