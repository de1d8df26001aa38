"""Progress indicators: ``progress_spinner`` and ``progress_bar``, and the bar's
``animation_end`` event."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.components.node import PALETTE, insert, optional_choice, pixels
from mesop_cli.runtime.components.values import Kinds, MesopEvent, finite

_BAR_MODES = ("determinate", "indeterminate", "buffer", "query")


@dataclass(kw_only=True)
class ProgressBarAnimationEndEvent(MesopEvent):
    """A determinate or buffer progress bar finished moving to ``value``."""

    value: float


KINDS: Kinds = {
    "animation_end": lambda key, value: ProgressBarAnimationEndEvent(
        key=key, value=finite("animation_end", value)),
}


def progress_spinner(
    *,
    key: str | None = None,
    color: str | None = None,
    diameter: float | None = None,
    stroke_width: float | None = None,
) -> None:
    """An indeterminate progress indicator.

    ``diameter`` and ``stroke_width`` (pixels, as in Mesop) size it through its inline
    style, so they take effect without anything in the client knowing of them.
    """
    caller = "me.progress_spinner()"
    sizes = []
    if diameter is not None:
        side = pixels(caller, "diameter", diameter)
        sizes += [f"width: {side}", f"height: {side}"]
    if stroke_width is not None:
        sizes.append(f"border-width: {pixels(caller, 'stroke_width', stroke_width)}")
    props = {"color": color or ""}
    insert(caller, "progress_spinner", key, props, None, {}, "; ".join(sizes))


def _percent(caller: str, argument: str, value: float) -> float:
    """``value`` as a number from 0 to 100 (Mesop's scale), clamped as the bar shows it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{caller} {argument} must be a number from 0 to 100, got {value!r}")
    return min(100.0, max(0.0, float(value)))


def progress_bar(
    *,
    key: str | None = None,
    color: str | None = None,
    value: float = 0,
    buffer_value: float = 0,
    mode: str = "indeterminate",
    on_animation_end: Callable[[ProgressBarAnimationEndEvent], Any] | None = None,
) -> None:
    """A horizontal progress bar; ``value`` and ``buffer_value`` are percentages.

    ``mode`` is "determinate" (the bar shows ``value``), "buffer" (and ``buffer_value``
    behind it), or "indeterminate"/"query" (a moving bar). ``on_animation_end`` gets a
    ProgressBarAnimationEndEvent when a determinate or buffer bar has finished moving
    to a new value.
    """
    caller = "me.progress_bar()"
    if mode not in _BAR_MODES:
        raise ValueError(f"{caller} mode {mode!r} is not one of {', '.join(_BAR_MODES)}")
    props = {
        "color": optional_choice(caller, "color", color, PALETTE),
        "value": _percent(caller, "value", value),
        "buffer_value": _percent(caller, "buffer_value", buffer_value),
        "mode": mode,
    }
    handlers = {"on_animation_end": (on_animation_end, "animation_end")}
    insert(caller, "progress_bar", key, props, None, handlers)
