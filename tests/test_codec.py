"""The state codec: encoding, type-directed decoding, canonical bytes.

The typing module's old spellings (List, Optional, ...) are used on purpose: user apps
still write them.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import enum
import importlib.util
import json
import math
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Dict, List, Literal, Optional, Union  # noqa: UP035

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesop_cli.state_format.codec import (
    BYTES_TAG,
    DATE_TAG,
    CodecError,
    canonical_bytes,
    decode_state,
    decode_states,
    encode_state,
    encode_states,
    json_equal,
)
from mesop_cli.state_format.image import image_from_json
from mesop_cli.state_format.uploaded_file import UploadedFile


@dataclass
class Item:
    name: str = ""
    price: float = 0.0
    tags: list[str] = field(default_factory=list)


@dataclass
class Other:
    label: str
    weight: int = 1


@dataclass
class State:
    text: str = ""
    count: int = 0
    ratio: float = 0.0
    flag: bool = False
    nothing: None = None
    maybe: int | None = None
    either: Union[int, str] = 0  # noqa: UP007
    words: list[str] = field(default_factory=list)
    matrix: list[list[float]] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)
    legacy_list: List[int] = field(default_factory=list)  # noqa: UP006
    legacy_dict: Dict[str, float] = field(default_factory=dict)  # noqa: UP006
    item: Item = field(default_factory=Item)
    items: list[Item] = field(default_factory=list)
    by_name: dict[str, Item] = field(default_factory=dict)
    maybe_item: Optional[Item] = None  # noqa: UP045
    choice: Item | Other | None = None
    anything: Any = None


@dataclass
class NoDefaults:
    text: str
    count: int
    ratio: float
    flag: bool
    words: list[str]
    scores: dict[str, int]
    maybe: int | None
    item: Item


def _roundtrip(obj: object) -> object:
    """Through bytes, as a backend stores it."""
    return decode_state(json.loads(canonical_bytes(encode_state(obj))), type(obj))


def test_full_state_round_trips() -> None:
    state = State(
        text="héllo ✓",
        count=-3,
        ratio=2.5,
        flag=True,
        maybe=7,
        either="seven",
        words=["a", "b"],
        matrix=[[1.0, 2.5], []],
        scores={"x": 1},
        legacy_list=[1, 2],
        legacy_dict={"pi": 3.14},
        item=Item("pen", 1.0, ["blue"]),
        items=[Item("a"), Item("b", 2.0)],
        by_name={"k": Item("k", 9.99)},
        maybe_item=Item("m"),
        choice=Other("o", 3),
        anything={"free": [1, "form"]},
    )
    back = _roundtrip(state)
    assert back == state
    assert isinstance(back.matrix[0][0], float)  # written as 1, read as a float
    assert isinstance(back.choice, Other)


def test_int_becomes_float_for_float_fields() -> None:
    back = decode_state({"ratio": 3, "legacy_dict": {"a": 1}}, State)
    assert back.ratio == 3.0 and type(back.ratio) is float
    assert type(back.legacy_dict["a"]) is float


def test_missing_fields_take_defaults_and_unknown_fields_are_ignored() -> None:
    back = decode_state({"count": 4, "gone_field": "x"}, State)
    assert back == State(count=4)


def test_fields_without_defaults_get_empty_values() -> None:
    back = decode_state({}, NoDefaults)
    assert back == NoDefaults("", 0, 0.0, False, [], {}, None, Item())


def test_union_of_dataclasses_picks_the_one_whose_fields_match() -> None:
    assert isinstance(decode_state({"choice": {"label": "x"}}, State).choice, Other)
    assert isinstance(decode_state({"choice": {"name": "x"}}, State).choice, Item)
    assert decode_state({"choice": None}, State).choice is None


# ---- leniency: as in Mesop, a value that does not fit its annotation is kept -------------


@pytest.mark.parametrize(
    ("data", "name", "kept"),
    [
        ({"count": "3"}, "count", "3"),
        ({"count": True}, "count", True),
        ({"count": 2.5}, "count", 2.5),
        ({"count": None}, "count", None),
        ({"count": [1, {"a": None}]}, "count", [1, {"a": None}]),
        ({"flag": 1}, "flag", 1),
        ({"ratio": None}, "ratio", None),
        ({"ratio": True}, "ratio", True),
        ({"ratio": 10**400}, "ratio", 10**400),  # no float holds it: the integer stays
        ({"text": {"k": "v"}}, "text", {"k": "v"}),
        ({"nothing": 5}, "nothing", 5),
        ({"maybe": "x"}, "maybe", "x"),
        ({"words": "abc"}, "words", "abc"),
        ({"words": ["a", 2, None]}, "words", ["a", 2, None]),
        ({"legacy_list": [1, None, 3]}, "legacy_list", [1, None, 3]),
        ({"matrix": [[1, None], None, "row"]}, "matrix", [[1.0, None], None, "row"]),
        ({"scores": {"x": None, "y": "many"}}, "scores", {"x": None, "y": "many"}),
        ({"scores": [1]}, "scores", [1]),
        ({"either": 1.5}, "either", 1.5),
        ({"either": None}, "either", None),
        ({"item": 3}, "item", 3),
        ({"item": None}, "item", None),
        ({"item": {"price": []}}, "item", Item(price=[])),  # type: ignore[arg-type]
        ({"items": [{"name": "a"}, None, {"price": "x"}]}, "items",
         [Item("a"), None, Item(price="x")]),  # type: ignore[arg-type]
        ({"by_name": {"k": {"tags": [1]}, "gone": None}}, "by_name",
         {"k": Item(tags=[1]), "gone": None}),  # type: ignore[list-item]
        ({"maybe_item": "none yet"}, "maybe_item", "none yet"),
        ({"choice": 7}, "choice", 7),
    ],
)
def test_a_value_that_does_not_fit_its_annotation_is_kept(data: dict[str, Any], name: str,
                                                          kept: Any) -> None:
    back = decode_state(data, State)
    value = getattr(back, name)
    assert value == kept
    assert type(value) is type(kept)
    # And it is stored again, and comes back the same.
    assert _roundtrip(back) == back


def test_a_union_prefers_the_option_the_data_fits() -> None:
    # Other's fields hold the keys (the weight leniently); Item would have dropped them.
    odd = decode_state({"choice": {"label": "x", "weight": None}}, State).choice
    assert odd == Other("x", None)  # type: ignore[arg-type]
    assert decode_state({"either": "s"}, State).either == "s"
    assert decode_state({"either": 4}, State).either == 4
    # Keys that fit neither (a class that lost a field): the first option, as before.
    assert decode_state({"choice": {"gone": 1}}, State).choice == Item()




def test_leniency_stops_at_what_could_be_hostile() -> None:
    # Non-finite numbers have no JSON form: a browser's copy holding one is refused, in
    # whichever field and whatever its annotation would keep.
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(CodecError, match=r"State\.count\[1\]: .* has no JSON form"):
            image_from_json({"State": {"count": [1, bad]}})
    # An object where no dataclass is expected stays a dict: nothing is built from data,
    # and keys a class has no field for are never set on it.
    hostile = {"__class__": "os.system", "items": [{"name": "x"}]}
    odd = decode_state({"count": hostile, "__class__": {}, "__dict__": {"x": 1}}, State)
    assert type(odd) is State and odd.count == hostile
    assert odd == State(count=hostile)  # type: ignore[arg-type]


@dataclass
class Dated:
    days: list[datetime.date] = field(default_factory=list)


def test_a_malformed_date_where_a_date_belongs_names_the_field() -> None:
    # A one-key date object that is no date: no server writes it, so it is refused.
    assert decode_state({"days": [None, {DATE_TAG: "2024-10-01"}]}, Dated).days == [
        None, datetime.date(2024, 10, 1)]
    with pytest.raises(CodecError, match=r"Dated\.days\[1\]: expected a date"):
        decode_state({"days": [None, {DATE_TAG: "2024-13-01"}]}, Dated)


def test_decode_needs_an_object_and_a_dataclass() -> None:
    with pytest.raises(CodecError, match="State: expected State, got an array"):
        decode_state([], State)
    with pytest.raises(CodecError, match="not a dataclass"):
        decode_state({}, dict)


def test_encode_refuses_values_json_cannot_hold() -> None:
    with pytest.raises(CodecError, match=r"State\.anything\[0\]: values of type set"):
        encode_state(State(anything=[{1, 2}]))
    with pytest.raises(CodecError, match=r"State\.anything: dict key 1 is not a string"):
        encode_state(State(anything={1: "x"}))
    with pytest.raises(CodecError, match="expected a dataclass instance"):
        encode_state({"not": "a dataclass"})


def test_states_are_keyed_by_name() -> None:
    classes = {"State": State, "mod.Item": Item}
    data = encode_states({"State": State(count=1), "mod.Item": Item("x")})
    assert decode_states(data, classes) == {"State": State(count=1), "mod.Item": Item("x")}
    assert decode_states({"State": {}, "Unknown": {}}, classes) == {"State": State()}
    with pytest.raises(CodecError, match="states: expected an object"):
        decode_states([], classes)


def test_canonical_bytes_are_sorted_compact_utf8() -> None:
    assert canonical_bytes({"b": 1, "a": [1.5, "é"]}) == '{"a":[1.5,"é"],"b":1}'.encode()
    assert canonical_bytes({"x": 2.0, "y": -0.0, "z": (1, 2)}) == b'{"x":2,"y":0,"z":[1,2]}'
    assert canonical_bytes(1e300) == str(int(1e300)).encode()
    assert canonical_bytes(True) == b"true"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, {"a": [math.nan]}])
def test_canonical_bytes_refuse_nan_and_infinity(bad: Any) -> None:
    with pytest.raises(CodecError, match="has no JSON form"):
        canonical_bytes(bad)


def test_canonical_bytes_refuse_what_json_cannot_hold() -> None:
    with pytest.raises(CodecError, match="not valid Unicode"):
        canonical_bytes("\ud800")
    with pytest.raises(CodecError, match="key 1 is not a string"):
        canonical_bytes({1: 2})
    with pytest.raises(CodecError, match=r"\$\[0\]: set is not JSON data"):
        canonical_bytes([set()])


def _import_file(tmp_path: Path, name: str, source: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("future", [True, False])
def test_user_modules_with_and_without_postponed_annotations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, future: bool
) -> None:
    header = "from __future__ import annotations\n" if future else ""
    module = _import_file(
        tmp_path,
        f"user_app_{future}",
        header
        + """
        from dataclasses import dataclass, field

        @dataclass
        class Inner:
            value: float = 0.0

        @dataclass
        class AppState:
            names: list[str] | None = None
            inner: Inner = field(default_factory=Inner)
            table: dict[str, list[Inner]] = field(default_factory=dict)
        """.replace("\n        ", "\n"),
        monkeypatch,
    )
    data = {"names": ["a"], "inner": {"value": 1}, "table": {"t": [{"value": 2}]}}
    back = decode_state(data, module.AppState)
    assert back.inner == module.Inner(1.0)
    assert back.table["t"][0].value == 2.0
    assert encode_state(back) == {"names": ["a"], "inner": {"value": 1.0}, "table": data["table"]}


def test_unresolvable_annotations_say_what_to_do() -> None:
    @dataclass
    class Local:
        value: Missing = None  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(CodecError, match="Local.*module level"):
        decode_state({}, Local)


class Colour(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Size(enum.IntEnum):
    S = 1
    L = 3


@dataclass
class Shapes:
    colour: Colour = Colour.RED
    sizes: list[Size] = field(default_factory=list)
    mode: Literal["light", "dark"] = "light"
    point: tuple[int, int] = (0, 0)
    path: tuple[float, ...] = ()
    labelled: Annotated[list[int], "ids"] = field(default_factory=list)
    values: set = dataclasses.field(default_factory=set)  # type: ignore[type-arg]


def test_enums_literals_tuples_and_annotated_types_round_trip() -> None:
    shapes = Shapes(Colour.BLUE, [Size.L, Size.S], "dark", (3, 4), (1.5, 2.0), [1, None])
    shapes.values = None  # type: ignore[assignment]
    back = _roundtrip(shapes)
    assert back == shapes
    assert back.colour is Colour.BLUE and back.sizes[0] is Size.L
    assert type(back.point) is tuple and type(back.path[1]) is float


def test_a_type_without_a_rule_keeps_the_value_instead_of_refusing_it() -> None:
    # What the annotation did not foresee is kept as JSON, never made into its class; a
    # set itself cannot be stored (encoding names the field), but what replaced it can.
    odd = decode_state({"colour": "green", "mode": "dim", "point": [1, 2, 3], "values": [1],
                        "sizes": [2, None]}, Shapes)
    assert (odd.colour, odd.mode, odd.point, odd.values, odd.sizes) == (
        "green", "dim", [1, 2, 3], [1], [2, None])
    with pytest.raises(CodecError, match=r"Shapes\.values: values of type set"):
        encode_state(Shapes())


_floats = st.floats(allow_nan=False, allow_infinity=False)
_items = st.builds(Item, st.text(), _floats, st.lists(st.text(), max_size=3))
_states = st.builds(
    State,
    text=st.text(),
    count=st.integers(),
    ratio=_floats,
    flag=st.booleans(),
    maybe=st.none() | st.integers(),
    either=st.integers() | st.text(),
    words=st.lists(st.text(), max_size=4),
    matrix=st.lists(st.lists(_floats, max_size=3), max_size=3),
    scores=st.dictionaries(st.text(), st.integers(), max_size=3),
    legacy_dict=st.dictionaries(st.text(), _floats, max_size=3),
    item=_items,
    items=st.lists(_items, max_size=3),
    by_name=st.dictionaries(st.text(), _items, max_size=3),
    maybe_item=st.none() | _items,
)


@settings(deadline=None)  # the machine is shared; speed is not what is tested
@given(_states)
def test_property_round_trip_through_canonical_bytes(state: State) -> None:
    assert _roundtrip(state) == state


@settings(deadline=None)  # the machine is shared; speed is not what is tested
@given(_states)
def test_property_canonical_bytes_survive_a_reparse(state: State) -> None:
    """A copy parsed and re-serialized elsewhere (as a browser does) gives the same bytes."""
    raw = canonical_bytes(encode_state(state))
    reparsed = json.loads(json.dumps(json.loads(raw), indent=1))
    assert canonical_bytes(reparsed) == raw


# ---- bytes and uploaded files (me.uploader keeps files in state) -------------------------


@dataclass
class Files:
    raw: bytes = b""
    file: UploadedFile = field(default_factory=UploadedFile)
    maybe: Optional[bytes] = None  # noqa: UP045
    text_or_raw: Union[str, bytes] = ""  # noqa: UP007
    kept: List[bytes] = field(default_factory=list)  # noqa: UP006
    anything: Any = None
    loose: list = field(default_factory=list)


def test_bytes_and_uploaded_files_round_trip_as_base64() -> None:
    every_byte = bytes(range(256))
    state = Files(raw=every_byte, file=UploadedFile(b"\x89PNG", name="a.png", size=4,
                                                    mime_type="image/png"),
                  maybe=b"", text_or_raw=b"raw", kept=[b"a", b""], anything=b"\x00",
                  loose=[b"b", {"k": "v"}])
    data = json.loads(canonical_bytes(encode_state(state)))
    assert data["raw"] == {"__python.bytes__": base64.b64encode(every_byte).decode()}
    assert data["file"] == {"__mesop.UploadedFile__": {
        "contents": "iVBORw==", "name": "a.png", "size": 4, "mime_type": "image/png"}}
    back = decode_state(data, Files)
    assert back == state
    assert type(back.raw) is bytes and type(back.file) is UploadedFile
    assert back.file.read() == b"\x89PNG"  # a fresh file object, read from the start
    assert decode_state({}, Files) == Files()  # fields without data: b"" and an empty file


def test_a_dict_that_only_looks_like_bytes_stays_a_dict() -> None:
    lookalike = {"__python.bytes__": 5}
    assert decode_state({"anything": lookalike}, Files).anything == lookalike


def test_the_value_decides_where_bytes_files_or_dates_are_expected() -> None:
    # Only their tagged objects become bytes, files and dates; anything else is kept.
    two_keys = {BYTES_TAG: "AA==", "x": 1}
    kept = decode_state({"raw": {DATE_TAG: "2024-10-01"}, "file": None, "maybe": two_keys,
                         "kept": ["AAEC", {BYTES_TAG: "AA=="}, None]}, Files)
    assert kept.raw == datetime.date(2024, 10, 1)
    assert kept.file is None
    assert kept.maybe == two_keys
    assert kept.kept == ["AAEC", b"\x00", None]
    assert decode_state({"raw": "AAEC"}, Files).raw == "AAEC"


@pytest.mark.parametrize(("data", "why"), [
    ({"raw": {"__python.bytes__": "A"}}, r"Files\.raw: not valid base64"),
    ({"raw": {"__python.bytes__": 5}}, r"Files\.raw: expected bytes"),
    ({"file": {"__mesop.UploadedFile__": {"contents": "", "name": "a"}}},
     r"Files\.file: expected an uploaded file"),
    ({"file": {"__mesop.UploadedFile__": {"contents": "%%", "name": "a", "size": 0,
                                          "mime_type": ""}}},
     r"Files\.file\.contents: not valid base64"),
])
def test_bad_bytes_data_names_the_field(data: dict[str, Any], why: str) -> None:
    with pytest.raises(CodecError, match=why):
        decode_state(data, Files)


@pytest.mark.parametrize(("a", "b"), [
    ([0.0], [False]), ([1.0], [True]), ({"k": 0.0}, {"k": False}), ([[[0.0]]], [[[False]]]),
])
def test_json_equality_tells_a_number_from_a_boolean_on_either_side(a: Any, b: Any) -> None:
    # Python finds them equal; JSON writes 0 and false, so a change must not be missed.
    assert not json_equal(a, b) and not json_equal(b, a)
    assert json_equal([1.0, "x"], [1, "x"])  # 1.0 and 1 are both written 1
