"""load_config: sources and precedence, .env handling, every warning, redaction."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mesop_cli.config import LAUNCH_KEY_VARIABLE, OPTIONS, load_config
from mesop_cli.config.loader import ConfigReport

KEY = "k" * 40


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own directory, so no .env of the developer is found."""
    monkeypatch.chdir(tmp_path)


def load(environ: dict[str, str] | None = None, dotenv: str | None = None,
         **kwargs: object) -> ConfigReport:
    if dotenv is not None:
        Path(".env").write_text(dotenv)
    return load_config(environ={} if environ is None else environ, **kwargs)  # type: ignore[arg-type]


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


# -- precedence: flag > environment > .env > default, for every kind of setting ------------

# (field, variable, flag or None, three distinct valid raw values, their typed values, backend
# under which the setting is used)
KINDS = [
    ("backend", "MESOP_STATE_SESSION_BACKEND", None, ("memory", "file", "Redis"),
     ("memory", "file", "redis")),
    ("file_base_dir", "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR", None,
     ("/tmp/a", "/tmp/b", "/tmp/c/"), ("/tmp/a", "/tmp/b", "/tmp/c")),
    ("redis_url", "MESOP_STATE_SESSION_BACKEND_REDIS_URL", None,
     ("redis://a:1/0", "redis://b", "rediss://c"), ("redis://a:1/0", "redis://b", "rediss://c")),
    ("sql_connection_uri", "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI", None,
     ("sqlite:////tmp/a.db", "sqlite:////tmp/b.db", "postgresql+psycopg://u@h/d"),
     ("sqlite:////tmp/a.db", "sqlite:////tmp/b.db", "postgresql+psycopg://u@h/d")),
    ("sql_table", "MESOP_STATE_SESSION_BACKEND_SQL_TABLE", None, ("t1", "t2", "t3"),
     ("t1", "t2", "t3")),
    ("ttl_seconds", "MESOP_STATE_SESSION_TTL_SECONDS", None, ("100", "200", "300"),
     (100, 200, 300)),
    ("memory_max_mb", "MESOP_STATE_SESSION_BACKEND_MEMORY_MAX_MB", None, ("10", "20", "30"),
     (10, 20, 30)),
    ("secret_key", "MESOP_SECRET_KEY", None, ("a" * 32, "b" * 32, "c" * 32),
     ("a" * 32, "b" * 32, "c" * 32)),
    ("host", "MESOP_HOST", "--host", ("0.0.0.0", "localhost", "::1"),
     ("0.0.0.0", "localhost", "::1")),
    ("port", "MESOP_PORT", "--port", ("8001", "8002", "8003"), (8001, 8002, 8003)),
    ("workers", "MESOP_WORKERS", "--workers", ("2", "3", "4"), (2, 3, 4)),
    ("threads", "MESOP_THREADS", "--threads", ("2", "3", "4"), (2, 3, 4)),
    ("session_keep_on_reload", "MESOP_STATE_SESSION_KEEP_ON_RELOAD", None,
     ("yes", "off", "TRUE"), (True, False, True)),
]


@pytest.mark.parametrize("field, variable, flag, raws, values", KINDS, ids=[k[0] for k in KINDS])
def test_precedence_for_every_kind(field: str, variable: str, flag: str | None,
                                   raws: tuple[str, ...], values: tuple[object, ...]) -> None:
    dotenv_raw, env_raw, flag_raw = raws
    default = load().resolved[field]
    assert default.source in ("default", "generated")

    from_file = load(dotenv=f"# comment\n{variable}={dotenv_raw}\n").resolved[field]
    assert (from_file.value, from_file.source) == (values[0], ".env:2")

    from_env = load({variable: env_raw}).resolved[field]
    assert (from_env.value, from_env.source) == (values[1], "environment")

    if flag is not None:
        from_flag = load({variable: env_raw}, flags={field: flag_raw}).resolved[field]
        assert (from_flag.value, from_flag.source) == (values[2], "flag")
        assert from_flag.name == flag


def test_web_concurrency_is_a_lower_priority_alias_of_mesop_workers() -> None:
    report = load({"WEB_CONCURRENCY": "3"})
    assert (report.value("workers"), report.resolved["workers"].name) == (3, "WEB_CONCURRENCY")
    assert load({"WEB_CONCURRENCY": "3", "MESOP_WORKERS": "2"}).value("workers") == 2


def test_defaults_make_a_dev_setup() -> None:
    settings = load().settings
    assert settings is not None
    assert (settings.backend, settings.host, settings.port, settings.workers, settings.threads,
            settings.ttl_seconds, settings.memory_max_mb, settings.sql_table) == (
        "none", "127.0.0.1", 32123, 1, 8, 600, 256, "mesop_state_sessions")
    assert (settings.prod, settings.reload, settings.secret_key_generated) == (False, True, True)
    # As in Mesop, a reload of the page starts a fresh session unless told otherwise.
    assert settings.session_keep_on_reload is False


def test_several_workers_mean_production_without_reload() -> None:
    settings = load({"MESOP_WORKERS": "2", "MESOP_SECRET_KEY": KEY}).settings
    assert settings is not None and settings.prod and not settings.reload


def test_several_workers_show_prod_and_reload_as_in_effect() -> None:
    report = load({"MESOP_SECRET_KEY": KEY, "WEB_CONCURRENCY": "2"})
    shown = {f: (report.resolved[f].shown(), report.resolved[f].source) for f in ("prod", "reload")}
    assert shown == {"prod": (True, "implied by WEB_CONCURRENCY"),
                     "reload": (False, "off in production")}


def test_backend_is_case_insensitive() -> None:
    assert load({"MESOP_STATE_SESSION_BACKEND": " Memory "}).value("backend") == "memory"


def test_every_setting_has_a_declaration_with_help() -> None:
    fields = {o.field for o in OPTIONS}
    from mesop_cli.config import Settings

    assert fields == set(Settings.__dataclass_fields__) - {"secret_key_generated"}
    assert all(o.help and o.accepted for o in OPTIONS)


# -- .env -----------------------------------------------------------------------------------


def test_dotenv_in_a_parent_directory_is_found(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("MESOP_PORT=9000\n")
    (tmp_path / "sub").mkdir()
    os.chdir(tmp_path / "sub")
    report = load()
    assert report.env.path == tmp_path / ".env"
    assert report.value("port") == 9000


def test_dotenv_beside_the_app_when_none_up_from_cwd(tmp_path: Path) -> None:
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / ".env").write_text("MESOP_PORT=9001\n")
    (app_dir / "main.py").write_text("")
    os.chdir(tmp_path)
    report = load(app_path=app_dir / "main.py")
    assert report.env.path == app_dir / ".env"
    assert report.value("port") == 9001


def test_explicit_env_file_wins_over_the_search(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("MESOP_PORT=9000\n")
    other = tmp_path / "prod.env"
    other.write_text("MESOP_PORT=9002\n")
    report = load(env_file=other)
    assert report.value("port") == 9002 and "--env-file" in report.env.status


def test_python_dotenv_disabled_turns_the_search_off() -> None:
    report = load({"PYTHON_DOTENV_DISABLED": "1"}, dotenv="MESOP_PORT=9000\n")
    assert report.value("port") == 32123
    assert report.env.path is None and "PYTHON_DOTENV_DISABLED" in report.env.status


def test_no_dotenv_found_is_said() -> None:
    assert "none found" in load().env.status


def test_variable_expansion_follows_python_dotenv() -> None:
    dotenv = ("BASE=/srv/sessions\n"
              "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR=${BASE}/mesop\n"
              "MESOP_STATE_SESSION_BACKEND_SQL_TABLE=${MISSING:-fallback}\n"
              "MESOP_STATE_SESSION_BACKEND_REDIS_URL=redis://${HOST}:6379/0\n")
    report = load({"HOST": "cache", "BASE": "/from/env"}, dotenv=dotenv)
    # As load_dotenv(override=False): the environment wins inside ${...} too.
    assert report.value("file_base_dir") == "/from/env/mesop"
    assert report.value("sql_table") == "fallback"
    assert report.value("redis_url") == "redis://cache:6379/0"


def test_dotenv_never_overrides_the_environment() -> None:
    report = load({"MESOP_PORT": "8000"}, dotenv="MESOP_PORT=9000\n")
    assert (report.value("port"), report.resolved["port"].source) == (8000, "environment")


def test_export_puts_dotenv_variables_in_the_environment_without_overriding() -> None:
    from mesop_cli.config import export_env_file

    environ = {"KEEP": "env"}
    report = load(environ, dotenv="KEEP=file\nAPI_TOKEN=abc\n")
    export_env_file(report.env, environ)
    assert environ["KEEP"] == "env" and environ["API_TOKEN"] == "abc"


# -- the per-launch secret key ---------------------------------------------------------------


def test_generated_key_is_exported_and_reused() -> None:
    environ: dict[str, str] = {}
    first = load(environ).settings
    assert first is not None and first.secret_key_generated
    assert environ[LAUNCH_KEY_VARIABLE] == first.secret_key
    again = load(environ).settings
    assert again is not None and again.secret_key == first.secret_key


def test_user_key_is_not_exported() -> None:
    environ = {"MESOP_SECRET_KEY": KEY}
    settings = load(environ).settings
    assert settings is not None and settings.secret_key == KEY
    assert not settings.secret_key_generated and LAUNCH_KEY_VARIABLE not in environ


def test_secrets_are_redacted_in_values_messages_and_repr() -> None:
    environ = {"MESOP_SECRET_KEY": "hunter2-hunter2-hunter2-hunter2-hunter2",
               "MESOP_STATE_SESSION_BACKEND": "redis",
               "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis://user:hunter2@cache:6379/0"}
    report = load(environ)
    assert report.settings is not None
    shown = [str(r.shown()) for r in report.resolved.values()]
    assert "redis://user:***@cache:6379/0" in shown
    assert "hunter2" not in " ".join(shown) + repr(report.settings)
    bad = load({"MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis://u:hunter2@h:99999",
                "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": "postgres://u:hunter2@h/d"})
    lines = " ".join(bad.problem_lines())
    assert "did you mean 'postgresql+psycopg://u:***@h/d'" in lines and "hunter2" not in lines


@pytest.mark.parametrize("variable, url", [
    ("MESOP_STATE_SESSION_BACKEND_REDIS_URL", "redis://:hun/ter2@cache:6379/0"),
    ("MESOP_STATE_SESSION_BACKEND_REDIS_URL", "redis://:hun?ter2@cache:6379/0"),
    ("MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI", "postgres://u:hun#ter2@h/d"),
])
def test_passwords_with_unencoded_url_characters_are_redacted(variable: str, url: str) -> None:
    report = load({variable: url})
    printed = " ".join(report.problem_lines() + [str(r.shown()) for r in report.resolved.values()])
    assert variable in printed and "ter2" not in printed


# -- the warnings catalogue: one test each ------------------------------------------------------


@pytest.mark.parametrize("workers, share", [(2, "50%"), (3, "67%"), (4, "75%")])
def test_w001_memory_with_several_workers_states_the_miss_share(workers: int, share: str) -> None:
    report = load({"MESOP_STATE_SESSION_BACKEND": "memory", "MESOP_SECRET_KEY": KEY,
                   "MESOP_WORKERS": str(workers)})
    (warning,) = [w for w in report.warnings if w.code == "W001"]
    assert share in warning.message and f"{workers - 1}/{workers}" in warning.message
    for fix in ("one worker with threads", "file", "redis", "sql"):
        assert fix in warning.message
    assert report.ok


def test_w001_not_for_one_worker_or_another_backend() -> None:
    assert "W001" not in codes(load({"MESOP_STATE_SESSION_BACKEND": "memory"}).warnings)
    assert "W001" not in codes(load({"MESOP_STATE_SESSION_BACKEND": "file",
                                     "MESOP_WORKERS": "3"}).warnings)


def test_w002_prod_without_secret_key_while_state_travels_through_the_browser() -> None:
    report = load(flags={"prod": "true"})
    assert "W002" in codes(report.warnings)
    assert "restart" in report.warnings[0].message
    assert "W002" not in codes(load({"MESOP_SECRET_KEY": KEY}, flags={"prod": "true"}).warnings)
    assert "W002" not in codes(load().warnings)  # dev: the key only lives as long as the server


def test_w003_memory_cap_larger_than_the_machine() -> None:
    report = load({"MESOP_STATE_SESSION_BACKEND": "memory",
                   "MESOP_STATE_SESSION_BACKEND_MEMORY_MAX_MB": "1048576"})
    assert "W003" in codes(report.warnings)
    assert "W003" not in codes(load({"MESOP_STATE_SESSION_BACKEND": "memory"}).warnings)


def test_w004_ttl_under_a_minute() -> None:
    report = load({"MESOP_STATE_SESSION_BACKEND": "file", "MESOP_STATE_SESSION_TTL_SECONDS": "30"})
    assert codes(report.warnings) == ["W004"]
    assert "MESOP_STATE_SESSION_TTL_SECONDS='30'" in report.warnings[0].message


def test_w005_unknown_mesop_name_in_environment_and_dotenv() -> None:
    report = load({"MESOP_STATE_SESION_BACKEND": "memory"},
                  dotenv="MESOP_THREDS=4\nMESOP_COMPLETELY_DIFFERENT=1\n")
    messages = [w.message for w in report.warnings if w.code == "W005"]
    assert len(messages) == 3
    assert "did you mean MESOP_STATE_SESSION_BACKEND?" in messages[0]
    assert "(.env:1)" in messages[1] and "MESOP_THREADS" in messages[1]
    # No family, so no did-you-mean: the nearest unrelated name would only mislead.
    assert "did you mean" not in messages[2] and "no setting of mesop-cli" in messages[2]


@pytest.mark.parametrize("typo, meant", [
    ("MESOP_TTL", "MESOP_STATE_SESSION_TTL_SECONDS"),
    ("MESOP_SESSION_BACKEND", "MESOP_STATE_SESSION_BACKEND"),
    ("MESOP_REDIS_URL", "MESOP_STATE_SESSION_BACKEND_REDIS_URL"),
    ("MESOP_PROT", "MESOP_PORT"),
])
def test_w005_suggests_the_setting_with_the_same_words(typo: str, meant: str) -> None:
    (warning,) = load({typo: "1"}).warnings
    assert warning.code == "W005" and warning.message.endswith(f"did you mean {meant}?")


def test_w006_setting_unused_by_the_backend() -> None:
    report = load({"MESOP_STATE_SESSION_BACKEND": "memory"},
                  dotenv="MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR=/srv/x\n")
    (warning,) = report.warnings
    assert warning.code == "W006" and "does not use it" in warning.message
    assert "used by: file" in warning.message


def test_w007_unparseable_dotenv_line_names_file_and_line() -> None:
    report = load(dotenv='MESOP_PORT=9000\nMESOP_SECRET_KEY "hunter2\nMESOP_THREADS=2\n')
    (warning,) = report.warnings
    assert warning.code == "W007" and f"{Path('.env').resolve()}:2" in warning.message
    assert "'MESOP_SECRET_KEY'" in warning.message and "hunter2" not in warning.message
    assert (report.value("port"), report.value("threads")) == (9000, 2)


def test_w008_reload_is_ignored_in_production() -> None:
    report = load({"MESOP_SECRET_KEY": KEY}, flags={"prod": "true", "reload": "true"})
    assert codes(report.warnings) == ["W008"]


def test_w009_short_secret_key() -> None:
    report = load({"MESOP_SECRET_KEY": "tiny-key"})
    assert codes(report.warnings) == ["W009"] and "tiny-key" not in report.warnings[0].message


def test_strict_turns_every_warning_into_an_error() -> None:
    report = load({"MESOP_STATE_SESION_BACKEND": "memory"}, strict=True)
    assert not report.ok and report.settings is None
    assert codes(report.errors) == ["W005"] and report.warnings == []


def test_all_problems_are_reported_at_once() -> None:
    report = load({"MESOP_STATE_SESSION_BACKEND": "memroy", "MESOP_PORT": "http",
                   "MESOP_THREADS": "0"}, dotenv="MESOP_STATE_SESSION_TTL_SECONDS=soon\n")
    assert codes(report.errors) == ["E001"] * 4
