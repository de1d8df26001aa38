"""MESOP_LOG_FORMAT: text or JSON lines for the app, the events, werkzeug and gunicorn;
a session id never appears raw in any line."""

from __future__ import annotations

import io
import json
import logging
import secrets
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mesop_cli.cli import main
from mesop_cli.config import load_config
from mesop_cli.logs import EVENT_LOGGER, JsonFormatter, TextFormatter, configure_logging, log_event
from mesop_cli.logs.formatters import FIELDS
from mesop_cli.state_format.session_ids import HASH_LENGTH, redact_session_ids, session_hash
from tests.support.server import RunningServer, running_server
from tests.support.tab import Tab

# -- the setting ------------------------------------------------------------------------


def test_the_setting_is_validated_with_a_did_you_mean() -> None:
    assert load_config(environ={}).settings.log_format == "text"  # type: ignore[union-attr]
    report = load_config(environ={"MESOP_LOG_FORMAT": " JSON "})
    assert report.settings is not None and report.settings.log_format == "json"
    (line,) = load_config(environ={"MESOP_LOG_FORMAT": "jsno"}).problem_lines()
    assert line.startswith("error E001 MESOP_LOG_FORMAT='jsno' (environment) is not a log "
                           "format; accepted: text or json (any case); did you mean 'json'?")


def test_check_config_shows_the_format_and_where_it_came_from(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_DOTENV_DISABLED", "1")
    monkeypatch.setenv("MESOP_LOG_FORMAT", "json")
    result = CliRunner().invoke(main, ["--check-config"])
    (row,) = [r for r in result.output.splitlines() if "MESOP_LOG_FORMAT" in r]
    assert row.split() == ["MESOP_LOG_FORMAT", "json", "environment"]


# -- session ids in log text ------------------------------------------------------------


def test_a_session_hash_is_a_short_stable_sha256_prefix() -> None:
    session_id = secrets.token_urlsafe(32)
    shown = session_hash(session_id)
    assert len(shown) == HASH_LENGTH and int(shown, 16) >= 0
    assert shown == session_hash(session_id) != session_hash(secrets.token_urlsafe(32))
    assert shown not in session_id


def test_ids_are_redacted_alone_in_file_names_and_keys_but_not_other_tokens() -> None:
    session_id = "A-" + secrets.token_urlsafe(32)[2:]  # starts with characters ids may hold
    shown = f"session#{session_hash(session_id)}"
    for template in ("{}", "id {} refused", "/tmp/mesop-sessions-0/mesop-session-{}.json",
                     "mesop:session:{}:lock", "'{}'"):
        text = redact_session_ids(template.format(session_id))
        assert session_id not in text and shown in text, text
    longer, shorter = session_id + "x", session_id[:-1]
    assert redact_session_ids(f"{longer} {shorter}") == f"{longer} {shorter}"


# -- the formatters ---------------------------------------------------------------------


def record(message: str, *args: object, **fields: object) -> logging.LogRecord:
    made = logging.LogRecord("mesop_cli.web", logging.WARNING, __file__, 1, message, args, None)
    if fields:
        setattr(made, FIELDS, fields)
    return made


def test_a_json_line_has_the_core_keys_and_the_fields_and_no_raw_id() -> None:
    session_id = secrets.token_urlsafe(32)
    line = JsonFormatter().format(record("lost %s\nsecond line \x1b[31mred\x1b[0m", session_id,
                                         event="click", level="forged"))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "mesop_cli.web"
    assert entry["time"].endswith("Z") and entry["time"][10] == "T"
    assert entry["event"] == "click"  # a field
    assert entry["message"] == \
        f"lost session#{session_hash(session_id)}\nsecond line red"
    assert session_id not in line


def test_a_json_line_carries_the_traceback_redacted() -> None:
    session_id = secrets.token_urlsafe(32)
    try:
        raise KeyError(session_id)
    except KeyError:
        made = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), None)
        import sys

        made.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(made))
    assert "KeyError" in entry["exception"] and session_id not in entry["exception"]


def test_a_text_line_is_redacted_too() -> None:
    session_id = secrets.token_urlsafe(32)
    line = TextFormatter().format(record("lost %s", session_id))
    assert " WARNING mesop_cli.web: lost session#" in line and session_id not in line


def test_configure_logging_replaces_its_handler_and_turns_events_on() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    first, second = io.StringIO(), io.StringIO()
    try:
        configure_logging("text", first)
        configure_logging("json", second)
        assert len(root.handlers) == len(before) + 1
        log_event("click", "/", "main:add_one", 0.0123, "memory", secrets.token_urlsafe(32),
                  False)
    finally:
        for handler in root.handlers[len(before):]:
            root.removeHandler(handler)
        logging.getLogger("mesop_cli").setLevel(logging.NOTSET)
    assert first.getvalue() == ""
    entry = json.loads(second.getvalue())
    assert (entry["event"], entry["path"], entry["handler"], entry["duration_ms"],
            entry["backend"], entry["outcome"]) == ("click", "/", "main:add_one", 12.3,
                                                    "memory", "ok")


def test_no_event_line_is_built_when_info_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    monkeypatch.setattr("mesop_cli.logs.event_line.session_hash",
                        lambda sid: built.append(sid) or "h")
    EVENT_LOGGER.setLevel(logging.WARNING)
    try:
        log_event("click", "/", "h", 0.001, "memory", secrets.token_urlsafe(32), False)
    finally:
        EVENT_LOGGER.setLevel(logging.NOTSET)
    assert built == []


# -- real servers -----------------------------------------------------------------------


def drive(server: RunningServer) -> list[str]:
    """Open pages, click, stream a chat reply; the session ids the tabs held."""
    ids = []
    for _ in range(2):
        tab = Tab(server.url, server_side=True)
        tab.open("/")
        tab.click("Increment")
        tab.click("Increment")
        assert "Count: 2" in tab.texts()
        tab.open("/chat")
        tab.type_into("Message", "hello")
        tab.click("Send")
        assert tab.session_id is not None
        ids.append(tab.session_id)
    return ids


def stop(server: RunningServer) -> None:
    """Stop the server first, so every line, shutdown included, is in its output."""
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=30)


@pytest.mark.integration
@pytest.mark.parametrize("mode", [[], ["--prod", "--workers", "2"]], ids=["dev", "prod"])
def test_every_stderr_line_is_json_with_event_fields_and_no_raw_session_id(
        mode: list[str], tmp_path: Path) -> None:
    env = {"MESOP_LOG_FORMAT": "json", "MESOP_STATE_SESSION_BACKEND": "file",
           "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path),
           "MESOP_SECRET_KEY": secrets.token_urlsafe(32)}
    with running_server(mode, env=env, split_stderr=True) as server:
        session_ids = drive(server)
        stop(server)
        errors, everything = server.errors(), server.output()
        out = server.log_path.read_text()
    entries = [json.loads(line) for line in errors.splitlines()]  # every line, or it fails
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert out == ""  # the banner too is a line on stderr
    assert entries[0]["logger"] == "mesop_cli.cli" and entries[0]["url"] == server.url
    events = [e for e in entries if e["logger"] == "mesop_cli.events"]
    assert [e["event"] for e in events if e["session_hash"] == session_hash(session_ids[0])] \
        == ["load", "click", "click", "load", "input", "click"]
    click = next(e for e in events if e["event"] == "click")
    assert click["path"] == "/" and click["handler"].endswith(":increment")
    assert click["backend"] == "file" and click["outcome"] == "ok"
    assert isinstance(click["duration_ms"], float | int) and click["duration_ms"] >= 0
    send = [e for e in events if e["path"] == "/chat" and e["event"] == "click"]
    assert len(send) == 2 and all(e["handler"].endswith(":send") for e in send)
    access_logger = "gunicorn.access" if mode else "werkzeug"
    requests_seen = [e for e in entries if e["logger"] == access_logger and "status" in e]
    assert len(requests_seen) >= 12
    assert {(e["method"], e["path"], e["status"]) for e in requests_seen} == \
        {("POST", "/__mesop__/events", 200), ("GET", "/__mesop__/healthz", 200)}
    assert all(isinstance(e["bytes"], int) and e["bytes"] > 0 for e in requests_seen)
    if mode:
        assert any(e["logger"] == "gunicorn.error" and "Booting worker" in e["message"]
                   for e in entries)
    for session_id in session_ids:
        assert session_id not in everything


@pytest.mark.integration
def test_text_lines_stay_the_default_with_an_event_line_and_no_raw_session_id(
        tmp_path: Path) -> None:
    env = {"MESOP_STATE_SESSION_BACKEND": "memory"}
    with running_server(["--prod"], env=env, split_stderr=True) as server:
        session_ids = drive(server)
        stop(server)
        errors, everything = server.errors(), server.output()
    lines = errors.splitlines()
    assert not any(line.startswith("{") for line in lines)
    assert any("[INFO] Booting worker" in line for line in lines)  # gunicorn's own format
    event = next(line for line in lines if " INFO mesop_cli.events: event click on / by " in line)
    assert f"(backend memory, session {session_hash(session_ids[0])})" in event or \
        f"(backend memory, session {session_hash(session_ids[1])})" in event
    assert any('"POST /__mesop__/events HTTP/1.1" 200' in line for line in lines)  # access
    for session_id in session_ids:
        assert session_id not in everything


@pytest.fixture(autouse=True)
def _no_gunicorn_handlers_left() -> Iterator[None]:
    """gunicorn's loggers are process-wide: drop what a test's logger added to them."""
    yield
    for name in ("gunicorn.error", "gunicorn.access"):
        log = logging.getLogger(name)
        for handler in [h for h in log.handlers if getattr(h, "_gunicorn", False)]:
            log.removeHandler(handler)


def gunicorn_logger(logger_class: type, accesslog: str | None = None):  # type: ignore[no-untyped-def]
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", accesslog)
    return logger_class(cfg)


def test_gunicorn_text_lines_keep_its_format_with_ids_redacted(
        capsys: pytest.CaptureFixture[str]) -> None:
    from mesop_cli.serving.gunicorn_logger import launch_logger_class

    session_id = secrets.token_urlsafe(32)
    gunicorn_logger(launch_logger_class("text")).error("worker lost %s", session_id)
    err = capsys.readouterr().err
    assert "[ERROR] worker lost session#" in err and session_id not in err


def test_plain_gunicorns_logger_class_reads_the_format_from_the_environment(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from mesop_cli.serving.gunicorn_logger import GunicornLogger

    monkeypatch.setenv("MESOP_LOG_FORMAT", "JSON")
    gunicorn_logger(GunicornLogger).info("Booting worker with pid: %s", 42)
    entry = json.loads(capsys.readouterr().err)
    assert (entry["logger"], entry["message"]) == ("gunicorn.error", "Booting worker with pid: 42")


@pytest.mark.integration
def test_plain_gunicorn_with_the_logger_class_writes_only_json(tmp_path: Path) -> None:
    """`gunicorn --logger-class ...GunicornLogger 'mesop_cli.wsgi:create_app(...)'`: the
    factory's startup lines (here warning W001), gunicorn's lines, the access log and the
    event lines, all JSON, none with a session id."""
    import subprocess
    import sys
    import time

    import requests

    from tests.support.server import SAMPLE_APP, clean_env, free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "-w", "2", "--bind", f"127.0.0.1:{port}", "--access-logfile", "-",
         "--logger-class", "mesop_cli.serving.gunicorn_logger.GunicornLogger",
         f'mesop_cli.wsgi:create_app("{SAMPLE_APP}")'],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=clean_env({"MESOP_LOG_FORMAT": "json", "MESOP_STATE_SESSION_BACKEND": "memory",
                       "MESOP_SECRET_KEY": secrets.token_urlsafe(32)}),
    )
    try:
        # A loaded machine can take a while to boot two workers: wait for them, then say
        # so plainly if they never answered.
        deadline = time.monotonic() + 60
        up = False
        while not up and time.monotonic() < deadline and process.poll() is None:
            try:
                up = requests.get(url + "/__mesop__/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                time.sleep(0.2)
        assert up, "gunicorn did not answer /__mesop__/healthz within 60 s"
        tab = Tab(url, server_side=True)
        tab.open("/")
        tab.click("Increment")
        assert "Count: 1" in tab.texts()
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            raise AssertionError(f"gunicorn did not stop on SIGTERM:\n{output}") from None
    entries = [json.loads(line) for line in output.splitlines()]
    loggers = {e["logger"] for e in entries}
    assert {"mesop_cli.config", "gunicorn.error", "gunicorn.access", "mesop_cli.events"} \
        <= loggers
    assert any(e["message"].startswith("warning W001") and e["level"] == "WARNING"
               for e in entries)
    assert tab.session_id is not None and tab.session_id not in output


# -- every line of a launch is JSON, errors included -----------------------------------

FAILING_APP = Path(__file__).parent / "apps" / "failing_handler_app.py"


@pytest.mark.integration
@pytest.mark.parametrize("mode", [[], ["--prod", "--workers", "2"]], ids=["dev", "prod"])
def test_a_failing_handler_logs_its_traceback_and_reference_as_fields(
        mode: list[str]) -> None:
    """Every line of stdout and stderr parses: banner, warning W001 (prod: memory with two
    workers), werkzeug's or gunicorn's lines, the access log and the handler's error,
    whose traceback is in ``exception`` and whose reference (prod: the one the browser
    was given) is ``error_ref``."""
    from tests.support.tab import ServerError

    env = {"MESOP_LOG_FORMAT": "json", "MESOP_STATE_SESSION_BACKEND": "memory",
           "MESOP_SECRET_KEY": secrets.token_urlsafe(32)}
    with running_server(mode, env=env, app=FAILING_APP, split_stderr=True) as server:
        tab = Tab(server.url, server_side=True)
        tab.open("/")
        tab.click("Add")
        with pytest.raises(ServerError) as failed:
            tab.click("Fail")
        stop(server)
        out, errors = server.log_path.read_text(), server.errors()
    assert out == ""  # one stream
    entries = [json.loads(line) for line in errors.splitlines()]
    assert entries and all(isinstance(e, dict) for e in entries)
    assert '"bytes":null' not in errors.replace(" ", "")
    banner = entries[0]
    assert (banner["logger"], banner["level"], banner["url"]) == \
        ("mesop_cli.cli", "INFO", server.url)
    if mode:
        (warning,) = [e for e in entries if e.get("code") == "W001"]
        assert warning["level"] == "WARNING" and warning["message"].startswith("warning W001")
    (error,) = [e for e in entries if e["level"] == "ERROR"]
    assert error["logger"] == "mesop_cli.web"
    assert error["exception"].startswith("Traceback (most recent call last):")
    assert "line 22, in divide" in error["exception"]
    assert error["exception"].rstrip().endswith("ZeroDivisionError: integer division or "
                                                "modulo by zero")
    assert "Traceback" not in error["message"]  # the message is one line
    assert error["message"] == \
        f"Something went wrong [reference {error['error_ref']}]: " \
        f"ZeroDivisionError: integer division or modulo by zero " \
        f"({FAILING_APP}:22, in divide)"
    if mode:
        assert failed.value.message == \
            f"Something went wrong (reference {error['error_ref']})."
    (event,) = [e for e in entries if e.get("outcome") == "error"]
    assert event["handler"].endswith(":divide")
    access = "gunicorn.access" if mode else "werkzeug"
    requests_seen = [e for e in entries if e["logger"] == access and "status" in e]
    assert len(requests_seen) >= 4 and all(isinstance(e["bytes"], int) for e in requests_seen)


@pytest.fixture
def json_logs_undone() -> Iterator[None]:
    """The launcher configures logging for the process: put it back after the test."""
    from mesop_cli.logs import formatters

    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, formatters._OURS, False)]:
        root.removeHandler(handler)
    formatters._route_stray_output(False)
    logging.getLogger("mesop_cli").setLevel(logging.NOTSET)


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_a_refused_launch_says_why_in_json(monkeypatch: pytest.MonkeyPatch,
                                           json_logs_undone: None) -> None:
    monkeypatch.setenv("PYTHON_DOTENV_DISABLED", "1")
    monkeypatch.setenv("MESOP_LOG_FORMAT", "json")
    monkeypatch.setenv("MESOP_PORT", "eighty")
    result = CliRunner().invoke(main, [str(FAILING_APP)])
    assert result.exit_code == 1 and result.stdout == ""
    entries = json_lines(result.stderr)
    (error,) = [e for e in entries if e["level"] == "ERROR"]
    assert error["code"] == "E001" and "MESOP_PORT" in str(error["message"])


def test_a_port_in_use_is_a_json_line(monkeypatch: pytest.MonkeyPatch,
                                      json_logs_undone: None) -> None:
    import socket

    monkeypatch.setenv("PYTHON_DOTENV_DISABLED", "1")
    monkeypatch.setenv("MESOP_LOG_FORMAT", "json")
    monkeypatch.setenv("MESOP_STATE_SESSION_BACKEND", "memory")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, [str(FAILING_APP), "--port", str(port)])
    assert result.exit_code == 1 and result.stdout == ""
    entries = json_lines(result.stderr)  # the banner, then the refusal: no "Error: " text
    assert entries[0]["url"] == f"http://127.0.0.1:{port}"
    assert entries[-1]["level"] == "ERROR" and "already in use" in str(entries[-1]["message"])


def test_the_text_banner_is_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_DOTENV_DISABLED", "1")
    monkeypatch.setenv("MESOP_STATE_SESSION_BACKEND", "memory")
    monkeypatch.setattr("mesop_cli.serving.launch.serve", lambda app, settings: None)
    result = CliRunner().invoke(main, [str(FAILING_APP), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [f"mesop-cli serving {FAILING_APP}",
                                              "  URL        http://127.0.0.1:8123"]
    assert result.stderr == ""


def test_a_reported_error_has_its_reference_and_traceback_as_fields() -> None:
    from mesop_cli.web.error_reports import report

    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        configure_logging("json", stream)
        reported = report(True, "Something went wrong", "KeyError: 'x' (main.py:3)",
                          traceback="Traceback (most recent call last):\n  ...\nKeyError: 'x'\n")
        configure_logging("text", stream)
        report(True, "Something went wrong", "KeyError", traceback="Traceback: here\n")
    finally:
        for handler in root.handlers[len(before):]:
            root.removeHandler(handler)
        logging.getLogger("mesop_cli").setLevel(logging.NOTSET)
    first, *text = stream.getvalue().splitlines()
    entry = json.loads(first)
    assert entry["error_ref"] == reported.reference
    assert entry["exception"].endswith("KeyError: 'x'\n")
    assert entry["message"] == \
        f"Something went wrong [reference {reported.reference}]: KeyError: 'x' (main.py:3)"
    assert text[0].endswith("]: KeyError") and text[1] == "Traceback: here"  # text: below


def test_python_warnings_and_uncaught_errors_become_json_lines(
        json_logs_undone: None) -> None:
    import sys
    import threading
    import warnings

    stream = io.StringIO()
    configure_logging("json", stream)
    warnings.warn("an old call", DeprecationWarning, stacklevel=1)
    try:
        raise RuntimeError("nobody caught me")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    thread = threading.Thread(target=lambda: 1 / 0, name="worker-7")
    thread.start()
    thread.join()
    entries = json_lines(stream.getvalue())
    assert [e["logger"] for e in entries] == ["py.warnings", "mesop_cli", "mesop_cli"]
    assert "an old call" in str(entries[0]["message"])
    assert entries[1]["level"] == "CRITICAL" and "nobody caught me" in str(entries[1]["exception"])
    assert "worker-7" in str(entries[2]["message"])
    assert "ZeroDivisionError" in str(entries[2]["exception"])
