"""pydantic models in state, as Mesop allows (``model: MyModel`` in a state class): the
codec stores a model as its JSON-mode dump and rebuilds it with the model's validation;
changed in place, it is saved and diffed like any field, on every backend."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pydantic  # a dev extra: mesop-cli itself never imports it
import pytest

import mesop_cli as me
from mesop_cli.runtime import load_app
from mesop_cli.sessions.file import FileBackend
from mesop_cli.state_format.codec import CodecError, decode_state, encode_state
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings
from tests.test_labs import texts


class Address(pydantic.BaseModel):
    city: str = "Paris"
    since: datetime.datetime = datetime.datetime(2020, 1, 2, 3, 4, 5)


class Profile(pydantic.BaseModel):
    name: str = "World"
    counter: int = 0
    tags: list[str] = []
    home: Address = Address()
    past: list[Address] = []


@me.stateclass
class State:
    profile: Profile
    note: str


def test_a_model_round_trips_through_json() -> None:
    state = State(profile=Profile(name="Ada", counter=3, tags=["x"],
                                  past=[Address(city="Oslo")]))
    data = encode_state(state)
    assert data["profile"] == {"name": "Ada", "counter": 3, "tags": ["x"],
                               "home": {"city": "Paris", "since": "2020-01-02T03:04:05"},
                               "past": [{"city": "Oslo", "since": "2020-01-02T03:04:05"}]}
    back = decode_state(data, State)
    assert back == state and isinstance(back.profile.home.since, datetime.datetime)


def test_a_state_field_without_a_default_gets_the_models_defaults() -> None:
    assert State().profile == Profile()
    assert decode_state({"note": "n"}, State).profile == Profile()  # older data


def test_data_the_model_refuses_names_the_field() -> None:
    with pytest.raises(CodecError, match=r"State\.profile\.counter: .*integer"):
        decode_state({"profile": {"counter": "many"}}, State)
    # Not an object at all: kept as it is, as Mesop keeps what it cannot make a model of.
    assert decode_state({"profile": None}, State).profile is None
    assert decode_state({"profile": [1]}, State).profile == [1]


def test_a_model_needing_values_is_refused_at_the_class(tmp_path: Path) -> None:
    app = tmp_path / "main.py"
    app.write_text(textwrap.dedent("""
        import pydantic
        import mesop_cli as me

        class Strict(pydantic.BaseModel):
            name: str

        @me.stateclass
        class State:
            strict: Strict

        @me.page(path="/")
        def home():
            me.text("hi")
    """))
    with pytest.raises(Exception, match=r"Strict\(\) needs values for its fields; give the "
                                        "field a default"):
        load_app(app)


#: Mesop's own pydantic_state example, ported unchanged but for the import line.
APP = Path(__file__).parent / "apps" / "mesop_examples" / "pydantic_state.py"


@pytest.mark.parametrize("backend", ["none", "memory", "file"])
def test_mesops_pydantic_example_counts_on_every_backend(tmp_path: Path, backend: str) -> None:
    """Mesop's own pydantic_state example, changed in place by its handler; with file, two
    instances take turns, so the model is also rebuilt from what the other one stored."""
    settings = make_settings(backend=backend, file_base_dir=str(tmp_path / "sessions"))
    if backend == "file":
        instances = [create_flask_app(APP, settings, backend=FileBackend(
            ttl_seconds=600, base_dir=str(tmp_path / "sessions"))).test_client()
            for _ in range(2)]
    else:
        instances = [create_flask_app(APP, settings).test_client()]
    tab = Client(create_flask_app(APP, settings))
    tab.http = instances[0]
    tab.path = "/pydantic_state"
    tab.send(None)
    for click in range(1, 5):
        tab.http = instances[click % len(instances)]
        tab.click("Increment Counter", with_copy=backend == "none")
        assert tab.state is not None and tab.state["State"]["model"]["counter"] == click
        assert f"Counter: {click}" in texts(tab.tree)


def test_model_classes_are_told_from_other_classes() -> None:
    from mesop_cli.state_format.pydantic_models import is_model_class

    assert is_model_class(Profile) and not is_model_class(State)
    assert not is_model_class(Profile())  # an instance is not a class
