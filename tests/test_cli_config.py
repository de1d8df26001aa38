"""The `mesop` command through click's CliRunner: bad inputs, banner, --check-config."""

from __future__ import annotations

import json
import os
import sys
import time
import types
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mesop_cli.cli import main
from mesop_cli.config import Settings
from tests.support.services import postgres_uri, redis_url

APP = "import mesop_cli as me\n\n@me.page(path='/', title='Home')\ndef home():\n    me.text('hi')\n"
KEY = "k" * 40


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No MESOP_* or WEB_CONCURRENCY from the developer's shell, no .env of theirs, and
    whatever a run exports into os.environ is undone after the test."""
    monkeypatch.setattr(os, "environ", os.environ.copy())
    for name in list(os.environ):
        if name.startswith(("MESOP_", "_MESOP_")) or name in ("WEB_CONCURRENCY",
                                                              "PYTHON_DOTENV_DISABLED"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.py").write_text(APP)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, Settings]]:
    """Replace the server: record what `serve` was called with instead of serving."""
    calls: list[tuple[Path, Settings]] = []
    module = (sys.modules.get("mesop_cli.serving.launch")
              or types.ModuleType("mesop_cli.serving.launch"))
    monkeypatch.setitem(sys.modules, "mesop_cli.serving.launch", module)
    monkeypatch.setattr(module, "serve", lambda app, settings: calls.append((app, settings)),
                        raising=False)
    return calls


def run(args: list[str], env: dict[str, str] | None = None, dotenv: str | bytes | None = None
        ) -> Result:
    if isinstance(dotenv, bytes):
        Path(".env").write_bytes(dotenv)
    elif dotenv is not None:
        Path(".env").write_text(dotenv)
    for name, value in (env or {}).items():
        os.environ[name] = value
    return CliRunner().invoke(main, args, catch_exceptions=False)


# -- bad inputs: (id, args, environment, .env text, exit code, words the output must contain)

BAD = [
    ("backend-typo-env", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "memroy"}, None, 1,
     ["MESOP_STATE_SESSION_BACKEND='memroy'", "(environment)", "did you mean 'memory'"]),
    ("backend-typo-dotenv", ["main.py"], {}, "MESOP_STATE_SESSION_BACKEND=redsi\n", 1,
     ["MESOP_STATE_SESSION_BACKEND='redsi'", "(.env:1)", "did you mean 'redis'", "accepted"]),
    ("backend-empty", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": ""}, None, 1,
     ["MESOP_STATE_SESSION_BACKEND=''", "is empty", "none, memory, file, redis, sql"]),
    ("file-dir-relative", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "file",
     "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": "sessions"}, None, 1,
     ["relative path", "did you mean", "absolute"]),
    ("file-dir-is-a-file", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "file",
     "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": "{tmp}/main.py"}, None, 1,
     ["E004", "not a directory"]),
    ("file-dir-under-a-file", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "file",
     "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": "{tmp}/main.py/sessions"}, None, 1,
     ["E004", "cannot be created"]),
    ("redis-url-scheme", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "redis",
     "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "http://cache:6379"}, None, 1,
     ["MESOP_STATE_SESSION_BACKEND_REDIS_URL='http://cache:6379'", "scheme", "rediss://"]),
    ("redis-url-scheme-typo", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "redis",
     "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "reddis://cache"}, None, 1,
     ["did you mean 'redis://cache'"]),
    ("redis-url-not-a-url", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "redis"},
     "MESOP_STATE_SESSION_BACKEND_REDIS_URL=localhost:6379\n", 1,
     ["not a URL", "(.env:1)", "did you mean 'redis://localhost:6379'"]),
    ("redis-url-port", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "redis",
     "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis://cache:99999"}, None, 1, ["port"]),
    ("redis-url-db", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "redis",
     "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis://cache/sessions"}, None, 1,
     ["database '/sessions'", "not a number"]),
    ("redis-url-slash-in-password", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "redis",
     "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis://:pa/ss@cache:6379/0"}, None, 1,
     ["REDIS_URL='redis://:***@cache:6379/0'", "percent-encode", "%2F"]),
    ("redis-url-query", ["--check-config"], {"MESOP_STATE_SESSION_BACKEND": "redis",
     "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis://cache:6379/0?socket_timeout=soon"},
     None, 1, ["E001", "refused by redis-py", "'socket_timeout'"]),
    ("redis-url-missing", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "redis"}, None, 1,
     ["E002", "MESOP_STATE_SESSION_BACKEND_REDIS_URL is required", "redis://"]),
    ("sql-uri-missing", ["main.py"], {}, "MESOP_STATE_SESSION_BACKEND=sql\n", 1,
     ["E002", "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI is required", "(.env:1)"]),
    ("sql-uri-postgres-alias", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "sql",
     "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": "postgres://root@db/test"}, None, 1,
     ["unknown database dialect 'postgres'", "did you mean 'postgresql+psycopg://root@db/test'"]),
    ("sql-uri-unsupported", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "sql",
     "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": "mysql://root@db/test"}, None, 1,
     ["supports sqlite and postgresql"]),
    ("sql-uri-port-word", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "sql",
     "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": "postgresql+psycopg://u:pw@db:pg/test"},
     None, 1, ["E001", "port that is not a number", "u:***@db"]),
    ("sql-uri-query", ["--check-config"], {"MESOP_STATE_SESSION_BACKEND": "sql",
     "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": "sqlite:////tmp/s.db?timeout=soon"},
     None, 1, ["E001", "query option SQLAlchemy refuses"]),
    ("sql-uri-sqlite-sslmode", ["--check-config"], {"MESOP_STATE_SESSION_BACKEND": "sql",
     "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": "sqlite:////tmp/s.db?sslmode=require"},
     None, 1, ["E001", "query option 'sslmode', which the SQLite driver ignores"]),
    ("sql-table", ["main.py"], {"MESOP_STATE_SESSION_BACKEND": "sql",
     "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": "sqlite:///s.db",
     "MESOP_STATE_SESSION_BACKEND_SQL_TABLE": "mesop-sessions"}, None, 1,
     ["not a plain table name", "did you mean 'mesop_sessions'"]),
    ("ttl-word", ["main.py"], {"MESOP_STATE_SESSION_TTL_SECONDS": "ten"}, None, 1,
     ["MESOP_STATE_SESSION_TTL_SECONDS='ten'", "not a whole number", "seconds"]),
    ("ttl-zero", ["main.py"], {"MESOP_STATE_SESSION_TTL_SECONDS": "0"}, None, 1,
     ["out of range", "did you mean '1'"]),
    ("ttl-fraction", ["main.py"], {}, "MESOP_STATE_SESSION_TTL_SECONDS=90.6\n", 1,
     ["not a whole number", "did you mean '91'", "(.env:1)"]),
    ("upload-exponent", ["main.py"], {"MESOP_MAX_UPLOAD_BYTES": "1e9"}, None, 1,
     ["not a whole number", "did you mean '12000000'"]),  # the nearest accepted value
    ("memory-negative", ["main.py"], {"MESOP_STATE_SESSION_BACKEND_MEMORY_MAX_MB": "-5"}, None,
     1, ["MESOP_STATE_SESSION_BACKEND_MEMORY_MAX_MB='-5'", "out of range", "megabytes"]),
    ("port-env-range", ["main.py"], {"MESOP_PORT": "70000"}, None, 1,
     ["MESOP_PORT='70000'", "out of range", "did you mean '65535'"]),
    ("port-flag-word", ["main.py", "--port", "http"], {}, None, 1,
     ["--port='http'", "(flag)", "not a whole number"]),
    ("workers-flag-zero", ["main.py", "--workers", "0"], {}, None, 1,
     ["--workers='0'", "out of range", "from 1 to 1024"]),
    ("web-concurrency", ["main.py"], {"WEB_CONCURRENCY": "auto"}, None, 1,
     ["WEB_CONCURRENCY='auto'", "not a whole number"]),
    ("threads-env", ["main.py"], {"MESOP_THREADS": "many"}, None, 1,
     ["MESOP_THREADS='many'", "not a whole number"]),
    ("host-garbage", ["main.py", "--host", "local host!"], {}, None, 1,
     ["--host='local host!'", "IP address or a host name"]),
    ("host-url", ["main.py"], {"MESOP_HOST": "http://example.com"}, None, 1,
     ["is a URL, not a host", "did you mean 'example.com'"]),
    ("secret-blank", ["main.py"], {"MESOP_SECRET_KEY": "   "}, None, 1,
     ["MESOP_SECRET_KEY='***'", "is empty"]),
    ("dotenv-not-utf8", ["main.py"], {}, b"MESOP_PORT=\xff\xfe\n", 1, ["E007", "cannot read"]),
    ("strict-unknown-name", ["main.py", "--strict"], {"MESOP_PROT": "8000"}, None, 1,
     ["W005", "MESOP_PROT", "did you mean MESOP_PORT", "--strict"]),
    ("strict-bad-dotenv-line", ["main.py", "--strict"], {}, "MESOP_PORT 8000\n", 1,
     ["W007", ".env:1", "cannot parse"]),
    ("env-file-missing", ["main.py", "--env-file", "nope.env"], {}, None, 2,
     ["--env-file", "nope.env", "does not exist"]),
    ("app-missing", ["nope.py"], {}, None, 2, ["nope.py", "does not exist"]),
    ("app-not-given", [], {}, None, 2, ["missing the app file", "mesop main.py"]),
    ("unknown-flag", ["main.py", "--wokers", "2"], {}, None, 2,
     ["No such option", "--workers"]),
    ("format-without-check", ["main.py", "--format", "json"], {}, None, 2,
     ["--format applies only to --check-config"]),
    ("format-unknown", ["--check-config", "--format", "yaml"], {}, None, 2,
     ["'yaml' is not one of", "text", "json"]),
]


@pytest.mark.parametrize("args, env, dotenv, status, words", [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_bad_input(args: list[str], env: dict[str, str], dotenv: str | bytes | None, status: int,
                   words: list[str], tmp_path: Path, served: list) -> None:
    env = {name: value.replace("{tmp}", str(tmp_path)) for name, value in env.items()}
    result = run(args, env, dotenv)
    assert result.exit_code == status, result.output
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output
    assert served == []


def test_at_least_25_distinct_bad_inputs() -> None:
    assert len({b[0] for b in BAD}) == len(BAD) >= 25


def test_every_problem_is_one_line_and_all_are_listed(served: list) -> None:
    result = run(["main.py", "--port", "x"], {"MESOP_STATE_SESSION_BACKEND": "memroy"},
                 "MESOP_THREADS=0\nMESOP_STATE_SESSION_TTL_SECONDS=-1\n")
    errors = [line for line in result.output.splitlines() if line.startswith("error ")]
    assert result.exit_code == 1 and len(errors) == 4
    assert f".env: read {Path('.env').resolve()}" in result.output


# -- a valid launch: banner, then serve(app, settings) ------------------------------------------


def test_banner_and_serve_call(served: list) -> None:
    result = run(["main.py", "--port", "8123"], {"MESOP_THREADS": "4"},
                 "MESOP_STATE_SESSION_BACKEND=memory\n")
    assert result.exit_code == 0, result.output
    (app, settings), = served
    assert app == Path("main.py") and (settings.backend, settings.port) == ("memory", 8123)
    for words in ("http://127.0.0.1:8123", "memory (TTL 600 s", "a thread per connection",
                  "dev server, hot reload", f"read {Path('.env').resolve()}",
                  "MESOP_THREADS (environment) applies in production"):
        assert words in result.output


def test_banner_shows_the_memory_workers_warning(served: list) -> None:
    result = run(["main.py", "--workers", "3"], {"MESOP_STATE_SESSION_BACKEND": "memory",
                                                 "MESOP_SECRET_KEY": KEY})
    assert result.exit_code == 0 and served[0][1].prod
    assert "3 x 8 threads (gunicorn, production)" in result.output
    assert "warning W001" in result.output and "67%" in result.output


def test_banner_says_no_dotenv_and_dir_creation(served: list, tmp_path: Path) -> None:
    result = run(["main.py"], {"MESOP_STATE_SESSION_BACKEND": "file",
                               "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path / "s")})
    assert result.exit_code == 0
    assert ".env       none found" in result.output
    assert f"note: file backend directory {tmp_path / 's'} does not exist; it will be created" \
        in result.output


def test_precedence_through_the_command_line(served: list) -> None:
    run(["main.py", "--port", "8001"], {"MESOP_PORT": "8002", "MESOP_THREADS": "3"},
        "MESOP_PORT=8003\nMESOP_THREADS=5\nMESOP_HOST=0.0.0.0\n")
    settings = served[0][1]
    assert (settings.port, settings.threads, settings.host, settings.workers) == (
        8001, 3, "0.0.0.0", 1)


def test_dotenv_variables_reach_the_environment_of_the_app(served: list) -> None:
    run(["main.py"], {"ALREADY": "env"}, "ALREADY=file\nAPI_TOKEN=abc\n")
    assert (os.environ["ALREADY"], os.environ["API_TOKEN"]) == ("env", "abc")


# -- --check-config ---------------------------------------------------------------------------


def check(args: list[str], env: dict[str, str] | None = None, dotenv: str | None = None
          ) -> tuple[Result, dict]:
    result = run(["--check-config", "--format", "json", *args], env, dotenv)
    return result, json.loads(result.output)


def test_check_config_json_schema() -> None:
    result, data = check(["main.py"], {"MESOP_STATE_SESSION_BACKEND": "memory"},
                         "MESOP_STATE_SESSION_TTL_SECONDS=30\n")
    assert result.exit_code == 0
    assert set(data) >= {"settings", "warnings", "errors", "pages", "env_file", "ok"}
    assert data["ok"] is True and data["errors"] == []
    assert data["env_file"] == str(Path(".env").resolve())
    for setting in data["settings"]:
        assert set(setting) == {"name", "read_as", "value", "source"}
        assert isinstance(setting["name"], str) and isinstance(setting["source"], str)
    by_name = {s["name"]: s for s in data["settings"]}
    assert by_name["MESOP_STATE_SESSION_TTL_SECONDS"] == {
        "name": "MESOP_STATE_SESSION_TTL_SECONDS", "read_as": "MESOP_STATE_SESSION_TTL_SECONDS",
        "value": 30, "source": ".env:1"}
    assert by_name["MESOP_STATE_SESSION_BACKEND"]["source"] == "environment"
    assert by_name["MESOP_PORT"] == {"name": "MESOP_PORT", "read_as": "MESOP_PORT",
                                     "value": 32123, "source": "default"}
    assert by_name["MESOP_SECRET_KEY"]["value"] == "***"
    assert data["warnings"] == [{"code": "W004", "message": data["warnings"][0]["message"]}]
    assert data["pages"] == [{"path": "/", "title": "Home"}]


def test_check_config_json_names_are_stable_whatever_the_source() -> None:
    _, data = check(["--port", "8080"], {"WEB_CONCURRENCY": "2"})
    by_name = {s["name"]: s for s in data["settings"]}
    assert by_name["MESOP_PORT"]["read_as"] == "--port"
    assert by_name["MESOP_PORT"]["value"] == 8080 and by_name["MESOP_PORT"]["source"] == "flag"
    assert by_name["MESOP_WORKERS"]["read_as"] == "WEB_CONCURRENCY"
    assert by_name["--prod"]["value"] is True


def test_check_config_invalid_exits_1_with_errors() -> None:
    result, data = check([], {"MESOP_PORT": "0"})
    assert result.exit_code == 1 and data["ok"] is False
    assert data["errors"][0]["code"] == "E001" and data["pages"] == []


def test_check_config_strict_fails_on_a_warning() -> None:
    assert check([], {"MESOP_STATE_SESSION_TTL_SECONDS": "5",
                      "MESOP_STATE_SESSION_BACKEND": "file"})[0].exit_code == 0
    result = run(["--check-config", "--strict"], {"MESOP_STATE_SESSION_TTL_SECONDS": "5",
                                                 "MESOP_STATE_SESSION_BACKEND": "file"})
    assert result.exit_code == 1 and "error W004" in result.output


def test_check_config_text_lists_settings_sources_and_summary() -> None:
    result = run(["--check-config", "main.py"], {"MESOP_STATE_SESSION_BACKEND": "memory"},
                 "MESOP_PORT=9000\n")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f".env: read {Path('.env').resolve()}"
    assert any(line.split() == ["MESOP_PORT", "9000", ".env:1"] for line in lines)
    assert any(line.split() == ["MESOP_STATE_SESSION_BACKEND", "memory", "environment"]
               for line in lines)
    assert "app main.py: 1 page(s)" in result.output
    assert lines[-1] == "OK: 0 error(s), 0 warning(s)"


def test_check_config_shows_keep_on_reload_and_refuses_a_bad_value() -> None:
    _, data = check([])
    by_name = {s["name"]: s for s in data["settings"]}
    assert by_name["MESOP_STATE_SESSION_KEEP_ON_RELOAD"]["value"] is False
    assert by_name["MESOP_STATE_SESSION_KEEP_ON_RELOAD"]["source"] == "default"
    result = run(["--check-config"], {"MESOP_STATE_SESSION_KEEP_ON_RELOAD": "yes"})
    assert result.exit_code == 0
    assert any(line.split() == ["MESOP_STATE_SESSION_KEEP_ON_RELOAD", "true", "environment"]
               for line in result.output.splitlines())
    result = run(["--check-config"], {"MESOP_STATE_SESSION_KEEP_ON_RELOAD": "keep"})
    assert result.exit_code == 1
    (line,) = [x for x in result.output.splitlines() if x.startswith("error")]
    assert line.startswith("error E001 MESOP_STATE_SESSION_KEEP_ON_RELOAD='keep' (environment) "
                           "is not a yes/no value; accepted: true or false")


def test_check_config_app_that_fails_to_import_names_file_and_line() -> None:
    Path("broken.py").write_text("import mesop_cli as me\n\nraise RuntimeError('boom')\n")
    result, data = check(["broken.py"])
    assert result.exit_code == 1
    (error,) = data["errors"]
    assert error["code"] == "E006" and "broken.py:3" in error["message"]


def test_check_config_app_that_calls_sys_exit_is_an_error_not_a_silent_exit() -> None:
    Path("quits.py").write_text("import sys\n\nsys.exit(3)\n")
    result, data = check(["quits.py"])
    assert result.exit_code == 1
    (error,) = data["errors"]
    assert error["code"] == "E006" and "quits.py:3" in error["message"]
    assert "SystemExit: 3" in error["message"]


def test_check_config_json_stays_json_when_the_app_prints_while_importing() -> None:
    Path("chatty.py").write_text("print('hello from the app')\n" + APP)
    result = run(["--check-config", "--format", "json", "chatty.py"])
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["pages"] == [{"path": "/", "title": "Home"}]
    assert "hello from the app" in result.stderr


def test_check_config_file_dir_writable_and_creatable(tmp_path: Path) -> None:
    env = {"MESOP_STATE_SESSION_BACKEND": "file",
           "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path / "new" / "dir")}
    result, data = check([], env)
    assert result.exit_code == 0 and data["checks"][0]["ok"]
    assert "can be created" in data["checks"][0]["detail"]
    assert not (tmp_path / "new").exists()


def test_check_config_reports_an_unusable_file_dir_once(tmp_path: Path) -> None:
    a_file = str(tmp_path / "main.py")
    result, data = check([], {"MESOP_STATE_SESSION_BACKEND": "file",
                              "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": a_file})
    assert result.exit_code == 1
    assert [e["code"] for e in data["errors"]] == ["E004"]


def test_check_config_sqlite_creates_nothing_but_the_file(tmp_path: Path) -> None:
    env = {"MESOP_STATE_SESSION_BACKEND": "sql",
           "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": f"sqlite:///{tmp_path}/s.db"}
    result, data = check([], env)
    assert result.exit_code == 0, data
    assert "will be created" in data["checks"][0]["detail"]


def timed_check(env: dict[str, str]) -> tuple[Result, dict, float]:
    started = time.monotonic()
    result, data = check([], env)
    return result, data, time.monotonic() - started


def test_check_config_reaches_a_live_redis() -> None:
    url = redis_url()
    result, data, elapsed = timed_check({"MESOP_STATE_SESSION_BACKEND": "redis",
                                         "MESOP_STATE_SESSION_BACKEND_REDIS_URL": url})
    assert result.exit_code == 0 and data["ok"] and elapsed < 5
    assert "answered PING" in data["checks"][0]["detail"]


def test_check_config_dead_redis_is_an_error_within_5_seconds() -> None:
    result, data, elapsed = timed_check({
        "MESOP_STATE_SESSION_BACKEND": "redis",
        "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis://:hunter2@127.0.0.1:1/0"})
    assert result.exit_code == 1 and elapsed < 5
    assert data["errors"][0]["code"] == "E005" and "127.0.0.1:1" in data["errors"][0]["message"]
    assert "hunter2" not in result.output


def test_check_config_reaches_a_live_postgresql() -> None:
    uri = postgres_uri()
    result, data, elapsed = timed_check({"MESOP_STATE_SESSION_BACKEND": "sql",
                                         "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": uri,
                                         "MESOP_STATE_SESSION_BACKEND_SQL_TABLE": "cfg_probe"})
    assert result.exit_code == 0 and data["ok"], data
    assert elapsed < 5 and "can be created" in data["checks"][0]["detail"]


def test_check_config_dead_postgresql_is_an_error_within_5_seconds() -> None:
    result, data, elapsed = timed_check({
        "MESOP_STATE_SESSION_BACKEND": "sql",
        "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI":
            "postgresql+psycopg://root:hunter2@127.0.0.1:1/test"})
    assert result.exit_code == 1 and elapsed < 5
    assert data["errors"][0]["code"] == "E005" and "hunter2" not in result.output


def test_a_file_dir_that_cannot_be_created_stops_the_launch_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation passes (as it does for root under /proc), then mkdir fails: no traceback."""
    monkeypatch.setattr("mesop_cli.config.loader._dir_problem", lambda path: (None, None))
    result = run(["main.py"], {"MESOP_STATE_SESSION_BACKEND": "file",
                 "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path / "main.py" / "s")})
    assert result.exit_code == 1, result.output
    # The launch's store check finds it before the backend is built.
    assert "error E005 file:" in result.output and "Not a directory" in result.output
    assert "Traceback" not in result.output


def test_check_config_shows_allowed_origins_as_browsers_send_them() -> None:
    env = {"MESOP_ALLOWED_ORIGINS": "https://App.example.com:443/, http://127.0.0.1:8000"}
    shown = "https://app.example.com, http://127.0.0.1:8000"
    result = run(["--check-config", "--format", "json"], env)
    assert result.exit_code == 0, result.output
    by_name = {s["name"]: s for s in json.loads(result.output)["settings"]}
    # JSON keeps the list a list, for tools; the text output keeps the .env spelling.
    assert by_name["MESOP_ALLOWED_ORIGINS"]["value"] == shown.split(", ")
    assert by_name["MESOP_ALLOWED_ORIGINS"]["source"] == "environment"
    text = run(["--check-config"], env).output
    line = next(ln for ln in text.splitlines() if "MESOP_ALLOWED_ORIGINS" in ln)
    assert line.split()[1:] == [*shown.split(), "environment"]


def test_check_config_shows_allowed_origins_unset_by_default() -> None:
    line = next(ln for ln in run(["--check-config"]).output.splitlines()
                if "MESOP_ALLOWED_ORIGINS" in ln)
    assert line.split()[1:] == ["(unset)", "default"]


@pytest.mark.parametrize(("value", "words", "suggestion"), [
    ("https://app.example.com/login", "which is not an origin", "'https://app.example.com'"),
    ("app.example.com", "which is not an origin", "'https://app.example.com'"),
    ("https://ok.example, ftp://files.example", "'ftp://files.example', which is not", None),
    ("*", "wildcards are not accepted", None),
    ("https://*.example.com", "wildcards are not accepted", None),
    ("https://bücher.example:8443", "punycode", "'https://xn--bcher-kva.example:8443'"),
    ("http://127.0.0.1:0", "which is not an origin", None),
    ("null", "any site can make a browser send it", None),
    (" , ", "is empty", None),
])
def test_a_bad_allowed_origin_is_an_error_that_says_what_is_accepted(
    value: str, words: str, suggestion: str | None
) -> None:
    result = run(["--check-config"], {"MESOP_ALLOWED_ORIGINS": value})
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if ln.startswith("error E001"))
    assert f"MESOP_ALLOWED_ORIGINS={value!r} (environment)" in line
    assert words in line
    assert "accepted: comma-separated http(s) origins" in line
    if suggestion is None:
        assert "did you mean" not in line
    else:
        assert line.endswith(f"did you mean {suggestion}?")


# -- --check-config draws every page once -------------------------------------------------------


RENDERS_BADLY = """import mesop_cli as me

@me.stateclass
class State:
    items: list[str]

def load(e: me.LoadEvent):
    raise RuntimeError("on_load must not run in --check-config")

@me.page(path="/", title="Fine", on_load=load)
def home():
    me.text("fine")

@me.page(path="/broken", title="Broken")
def broken():
    me.text("before")
    me.text(undefined_helper(me.state(State).items))

@me.page(path="/empty", title="Empty")
def empty():
    me.text(me.state(State).items[0])
"""


def test_check_config_draws_every_page_and_names_the_failing_lines() -> None:
    Path("pages.py").write_text(RENDERS_BADLY)
    result, data = check(["pages.py"])
    assert result.exit_code == 1
    app = str(Path("pages.py").resolve())
    assert [e["code"] for e in data["errors"]] == ["E010", "E010"]
    first, second = (e["message"] for e in data["errors"])
    assert first.startswith(f"{app}:17: page /broken fails when drawn with default state: "
                            "NameError: name 'undefined_helper' is not defined")
    assert second.startswith(f"{app}:21: page /empty fails when drawn with default state: "
                             "IndexError: list index out of range")
    # The pages are still listed; on_load did not run (its error would be a third line).
    assert [p["path"] for p in data["pages"]] == ["/", "/broken", "/empty"]


def test_check_config_draws_pages_without_running_handlers_and_passes_good_ones() -> None:
    Path("good.py").write_text(RENDERS_BADLY.split("@me.page(path=\"/broken\"")[0])
    result, data = check(["good.py"])
    assert result.exit_code == 0 and data["errors"] == []


def test_check_config_reports_a_draw_failure_in_text_form() -> None:
    Path("pages.py").write_text(RENDERS_BADLY)
    result = run(["--check-config", "pages.py"])
    lines = [line for line in result.output.splitlines() if line.startswith("error E010")]
    assert len(lines) == 2 and "pages.py:17: page /broken" in lines[0]
