"""``@me.page(security_policy=..., stylesheets=...)``: checked at load, applied to the page's
CSP and HTML over HTTP, and enforced by Chromium."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from mesop_cli.runtime import AppLoadError, load_app
from mesop_cli.runtime.security_policy import InvalidPageConfig, SecurityPolicy, csp_source
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import make_settings


def write(directory: Path, source: str, name: str = "main.py") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(source))
    return path


def directives(header: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in found, f"directive {name} twice"
        found[name] = sources
    return found


POLICY_APP = """
    import mesop_cli as me

    @me.page(
        path="/",
        title="Framed",
        stylesheets=["https://fonts.googleapis.com/css2?family=Inter&display=swap"],
        security_policy=me.SecurityPolicy(
            allowed_iframe_parents=["https://Parent.example.com"],
            allowed_connect_srcs=["wss:", "*.api.example.com"],
            allowed_script_srcs=["https://cdn.example.com/lib/", "'unsafe-eval'"],
            cross_origin_opener_policy="same-origin",
        ),
    )
    def home():
        me.text("framed")

    @me.page(path="/open", security_policy=me.SecurityPolicy(
        dangerously_disable_trusted_types=True))
    def open_page():
        me.text("open")

    @me.page(path="/plain")
    def plain():
        me.text("plain")
"""


@pytest.fixture()
def http(tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_flask_app(write(tmp_path, POLICY_APP), make_settings()).test_client()


def test_policy_widens_the_page_csp(http) -> None:  # type: ignore[no-untyped-def]
    response = http.get("/")
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'self'", "https://parent.example.com"]
    assert csp["connect-src"] == ["'self'", "wss:", "*.api.example.com"]
    assert csp["script-src"] == ["'self'", "https://cdn.example.com/lib/", "'unsafe-eval'"]
    # The stylesheet's source without its query, and Google Fonts' font host.
    assert csp["style-src"] == ["'self'", "'unsafe-inline'", "https://fonts.googleapis.com/css2"]
    assert csp["font-src"] == ["'self'", "data:", "https://fonts.gstatic.com"]
    assert csp["require-trusted-types-for"] == ["'script'"]
    assert csp["trusted-types"] == ["mesop-cli"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_stylesheets_are_linked_in_the_page_html(http) -> None:  # type: ignore[no-untyped-def]
    html = http.get("/").get_data(as_text=True)
    assert ('<link rel="stylesheet" '
            'href="https://fonts.googleapis.com/css2?family=Inter&amp;display=swap">') in html
    assert "fonts.googleapis.com" not in http.get("/plain").get_data(as_text=True)


def test_a_page_without_a_policy_keeps_the_strict_default(http) -> None:  # type: ignore[no-untyped-def]
    response = http.get("/plain")
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert "connect-src" not in csp  # default-src 'self' covers it
    assert csp["trusted-types"] == ["mesop-cli"]
    assert "Cross-Origin-Opener-Policy" not in response.headers
    # A 404 gets the strict default too.
    assert directives(http.get("/missing").headers["Content-Security-Policy"]) == csp


def test_disabling_trusted_types_drops_both_directives(http) -> None:  # type: ignore[no-untyped-def]
    csp = directives(http.get("/open").headers["Content-Security-Policy"])
    assert "trusted-types" not in csp and "require-trusted-types-for" not in csp
    assert csp["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize("source, expected", [
    ("https://api.example.com", "https://api.example.com"),
    ("HTTPS://API.Example.com:8443/Path/", "https://api.example.com:8443/Path/"),
    ("*.example.com", "*.example.com"),
    ("https://example.com/a?query=1#frag", "https://example.com/a"),
    ("wss:", "wss:"),
    ("*", "*"),
    ("localhost:*", "localhost:*"),
])
def test_csp_sources_accepted(source: str, expected: str) -> None:
    assert csp_source(source, "x") == expected


@pytest.mark.parametrize("source, words", [
    ("https://a.com; script-src *", "not a CSP source"),
    ("https://a.com https://b.com", "its own list item"),
    ("https//api.example.com", "did you mean 'https://api.example.com'"),
    ("https://exämple.com", "not a CSP source"),
    ("", "not a CSP source"),
    ("'unsafe-inline'", "keyword that cannot be added"),
    ("https://a.com,https://b.com", "not a CSP source"),
    ("https://a.com/'x'", "not a CSP source"),
])
def test_csp_sources_refused(source: str, words: str) -> None:
    with pytest.raises(InvalidPageConfig, match="allowed_connect_srcs") as caught:
        SecurityPolicy(allowed_connect_srcs=[source])
    assert words in str(caught.value)


def test_policy_refuses_a_string_where_a_list_belongs() -> None:
    with pytest.raises(InvalidPageConfig, match=r"write \['https://a.com'\]"):
        SecurityPolicy(allowed_iframe_parents="https://a.com")  # type: ignore[arg-type]


def test_policy_refuses_disabling_and_allowing_trusted_types_together() -> None:
    with pytest.raises(InvalidPageConfig, match="keep one of them"):
        SecurityPolicy(allowed_trusted_types=["lit-html"], dangerously_disable_trusted_types=True)


@pytest.mark.parametrize("app_line, line, words", [
    ('me.SecurityPolicy(allowed_iframe_parents=["https://ok.example.com", "https:// bad"])',
     6, "allowed_iframe_parents has 'https:// bad'"),
    ('me.SecurityPolicy(allowed_script_srcs=["https://a.com;object-src *"])',
     6, "allowed_script_srcs has"),
])
def test_a_malformed_origin_stops_the_load_at_its_line(tmp_path: Path, app_line: str, line: int,
                                                       words: str) -> None:
    path = write(tmp_path, f"""
        import mesop_cli as me

        policy = (
            # the value is checked where the policy is made
            {app_line}
        )

        @me.page(path="/", security_policy=policy)
        def home():
            me.text("hi")
    """)
    with pytest.raises(AppLoadError) as caught:
        load_app(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: InvalidPageConfig: SecurityPolicy "), message
    assert words in message and "\n" not in message


@pytest.mark.parametrize("stylesheets, words", [
    ('"https://a.com/x.css"', "must be a list of URLs"),
    ('["javascript:alert(1)"]', "write an http(s) URL"),
    ('["https://a.com/x.css; script-src *"]', "not a CSP source"),
    ('["/static/my style.css"]', "percent-encode"),
    ('["//evil.example.com/x.css"]', "write an http(s) URL"),
])
def test_a_malformed_stylesheet_stops_the_load_at_the_page_line(tmp_path: Path, stylesheets: str,
                                                                words: str) -> None:
    path = write(tmp_path, f"""
        import mesop_cli as me

        @me.page(path="/", stylesheets={stylesheets})
        def home():
            me.text("hi")
    """)
    with pytest.raises(AppLoadError) as caught:
        load_app(path)
    assert str(caught.value).startswith(f"{path}:4: InvalidPageConfig: @me.page stylesheets")
    assert words in str(caught.value)


def test_check_config_reports_a_malformed_origin_with_file_and_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = write(tmp_path, """
        import mesop_cli as me

        @me.page(path="/", security_policy=me.SecurityPolicy(allowed_connect_srcs=["ftp//x"]))
        def home():
            me.text("hi")
    """)
    env = {"PATH": "/usr/bin:/bin", "PYTHON_DOTENV_DISABLED": "1"}
    done = subprocess.run([str(Path(sys.executable).parent / "mesop"), "--check-config",
                           "--format", "json", str(path)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 1, done.stderr
    (error,) = json.loads(done.stdout)["errors"]
    assert error["code"] == "E006"
    assert f"{path}:4:" in error["message"] and "'ftp//x'" in error["message"]
