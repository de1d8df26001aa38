"""A session's state as stored and as the browser holds it, one field at a time.

An event usually changes one field of a state and leaves the rest (a long chat history, a
table) as it was. A :class:`StateImage` keeps each field of each state class as its own
:class:`FieldImage`: the field's JSON data, and the SHA-256 digest and length of its
canonical bytes. Capturing the state after an event (:func:`capture`) reuses the image of
every field that did not change, found at C speed, so an unchanged field is neither
encoded, nor hashed, nor diffed again; and what is signed (:meth:`StateImage.manifest`) is
the list of digests, so the signature costs the same for 1 KB and 1 MB.

Appending to a long list is the other common event (a chat history). The canonical bytes
of a list are ``[``, its items' canonical bytes joined by ``,``, and ``]``, so the image of
a long list keeps a copy of the SHA-256 state fed with all of that but the ``]``
(:class:`_OpenList`). When the next value is the same list with items appended, only
``,`` and the new items and ``]`` are fed to a copy of that state: the digest is the
SHA-256 of the whole list's canonical bytes, as if it had been hashed from the start,
and neither the earlier items' encoding nor their hashing is done again. Those states are
also remembered by digest for a while (:func:`_recall`), so the same holds when the
earlier image was loaded from a store with its digest.

The JSON data held here is never shared with the live state objects that handlers change
in place: :func:`mesop_cli.state_format.codec.encode_value` builds new lists and dicts, and
decoding copies them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from mesop_cli.state_format.codec import (
    CodecError,
    canonical_bytes,
    decode_states,
    dump_json,
    encode_value,
    json_equal,
    load_json,
)
from mesop_cli.state_format.uploaded_file import UploadedFile

#: Keys kept beside the state classes: the save counter, and the page the session is on
#: (events run only against that page). Not identifiers, so they can never collide with a
#: class name; decoding ignores them. Both are signed with the state.
VERSION_KEY = "#version"
PATH_KEY = "#path"
#: The session's theme (``me.set_theme_mode``/``set_theme_density``), an object kept and
#: signed with the state; absent while it is the default, so such images are unchanged.
THEME_KEY = "#theme"
#: Stored beside the state (never sent to the browser): each field's digest, so that a
#: store's state is not hashed again when it is loaded.
DIGESTS_KEY = "#digests"

_DIGEST_HEX_LENGTH = 64
#: Lists whose canonical bytes are shorter are hashed whole when they change: under this,
#: hashing costs less than keeping a hash state.
OPEN_LIST_MIN_BYTES = 32_768
#: How many open lists are remembered by digest in a process (each a hash state of about
#: a hundred bytes), for images loaded from a store.
_REMEMBERED_OPEN_LISTS = 1024


@dataclass(frozen=True)
class _OpenList:
    """SHA-256 fed with a list's canonical bytes except the closing ``]``.

    ``hasher`` is never updated in place: it is copied first, so one state serves every
    image that grows from the same list, in any thread.
    """

    hasher: Any
    #: The list's length, and the length of the bytes fed to ``hasher``.
    count: int
    fed: int

    def closed(self) -> tuple[bytes, int]:
        """The digest and length of the whole list's canonical bytes."""
        hasher = self.hasher.copy()
        hasher.update(b"]")
        return hasher.digest(), self.fed + 1

    def extended(self, items: bytes, count: int) -> _OpenList:
        """This list with ``count`` more items, ``items`` being their canonical bytes
        joined by ``,``."""
        hasher = self.hasher.copy()
        if self.count:
            hasher.update(b",")
        hasher.update(items)
        return _OpenList(hasher, self.count + count, self.fed + (1 if self.count else 0)
                         + len(items))


_open_lists: OrderedDict[bytes, _OpenList] = OrderedDict()
_open_lists_guard = threading.Lock()


def _remember(digest: bytes, opened: _OpenList) -> None:
    with _open_lists_guard:
        _open_lists[digest] = opened
        _open_lists.move_to_end(digest)
        while len(_open_lists) > _REMEMBERED_OPEN_LISTS:
            _open_lists.popitem(last=False)


def _recall(digest: bytes) -> _OpenList | None:
    """The open list whose canonical bytes have this digest, if this process made it.
    Keyed by digest alone: two lists with one digest would need a SHA-256 collision, so
    the state fits any list whose digest this is, whichever session it came from."""
    with _open_lists_guard:
        return _open_lists.get(digest)


@dataclass(eq=False)
class FieldImage:
    """One field of one state class, as JSON data with its digest."""

    value: Any
    digest: bytes
    #: Length of the canonical bytes; None when loaded with a stored digest.
    size: int | None = None
    _only_strings: bool | None = field(default=None, repr=False)
    #: For a field holding ``bytes`` or an ``UploadedFile``: what it held when captured
    #: (see ``_binary_key``), so the next capture compares bytes instead of base64.
    _binary: tuple[Any, ...] | None = field(default=None, repr=False)
    #: For a long list: the hash state of its bytes without the closing ``]``.
    _open: _OpenList | None = field(default=None, repr=False)
    #: For a list captured as an earlier list plus appended items: that list's digest
    #: and length (never the image itself, so no chain of old values is kept alive).
    _grown_from: tuple[bytes, int] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, value: Any, where: str) -> FieldImage:
        """The image of JSON data: canonical bytes checked, hashed and measured."""
        data = canonical_bytes(value, where)
        if type(value) is not list or len(data) < OPEN_LIST_MIN_BYTES:
            return cls(value, hashlib.sha256(data).digest(), len(data))
        opened = _OpenList(hashlib.sha256(memoryview(data)[:-1]), len(value), len(data) - 1)
        return cls._of_open_list(value, opened)

    @classmethod
    def _of_open_list(cls, value: list[Any], opened: _OpenList) -> FieldImage:
        digest, size = opened.closed()
        _remember(digest, opened)
        return cls(value, digest, size, _open=opened)

    def open_list(self) -> _OpenList | None:
        """The hash state of this list's bytes without the ``]``, if one is at hand."""
        if self._open is None and type(self.value) is list:
            opened = _recall(self.digest)
            if opened is not None and opened.count == len(self.value):
                self._open = opened
        return self._open

    def holds_binary(self, value: Any) -> bool:
        """Whether ``value``, a ``bytes`` or ``UploadedFile``, is what this image was
        captured from."""
        if self._binary is None:
            return False
        # ``getvalue`` shares the file's buffer rather than copying it, and ``==`` on bytes
        # is a memcmp (a memoryview's ``==`` would go item by item, 25 times slower).
        return self._binary == _binary_key(value)

    def binary_size(self) -> int:
        """The length of the bytes or file this image was captured from, which are kept
        beside their base64 (see ``_binary``); 0 for any other field."""
        return 0 if self._binary is None else len(self._binary[0])

    def only_strings(self) -> bool:
        """Whether the value is a list of strings only, for which Python's ``==`` with
        another list is JSON equality (nothing but a string equals a string)."""
        if self._only_strings is None:
            self._only_strings = type(self.value) is list and set(map(type, self.value)) <= {str}
        return self._only_strings

    def same_as(self, other: FieldImage) -> bool:
        return self is other or self.digest == other.digest

    def appended_to(self, other: FieldImage) -> int | None:
        """How many items ``other`` has, when this list is ``other``'s (as JSON: the same
        digest) with items appended; else None."""
        grown = self._grown_from
        if grown is None or grown[0] != other.digest or type(other.value) is not list:
            return None
        return grown[1] if grown[1] == len(other.value) else None


@dataclass(eq=False)
class StateImage:
    """Every field of every state class of one session, with its version and page."""

    #: State class key -> field name -> image.
    classes: dict[str, dict[str, FieldImage]]
    version: int
    path: str | None
    #: The decoded state objects this image was captured from, when whoever holds the
    #: image may hand them to the next event instead of decoding again (``memory``).
    states: dict[str, object] | None = field(default=None, repr=False)
    #: The session's theme as stored (see THEME_KEY); None for the default theme.
    theme: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        """The state as the browser holds it."""
        out: dict[str, Any] = {
            key: {name: image.value for name, image in fields.items()}
            for key, fields in self.classes.items()
        }
        out[VERSION_KEY] = self.version
        if self.path is not None:
            out[PATH_KEY] = self.path
        if self.theme is not None:
            out[THEME_KEY] = self.theme
        return out

    def manifest(self) -> bytes:
        """What a signature covers: every field's digest, the version and the page. Two
        images have the same manifest only if their canonical data is the same."""
        listed: dict[str, Any] = self._digests()
        listed[VERSION_KEY] = self.version
        listed[PATH_KEY] = self.path
        if self.theme is not None:
            listed[THEME_KEY] = self.theme
        return canonical_bytes(listed)

    def same_state(self, other: StateImage) -> bool:
        """Whether both hold the same data on the same page (versions aside)."""
        if self.path != other.path or self.classes.keys() != other.classes.keys():
            return False
        if self.theme != other.theme:
            return False
        for key, fields in self.classes.items():
            theirs = other.classes[key]
            if fields.keys() != theirs.keys():
                return False
            if not all(image.same_as(theirs[name]) for name, image in fields.items()):
                return False
        return True

    @property
    def size(self) -> int:
        """About the bytes the state takes when stored."""
        return sum(image.size or len(dump_json(image.value))
                   for fields in self.classes.values() for image in fields.values())

    def decode(self, classes: dict[str, type]) -> dict[str, object]:
        """New state objects of the app's ``classes``; raises CodecError."""
        return decode_states(self.as_json(), classes)

    def live_states(self, classes: dict[str, type]) -> dict[str, object] | None:
        """The kept state objects, if they are instances of the app's current classes
        (a hot reload replaces the classes; its sessions must be decoded anew)."""
        states = self.states
        if states is None:
            return None
        if not all(classes.get(key) is type(obj) for key, obj in states.items()):
            return None
        return states

    def to_bytes(self) -> bytes:
        """What a backend stores: the state, its version, page and field digests, as JSON."""
        document = self.as_json()
        document[DIGESTS_KEY] = self._digests()
        return dump_json(document)

    def appends_since(self, earlier: StateImage) -> dict[tuple[str, str], int]:
        """The fields that are ``earlier``'s lists with items appended, by class and field
        name, with the number of items they had in ``earlier``."""
        found: dict[tuple[str, str], int] = {}
        for key, fields in self.classes.items():
            theirs = earlier.classes.get(key, {})
            for name, image in fields.items():
                before = theirs.get(name)
                count = None if before is None else image.appended_to(before)
                if count is not None:
                    found[key, name] = count
        return found

    def _digests(self) -> dict[str, Any]:
        """Each field's digest in hex, by class and field: signed, and stored beside the
        state."""
        return {key: {name: image.digest.hex() for name, image in fields.items()}
                for key, fields in self.classes.items()}


def capture(states: dict[str, object], previous: StateImage | None, version: int,
            path: str | None, theme: dict[str, Any] | None = None) -> StateImage:
    """The image of ``states``, reusing the field images of ``previous`` that still hold.

    Raises CodecError for a value that cannot be stored, naming its field.
    """
    before = previous.classes if previous is not None else {}
    classes: dict[str, dict[str, FieldImage]] = {}
    for key, obj in states.items():
        if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
            raise CodecError(f"{key}: expected a dataclass instance, got {type(obj).__name__}")
        earlier = before.get(key, {})
        classes[key] = {
            f.name: _capture_field(getattr(obj, f.name), earlier.get(f.name),
                                   f"{key}.{f.name}")
            for f in dataclasses.fields(obj)
        }
    return StateImage(classes, version, path, theme=theme)


def _capture_field(value: Any, earlier: FieldImage | None, where: str) -> FieldImage:
    binary = type(value) is bytes or (isinstance(value, UploadedFile) and not value.closed)
    if earlier is not None:
        # The common cases of a big field: a list of strings the event did not touch, or
        # appended to. Its items and the earlier copy's are mostly the same objects, so
        # ``==`` runs at C speed, and equal to strings means strings.
        if type(value) is list and earlier.only_strings():
            if value == earlier.value:
                return earlier
            grown = _strings_appended(value, earlier, where)
            if grown is not None:
                return grown
        # A file kept in state: its bytes are compared, never encoded to base64 again.
        if binary and earlier.holds_binary(value):
            return earlier
        encoded = encode_value(value, where)
        if json_equal(encoded, earlier.value):
            earlier._binary = _binary_key(value) if binary else None
            return earlier
        grown = _items_appended(encoded, earlier, where)
        if grown is not None:
            return grown
    else:
        encoded = encode_value(value, where)
    image = FieldImage.of(encoded, where)
    if binary:
        image._binary = _binary_key(value)
    return image


def _strings_appended(value: list[Any], earlier: FieldImage, where: str) -> FieldImage | None:
    """The image of ``value`` if it is ``earlier``'s list of strings with items appended
    (of any kind), encoding and hashing only those; else None."""
    opened = earlier.open_list()
    if opened is None or len(value) <= opened.count or value[:opened.count] != earlier.value:
        return None
    try:
        added = encode_value(value[opened.count:], where)
    except CodecError:
        return None  # the full capture names the item by its index in the whole list
    grown = _extend(earlier.value + added, opened, added, where)
    if grown is not None:
        grown._grown_from = (earlier.digest, opened.count)
        if set(map(type, added)) <= {str}:
            grown._only_strings = True
    return grown


def _items_appended(encoded: Any, earlier: FieldImage, where: str) -> FieldImage | None:
    """The image of ``encoded`` if it is ``earlier``'s list with items appended, as JSON
    sees it (``1`` and ``1.0`` are the same item: the canonical bytes are), hashing only
    those; else None."""
    if type(encoded) is not list:
        return None
    opened = earlier.open_list()
    if (opened is None or len(encoded) <= opened.count
            or not json_equal(encoded[:opened.count], earlier.value)):
        return None
    grown = _extend(encoded, opened, encoded[opened.count:], where)
    if grown is not None:
        grown._grown_from = (earlier.digest, opened.count)
    return grown


def _extend(value: list[Any], opened: _OpenList, added: list[Any], where: str
            ) -> FieldImage | None:
    """The image of ``value``, whose first items are the open list's and the rest
    ``added``; None when ``added`` has an item that cannot be stored (the full capture
    then says which)."""
    try:
        data = canonical_bytes(added, where)
    except CodecError:
        return None
    return FieldImage._of_open_list(value, opened.extended(memoryview(data)[1:-1], len(added)))


def _binary_key(value: bytes | UploadedFile) -> tuple[Any, ...]:
    """What decides a bytes or file field's JSON: the bytes, or a file's contents and
    metadata. Bytes are immutable, and a file written to later copies its buffer first,
    so what is kept here never changes."""
    if type(value) is bytes:
        return (value,)
    assert isinstance(value, UploadedFile)
    return (value.getvalue(), value.name, value.size, value.mime_type)


def image_from_json(document: Any, digests: Any = None) -> StateImage:
    """The image of state JSON (a store's, or a browser's copy).

    ``digests`` are trusted as given (a store's own, written with the state); fields
    without one are hashed. Raises CodecError for data that no server wrote: a state that
    is not an object of objects, a ``#`` key of our own that is not known.
    """
    if not isinstance(document, dict):
        raise CodecError("the state is not an object")
    known = digests if isinstance(digests, dict) else {}
    classes: dict[str, dict[str, FieldImage]] = {}
    for key, fields in document.items():
        if key.startswith("#"):
            if key not in (VERSION_KEY, PATH_KEY, THEME_KEY, DIGESTS_KEY):
                raise CodecError(f"unknown key {key!r}")
            continue
        if not isinstance(fields, dict):
            raise CodecError(f"{key}: expected an object")
        listed = known.get(key)
        listed = listed if isinstance(listed, dict) else {}
        classes[key] = {
            name: _loaded_field(value, listed.get(name), f"{key}.{name}")
            for name, value in fields.items()
        }
    version = document.get(VERSION_KEY, 0)
    if not isinstance(version, int) or isinstance(version, bool):
        version = 0
    path = document.get(PATH_KEY)
    theme = document.get(THEME_KEY)
    if theme is not None and not isinstance(theme, dict):
        raise CodecError(f"{THEME_KEY}: expected an object")
    return StateImage(classes, version, path if isinstance(path, str) else None, theme=theme)


def _loaded_field(value: Any, digest: Any, where: str) -> FieldImage:
    if isinstance(digest, str) and len(digest) == _DIGEST_HEX_LENGTH:
        try:
            return FieldImage(value, bytes.fromhex(digest))
        except ValueError:
            pass
    return FieldImage.of(value, where)


def image_from_bytes(data: bytes) -> StateImage:
    """A stored image; raises CodecError (or ValueError) for bytes we did not write."""
    try:
        document = load_json(data)
    except RecursionError:
        raise CodecError("the stored state is nested too deeply") from None
    digests = document.get(DIGESTS_KEY) if isinstance(document, dict) else None
    return image_from_json(document, digests)
