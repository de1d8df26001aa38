"""load_app: fresh imports, page collection and errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mesop_cli.runtime import AppLoadError, load_app, render


def write(tmp_path: Path, source: str, name: str = "main.py") -> Path:
    path = tmp_path / name
    path.write_text(source)
    return path


def test_pages_and_state_classes_are_collected(tmp_path: Path) -> None:
    write(tmp_path, "import mesop_cli as me\n@me.stateclass\nclass Shared:\n    n: int\n",
          "helpers.py")
    path = write(tmp_path, (
        "import mesop_cli as me\n"
        "from helpers import Shared\n"
        "@me.stateclass\n"
        "class State:\n"
        "    n: int\n"
        "@me.page(path='/', title='Home')\n"
        "def home():\n"
        "    me.text('home')\n"
        "@me.page(path='/b')\n"
        "def b():\n"
        "    me.text('b')\n"
    ))
    app = load_app(path)
    assert app.path == path.resolve()
    assert sorted(app.pages) == ["/", "/b"]
    assert app.pages["/"].title == "Home" and app.pages["/b"].title is None
    assert app.pages["/"].on_load is None
    assert set(app.state_classes) == {"State", "Shared"}
    assert render(app, "/b", {}).title == "Mesop"


def test_each_load_is_fresh(tmp_path: Path) -> None:
    path = write(tmp_path, "import mesop_cli as me\n@me.page()\ndef home():\n    me.text('one')\n")
    first = load_app(path)
    write(tmp_path, "import mesop_cli as me\n@me.page()\ndef home():\n    me.text('two')\n")
    second = load_app(path)
    assert render(first, "/", {}).tree["c"][0]["p"]["text"] == "one"
    assert render(second, "/", {}).tree["c"][0]["p"]["text"] == "two"


def test_no_pages(tmp_path: Path) -> None:
    path = write(tmp_path, "import mesop_cli as me\n")
    with pytest.raises(AppLoadError, match="no pages") as caught:
        load_app(path)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AppLoadError, match="no such app file"):
        load_app(tmp_path / "absent.py")


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "import mesop_cli as me\n\ndef broken(:\n    pass\n")
    with pytest.raises(AppLoadError, match="SyntaxError") as caught:
        load_app(path)
    assert caught.value.location == f"{path}:3"
    assert str(caught.value).startswith(f"{path}:3: SyntaxError")


def test_import_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "import mesop_cli as me\nimport not_a_module_anywhere\n")
    with pytest.raises(AppLoadError, match="ModuleNotFoundError") as caught:
        load_app(path)
    assert caught.value.location == f"{path}:2"
    assert "Traceback" in caught.value.traceback_text


def test_error_raised_by_a_decorator_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "import mesop_cli as me\n\n@me.page(path='nope')\ndef home():\n"
                           "    pass\n")
    with pytest.raises(AppLoadError, match="must start with '/'") as caught:
        load_app(path)
    assert caught.value.location == f"{path}:3"


def test_duplicate_page_paths(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "import mesop_cli as me\n"
        "@me.page()\ndef a():\n    pass\n"
        "@me.page()\ndef b():\n    pass\n"
    ))
    with pytest.raises(AppLoadError, match="second page at path '/'") as caught:
        load_app(path)
    assert caught.value.location == f"{path}:5"  # the decorator's line


def test_failed_reload_keeps_the_previous_module(tmp_path: Path) -> None:
    path = write(tmp_path, "import mesop_cli as me\n@me.page()\ndef home():\n    me.text('ok')\n")
    good = load_app(path)
    write(tmp_path, "raise RuntimeError('boom')\n")
    with pytest.raises(AppLoadError, match="RuntimeError: boom"):
        load_app(path)
    assert render(good, "/", {}).tree["c"][0]["p"]["text"] == "ok"
