"""Mesop names mesop-cli lacks stop the load with one line naming the feature and its line;
``import mesop`` resolves to mesop-cli only on request (MESOP_ALIAS_MESOP), never over a
real Mesop."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
import requests

import mesop_cli as me
from mesop_cli.compat.names import LEFT_OUT
from mesop_cli.compat.scan import missing_uses
from mesop_cli.runtime import AppLoadError, load_app
from tests.support.server import clean_env, running_server

MESOP = str(Path(sys.executable).parent / "mesop")


def write(directory: Path, source: str, name: str = "main.py") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(source).lstrip())
    return path


def load_error(path: Path) -> str:
    with pytest.raises(AppLoadError) as caught:
        load_app(path)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    assert "AttributeError" not in message and "ModuleNotFoundError" not in message
    return message


def test_a_missing_name_inside_a_page_stops_the_load_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, """
        import mesop_cli as me

        @me.page(path="/")
        def home():
            me.text("hello")
            me.colab_show(src="https://example.com/a.mp4")
    """)
    assert load_error(path) == (f"{path}:6: me.colab_show is not supported by "
                                "mesop-cli yet (supported: docs/mesop.md)")


def test_the_line_spells_the_feature_as_the_app_does_and_lists_the_others(tmp_path: Path
                                                                          ) -> None:
    path = write(tmp_path, """
        import mesop_cli as mesop

        @mesop.page(path="/")
        def home():
            mesop.colab_show(src="a.mp3")
            mesop.buton("typo")
    """)
    message = load_error(path)
    assert message.startswith(f"{path}:5: mesop.colab_show is not supported by "
                              "mesop-cli yet")
    assert message.endswith("; also mesop.buton (line 6)")


def test_a_name_mesop_lacks_too_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = write(tmp_path, """
        import mesop_cli as me

        @me.page(path="/")
        def home():
            me.buton("typo")
    """)
    assert load_error(path) == f"{path}:5: me.buton is not a Mesop name; did you mean me.button?"


def test_a_missing_name_in_a_from_import(tmp_path: Path) -> None:
    path = write(tmp_path, "from mesop_cli import text, colab_show\n")
    assert load_error(path).startswith(f"{path}:1: mesop_cli.colab_show is not "
                                       "supported by mesop-cli yet")


def test_a_name_reached_dynamically_is_explained_when_it_runs(tmp_path: Path) -> None:
    path = write(tmp_path, """
        import mesop_cli as me

        player = getattr(me, "colab" + "_show")
    """)
    assert load_error(path).startswith(f"{path}:3: me.colab_show is not "
                                       "supported by mesop-cli yet")


def test_module_getattr_keeps_hasattr_and_dunders_working() -> None:
    assert not hasattr(me, "colab_show")
    with pytest.raises(me.UnsupportedMesopName):
        me.colab_show  # noqa: B018
    with pytest.raises(AttributeError) as caught:
        me.__wrapped__  # noqa: B018
    assert type(caught.value) is AttributeError
    assert hasattr(me, "text") and hasattr(me, "SecurityPolicy")


@pytest.mark.parametrize("source, found", [
    ("import mesop_cli as me\nme.text('a')\nme.colab_show('x')\n",
     [(3, "me.colab_show")]),
    ("import mesop as me\nme.colab_show()\n", [(2, "me.colab_show")]),
    ("import mesop_cli.labs as mel\nmel.text_to_img(f)\n", [(2, "mel.text_to_img")]),
    ("import mesop.labs\nmesop.labs.text_oi()\n", [(2, "mesop.labs.text_oi")]),
    ("from mesop_cli import labs as L\nL.text_to_img(f)\n", [(2, "L.text_to_img")]),
    ("from mesop import colab_show, text\n", [(1, "mesop.colab_show")]),
    # Not ours: left alone.
    ("import os as me\nme.colab_show()\n", []),
    ("import mesop_cli as me\nme.text('a')\nx = me.Style(width=1)\n", []),
    ("def broken(:\n", []),
])
def test_scan_finds_what_the_file_uses(source: str, found: list[tuple[int, str]]) -> None:
    uses = missing_uses(source, mesop_is_ours=True)
    assert [(use.line, use.feature) for use in uses] == found


def test_scan_leaves_a_real_mesop_alone() -> None:
    assert missing_uses("import mesop as me\nme.REAL\n", mesop_is_ours=False) == []


def run_mesop(args: list[str], cwd: Path, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MESOP, *args], capture_output=True, text=True, cwd=cwd,
                          env=clean_env(env or {}), timeout=60)


VIDEO_APP = """
    import mesop_cli as me

    @me.page(path="/")
    def home():
        me.colab_show(src="a.mp4")
"""


def test_check_config_and_launch_show_the_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, VIDEO_APP)
    checked = run_mesop(["--check-config", "--format", "json", str(path)], tmp_path)
    assert checked.returncode == 1
    (error,) = json.loads(checked.stdout)["errors"]
    assert error == {"code": "E006", "message": f"{path}:5: me.colab_show is not "
                     "supported by mesop-cli yet (supported: docs/mesop.md)"}
    # With --no-reload, as under --prod, an app that cannot load stops the launch (the dev
    # server's live reload keeps serving its error instead: tests/test_live_reload.py).
    launched = run_mesop([str(path), "--port", "1", "--no-reload"], tmp_path)
    assert launched.returncode == 1
    assert launched.stderr.strip().splitlines() == [f"Error: {error['message']}"]


MESOP_APP = """
    import mesop as me
    import mesop.labs as mel

    @me.stateclass
    class State:
        count: int = 0

    @me.page(path="/", title="Unchanged")
    def home():
        me.text(f"Count: {me.state(State).count}")
"""


def test_import_mesop_without_the_opt_in_names_the_setting(tmp_path: Path) -> None:
    path = write(tmp_path, MESOP_APP)
    checked = run_mesop(["--check-config", str(path)], tmp_path)
    assert checked.returncode == 1
    (line,) = [x for x in checked.stdout.splitlines() if x.startswith("error")]
    assert line.startswith(f"error E006 {path}:1: this app imports mesop (Mesop itself), "
                           "which is not installed. To serve it with mesop-cli as it is "
                           "written, set MESOP_ALIAS_MESOP=true")


def test_the_opt_in_serves_a_mesop_app_unchanged(tmp_path: Path) -> None:
    path = write(tmp_path, MESOP_APP)
    checked = run_mesop(["--check-config", "--format", "json", str(path)], tmp_path,
                        {"MESOP_ALIAS_MESOP": "true"})
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["pages"] == [{"path": "/", "title": "Unchanged"}]
    with running_server([], env={"MESOP_ALIAS_MESOP": "yes"}, app=path) as server:
        page = requests.get(server.url + "/", timeout=10)
        assert page.status_code == 200 and "<title>Unchanged</title>" in page.text
        first = requests.post(server.url + "/__mesop__/events", timeout=10, json={
            "session": None, "path": "/", "event": None, "version": None})
        assert "Count: 0" in first.text


def test_the_opt_in_refuses_mesop_internals_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "import mesop as me\nfrom mesop.components.text.text import text\n")
    checked = run_mesop(["--check-config", str(path)], tmp_path, {"MESOP_ALIAS_MESOP": "1"})
    assert checked.returncode == 1
    (line,) = [x for x in checked.stdout.splitlines() if x.startswith("error")]
    assert line.startswith(f"error E006 {path}:2: mesop.components is one of Mesop's own "
                           "modules, which mesop-cli does not provide")
    assert "ModuleNotFoundError" not in line and "while loading" not in line


def test_a_bad_opt_in_value_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path, MESOP_APP)
    checked = run_mesop(["--check-config"], tmp_path, {"MESOP_ALIAS_MESOP": "ture"})
    assert checked.returncode == 1
    assert ("error E001 MESOP_ALIAS_MESOP='ture' (environment) is not a yes/no value; "
            "accepted: true or false") in checked.stdout
    assert "did you mean 'true'?" in checked.stdout


def test_a_real_mesop_install_wins_with_a_warning(tmp_path: Path) -> None:
    real = tmp_path / "site" / "mesop"
    real.mkdir(parents=True)
    (real / "__init__.py").write_text("REAL = 'the real Mesop'\n")
    path = write(tmp_path, """
        import mesop
        import mesop_cli as me

        @me.page(path="/", title=mesop.REAL)
        def home():
            me.text("hi")
    """)
    checked = run_mesop(["--check-config", "--format", "json", str(path)], tmp_path,
                        {"MESOP_ALIAS_MESOP": "true", "PYTHONPATH": str(tmp_path / "site")})
    data = json.loads(checked.stdout)
    assert data["pages"] == [{"path": "/", "title": "the real Mesop"}]
    (warning,) = data["warnings"]
    assert warning["code"] == "W010" and str(real) in warning["message"]
    assert checked.returncode == 0


def test_compatibility_table_is_current() -> None:
    from mesop_cli.compat.support_table import compatibility_table

    page = (Path(__file__).resolve().parents[1] / "docs" / "mesop.md").read_text()
    section = page[page.index("<!-- compat:start -->"):page.index("<!-- compat:end -->")]
    assert compatibility_table() in section, "run: python -m mesop_cli.compat.support_table"


# ---- code mesop never runs --------------------------------------------------------------

MAIN_GUARD_APP = """
    import mesop_cli as me

    @me.page(path="/", title="Guarded")
    def home():
        me.text("served")

    if __name__ == "__main__":
        me.run()
"""


@pytest.mark.parametrize("source, found", [
    ('import mesop_cli as me\nif __name__ == "__main__":\n    me.run()\n',
     [(3, 'under `if __name__ == "__main__":`')]),
    ('import mesop_cli as me\nif "__main__" == __name__:\n    if x:\n        me.create_app()\n',
     [(4, 'under `if __name__ == "__main__":`')]),
    ('import mesop_cli as me\nif __name__ != "__main__":\n    pass\nelse:\n    me.run()\n',
     [(5, 'in the `else` of `if __name__ != "__main__":`')]),
    ("import typing\nif typing.TYPE_CHECKING:\n    from mesop_cli import Nope\n",
     [(3, "under `if TYPE_CHECKING:`")]),
    ("import mesop_cli as me\ndef f():\n    if False:\n        me.nope()\n",
     [(4, "under `if False:`")]),
    # Code that may run stays an error.
    ('import mesop_cli as me\nif __name__ != "__main__":\n    me.run()\n', [(3, "")]),
    ('import mesop_cli as me\nif __name__ == "__main__" or x:\n    me.run()\n', [(3, "")]),
    ("import mesop_cli as me\nif DEBUG:\n    me.run()\nme.bogus\n", [(3, ""), (4, "")]),
])
def test_scan_marks_uses_in_code_mesop_never_runs(source: str,
                                                  found: list[tuple[int, str]]) -> None:
    assert [(use.line, use.unreached) for use in missing_uses(source)] == found


def test_a_name_used_only_under_the_main_guard_loads_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, MAIN_GUARD_APP)
    app = load_app(path)
    assert list(app.pages) == ["/"]
    (warning,) = app.name_warnings()
    assert warning.code == "W013" and not warning.is_error
    assert warning.message == (
        f'{path}:8: me.run is not a Mesop name, used only under `if __name__ == "__main__":`, '
        "which mesop never runs: the app is served as it is")


def test_a_live_use_beside_a_dead_one_is_still_the_error(tmp_path: Path) -> None:
    path = write(tmp_path, MAIN_GUARD_APP.replace('me.text("served")', 'me.colab_show("x")'))
    # Only the line that would run is named; me.run is no part of the error.
    assert load_error(path) == (f"{path}:5: me.colab_show is not supported by mesop-cli "
                                "yet (supported: docs/mesop.md)")


@pytest.mark.parametrize("typo", ["run", "runtme", "compta", "VERSON", "colab_sho", "serving2",
                                  "state_formats", "web_"])
def test_a_did_you_mean_never_offers_a_name_left_out(typo: str) -> None:
    with pytest.raises(me.UnsupportedMesopName) as caught:
        getattr(me, typo)
    message = str(caught.value)
    hint = message.partition("did you mean me.")[2].rstrip("?")
    if hint:  # a name an app can use: ours, not a package of ours nor Mesop's tooling
        assert hint not in LEFT_OUT and not isinstance(getattr(me, hint), ModuleType), message


def test_every_did_you_mean_offers_only_names_apps_use() -> None:
    # One typo of every public name the module has (a dropped last letter): whatever is
    # offered is never a subpackage (me.runtime, me.compat) or a name left out on purpose.
    for name in [n for n in dir(me) if not n.startswith("_")]:
        try:
            getattr(me, name[:-1])
        except me.UnsupportedMesopName as exc:
            hint = str(exc).partition("did you mean me.")[2].rstrip("?")
            assert not hint or (hint not in LEFT_OUT
                                and not isinstance(getattr(me, hint), ModuleType)), str(exc)


def test_check_config_warns_and_the_server_serves(tmp_path: Path) -> None:
    path = write(tmp_path, MAIN_GUARD_APP)
    checked = run_mesop(["--check-config", "--format", "json", str(path)], tmp_path,
                        {"MESOP_STATE_SESSION_BACKEND": "memory"})
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert report["errors"] == []
    assert [w for w in report["warnings"] if w["code"] == "W013"] == [
        {"code": "W013", "message": f'{path}:8: me.run is not a Mesop name, used only under '
                                    '`if __name__ == "__main__":`, which mesop never runs: '
                                    "the app is served as it is"}]
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"}, app=path) as server:
        response = requests.post(server.url + "/__mesop__/events", json={
            "session": None, "path": "/", "event": None, "has_copy": False, "version": None},
            timeout=10)
        assert response.status_code == 200 and '"text":"served"' in response.text
        assert f"warning W013 {path}:8: me.run is not a Mesop name" in server.output()
