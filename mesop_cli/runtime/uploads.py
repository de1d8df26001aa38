"""Files uploaded with ``me.uploader``, as the client script sends them, checked.

An upload is an ordinary event of kind ``upload`` whose value lists the chosen files, each
``{"name", "size", "mime_type", "contents"}`` with the contents in base64. It therefore
travels the event path and gets all of its checks: JSON only (no cross-site form can send
it), the Origin check, the body limit counted as it arrives, and a handler id that the
session's own page must render.

Every field is the browser's word and hostile: the name loses any folder and control
characters, the type must look like ``type/subtype``, the size must be the length of the
contents, and the contents must be strict base64. :func:`check_upload_size` measures the
files from the length of their base64 text, without decoding anything, so an upload over
the limit is refused before a session is even opened.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from typing import Any

from mesop_cli.runtime.errors import InvalidEvent
from mesop_cli.state_format.uploaded_file import UploadedFile

_FIELDS = {"name": str, "size": int, "mime_type": str, "contents": str}
#: Longest name kept; longer ones are cut, keeping a short extension.
MAX_NAME_CHARS = 255
_EXTENSION_KEPT_CHARS = 16
#: A MIME type as File.type gives it: lower-case ``type/subtype`` tokens (RFC 6838 names).
_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_FOLDER_SEPARATORS = re.compile(r"[/\\]")
#: Names that would mean a folder if joined to a path, or nothing at all.
_NOT_A_NAME = frozenset({"", ".", ".."})


class UploadTooLarge(InvalidEvent):
    """The files of one upload are larger than the app accepts; the message says so."""


def describe_bytes(count: int) -> str:
    """A size as people read it: 512 bytes, 3.4 KB, 10 MB (1 KB = 1024 bytes)."""
    if count < 1024:
        return f"{count} byte{'s' if count != 1 else ''}"
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    raise AssertionError("unreachable")


def clean_name(raw: str) -> str:
    """The file name alone: no folder (either separator), no control or invisible format
    characters (a right-to-left override could disguise ``exe.png``), at most 255
    characters; a name left empty, ``.`` or ``..`` becomes ``upload``."""
    name = _FOLDER_SEPARATORS.split(raw)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = name.strip()
    if name in _NOT_A_NAME:
        return "upload"
    if len(name) > MAX_NAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= _EXTENSION_KEPT_CHARS:
            return name[: MAX_NAME_CHARS - len(extension) - 1] + "." + extension
        return name[:MAX_NAME_CHARS]
    return name


def _entries(value: object) -> list[dict[str, Any]]:
    """The file objects of an upload's value, each with exactly the expected fields."""
    if not isinstance(value, list) or not value:
        raise InvalidEvent("upload event: value must be a non-empty list of files")
    for index, entry in enumerate(value):
        if not isinstance(entry, dict) or set(entry) != set(_FIELDS):
            raise InvalidEvent(f"upload event: file {index} must be an object with exactly "
                               f"{', '.join(sorted(_FIELDS))}")
        for name, kind in _FIELDS.items():
            field = entry[name]
            if isinstance(field, bool) or not isinstance(field, kind):
                raise InvalidEvent(f"upload event: file {index}: {name} must be a "
                                   f"{kind.__name__}")
        if entry["size"] < 0:
            raise InvalidEvent(f"upload event: file {index}: size must not be negative")
    return value  # type: ignore[return-value]


def _decoded_length(text: str, index: int) -> int:
    """How many bytes base64 ``text`` holds, from its length alone."""
    if len(text) % 4:
        raise InvalidEvent(f"upload event: file {index}: contents are not base64")
    # Not rstrip("="): that would copy megabytes of text to count two characters.
    padding = 2 if text.endswith("==") else 1 if text.endswith("=") else 0
    return len(text) // 4 * 3 - padding


def check_upload_size(value: object, limit: int) -> None:
    """Refuse an upload whose files hold more than ``limit`` bytes together
    (:class:`UploadTooLarge`, with a message for the user) or that is malformed
    (:class:`InvalidEvent`). Nothing is decoded."""
    entries = _entries(value)
    sizes = [_decoded_length(entry["contents"], index) for index, entry in enumerate(entries)]
    total = sum(sizes)
    if total <= limit:
        return
    accepted = f"more than the {describe_bytes(limit)} this app accepts in one upload"
    if len(entries) == 1:
        what = f"{clean_name(entries[0]['name'])} is {describe_bytes(total)}"
    else:
        what = f"The {len(entries)} files chosen are {describe_bytes(total)} together"
    raise UploadTooLarge(f"{what}, {accepted}; nothing was uploaded")


def read_upload(value: object) -> list[UploadedFile]:
    """The files of an upload event, checked and decoded; InvalidEvent names the problem."""
    files = []
    for index, entry in enumerate(_entries(value)):
        try:
            contents = base64.b64decode(entry["contents"], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidEvent(f"upload event: file {index}: contents are not base64") from None
        if len(contents) != entry["size"]:
            raise InvalidEvent(f"upload event: file {index}: size says {entry['size']} bytes "
                               f"but the contents hold {len(contents)}")
        mime_type = entry["mime_type"]
        if mime_type and not _MIME_TYPE.fullmatch(mime_type):
            raise InvalidEvent(f"upload event: file {index}: mime_type is not a type/subtype "
                               f"in lower case")
        files.append(UploadedFile(contents, name=clean_name(entry["name"]),
                                  size=len(contents), mime_type=mime_type))
    return files
