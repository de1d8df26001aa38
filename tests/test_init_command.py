"""`mesop init`: the starter app and .env.example it writes, and running what it wrote."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from dotenv import dotenv_values

from mesop_cli.cli import main
from mesop_cli.config import OPTIONS, load_config
from mesop_cli.starter import ENV_EXAMPLE, env_example
from tests.support.backend_env import backend_env
from tests.support.server import MESOP_COMMAND, RunningServer, clean_env, running_server
from tests.support.tab import Tab


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(main, list(args))


def test_init_writes_the_app_and_env_example_and_says_how_to_run_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "init")
    assert result.exit_code == 0, result.output
    app = (tmp_path / "main.py").read_text()
    assert "import mesop_cli as me" in app
    assert "yield" in app and "@me.page(" in app
    assert (tmp_path / ENV_EXAMPLE).read_text() == env_example()
    assert "  mesop main.py" in result.output.splitlines()


def test_init_names_another_file_and_creates_its_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "init", "apps/my chat.py")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "apps" / "my chat.py").is_file()
    assert (tmp_path / "apps" / ENV_EXAMPLE).is_file()
    assert not (tmp_path / "main.py").exists()
    assert "  mesop 'apps/my chat.py'" in result.output.splitlines()
    assert "`mesop my chat.py`" in (tmp_path / "apps" / "my chat.py").read_text()


def test_an_existing_app_file_is_never_overwritten_and_nothing_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.py").write_text("mine\n")
    result = run(tmp_path, monkeypatch, "init")
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert "main.py already exists; nothing was written" in line
    assert line.endswith("for example: mesop init main2.py")  # a name that is free
    assert (tmp_path / "main.py").read_text() == "mine\n"
    assert not (tmp_path / ENV_EXAMPLE).exists()


def test_a_different_env_example_stops_init_before_the_app_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ENV_EXAMPLE).write_text("MESOP_PORT=1\n")
    result = run(tmp_path, monkeypatch, "init", "app.py")
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert ".env.example already exists; nothing was written" in line
    assert not (tmp_path / "app.py").exists()
    assert (tmp_path / ENV_EXAMPLE).read_text() == "MESOP_PORT=1\n"


def test_the_same_env_example_is_kept_for_a_second_app(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(tmp_path, monkeypatch, "init").exit_code == 0
    result = run(tmp_path, monkeypatch, "init", "second.py")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "second.py").is_file()
    assert "kept .env.example" in result.output


def test_a_file_that_is_not_python_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "init", "notes.txt")
    assert result.exit_code == 1
    assert "notes.txt does not end in .py" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_bare_suffix_is_told_it_needs_a_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "init", ".py")
    assert result.exit_code == 1
    assert ".py has no name before .py" in result.output  # not "does not end in .py"
    assert list(tmp_path.iterdir()) == []


def test_init_is_the_subcommand_even_beside_a_file_named_init(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "init").write_text("import mesop_cli as me\n")
    result = run(tmp_path, monkeypatch, "init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "main.py").is_file()
    # Such a file could not be served anyway: an app is a .py file.
    checked = run(tmp_path, monkeypatch, "--check-config", "./init")
    assert checked.exit_code == 1
    assert "init: not a Python file" in checked.output


def test_the_env_example_lists_every_setting_of_the_table() -> None:
    text = env_example()
    for option in OPTIONS:
        for name in (option.env, *option.aliases, *(option.flag or "").split("/")):
            if name:
                assert name in text, f"{name} missing from .env.example"
    # Every variable is there as a commented assignment, so uncommenting it is enough.
    assigned = re.findall(r"^# ((?:MESOP|FORWARDED|GUNICORN)_[A-Z_]+)=", text, flags=re.MULTILINE)
    assert assigned == [o.env for o in OPTIONS if o.env]


def test_the_env_example_is_inert_and_its_defaults_are_valid(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text(env_example())
    assert dotenv_values(example) == {}  # all commented out: copying it changes nothing
    # Uncommented, every default it shows is accepted.
    uncommented = tmp_path / ".env"
    uncommented.write_text("\n".join(
        line[2:] for line in env_example().splitlines()
        if re.match(r"# MESOP_[A-Z_]+=.", line)) + "\n")
    report = load_config(env_file=uncommented, environ={})
    assert report.errors == [], report.problem_lines()
    assert report.resolved["port"].source.startswith(".env:")


# -- running what it wrote: a real `mesop` process -------------------------------------


def mesop_init(directory: Path) -> Path:
    done = subprocess.run([str(MESOP_COMMAND), "init"], cwd=directory, env=clean_env({}),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "  mesop main.py"
    return directory / "main.py"


def test_check_config_passes_on_the_starter_app(tmp_path: Path) -> None:
    app = mesop_init(tmp_path)
    done = subprocess.run([str(MESOP_COMMAND), "--check-config", "main.py"], cwd=tmp_path,
                          env=clean_env({}), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"app {app.name}: 3 page(s)" in done.stdout
    assert "OK: 0 error(s)" in done.stdout


@pytest.fixture(scope="module")
def starter_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app = mesop_init(tmp_path_factory.mktemp("starter"))
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"}, app=app) as server:
        yield server


@pytest.mark.integration
def test_the_starter_app_is_served_and_counts(starter_server: RunningServer) -> None:
    tab = Tab(starter_server.url, server_side=True)
    tab.open("/")
    assert "Clicked 0 times" in tab.texts()
    tab.click("Increment")
    tab.click("Increment")
    assert "Clicked 2 times" in tab.texts()
    tab.open("/form")
    tab.type_into("Your name", "Ada")
    assert "Hello, Ada!" in tab.texts()


@pytest.mark.integration
def test_the_starter_chat_streams_its_reply(starter_server: RunningServer) -> None:
    tab = Tab(starter_server.url, server_side=True)
    tab.open("/chat")
    tab.type_into("Message", "hello")
    renders = tab.click("Send")
    # One render when the question is added, one per word, one at the end.
    assert len(renders) > 10
    texts = tab.texts()
    assert texts[0] == "You: hello"
    assert texts[1].startswith("Bot: You said 'hello'.") and texts[1].endswith("back.")


@pytest.mark.browser
def test_the_starter_chat_streams_in_chromium(chromium, starter_server: RunningServer) -> None:
    from playwright.sync_api import expect

    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(starter_server.url + "/chat")
        page.get_by_label("Message").fill("hi there")
        page.get_by_role("button", name="Send").click()
        seen: list[str] = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            bot = [t for t in page.locator("main").inner_text().splitlines()
                   if t.startswith("Bot:")]
            if bot and (not seen or seen[-1] != bot[0]):
                seen.append(bot[0])
            if bot and bot[0].endswith("back."):
                break
            time.sleep(0.01)
        # The reply grew in the page word by word, not in one piece.
        assert len(seen) >= 4, seen
        assert seen[-1].endswith("stream its words back.")
        expect(page.get_by_role("button", name="Send")).to_be_enabled()
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("backend", ["none", "memory", "file", "redis", "sql"])
def test_the_starter_chat_is_stopped_by_its_stop_button(chromium, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                        backend: str) -> None:
    """Mesop's cancel pattern in the starter: Stop, clicked while the reply streams,
    runs between two of its yields; the reply ends there, its words so far kept."""
    from playwright.sync_api import expect

    app = mesop_init(tmp_path)
    with running_server([], env=backend_env(backend, tmp_path), app=app) as server:
        context = chromium.new_context()
        page = context.new_page()
        try:
            page.goto(server.url + "/chat")
            page.get_by_label("Message").fill("hi there")
            page.get_by_role("button", name="Send").click()
            bot = page.get_by_text(re.compile("^Bot:"))
            expect(bot).to_have_text(re.compile(r"^Bot: You said 'hi there'\. A"),
                                     timeout=15_000)
            page.get_by_role("button", name="Stop").click()
            expect(bot).to_have_text(re.compile(r"^Bot: You said .*\[stopped\]$"))
            assert "stream its words back." not in bot.inner_text()
            expect(page.get_by_role("button", name="Send")).to_be_enabled()
            expect(page.get_by_role("button", name="Stop")).to_be_disabled()
            stopped = bot.inner_text()
            # Kept as shown: the next event starts from it.
            page.get_by_label("Message").fill("again")
            expect(bot.first).to_have_text(stopped)
        finally:
            context.close()
