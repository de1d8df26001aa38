"""File uploads: ``uploader`` (a button with a text label) and ``content_uploader``.

The browser shows a button that opens the file picker; the chosen files reach
``on_upload`` as an :class:`UploadEvent`, the ``upload`` event kind (see
``mesop_cli/runtime/uploads.py`` for how they travel and what is checked: the web layer
also measures an upload there before opening a session).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.components.node import (
    PALETTE,
    ParentComponent,
    insert,
    optional_choice,
    text_or_empty,
)
from mesop_cli.runtime.components.values import Kinds, MesopEvent
from mesop_cli.runtime.style import Style
from mesop_cli.runtime.uploads import read_upload
from mesop_cli.state_format.uploaded_file import UploadedFile

_UPLOADER_TYPES = ("raised", "flat", "stroked")
_CONTENT_UPLOADER_TYPES = (*_UPLOADER_TYPES, "icon")


@dataclass(kw_only=True)
class UploadEvent(MesopEvent):
    """Files were chosen in an uploader: ``files`` in the order chosen (several only with
    ``multiple=True``), ``file`` the first of them."""

    files: list[UploadedFile]

    @property
    def file(self) -> UploadedFile:
        """The first file (an empty one if there is none), for single uploads."""
        return self.files[0] if self.files else UploadedFile()


KINDS: Kinds = {"upload": lambda key, value: UploadEvent(key=key, files=read_upload(value))}


def _file_types(caller: str, accepted: Sequence[str] | None) -> list[str]:
    """The ``accept`` list of the file picker: MIME types (``image/png``, ``image/*``) or
    extensions (``.csv``)."""
    if accepted is None:
        return []
    if isinstance(accepted, str):
        raise TypeError(f"{caller} accepted_file_types must be a list of strings such as "
                        f"['image/png'], got the string {accepted!r}")
    types = list(accepted)
    for item in types:
        if not isinstance(item, str):
            raise TypeError(f"{caller} accepted_file_types must hold strings, got {item!r}")
    return types


def _uploader(
    caller: str,
    label: str,
    accepted_file_types: Sequence[str] | None,
    key: str | None,
    on_upload: Callable[[UploadEvent], Any] | None,
    type: str | None,
    types: tuple[str, ...],
    color: str | None,
    disabled: bool,
    multiple: bool,
    style: Style | None,
) -> ParentComponent:
    props = {
        "label": label,
        "accept": _file_types(caller, accepted_file_types),
        "multiple": bool(multiple),
        "disabled": bool(disabled),
        "variant": optional_choice(caller, "type", type, types),
        "color": optional_choice(caller, "color", color, PALETTE),
    }
    return insert(caller, "uploader", key, props, style, {"on_upload": (on_upload, "upload")})


def uploader(
    *,
    label: str,
    accepted_file_types: Sequence[str] | None = None,
    key: str | None = None,
    on_upload: Callable[[UploadEvent], Any] | None = None,
    type: str | None = None,
    color: str | None = None,
    disable_ripple: bool = False,
    disabled: bool = False,
    multiple: bool = False,
    style: Style | None = None,
) -> None:
    """A button labelled ``label`` that opens the file picker; the chosen file (files, with
    ``multiple=True``) is sent to ``on_upload``. ``accepted_file_types`` limits what the
    picker offers (``["image/png", ".csv"]``), a hint to the browser only: check
    ``e.file.mime_type`` or the bytes in the handler. ``disable_ripple`` is taken and
    ignored, as for ``me.button``."""
    _uploader("me.uploader()", text_or_empty(label), accepted_file_types, key, on_upload,
              type, _UPLOADER_TYPES, color, disabled, multiple, style)


def content_uploader(
    *,
    accepted_file_types: Sequence[str] | None = None,
    key: str | None = None,
    on_upload: Callable[[UploadEvent], Any] | None = None,
    type: str | None = None,
    color: str | None = None,
    disable_ripple: bool = False,
    disabled: bool = False,
    multiple: bool = False,
    style: Style | None = None,
) -> ParentComponent:
    """As ``uploader``, with the button's content given as children:
    ``with me.content_uploader(on_upload=...): me.icon("upload")``. ``type="icon"`` makes
    a round button for a lone icon."""
    return _uploader("me.content_uploader()", "", accepted_file_types, key, on_upload, type,
                     _CONTENT_UPLOADER_TYPES, color, disabled, multiple, style)
