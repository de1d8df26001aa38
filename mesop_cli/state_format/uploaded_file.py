"""``me.UploadedFile``: an uploaded file's bytes, readable like a file, with its metadata.

Kept free of other imports because the state codec needs it too: a state field may hold
an uploaded file (or plain ``bytes``) and is stored by every backend.
"""

from __future__ import annotations

import io


class UploadedFile(io.BytesIO):
    """The contents of one uploaded file (``read()``, ``getvalue()``, ``seek()``...) and
    the ``name``, ``size`` and ``mime_type`` it came with. ``UploadedFile()`` is the empty
    file a state field declared without a default starts with."""

    def __init__(self, contents: bytes = b"", *, name: str = "", size: int = 0,
                 mime_type: str = "") -> None:
        super().__init__(contents)
        self._name = name
        self._size = size
        self._mime_type = mime_type

    @property
    def name(self) -> str:
        """The file's name without any folder, as the browser gave it (cleaned)."""
        return self._name

    @property
    def size(self) -> int:
        """Its length in bytes."""
        return self._size

    @property
    def mime_type(self) -> str:
        """Its type as the browser guessed it from the name ("" when unknown): a hint, never
        proof of what the bytes are."""
        return self._mime_type

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UploadedFile):
            return NotImplemented
        return (self.name, self.size, self.mime_type, self.getvalue()) == (
            other.name, other.size, other.mime_type, other.getvalue())

    __hash__ = None  # type: ignore[assignment]  # mutable, like the bytes it holds

    def __repr__(self) -> str:
        return (f"UploadedFile(name={self.name!r}, size={self.size}, "
                f"mime_type={self.mime_type!r})")
