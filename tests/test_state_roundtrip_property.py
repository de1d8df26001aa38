"""State round-trips whatever the app puts in it, on every backend (issue 17, item 3).

Mesop does not type-check state: a ``list[int]`` may hold ``None``, an ``int`` field a
string, and an app's own defaults do so. Before, our codec decoded strictly, so a state
class whose default was ``[1, None, 3]`` loaded, but its first click was refused with
"the state sent by the browser does not decode ... Reload the page to start afresh",
which no reload could help. Here: random state classes (int, float, str, bool, lists,
dicts, Optional, ``int | str`` and nested dataclasses), random values fitting them with
``None`` and values of other JSON kinds anywhere, through every backend (``none``: the
signed copy a browser holds and sends back) and back, equal to what went in; and the
reported app clicked on every backend.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesop_cli.sessions import SessionBackend, new_session_id
from mesop_cli.state_format.image import StateImage, capture, image_from_json
from mesop_cli.state_format.signing import StateSigner, Verdict
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings
from tests.test_labs import texts

# The contract suite's backends, each skipping (failing under CI) when its service is
# missing, and its clean-up of what this run put in Redis and PostgreSQL.
from tests.test_sessions_contract import (  # noqa: F401  (pytest finds fixtures by name)
    _drop_what_this_run_stored,
    make_backend,
)

#: Examples per backend: more under CI, where the machine is not someone's laptop.
EXAMPLES = 300 if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else 100

# ---- random state classes ------------------------------------------------------------

_names = itertools.count()


def _state_class(field_types: list[Any]) -> type:
    """A dataclass with one field per type, as ``@me.stateclass`` makes them (every field
    has a default); a new class each time, as a hot reload makes."""
    return dataclasses.make_dataclass(
        f"Random{next(_names)}",
        [(f"f{i}", tp, dataclasses.field(default=None)) for i, tp in enumerate(field_types)],
    )


_types = st.recursive(
    st.sampled_from([int, float, str, bool, int | str]),
    lambda inner: st.one_of(
        inner.map(lambda tp: list[tp]),  # type: ignore[valid-type]
        inner.map(lambda tp: dict[str, tp]),  # type: ignore[valid-type]
        inner.map(lambda tp: Optional[tp]),  # noqa: UP045  (apps still write it)
        st.lists(inner, max_size=4).map(_state_class),
    ),
    max_leaves=8,
)

# ---- random values: fitting their annotation, or None, or of another JSON kind ----------

# No lone surrogates (no JSON text holds one), no key that marks bytes, files or dates.
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
_keys = _text.filter(lambda key: not key.startswith("__"))
_finite = st.floats(allow_nan=False, allow_infinity=False)
# Within 2**53, so that one in a float's place is that float exactly.
_odd_scalars = st.one_of(st.integers(-(2**53), 2**53), _finite, _text, st.booleans())


def _is_dataclass_type(tp: Any) -> bool:
    return any(dataclasses.is_dataclass(arg) for arg in (tp, *getattr(tp, "__args__", ())))


def _odd(tp: Any) -> st.SearchStrategy[Any]:
    """A value of another JSON kind than ``tp`` says. Never an object where a dataclass
    may be: that one is built into the dataclass, which is the rule, not a mismatch."""
    containers = [st.lists(_odd_scalars, max_size=3)]
    if not _is_dataclass_type(tp):
        containers.append(st.dictionaries(_keys, _odd_scalars, max_size=3))
    return st.one_of(_odd_scalars, *containers)


def _fitting(tp: Any) -> st.SearchStrategy[Any]:
    origin = getattr(tp, "__origin__", None)
    args = getattr(tp, "__args__", ())
    if tp is int:
        return st.integers()
    if tp is float:
        return _finite
    if tp is str:
        return _text
    if tp is bool:
        return st.booleans()
    if tp is type(None):  # the None of an Optional
        return st.none()
    if origin is list:
        return st.lists(_values(args[0]), max_size=4)
    if origin is dict:
        return st.dictionaries(_keys, _values(args[1]), max_size=3)
    if args:  # Optional[...] and int | str: the odd values are the whole union's (_values)
        return st.one_of(*(_fitting(arg) for arg in args))
    assert dataclasses.is_dataclass(tp)
    return st.builds(tp, **{f.name: _values(f.type) for f in dataclasses.fields(tp)})


def _values(tp: Any) -> st.SearchStrategy[Any]:
    # Mostly values that fit; None and other kinds at any place, nested ones included.
    fitting = _fitting(tp)
    return st.one_of(fitting, fitting, fitting, st.none(), _odd(tp))


@st.composite
def _states(draw: st.DrawFn) -> tuple[dict[str, type], dict[str, object]]:
    classes = {f"mod.S{i}": _state_class(draw(st.lists(_types, min_size=1, max_size=5)))
               for i in range(draw(st.integers(1, 2)))}
    states = {key: draw(_fitting(cls)) for key, cls in classes.items()}
    return classes, states


def _same(a: Any, b: Any) -> bool:
    """Equal as the app sees them, stricter than ``==`` (for which ``True == 1``): numbers
    may differ in type only where JSON does not tell them apart (``2`` and ``2.0``), or
    the annotation made an int a float."""
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(
            _same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list):
        return type(b) is list and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return (type(b) is dict and a.keys() == b.keys()
                and all(_same(value, b[key]) for key, value in a.items()))
    return type(a) is type(b) and a == b


# ---- through each backend and back -----------------------------------------------------

_SIGNER = StateSigner("property-test-key-" * 3, max_age=None)


def _through_the_browser(session_id: str, image: StateImage) -> StateImage:
    """``none``: the copy the browser is sent, as JSON text it parses and sends back, with
    its signature checked as an event's is."""
    signature = _SIGNER.sign(session_id.encode() + b"\n" + image.manifest())
    copy = image_from_json(json.loads(json.dumps(image.as_json())))
    verdict = _SIGNER.verify(session_id.encode() + b"\n" + copy.manifest(), signature).verdict
    assert verdict is Verdict.VALID
    return copy


def _through(backend: SessionBackend, session_id: str, image: StateImage) -> StateImage:
    if not backend.server_side:
        return _through_the_browser(session_id, image)
    backend.save_image(session_id, image)
    loaded = backend.load_image(session_id)
    assert loaded is not None
    return loaded


@pytest.fixture
def backend(make_backend: Callable[..., SessionBackend]) -> SessionBackend:  # noqa: F811
    """One backend per test, shared by its examples; closed when the test ends."""
    return make_backend()


@settings(max_examples=EXAMPLES, deadline=None,  # the machine is shared: speed is not tested
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=_states())
def test_random_state_round_trips_on_every_backend(
    backend: SessionBackend, drawn: tuple[dict[str, type], dict[str, object]]
) -> None:
    classes, states = drawn
    session_id = new_session_id()
    image = capture(states, None, 1, "/")
    back = _through(backend, session_id, image).decode(classes)
    assert back.keys() == states.keys()
    for key, state in states.items():
        assert _same(state, back[key]), (state, back[key])
    # Captured again, the state is the same data: the browser's copy stays in step.
    assert capture(back, None, 1, "/").manifest() == image.manifest()


# ---- the reported app: its own default holds None in a list[int] -----------------------

APP = '''
import mesop_cli as me

@me.stateclass
class State:
    numbers: list[int] = [1, None, 3]
    clicks: int = 0

def add(e: me.ClickEvent):
    s = me.state(State)
    s.clicks += 1
    s.numbers.append(None if s.clicks % 2 else s.clicks)

@me.page(path="/")
def home():
    s = me.state(State)
    me.text(f"Clicks: {s.clicks}; numbers: {s.numbers}")
    me.button("Add", on_click=add)
'''


def test_an_apps_default_with_none_in_a_list_of_ints_survives_clicks_on_every_backend(
    backend: SessionBackend, tmp_path: Path
) -> None:
    app = tmp_path / "main.py"
    app.write_text(APP)
    settings = make_settings(backend=backend.name)
    # Two instances take turns on one store, so each decodes what the other saved (a
    # `memory` instance would otherwise hand its own live objects to the next event).
    instances = [create_flask_app(app, settings, backend=backend) for _ in range(2)]
    tab = Client(instances[0])
    tab.send(None)
    assert texts(tab.tree)[0] == "Clicks: 0; numbers: [1, None, 3]"
    expected = [1, None, 3]
    for click in range(1, 5):
        tab.http = instances[click % 2].test_client()
        tab.click("Add", with_copy=not backend.server_side)
        expected.append(None if click % 2 else click)
        assert texts(tab.tree)[0] == f"Clicks: {click}; numbers: {expected}"
        assert tab.state is not None
        (state,) = (fields for key, fields in tab.state.items() if not key.startswith("#"))
        assert state["numbers"] == expected
