"""Our JSON codec for dataclass state: the same bytes in every backend, and never pickle.

Encoding walks the values; decoding is directed by the class's type hints, so a float
field that came back from a browser as ``3`` is a float again, nested dataclasses are
rebuilt, fields missing from old data take their defaults and unknown keys are ignored
(a state class may gain or lose fields between hot reloads).

Like Mesop, decoding is lenient: Mesop never checks that a ``list[int]`` holds ints, so
apps store ``None`` there, or a string in an ``int`` field, and so may their defaults. A
value that does not fit its annotation is kept as the JSON it is (the value decides): an
object where a dataclass is expected is built into it, but ``None`` stays ``None``, and a
string where ``bytes`` are expected stays a string. What no server writes still raises
:class:`CodecError` naming the field path, e.g. ``State.items[2].price``: a malformed
bytes, file or date object, data a pydantic model refuses. Decoding never instantiates a
type the annotations do not name.

Bytes and uploaded files are written as one-key objects holding base64 text, and dates as
one holding ``yyyy-mm-dd``, under the keys Mesop uses (``{"__python.bytes__": "..."}``,
``{"__mesop.UploadedFile__": {...}}``, ``{"__datetime.date__": "2024-10-01"}``),
so they are recognised even in a field typed ``Any`` and the stored JSON stays text that
every backend keeps as it is.

A pydantic model (``BaseModel``) in a field, as Mesop allows, is stored as its JSON-mode
dump and rebuilt with the model's own validation.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import enum
import functools
import math
import types
import typing
from typing import Any, Union

import msgspec

from mesop_cli.state_format.pydantic_models import is_model_class
from mesop_cli.state_format.uploaded_file import UploadedFile


class CodecError(ValueError):
    """State that cannot be encoded or decoded; the message names the field and why."""


_SCALARS = (str, int, float, bool, type(None))
#: Fast paths for long lists, decided with C-speed ``set(map(type, items))``: scalars
#: encode as themselves; these are already canonical (floats are not: 2.0 is written 2);
#: and a list of exactly the declared type decodes as a plain copy.
_SCALAR_TYPES = frozenset(_SCALARS)
_CANONICAL_AS_IS = frozenset({str, int, bool, type(None)})
_SAME_WHEN_DECODED = frozenset({str, int, bool})

#: The keys of the one-key objects that hold bytes and uploaded files (Mesop's own).
BYTES_TAG = "__python.bytes__"
UPLOADED_FILE_TAG = "__mesop.UploadedFile__"
#: Dates (a date picker's value) as ``{"__datetime.date__": "yyyy-mm-dd"}``, Mesop's key.
DATE_TAG = "__datetime.date__"
_TAGS = frozenset({BYTES_TAG, UPLOADED_FILE_TAG, DATE_TAG})

#: How closely data must fit the type hints. A state decodes leniently; the stricter levels
#: exist for unions, tried from the strictest down, so that of two dataclasses the one
#: whose fields hold the data wins over one that would ignore keys or keep odd values.
_LENIENT = 0  # a value that does not fit its annotation is kept as the JSON it is
_KEYS = 1  # as lenient, but a dataclass refuses keys it has no field for
_EXACT = 2  # every value fits its annotation


def encode_state(obj: object) -> Any:
    """A dataclass instance as plain JSON-able data."""
    if not _is_dataclass_instance(obj):
        raise CodecError(f"expected a dataclass instance, got {type(obj).__name__}")
    return _encode(obj, type(obj).__name__)


def decode_state(data: Any, cls: type) -> object:
    """An instance of ``cls`` rebuilt from :func:`encode_state` data."""
    if not dataclasses.is_dataclass(cls):
        raise CodecError(f"{cls!r} is not a dataclass")
    if not isinstance(data, dict):
        # The state itself is always an object: anything else is no state of ours.
        raise CodecError(f"{cls.__name__}: expected {cls.__name__}, got {_json_kind(data)}")
    return _decode_dataclass(data, cls, cls.__name__, _LENIENT)


def encode_states(states: dict[str, object]) -> dict[str, Any]:
    """Every state instance, keyed as given (the app's stable class names)."""
    return {name: encode_state(obj) for name, obj in states.items()}


def decode_states(data: Any, classes: dict[str, type]) -> dict[str, object]:
    """The states present in ``data`` whose name is in ``classes``; others are ignored."""
    if not isinstance(data, dict):
        raise CodecError(f"states: expected an object, got {_json_kind(data)}")
    return {name: decode_state(data[name], cls) for name, cls in classes.items() if name in data}


def encode_value(value: Any, path: str) -> Any:
    """One field's value as plain JSON-able data (new lists and dicts, shared scalars);
    ``path`` names the field in errors."""
    return _encode(value, path)


#: msgspec writes JSON at C speed (a 1 MB list of strings in about 0.3 ms, five times the
#: standard library's speed) and, unlike orjson, keeps integers of any size exact both ways.
_SORTED = msgspec.json.Encoder(order="sorted")


def canonical_bytes(data: Any, path: str = "$") -> bytes:
    """One byte string per value: sorted keys, compact, UTF-8, integral floats as ints.

    Writing ``2.0`` as ``2`` matters because a browser's ``JSON.stringify`` does the same,
    so a copy that went through the browser canonicalizes to the bytes that were signed.
    """
    plain = _canonical(data, path)
    try:
        return _SORTED.encode(plain)
    except UnicodeEncodeError as exc:
        raise CodecError(f"{path}: string is not valid Unicode: {exc.reason}") from None


def dump_json(data: Any) -> bytes:
    """Compact JSON bytes of data already checked by :func:`canonical_bytes`, keys in
    their order: what a backend stores."""
    return msgspec.json.encode(data)


def load_json(data: bytes) -> Any:
    """Stored JSON bytes as data; raises ValueError for bytes that are not JSON."""
    return msgspec.json.decode(data)


#: Element types for which Python's ``==`` already is JSON equality.
EQ_IS_JSON_EQUALITY = frozenset({str, float, type(None)})


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON and the canonical form see it: ``1`` and ``1.0`` are the same (both
    are written ``1``), ``1`` and ``true`` are not. Equal parts are recognised with C-speed
    ``==`` before anything is walked in Python."""
    if a is b:
        return True
    ta, tb = type(a), type(b)
    if ta is dict:
        if tb is not dict or a != b:
            return False
        # Both sides' types: 0.0 == False for Python, but JSON writes 0 and false.
        return ((set(map(type, a.values())) | set(map(type, b.values()))) <= EQ_IS_JSON_EQUALITY
                or all(json_equal(value, b[key]) for key, value in a.items()))
    if ta is list:
        if tb is not list or a != b:
            return False
        return ((set(map(type, a)) | set(map(type, b))) <= EQ_IS_JSON_EQUALITY
                or all(map(json_equal, a, b)))
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if tb is dict or tb is list:
        return False
    return a == b


class _Unstorable(Exception):
    """Raised deep inside a walk; each container on the way out adds its part of the path,
    so that no path string is built for the values that are fine (most of them)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.parts: list[str] = []

    def under(self, part: str) -> _Unstorable:
        self.parts.append(part)
        return self

    def error(self, path: str) -> CodecError:
        return CodecError(f"{path}{''.join(reversed(self.parts))}: {self.reason}")


#: Exact types returned as they are; subclasses (an IntEnum, say) take the slower check.
_EXACT_SCALARS = frozenset(_SCALARS)
@functools.lru_cache(maxsize=1024)
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass (None for any other type), looked up once per class
    since ``dataclasses.fields`` is slow per instance; bounded, as hot reloads make classes."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls))


def _canonical(value: Any, path: str) -> Any:
    try:
        return _canonical_walk(value)
    except _Unstorable as exc:
        raise exc.error(path) from None


def _canonical_walk(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Unstorable(f"{value!r} has no JSON form")
        return int(value) if value.is_integer() else value
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (list, tuple)):
        if set(map(type, value)) <= _CANONICAL_AS_IS:
            return value
        return _walk_items(value, _canonical_walk)
    if isinstance(value, dict):
        return _walk_dict(value, _canonical_walk, "key {!r} is not a string")
    raise _Unstorable(f"{type(value).__name__} is not JSON data")


def _walk_items(items: Any, walk: Any) -> list[Any]:
    out = []
    i = 0
    try:
        for i, item in enumerate(items):  # noqa: B007 (the except clause reads i)
            out.append(walk(item))
    except _Unstorable as exc:
        raise exc.under(f"[{i}]") from None
    return out


def _walk_dict(mapping: dict[Any, Any], walk: Any, bad_key: str) -> dict[str, Any]:
    result = {}
    for key, item in mapping.items():
        if not isinstance(key, str):
            raise _Unstorable(bad_key.format(key))
        try:
            result[key] = walk(item)
        except _Unstorable as exc:
            raise exc.under(f"[{key!r}]") from None
    return result


def _encode(value: Any, path: str) -> Any:
    try:
        return _encode_walk(value)
    except _Unstorable as exc:
        raise exc.error(path) from None


def _encode_walk(value: Any) -> Any:
    kind = type(value)
    if kind in _EXACT_SCALARS:
        return value
    if kind is list or kind is tuple:
        if set(map(type, value)) <= _SCALAR_TYPES:
            return list(value)
        return _walk_items(value, _encode_walk)
    names = _field_names(kind)
    if names is not None:
        encoded = {}
        for name in names:
            try:
                encoded[name] = _encode_walk(getattr(value, name))
            except _Unstorable as exc:
                raise exc.under(f".{name}") from None
        return encoded
    if kind is bytes:
        return {BYTES_TAG: _base64(value)}
    if isinstance(value, UploadedFile):
        return {UPLOADED_FILE_TAG: {"contents": _base64(value.getvalue()), "name": value.name,
                                    "size": value.size, "mime_type": value.mime_type}}
    if kind is datetime.date:
        return {DATE_TAG: value.isoformat()}
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (list, tuple)):
        return _encode_walk(list(value))
    if is_model_class(kind):
        return _encode_walk(value.model_dump(mode="json"))
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in _TAGS:
            # It would come back as bytes, a file or a date: a browser's JSON (a web
            # component's event value) could forge an uploaded file no upload checked.
            raise _Unstorable(f"a dict whose only key is {next(iter(value))!r} cannot be "
                              "stored: that key marks bytes, a file or a date")
        return _walk_dict(value, _encode_walk, "dict key {!r} is not a string")
    raise _Unstorable(f"values of type {kind.__name__} cannot be stored in state")


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _tagged(data: Any, tag: str) -> Any:
    """What the one-key object ``{tag: ...}`` holds, else None."""
    if type(data) is dict and len(data) == 1:
        return data.get(tag)
    return None


def _has_tag(data: Any, tag: str) -> bool:
    """Whether ``data`` is the one-key object ``{tag: ...}``, well formed or not."""
    return type(data) is dict and len(data) == 1 and tag in data


def _decode_bytes(data: Any, path: str) -> bytes:
    text = _tagged(data, BYTES_TAG)
    if not isinstance(text, str):
        raise CodecError(f"{path}: expected bytes ({{{BYTES_TAG!r}: base64}}), got "
                         f"{_json_kind(data)}")
    return _from_base64(text, path)


def _decode_uploaded_file(data: Any, tp: type[UploadedFile], path: str) -> UploadedFile:
    fields = _tagged(data, UPLOADED_FILE_TAG)
    kinds = {"contents": str, "name": str, "size": int, "mime_type": str}
    if not isinstance(fields, dict) or set(fields) != set(kinds) or not all(
            type(fields[name]) is kind for name, kind in kinds.items()):
        raise CodecError(f"{path}: expected an uploaded file ({{{UPLOADED_FILE_TAG!r}: "
                         f"{{contents, name, size, mime_type}}}}), got {_json_kind(data)}")
    return tp(_from_base64(fields["contents"], f"{path}.contents"), name=fields["name"],
              size=fields["size"], mime_type=fields["mime_type"])


def _decode_date(data: Any, path: str) -> datetime.date:
    text = _tagged(data, DATE_TAG)
    try:
        if isinstance(text, str) and len(text) == 10:
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    raise CodecError(f"{path}: expected a date ({{{DATE_TAG!r}: 'yyyy-mm-dd'}}), got "
                     f"{_json_kind(data)}")


def _from_base64(text: str, path: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CodecError(f"{path}: not valid base64") from None


def _decode(data: Any, tp: Any, path: str, level: int) -> Any:
    if tp is Any or tp is object:
        # A copy: the decoded state is the app's to change in place, while the data it
        # came from is kept as the baseline of the next diff.
        return _copy_json(data)
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return _decode_union(data, typing.get_args(tp), path, level)
    if origin is typing.Annotated:
        return _decode(data, typing.get_args(tp)[0], path, level)
    if tp is type(None) or tp is None:
        if data is None:
            return None
    elif tp is bool:
        if isinstance(data, bool):
            return data
    elif tp is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
    elif tp is float:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            try:
                return float(data)
            except OverflowError:
                if level == _EXACT:
                    raise CodecError(f"{path}: {data} is too large for a float") from None
                # else the integer is kept as it is, like any value the field did not expect
    elif tp is str:
        if isinstance(data, str):
            return data
    elif origin is typing.Literal:
        if any(type(data) is type(arg) and data == arg for arg in typing.get_args(tp)):
            return data
    elif tp is list or origin is list:
        if isinstance(data, list):
            (item_tp,) = typing.get_args(tp) or (Any,)
            if item_tp is Any:
                return _copy_json(data)
            if item_tp in _SAME_WHEN_DECODED:
                kinds = set(map(type, data))
                # A long list costs C speed, not a call per item: each item is already
                # what it decodes to (leniently, any JSON scalar is kept as it is).
                if kinds <= {item_tp} or (level == _LENIENT and kinds <= _SCALAR_TYPES):
                    return list(data)
            return [_decode(item, item_tp, f"{path}[{i}]", level) for i, item in enumerate(data)]
    elif tp is tuple or origin is tuple:
        if isinstance(data, list):
            return _decode_tuple(data, typing.get_args(tp), path, level)
    elif tp is dict or origin is dict:
        key_tp, item_tp = typing.get_args(tp) or (str, Any)
        if key_tp is not str:
            raise CodecError(f"{path}: dict keys must be str, the field says {key_tp!r}")
        if isinstance(data, dict):
            return {k: _decode(v, item_tp, f"{path}[{k!r}]", level) for k, v in data.items()}
    elif isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if isinstance(data, dict):
            return _decode_dataclass(data, tp, path, level)
    elif tp is bytes:
        # A malformed one is refused whatever the level: no server writes it.
        if _has_tag(data, BYTES_TAG) or level == _EXACT:
            return _decode_bytes(data, path)
    elif tp is datetime.date:
        if _has_tag(data, DATE_TAG) or level == _EXACT:
            return _decode_date(data, path)
    elif isinstance(tp, type) and issubclass(tp, UploadedFile):
        if _has_tag(data, UPLOADED_FILE_TAG) or level == _EXACT:
            return _decode_uploaded_file(data, tp, path)
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        # A str or int enum is stored as its value; the annotation's own class looks it up.
        if isinstance(data, _SCALARS):
            try:
                return tp(data)
            except (ValueError, TypeError):
                pass
    elif is_model_class(tp):
        if isinstance(data, dict):
            return _decode_model(data, tp, path)
    elif level == _EXACT:
        raise CodecError(f"{path}: type {tp!r} is not supported in state")
    if level == _EXACT:
        raise CodecError(f"{path}: expected {_type_name(tp)}, got {_json_kind(data)}")
    # As in Mesop, the value decides: the app (or its default) put it there.
    return _copy_json(data)


def _decode_tuple(data: list[Any], args: tuple[Any, ...], path: str, level: int) -> Any:
    """A tuple from the list it was stored as: ``tuple[int, ...]``, or one type a place."""
    if not args or (len(args) == 2 and args[1] is Ellipsis):
        item_tp = args[0] if args else Any
        return tuple(_decode(item, item_tp, f"{path}[{i}]", level)
                     for i, item in enumerate(data))
    if len(args) == len(data):
        return tuple(_decode(item, item_tp, f"{path}[{i}]", level)
                     for i, (item, item_tp) in enumerate(zip(data, args, strict=True)))
    if level == _EXACT:
        raise CodecError(f"{path}: expected {len(args)} items, got {len(data)}")
    return _copy_json(data)


def _copy_json(data: Any) -> Any:
    if type(data) is list:
        if set(map(type, data)) <= _SCALAR_TYPES:
            return list(data)
        return [_copy_json(item) for item in data]
    if type(data) is dict:
        # Bytes and files in a field typed Any: recognised by their one-key objects.
        if len(data) == 1 and (BYTES_TAG in data or UPLOADED_FILE_TAG in data
                               or DATE_TAG in data):
            tp = (bytes if BYTES_TAG in data else datetime.date if DATE_TAG in data
                  else UploadedFile)
            try:
                return _decode(data, tp, "$", _EXACT)
            except CodecError:
                pass  # a dict that only looks like one: kept as the dict it is
        return {key: _copy_json(value) for key, value in data.items()}
    return data


def _decode_model(data: dict[str, Any], tp: Any, path: str) -> Any:
    """A pydantic model from its JSON-mode dump, checked by the model's own validation."""
    try:
        return tp.model_validate(data)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        errors = exc.errors() if hasattr(exc, "errors") else []
        first = errors[0] if errors else {}
        where = "".join(f".{part}" if isinstance(part, str) else f"[{part}]"
                        for part in first.get("loc", ()))
        reason = first.get("msg") or str(exc).splitlines()[0]
        raise CodecError(f"{path}{where}: {reason}") from None


def _decode_union(data: Any, options: tuple[Any, ...], path: str, level: int) -> Any:
    if data is None and type(None) in options:
        return None
    options = tuple(option for option in options if option is not type(None))
    if len(options) == 1:
        return _decode(data, options[0], path, level)
    # The strictest pass first, down to the level in force: of two dataclasses the one
    # whose fields match wins, and an option the data fits wins over one keeping it as is.
    for pass_level in range(_EXACT, level - 1, -1):
        for option in options:
            try:
                return _decode(data, option, path, pass_level)
            except CodecError:
                continue
    names = " or ".join(_type_name(option) for option in options)
    raise CodecError(f"{path}: expected {names}, got {_json_kind(data)}")


@functools.lru_cache(maxsize=512)
def _field_plan(cls: type) -> tuple[tuple[str, bool, bool], ...]:
    """(name, init, has a default) of each field: computed once per class, since a long
    list of one dataclass decodes thousands of instances."""
    return tuple((f.name, f.init, _has_default(f)) for f in dataclasses.fields(cls))


def _decode_dataclass(data: dict[str, Any], cls: type, path: str, level: int) -> object:
    hints = _type_hints(cls)
    plan = _field_plan(cls)
    if level >= _KEYS and not set(data) <= {name for name, _, _ in plan}:
        unexpected = sorted(set(data) - {name for name, _, _ in plan})
        raise CodecError(f"{path}: unexpected keys {unexpected}")
    init_args: dict[str, Any] = {}
    later: dict[str, Any] = {}
    for name, init, has_default in plan:
        if name in data:
            value = _decode(data[name], hints.get(name, Any), f"{path}.{name}", level)
        elif has_default:
            continue
        else:
            value = _empty_value(hints.get(name, Any), f"{path}.{name}")
        (init_args if init else later)[name] = value
    obj = cls(**init_args)
    for name, value in later.items():
        object.__setattr__(obj, name, value)
    return obj


def _empty_value(tp: Any, path: str) -> Any:
    """What Mesop gives a field without a default: "", 0, False, [], {}, None, ..."""
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = typing.get_args(tp)
        return None if type(None) in args else _empty_value(args[0], path)
    for plain, empty in ((str, ""), (bool, False), (int, 0), (float, 0.0)):
        if tp is plain:
            return empty
    if tp is list or origin is list:
        return []
    if tp is dict or origin is dict:
        return {}
    if tp is bytes:
        return b""
    if isinstance(tp, type) and issubclass(tp, UploadedFile):
        return tp()
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _decode_dataclass({}, tp, path, _LENIENT)
    if is_model_class(tp):
        return _decode_model({}, tp, path)
    return None


@functools.lru_cache(maxsize=512)
def _type_hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception as exc:
        raise CodecError(
            f"cannot resolve the field types of {cls.__qualname__} ({exc}); "
            "define the state class and the types it names at module level"
        ) from None


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


def _is_dataclass_instance(obj: object) -> bool:
    return dataclasses.is_dataclass(obj) and not isinstance(obj, type)


def _type_name(tp: Any) -> str:
    if tp is type(None):
        return "null"
    if typing.get_origin(tp) is not None:
        return repr(tp).replace("typing.", "")
    return getattr(tp, "__name__", None) or repr(tp)


def _json_kind(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    if value is None:
        return "null"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return names.get(type(value), type(value).__name__)
