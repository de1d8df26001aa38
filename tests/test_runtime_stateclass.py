"""@me.stateclass gives every field an empty default and never shares mutable ones."""

from __future__ import annotations

import dataclasses
from dataclasses import field
from pathlib import Path
from typing import Any, ClassVar, Literal, Optional, Union

import pytest

import mesop_cli as me
from mesop_cli.runtime import HandlerError, load_app, render


@dataclasses.dataclass
class Inner:
    label: str = "inner"
    tags: list[str] = field(default_factory=list)


@me.stateclass
class Everything:
    text: str
    count: int
    ratio: float
    flag: bool
    items: list[str]
    table: dict[str, int]
    maybe: Optional[int]  # noqa: UP045 - apps written for older Pythons use it
    either: int | None
    union: Union[str, int]  # noqa: UP007 - likewise
    choice: Literal["a", "b"]
    anything: Any
    inner: Inner
    later: Later
    kept: int = 7
    shared: list[int] = [1, 2]  # a shared mutable default, copied per instance
    nested_default: Inner = Inner(label="x")
    factory: list[int] = field(default_factory=lambda: [9])
    bare_field: dict[str, str] = field()
    registry: ClassVar[int] = 5


@me.stateclass
class Later:
    value: str


def test_fields_without_defaults_get_empty_values() -> None:
    s = Everything()
    assert (s.text, s.count, s.ratio, s.flag) == ("", 0, 0.0, False)
    assert isinstance(s.ratio, float)
    assert s.items == [] and s.table == {} and s.bare_field == {}
    assert s.maybe is None and s.either is None and s.anything is None
    assert s.union == "" and s.choice == "a"
    assert s.inner == Inner() and s.later == Later()
    assert s.kept == 7 and s.factory == [9] and s.nested_default.label == "x"
    assert "registry" not in {f.name for f in dataclasses.fields(Everything)}


def test_mutable_defaults_are_not_shared() -> None:
    a, b = Everything(), Everything()
    a.items.append("x")
    a.shared.append(3)
    a.nested_default.tags.append("t")
    a.inner.tags.append("u")
    assert b.items == [] and b.shared == [1, 2]
    assert b.nested_default.tags == [] and b.inner.tags == []


def test_it_is_a_dataclass_with_keyword_construction() -> None:
    s = Everything(count=3, text="hi")
    assert dataclasses.is_dataclass(s) and s.count == 3 and s.text == "hi"


def test_unsupported_type_is_reported_at_decoration() -> None:
    with pytest.raises(TypeError, match=r"Bad.when: no empty value"):
        @me.stateclass
        class Bad:
            when: Path


def test_state_outside_a_render_fails_clearly() -> None:
    with pytest.raises(RuntimeError, match=r"me.state\(\) can only be called"):
        me.state(Everything)


def test_state_of_an_undecorated_class_names_it(tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text(
        "import mesop_cli as me\n"
        "\n"
        "class Plain:\n"
        "    n: int = 0\n"
        "\n"
        "@me.page()\n"
        "def home():\n"
        "    me.text(str(me.state(Plain).n))\n"
    )
    app = load_app(app_file)
    with pytest.raises(HandlerError) as caught:
        render(app, "/", {})
    message = str(caught.value)
    assert "Plain" in message and "is not decorated with @me.stateclass" in message
    assert f"{app_file}:3" in message
    assert caught.value.location == f"{app_file}:8"


def test_states_are_created_per_session_and_reused(tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text(
        "import mesop_cli as me\n"
        "@me.stateclass\n"
        "class State:\n"
        "    seen: list[str]\n"
        "@me.page()\n"
        "def home():\n"
        "    s = me.state(State)\n"
        "    s.seen.append('x')\n"
        "    me.text(str(len(s.seen)))\n"
    )
    app = load_app(app_file)
    states: dict[str, object] = {}
    render(app, "/", states)
    assert render(app, "/", states).tree["c"][0]["p"]["text"] == "2"
    assert render(app, "/", {}).tree["c"][0]["p"]["text"] == "1"
    assert list(states) == ["State"]
