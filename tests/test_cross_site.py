"""Cross-site events and protective headers, against a real server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mesop_cli.origins import normalize_origin
from tests.support.server import RunningServer, running_server
from tests.support.tab import EVENTS_PATH, Tab

APP = Path(__file__).parent / "support" / "security_app.py"
PROXY_ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    env = {"MESOP_STATE_SESSION_BACKEND": "memory",
           "MESOP_ALLOWED_ORIGINS": f"{PROXY_ORIGIN}, http://Other.Example:8080"}
    with running_server([], env=env, app=APP) as running:
        yield running


def increment_body(tab: Tab) -> str:
    handler = tab.find(lambda n: n["t"] == "button" and n["p"]["label"] == "Increment")
    return json.dumps({"session": tab.session_id, "path": "/", "has_copy": True,
                       "version": tab.state["#version"] if tab.state else None,
                       "event": {"handler": handler["p"]["on_click"], "kind": "click",
                                 "key": "", "value": None}})


def count(tab: Tab) -> str:
    tab.open("/")
    return next(t for t in tab.texts() if t.startswith("count="))


def attack(server: RunningServer, tab: Tab, headers: dict[str, str]) -> requests.Response:
    return requests.post(server.url + EVENTS_PATH, data=increment_body(tab), headers=headers,
                         timeout=30)


@pytest.mark.integration
@pytest.mark.parametrize(("headers", "status"), [
    ({"Content-Type": "text/plain", "Origin": "https://evil.example"}, 403),
    ({"Content-Type": "application/json", "Origin": "https://evil.example"}, 403),
    ({"Content-Type": "application/json", "Origin": "null"}, 403),
    ({"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, 403),
    ({"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"}, 403),
    ({"Content-Type": "application/json", "Origin": "http://127.0.0.1.evil.example"}, 403),
    ({"Content-Type": "application/json", "Origin": "http://127.0.0.1:1"}, 403),
    ({"Content-Type": "application/json", "Origin": "https://app.example.com.evil.example"},
     403),
    ({"Content-Type": "text/plain"}, 415),
    ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ({"Content-Type": "multipart/form-data; boundary=x"}, 415),
    ({}, 415),
])
def test_cross_site_and_non_json_events_are_refused_before_running(
    server: RunningServer, headers: dict[str, str], status: int
) -> None:
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    response = attack(server, tab, headers)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert isinstance(response.json()["message"], str)
    assert count(tab) == "count=0 role=guest wiped=False"


@pytest.mark.integration
@pytest.mark.parametrize("headers", [
    {"Content-Type": "application/json"},
    {"Content-Type": "application/json; charset=UTF-8", "Sec-Fetch-Site": "same-origin"},
    {"Content-Type": "Application/JSON", "Origin": "SAME"},
    {"Content-Type": "application/json", "Origin": PROXY_ORIGIN},
    {"Content-Type": "application/json", "Origin": "https://APP.example.com:443"},
    {"Content-Type": "application/json", "Origin": "http://other.example:8080"},
])
def test_same_site_and_allowed_origins_are_served(server: RunningServer,
                                                  headers: dict[str, str]) -> None:
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    if headers.get("Origin") == "SAME":
        headers = {**headers, "Origin": server.url}
    response = attack(server, tab, headers)
    assert response.status_code == 200, response.text
    assert count(tab) == "count=1 role=guest wiped=False"


@pytest.mark.integration
def test_cross_site_refusal_names_the_setting_in_dev(server: RunningServer) -> None:
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    response = attack(server, tab, {"Content-Type": "application/json",
                                    "Origin": "https://evil.example"})
    assert "MESOP_ALLOWED_ORIGINS" in response.json()["message"]


@pytest.mark.integration
def test_pages_carry_protective_headers(server: RunningServer) -> None:
    response = requests.get(server.url + "/", timeout=30)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp


@pytest.mark.parametrize(("origin", "normal"), [
    ("https://App.Example.com", "https://app.example.com"),
    ("HTTPS://app.example.com:443", "https://app.example.com"),
    ("http://app.example.com:443", "http://app.example.com:443"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("http://127.0.0.1:80", "http://127.0.0.1"),
    ("http://[::1]:8000", "http://[::1]:8000"),
    ("http://[0:0::1]:8000", "http://[::1]:8000"),
    ("https://app.example.com/", "https://app.example.com"),
    ("http://127.0.0.1:8000.evil.example", None),
    ("http://127.0.0.1:0", None),
    ("http://127.0.0.1:080", None),
    ("http://127.0.0.1:65536", None),
    ("http://127.0.0.1:\t8000", None),
    ("http://127.0.0.1:8000\n", None),
    (" http://127.0.0.1:8000", None),
    ("http://127.0.0.1:8000?", None),
    ("http://127.0.0.1:8000#", None),
    ("http://127.0.0.1%2e:8000", None),
    ("http://[::1", None),
    ("http://[not:an:address]", None),
    ("https://ban\u212a.example", None),  # the Kelvin sign lower-cases to a plain "k"
    ("null", None),
    ("file://", None),
    ("ws://127.0.0.1:8000", None),
    ("https://app.example.com/path", None),
    ("https://user@app.example.com", None),
    ("javascript:alert(1)", None),
    ("", None),
])
def test_origins_are_compared_in_one_normal_form(origin: str, normal: str | None) -> None:
    assert normalize_origin(origin) == normal
