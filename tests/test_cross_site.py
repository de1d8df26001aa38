"""Cross-site events and protective headers, against a real server."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask, request

from mesop_cli.config.origins import normalize_origin
from mesop_cli.web.guard import check_event_request
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
@pytest.mark.parametrize("origin", [
    "https://{here}",           # same host and port, another scheme
    "http://{here}.evil.example",  # shares the whole origin as a prefix
    "http://{here}@evil.example",
    "http://localhost:{port}",  # the same server, but not the origin the page came from
    "http://{here}/",
    "http://{here}\t",
])
def test_origins_that_only_resemble_this_site_are_refused(server: RunningServer,
                                                          origin: str) -> None:
    here = server.url.removeprefix("http://")
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    origin = origin.format(here=here, port=here.rsplit(":", 1)[1])
    response = attack(server, tab, {"Content-Type": "application/json", "Origin": origin})
    if origin.endswith("/"):
        # A trailing slash is not how a browser writes an Origin, but it names this site.
        assert response.status_code == 200, response.text
        assert count(tab) == "count=1 role=guest wiped=False"
    else:
        assert response.status_code == 403, origin
        assert count(tab) == "count=0 role=guest wiped=False"


@pytest.mark.integration
@pytest.mark.parametrize("headers", [
    {"Content-Type": "application/json"},
    {"Content-Type": "application/json; charset=UTF-8", "Sec-Fetch-Site": "same-origin"},
    {"Content-Type": "Application/JSON", "Origin": "SAME"},
    {"Content-Type": "application/json", "Origin": "SAME-UPPER"},
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
    elif headers.get("Origin") == "SAME-UPPER":
        headers = {**headers, "Origin": server.url.upper()}
    response = attack(server, tab, headers)
    assert response.status_code == 200, response.text
    assert count(tab) == "count=1 role=guest wiped=False"


@pytest.mark.integration
def test_cross_site_refusal_names_the_setting_in_dev(server: RunningServer) -> None:
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    response = attack(server, tab, {"Content-Type": "application/json",
                                    "Origin": "https://evil.example"})
    message = response.json()["message"]
    assert f"its Origin 'https://evil.example' is not this site ({server.url})" in message
    assert "MESOP_ALLOWED_ORIGINS" in message


@pytest.mark.integration
def test_a_non_json_refusal_says_what_was_sent(server: RunningServer) -> None:
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    response = attack(server, tab, {"Content-Type": "text/plain;charset=UTF-8"})
    assert response.json()["message"] == (
        "Event refused: events must be sent as application/json, this one was "
        "'text/plain;charset=UTF-8'.")


@pytest.mark.integration
def test_a_cors_preflight_from_another_site_is_not_granted(server: RunningServer) -> None:
    """The JSON rule stands on this: a page on another site may send application/json only
    after a preflight that answers with Access-Control-Allow-* headers."""
    response = requests.options(server.url + EVENTS_PATH, timeout=30, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    granted = [name for name in response.headers if name.lower().startswith("access-control-")]
    assert granted == []


@pytest.mark.integration
def test_pages_carry_protective_headers(server: RunningServer) -> None:
    response = requests.get(server.url + "/", timeout=30)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp


@pytest.mark.integration
def test_event_responses_carry_nosniff(server: RunningServer) -> None:
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    response = attack(server, tab, {"Content-Type": "application/json", "Origin": server.url})
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


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


SITE = "http://127.0.0.1:32123"
ALLOWED = ("https://app.example.com",)


def refusal(headers: dict[str, str], base_url: str = SITE, prod: bool = False
            ) -> tuple[int, str] | None:
    """What the guard answers to an event POST with ``headers``, sent to ``base_url``."""
    flask_app = Flask(__name__)
    with flask_app.test_request_context(EVENTS_PATH, method="POST", base_url=base_url,
                                        headers={"Content-Type": "application/json",
                                                 **headers}):
        response = check_event_request(request, ALLOWED, prod)
        return None if response is None else (response.status_code,
                                               response.get_json()["message"])


@pytest.mark.parametrize(("headers", "base_url"), [
    ({"Origin": SITE}, SITE),
    ({"Origin": "http://127.0.0.1"}, "http://127.0.0.1:80"),
    ({"Origin": "http://127.0.0.1:80"}, "http://127.0.0.1"),
    ({"Origin": "https://app.example.com"}, "https://app.example.com"),
    ({"Origin": "https://app.example.com"}, SITE),
    ({"Origin": "https://APP.example.com:443"}, SITE),
    ({"Sec-Fetch-Site": "same-origin"}, SITE),
    ({"Sec-Fetch-Site": "none"}, SITE),
    ({}, SITE),
])
def test_the_guard_lets_this_site_and_allowed_origins_through(headers: dict[str, str],
                                                              base_url: str) -> None:
    assert refusal(headers, base_url) is None


@pytest.mark.parametrize(("headers", "base_url"), [
    ({"Origin": "https://evil.example"}, SITE),
    ({"Origin": "null"}, SITE),
    ({"Origin": ""}, SITE),
    ({"Origin": "http://127.0.0.1:32124"}, SITE),
    ({"Origin": "https://127.0.0.1:32123"}, SITE),
    ({"Origin": "http://app.example.com"}, SITE),  # allowed only over https
    ({"Origin": "https://www.app.example.com"}, SITE),
    ({"Sec-Fetch-Site": "cross-site"}, SITE),
    ({"Sec-Fetch-Site": "same-site"}, SITE),
    ({"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"}, SITE),
    # Valid origins that begin with this site's: only a whole-origin comparison tells.
    ({"Origin": "http://mesop.example.evil.example"}, "http://mesop.example"),
    ({"Origin": "http://mesop.example:8080"}, "http://mesop.example"),
    ({"Origin": "http://127.0.0.1:32123"}, "http://127.0.0.1:3212"),
])
def test_the_guard_refuses_other_sites(headers: dict[str, str], base_url: str) -> None:
    found = refusal(headers, base_url)
    assert found is not None and found[0] == 403


def test_a_forged_host_cannot_make_an_origin_this_site() -> None:
    """A Host werkzeug cannot read gives no origin of its own, so only allowed ones pass."""
    assert refusal({"Origin": "http://evil.example", "Host": "evil.example@127.0.0.1"}) == (
        403, "Event refused: its Origin 'http://evil.example' is not this site (unknown: its "
             "Host 'evil.example@127.0.0.1' is not a host name). Behind a proxy, list the "
             "origins users browse in MESOP_ALLOWED_ORIGINS.")
    assert refusal({"Origin": "https://app.example.com",
                    "Host": "evil.example@127.0.0.1"}) is None


def test_in_production_the_refusal_is_short_and_the_log_says_what_to_set(
    caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="mesop_cli.web"):
        found = refusal({"Origin": "https://evil.example"}, prod=True)
    assert found == (403, "Event refused: it does not come from this site.")
    assert "'https://evil.example' is not this site (http://127.0.0.1:32123)" in caplog.text
    assert "MESOP_ALLOWED_ORIGINS" in caplog.text


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/json, text/plain", "application/jsonp", "text/plain; x=application/json",
])
def test_the_guard_refuses_bodies_that_are_not_json(content_type: str) -> None:
    found = refusal({"Content-Type": content_type, "Origin": SITE})
    assert found is not None and found[0] == 415


def test_the_guard_leaves_other_paths_alone(server: RunningServer) -> None:
    # The check is the event endpoint's own hook: a page is served whatever the Origin.
    response = requests.get(server.url + "/", headers={"Origin": "https://evil.example"},
                            timeout=10)
    assert response.status_code == 200
