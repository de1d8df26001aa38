"""The state diff: its patches turn the old JSON into the new one, as the browser applies
them, and an append to a long list costs one operation."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import jsonpatch
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesop_cli.state_format.codec import canonical_bytes
from mesop_cli.state_format.diff import make_patch, patch_images, same
from mesop_cli.state_format.image import StateImage, capture, image_from_bytes

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=6)
    | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=1000)
@given(json_values, json_values)
def test_the_patch_turns_old_into_new_as_json_sees_it(old: Any, new: Any) -> None:
    patched = jsonpatch.apply_patch(copy.deepcopy(old), make_patch(old, new))
    assert canonical_bytes(patched) == canonical_bytes(new)


@settings(max_examples=300)
@given(st.lists(st.text(max_size=4), max_size=30), st.integers(0, 30), st.text(max_size=4))
def test_one_insert_into_a_list_is_one_operation(items: list[str], at: int, item: str) -> None:
    changed = [*items[:at], item, *items[at:]]
    patch = make_patch({"rows": items}, {"rows": changed})
    assert len(patch) == 1 and patch[0]["op"] == "add"


def test_an_append_to_a_long_list_is_one_small_operation() -> None:
    rows = [f"row {i}" for i in range(10_000)]
    patch = make_patch({"State": {"count": 1, "rows": rows}},
                       {"State": {"count": 1, "rows": [*rows, "new"]}})
    assert patch == [{"op": "add", "path": "/State/rows/10000", "value": "new"}]


def test_booleans_are_not_numbers_but_integral_floats_are_ints() -> None:
    assert not same([1, 2], [True, 2]) and not same({"a": 1}, {"a": True})
    assert same({"a": [50]}, {"a": [50.0]})
    assert make_patch({"a": [1]}, {"a": [True]}) == [{"op": "replace", "path": "/a/0",
                                                      "value": True}]
    assert make_patch({"a": 50}, {"a": 50.0}) == []


def test_keys_with_slashes_and_tildes_are_escaped() -> None:
    assert make_patch({"a/b": 1, "c~d": 1}, {"a/b": 2, "c~d": 2}) == [
        {"op": "replace", "path": "/a~1b", "value": 2},
        {"op": "replace", "path": "/c~0d", "value": 2},
    ]


# -- patches of state images: an append the capture saw is sent without comparing ------

@dataclass
class Chat:
    count: int = 0
    rows: list[str] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)


def images_patch_applies(old: StateImage, new: StateImage) -> list[dict[str, Any]]:
    patch = patch_images(old, new)
    assert jsonpatch.apply_patch(copy.deepcopy(old.as_json()), patch) == new.as_json()
    return patch


def test_an_appended_list_is_patched_with_its_new_items_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import mesop_cli.state_format.diff as diff_module

    chat = Chat(rows=[f"row {i:05}" for i in range(5000)],
                items=[{"n": i} for i in range(5000)])
    first = capture({"Chat": chat}, None, 1, "/")
    chat.rows.extend(["new", "newer"])
    chat.items.append({"n": 5000.0})
    second = capture({"Chat": chat}, first, 2, "/")
    compared: list[int] = []
    real = diff_module._diff_lists

    def counting(old: list[Any], new: list[Any], path: str, ops: list[Any]) -> None:
        compared.append(len(old))
        real(old, new, path, ops)

    monkeypatch.setattr(diff_module, "_diff_lists", counting)
    assert images_patch_applies(first, second) == [
        {"op": "add", "path": "/Chat/rows/5000", "value": "new"},
        {"op": "add", "path": "/Chat/rows/5001", "value": "newer"},
        {"op": "add", "path": "/Chat/items/5000", "value": {"n": 5000}},
        {"op": "replace", "path": "/#version", "value": 2},
    ]
    assert compared == []  # neither long list was walked
    # The images themselves are untouched by patching.
    assert len(second.classes["Chat"]["rows"].value) == 5002
    assert first.as_json()["Chat"]["rows"][-1] == "row 04999"


def test_a_patch_from_an_older_copy_or_after_other_changes_is_still_right() -> None:
    chat = Chat(rows=[f"row {i:05}" for i in range(5000)], items=[1] * 5000)
    first = capture({"Chat": chat}, None, 1, "/")
    chat.rows.append("a")
    second = capture({"Chat": chat}, first, 2, "/")
    chat.rows.append("b")
    chat.items[0] = True
    chat.items.append(2)
    third = capture({"Chat": chat}, second, 3, "/")
    images_patch_applies(first, third)  # grown from second, not from what first holds
    images_patch_applies(second, third)
    chat.rows.pop()
    chat.rows.pop()
    fourth = capture({"Chat": chat}, third, 4, "/")
    images_patch_applies(third, fourth)
    images_patch_applies(first, fourth)
    stored = image_from_bytes(fourth.to_bytes())  # a loaded copy with the same digests
    chat.rows.append("c")
    fifth = capture({"Chat": chat}, stored, 5, "/")
    assert images_patch_applies(stored, fifth)[0] == {
        "op": "add", "path": "/Chat/rows/5000", "value": "c"}
