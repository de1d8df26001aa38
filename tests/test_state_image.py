"""State images: what is reused between events, what is signed, what is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.state_format.codec import CodecError, canonical_bytes
from mesop_cli.state_format.image import (
    DIGESTS_KEY,
    FieldImage,
    StateImage,
    capture,
    image_from_bytes,
    image_from_json,
)
from mesop_cli.state_format.uploaded_file import UploadedFile
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings


@dataclass
class Doc:
    count: int = 0
    rows: list[str] = field(default_factory=list)
    flags: list[Any] = field(default_factory=list)
    extra: Any = None


def image_of(doc: Doc, previous: StateImage | None = None, version: int = 1) -> StateImage:
    return capture({"Doc": doc}, previous, version, "/")


def test_an_unchanged_field_keeps_its_image_and_a_changed_one_gets_a_new_one() -> None:
    doc = Doc(rows=[f"row {i}" for i in range(1000)])
    first = image_of(doc)
    doc.count += 1
    second = image_of(doc, first, version=2)
    assert second.classes["Doc"]["rows"] is first.classes["Doc"]["rows"]
    assert second.classes["Doc"]["count"] is not first.classes["Doc"]["count"]
    doc.rows.append("new")
    third = image_of(doc, second, version=3)
    assert third.classes["Doc"]["rows"] is not second.classes["Doc"]["rows"]
    assert third.classes["Doc"]["rows"].value[-1] == "new"


def test_a_change_made_in_place_is_seen_whatever_the_list_holds() -> None:
    doc = Doc(rows=["a", "b"], flags=[1, 0, None, {"k": [1]}])
    first = image_of(doc)
    doc.rows[0] = "z"
    doc.flags[0] = True  # 1 == True in Python, not in JSON
    doc.flags[3]["k"].append(2)
    second = image_of(doc, first)
    assert second.classes["Doc"]["rows"].value == ["z", "b"]
    assert second.classes["Doc"]["flags"].value == [True, 0, None, {"k": [1, 2]}]
    assert not second.classes["Doc"]["flags"].same_as(first.classes["Doc"]["flags"])


def test_the_image_never_shares_a_container_with_the_live_objects() -> None:
    doc = Doc(rows=["a"], extra={"nested": ["x"]})
    image = image_of(doc)
    doc.rows.append("b")
    doc.extra["nested"].append("y")
    assert image.classes["Doc"]["rows"].value == ["a"]
    assert image.classes["Doc"]["extra"].value == {"nested": ["x"]}
    decoded = image.decode({"Doc": Doc})["Doc"]
    decoded.extra["nested"].append("z")  # an Any field decodes to a copy too
    assert image.classes["Doc"]["extra"].value == {"nested": ["x"]}


def test_the_manifest_changes_with_any_field_the_version_or_the_page() -> None:
    doc = Doc(rows=["a"])
    base = image_of(doc)
    manifests = {base.manifest()}
    for change in (lambda d: setattr(d, "count", 1), lambda d: d.rows.append("b"),
                   lambda d: setattr(d, "extra", 1.5)):
        changed = Doc(count=doc.count, rows=list(doc.rows), extra=doc.extra)
        change(changed)
        manifests.add(image_of(changed).manifest())
    manifests.add(image_of(doc, version=2).manifest())
    manifests.add(capture({"Doc": doc}, None, 1, "/other").manifest())
    assert len(manifests) == 6


def test_equal_json_gives_the_same_digest_and_state() -> None:
    a = image_of(Doc(extra={"x": 2.0, "y": [1]}))
    b = image_of(Doc(extra={"y": [1], "x": 2}))
    assert a.same_state(b) and a.manifest() == b.manifest()
    assert not a.same_state(image_of(Doc(extra={"x": True, "y": [1]})))


def test_a_value_that_cannot_be_stored_names_its_field() -> None:
    with pytest.raises(CodecError, match=r"Doc\.extra"):
        image_of(Doc(extra={1, 2}))
    with pytest.raises(CodecError, match=r"Doc\.extra"):
        image_of(Doc(extra=float("nan")))


def test_stored_bytes_round_trip_with_digests_and_exact_big_integers() -> None:
    image = image_of(Doc(count=10**40, rows=["é", "\u2028"], extra={"f": 0.1}), version=7)
    data = image.to_bytes()
    assert json.loads(data)[DIGESTS_KEY]["Doc"]["rows"] == image.classes["Doc"]["rows"].digest.hex()
    loaded = image_from_bytes(data)
    assert loaded.as_json() == image.as_json() and loaded.version == 7
    assert loaded.manifest() == image.manifest()
    assert loaded.decode({"Doc": Doc})["Doc"].count == 10**40


def test_a_browsers_copy_is_hashed_not_trusted() -> None:
    image = image_of(Doc(count=3))
    copy = image.as_json()
    copy["Doc"]["count"] = 4
    # A copy brings no digests of its own: whatever it claims, each field is hashed.
    claimed = {"Doc": {name: f.digest.hex() for name, f in image.classes["Doc"].items()}}
    copy[DIGESTS_KEY] = claimed
    assert image_from_json(copy).manifest() != image.manifest()


@pytest.mark.parametrize("document", [
    [], {"Doc": []}, {"Doc": {"count": 1}, "#other": 1}, "state",
])
def test_a_copy_no_server_wrote_is_refused(document: Any) -> None:
    with pytest.raises(CodecError):
        image_from_json(document)


def test_stored_digests_that_are_malformed_are_computed_again() -> None:
    image = image_of(Doc(count=3))
    document = json.loads(image.to_bytes())
    document[DIGESTS_KEY]["Doc"]["count"] = "zz" * 32
    loaded = image_from_bytes(json.dumps(document).encode())
    assert loaded.manifest() == image.manifest()


def test_field_image_of_hashes_the_canonical_bytes() -> None:
    import hashlib

    image = FieldImage.of({"b": 1, "a": 2.0}, "$")
    assert image.digest == hashlib.sha256(canonical_bytes({"a": 2, "b": 1})).digest()
    assert image.size == len(b'{"a":2,"b":1}')


APP = '''
import mesop_cli as me

@me.stateclass
class State:
    count: int = 0
    rows: list[str]

def increment(e: me.ClickEvent):
    me.state(State).count += 1

def bad(e: me.ClickEvent):
    me.state(State).rows.append({1, 2})

@me.page(path="/")
def page():
    s = me.state(State)
    me.text(f"Count: {s.count}")
    me.button("Increment", on_click=increment)
    me.button("Bad", on_click=bad)
'''


def test_memory_hands_the_next_event_the_objects_the_last_one_left(tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text(APP)
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    client.click("Increment")
    kept = backend.load_image(client.session or "")
    assert kept is not None and kept.states is not None
    objects = kept.states["State"]
    client.click("Increment")
    again = backend.load_image(client.session or "")
    assert again is not None and again.states is not None
    assert again.states["State"] is objects and objects.count == 2  # type: ignore[attr-defined]


def test_memory_forgets_objects_an_event_spoiled_without_saving(tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text(APP)
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    client.click("Increment")
    messages = client.click("Bad")
    assert messages[-1]["type"] == "error"
    kept = backend.load_image(client.session or "")
    assert kept is not None and kept.states is None  # decoded afresh next time
    client.click("Increment")  # from the stored state: the set never got in
    assert client.state is not None and client.state["State"]["count"] == 2
    assert client.state["State"]["rows"] == []


@dataclass
class Files:
    blob: bytes = b""
    upload: UploadedFile = field(default_factory=UploadedFile)


def test_files_in_state_are_compared_by_their_bytes_and_every_change_is_seen() -> None:
    data = bytes(range(256)) * 4096  # 1 MB
    files = Files(blob=data, upload=UploadedFile(data, name="a.bin", size=len(data),
                                                 mime_type="application/octet-stream"))
    first = capture({"Files": files}, None, 1, "/")
    again = capture({"Files": files}, first, 2, "/")
    assert again.classes["Files"]["blob"] is first.classes["Files"]["blob"]
    assert again.classes["Files"]["upload"] is first.classes["Files"]["upload"]

    files.upload.seek(0)
    files.upload.write(b"X")  # written in place: the file's buffer changes
    written = capture({"Files": files}, again, 3, "/")
    assert written.classes["Files"]["upload"].digest != again.classes["Files"]["upload"].digest
    assert written.classes["Files"]["blob"] is again.classes["Files"]["blob"]

    files.upload = UploadedFile(files.upload.getvalue(), name="b.bin", size=len(data),
                                mime_type="application/octet-stream")  # same bytes, renamed
    renamed = capture({"Files": files}, written, 4, "/")
    assert renamed.classes["Files"]["upload"].digest != written.classes["Files"]["upload"].digest

    files.blob = data[:-1] + b"!"
    changed = capture({"Files": files}, renamed, 5, "/")
    assert changed.classes["Files"]["blob"].digest != renamed.classes["Files"]["blob"].digest
    # Each image still holds exactly what a fresh capture makes.
    fresh = capture({"Files": files}, None, 5, "/")
    assert changed.manifest() == fresh.manifest()


def test_equal_bytes_in_a_new_object_keep_the_image() -> None:
    files = Files(blob=b"abc" * 1000)
    first = capture({"Files": files}, None, 1, "/")
    files.blob = bytes(bytearray(files.blob))  # equal, not the same object
    assert capture({"Files": files}, first, 2, "/").classes["Files"]["blob"] is (
        first.classes["Files"]["blob"])


# -- appending to a long list hashes only what was appended ----------------------------

def fresh_digest(doc: Doc, name: str) -> bytes:
    """The digest of a field captured with nothing to reuse: hashed from the start."""
    return image_of(doc).classes["Doc"][name].digest


def assert_same_as_fresh(image: StateImage, doc: Doc) -> None:
    fresh = image_of(doc, version=image.version)
    for name, field_image in image.classes["Doc"].items():
        expected = fresh.classes["Doc"][name]
        assert field_image.digest == expected.digest, name
        assert field_image.value == expected.value, name
        assert field_image.size in (None, expected.size), name
    assert image.manifest() == fresh.manifest()


@pytest.fixture
def hashed_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lengths of the canonical bytes made by captures from now on."""
    import mesop_cli.state_format.image as image_module

    sizes: list[int] = []
    real = image_module.canonical_bytes

    def recording(data: Any, path: str = "$") -> bytes:
        out = real(data, path)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(image_module, "canonical_bytes", recording)
    return sizes


def test_an_append_to_a_long_list_hashes_only_the_new_items(hashed_sizes: list[int]) -> None:
    doc = Doc(rows=[f"row {i:05}" for i in range(5000)])
    first = image_of(doc)
    assert max(hashed_sizes) > 50_000
    hashed_sizes.clear()
    doc.rows.append("new")
    second = image_of(doc, first, version=2)
    assert hashed_sizes and max(hashed_sizes) < 100  # the new item, not the list
    assert_same_as_fresh(second, doc)
    doc.rows.extend(["two", "more"])
    third = image_of(doc, second, version=3)
    assert_same_as_fresh(third, doc)
    assert third.classes["Doc"]["rows"].value == doc.rows
    # The earlier images are untouched: the browser's copy is diffed against them.
    assert len(first.classes["Doc"]["rows"].value) == 5000
    assert len(second.classes["Doc"]["rows"].value) == 5001


def test_an_append_after_a_store_round_trip_hashes_only_the_new_items(
        hashed_sizes: list[int]) -> None:
    doc = Doc(flags=[{"n": i, "text": f"item {i}"} for i in range(2000)])
    stored = image_from_bytes(image_of(doc).to_bytes())  # digests as a store keeps them
    hashed_sizes.clear()
    doc.flags.append({"n": 2000.0, "text": "float that is an int"})
    grown = image_of(doc, stored, version=2)
    assert hashed_sizes and max(hashed_sizes) < 100
    assert_same_as_fresh(grown, doc)


@pytest.mark.parametrize("change", [
    "remove_last", "change_first", "change_last_and_append", "replace_with_shorter",
    "true_for_one", "nested_append", "clear", "not_a_list",
])
def test_a_change_that_is_not_an_append_is_hashed_whole(change: str) -> None:
    doc = Doc(flags=[1, 2.5, "x" * 20, None, [1, [2]], {"k": "v"}] * 500)
    previous = image_of(doc)
    if change == "remove_last":
        doc.flags.pop()
    elif change == "change_first":
        doc.flags[0] = 7
        doc.flags.append("appended")
    elif change == "change_last_and_append":
        doc.flags[-1]["k"] = "w"
        doc.flags.append("appended")
    elif change == "replace_with_shorter":
        doc.flags = doc.flags[:10] + ["new"]
    elif change == "true_for_one":  # 1 == True for Python, not for JSON
        doc.flags[0] = True
        doc.flags.append(1)
    elif change == "nested_append":
        doc.flags[4][1].append(3)
    elif change == "clear":
        doc.flags.clear()
    else:
        doc.flags = {"a": 1}  # type: ignore[assignment]
    assert_same_as_fresh(image_of(doc, previous, version=2), doc)


@pytest.mark.parametrize("first_items", [[], ["a"], [1], [[]], [{}]])
def test_short_lists_and_first_appends_match_a_fresh_hash(
        first_items: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import mesop_cli.state_format.image as image_module

    monkeypatch.setattr(image_module, "OPEN_LIST_MIN_BYTES", 0)  # even [] keeps its state
    doc = Doc(rows=[], flags=list(first_items))
    image = image_of(doc)
    for version, item in enumerate(["b", 2, 2.0, -0.0, [1, [2.0]], {"z": 1, "a": [True]},
                                    None, "é\u2028"], start=2):
        doc.flags.append(item)
        doc.rows.append(str(item))
        image = image_of(doc, image, version)
        assert_same_as_fresh(image, doc)
        assert image.classes["Doc"]["flags"]._open is not None


def test_an_appended_item_that_cannot_be_stored_names_its_index() -> None:
    doc = Doc(rows=[f"row {i:05}" for i in range(5000)], flags=[0] * 5000)
    previous = image_of(doc)
    doc.rows.append(object())  # type: ignore[arg-type]
    with pytest.raises(CodecError, match=r"Doc\.rows\[5000\]"):
        image_of(doc, previous)
    doc.rows.pop()
    doc.flags.append(float("nan"))
    with pytest.raises(CodecError, match=r"Doc\.flags\[5000\]"):
        image_of(doc, previous)


_items = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                               max_size=3),
    max_leaves=6,
)
_steps = st.lists(st.tuples(st.sampled_from(["append", "extend", "pop", "set", "store"]),
                            _items), max_size=12)


@settings(max_examples=150, deadline=None)
@given(start=st.lists(_items, max_size=6), steps=_steps)
def test_any_sequence_of_changes_gives_the_digest_of_a_fresh_hash(
        start: list[Any], steps: list[tuple[str, Any]]) -> None:
    import mesop_cli.state_format.image as image_module

    saved = image_module.OPEN_LIST_MIN_BYTES
    image_module.OPEN_LIST_MIN_BYTES = 0  # every list keeps its state, however short
    try:
        doc = Doc(flags=list(start), rows=[str(item) for item in start])
        image = image_of(doc)
        for version, (step, item) in enumerate(steps, start=2):
            if step == "append":
                doc.flags.append(item)
                doc.rows.append(str(item))
            elif step == "extend":
                doc.flags.extend([item, item])
            elif step == "pop" and doc.flags:
                doc.flags.pop()
            elif step == "set" and doc.flags:
                doc.flags[0] = item
            elif step == "store":  # the next capture starts from a stored image
                image = image_from_bytes(image.to_bytes())
            image = image_of(doc, image, version)
            assert_same_as_fresh(image, doc)
    finally:
        image_module.OPEN_LIST_MIN_BYTES = saved
