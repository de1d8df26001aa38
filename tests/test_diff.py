"""The state diff: its patches turn the old JSON into the new one, as the browser applies
them, and an append to a long list costs one operation."""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
from hypothesis import given, settings
from hypothesis import strategies as st

from mesop_cli.sessions.codec import canonical_bytes
from mesop_cli.web.diff import make_patch, same

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
