"""The JSON Patch (RFC 6902) that turns the browser's copy of the state into the new one.

Written for what state looks like: objects with a few fields, one of which may be a long
list that grew or changed in a few places. Lists are compared by their common prefix and
suffix (an append costs one ``add``), and equal parts are recognised with C-speed ``==``
before anything is walked in Python, so an event costs about what it changed rather than
what the state weighs. ``jsonpatch.make_patch`` computes a general list diff instead,
which was a third of the time of an event on a 1 MB state.

Equality is JSON's as the browser and the signature see it: ``1`` and ``1.0`` are the same
(the canonical form writes both as ``1``), ``1`` and ``true`` are not.
"""

from __future__ import annotations

from typing import Any

from mesop_cli.state_format.codec import EQ_IS_JSON_EQUALITY as _PLAIN
from mesop_cli.state_format.codec import json_equal as same
from mesop_cli.state_format.image import StateImage

__all__ = ["make_patch", "patch_images", "same"]


def patch_images(old: StateImage, new: StateImage) -> list[dict[str, Any]]:
    """:func:`make_patch` of two state images' JSON, where a list that the capture saw
    grow by an append (``new`` knows it) gets its ``add`` operations without comparing
    the list (on a 1 MB list that comparison cost more than the rest of the event)."""
    before, after = old.as_json(), new.as_json()
    ops: list[dict[str, Any]] = []
    for (key, name), count in new.appends_since(old).items():
        path = _pointer(_pointer("", key), name)
        ops.extend({"op": "add", "path": _pointer(path, index), "value": item}
                   for index, item in enumerate(after[key][name][count:], start=count))
        # ``as_json`` built these dicts for this call: the images are not changed.
        after[key][name] = before[key][name]
    ops.extend(make_patch(before, after))
    return ops


def make_patch(old: Any, new: Any) -> list[dict[str, Any]]:
    """Operations (add, remove, replace) taking ``old`` to ``new``."""
    ops: list[dict[str, Any]] = []
    _diff(old, new, "", ops)
    return ops


def _pointer(path: str, key: str | int) -> str:
    text = str(key).replace("~", "~0").replace("/", "~1")
    return f"{path}/{text}"


def _diff(old: Any, new: Any, path: str, ops: list[dict[str, Any]]) -> None:
    if same(old, new):
        return
    if type(old) is dict and type(new) is dict:
        for key in old:
            if key not in new:
                ops.append({"op": "remove", "path": _pointer(path, key)})
        for key, value in new.items():
            if key in old:
                _diff(old[key], value, _pointer(path, key), ops)
            else:
                ops.append({"op": "add", "path": _pointer(path, key), "value": value})
        return
    if type(old) is list and type(new) is list:
        _diff_lists(old, new, path, ops)
        return
    ops.append({"op": "replace", "path": path, "value": new})


def _common_prefix(old: list[Any], new: list[Any]) -> int:
    """Length of the common start, found by halving with C-speed slice comparisons."""
    low, high = 0, min(len(old), len(new))
    while low < high:
        middle = (low + high + 1) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle - 1
    if low and not (set(map(type, old[:low])) | set(map(type, new[:low]))) <= _PLAIN:
        # ``==`` takes 1 for True: find the first difference JSON would see.
        pairs = zip(old[:low], new[:low], strict=True)
        low = next((i for i, (a, b) in enumerate(pairs) if not same(a, b)), low)
    return low


def _diff_lists(old: list[Any], new: list[Any], path: str, ops: list[dict[str, Any]]) -> None:
    prefix = _common_prefix(old, new)
    rest_old, rest_new = old[prefix:], new[prefix:]
    suffix = _common_prefix(rest_old[::-1], rest_new[::-1])
    changed_old = rest_old[:len(rest_old) - suffix]
    changed_new = rest_new[:len(rest_new) - suffix]
    if len(changed_old) == len(changed_new):
        for offset, (before, after) in enumerate(zip(changed_old, changed_new, strict=True)):
            _diff(before, after, _pointer(path, prefix + offset), ops)
        return
    # Removing at one index repeatedly takes out the run; the new items go in after it.
    for _ in changed_old:
        ops.append({"op": "remove", "path": _pointer(path, prefix)})
    for offset, value in enumerate(changed_new):
        ops.append({"op": "add", "path": _pointer(path, prefix + offset), "value": value})
