"""``me.Style`` and its helpers, rendered to a CSS declaration string.

Field names follow Mesop so ported apps keep working. Integers (and floats) given for
lengths mean pixels, as in Mesop. Values are refused when they could break out of the
declaration they belong to (``;``, braces, angle brackets, newlines): a style value is a
developer's typo far more often than a wish to inject rules, and a clear error beats a
page that silently looks wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

Length = int | float | str | None

_FORBIDDEN = set(';{}<>\n\r\\')

# Properties whose bare numbers are not lengths (so no "px" suffix).
_UNITLESS = {
    "columns",
    "flex",
    "flex_grow",
    "flex_shrink",
    "font_weight",
    "grid_column_end",
    "grid_column_start",
    "grid_row_end",
    "grid_row_start",
    "line_height",
    "opacity",
    "z_index",
}


@dataclass(kw_only=True)
class BorderSide:
    """One side of a border: width (number = px), color and CSS style (e.g. "solid")."""

    width: Length = None
    color: str | None = None
    style: str | None = None


@dataclass(kw_only=True)
class Border:
    """Borders per side; ``Border.all`` and ``Border.symmetric`` build the usual cases."""

    top: BorderSide | None = None
    right: BorderSide | None = None
    bottom: BorderSide | None = None
    left: BorderSide | None = None

    @staticmethod
    def all(value: BorderSide) -> Border:
        """The same border on every side."""
        return Border(top=value, right=value, bottom=value, left=value)

    @staticmethod
    def symmetric(
        *, vertical: BorderSide | None = None, horizontal: BorderSide | None = None
    ) -> Border:
        """``vertical`` for top and bottom, ``horizontal`` for left and right."""
        return Border(top=vertical, bottom=vertical, left=horizontal, right=horizontal)


@dataclass(kw_only=True)
class _EdgeInsets:
    top: Length = None
    right: Length = None
    bottom: Length = None
    left: Length = None


@dataclass(kw_only=True)
class Padding(_EdgeInsets):
    """Padding per side (number = px)."""

    @classmethod
    def all(cls, value: Length) -> Padding:
        """The same padding on every side."""
        return cls(top=value, right=value, bottom=value, left=value)

    @classmethod
    def symmetric(cls, *, vertical: Length = None, horizontal: Length = None) -> Padding:
        """``vertical`` for top and bottom, ``horizontal`` for left and right."""
        return cls(top=vertical, bottom=vertical, left=horizontal, right=horizontal)


@dataclass(kw_only=True)
class Margin(_EdgeInsets):
    """Margin per side (number = px; "auto" centres)."""

    @classmethod
    def all(cls, value: Length) -> Margin:
        """The same margin on every side."""
        return cls(top=value, right=value, bottom=value, left=value)

    @classmethod
    def symmetric(cls, *, vertical: Length = None, horizontal: Length = None) -> Margin:
        """``vertical`` for top and bottom, ``horizontal`` for left and right."""
        return cls(top=vertical, bottom=vertical, left=horizontal, right=horizontal)


@dataclass(kw_only=True)
class Style:
    """CSS for one component; each field is the CSS property of the same name."""

    align_content: str | None = None
    align_items: str | None = None
    align_self: str | None = None
    aspect_ratio: str | None = None
    backdrop_filter: str | None = None
    background: str | None = None
    border: Border | None = None
    border_radius: Length = None
    bottom: Length = None
    box_shadow: str | None = None
    box_sizing: str | None = None
    color: str | None = None
    column_gap: Length = None
    columns: int | str | None = None
    cursor: str | None = None
    display: str | None = None
    flex: int | str | None = None
    flex_basis: Length = None
    flex_direction: str | None = None
    flex_grow: int | None = None
    flex_shrink: int | None = None
    flex_wrap: str | None = None
    font_family: str | None = None
    font_size: Length = None
    font_style: str | None = None
    font_weight: int | str | None = None
    gap: Length = None
    grid_area: str | None = None
    grid_auto_columns: str | None = None
    grid_auto_flow: str | None = None
    grid_auto_rows: str | None = None
    grid_column: str | None = None
    grid_column_end: int | str | None = None
    grid_column_start: int | str | None = None
    grid_row: str | None = None
    grid_row_end: int | str | None = None
    grid_row_start: int | str | None = None
    grid_template_areas: list[str] | None = None
    grid_template_columns: str | None = None
    grid_template_rows: str | None = None
    height: Length = None
    justify_content: str | None = None
    justify_items: str | None = None
    justify_self: str | None = None
    left: Length = None
    letter_spacing: Length = None
    line_height: float | str | None = None
    margin: Margin | None = None
    max_height: Length = None
    max_width: Length = None
    min_height: Length = None
    min_width: Length = None
    object_fit: str | None = None
    opacity: float | str | None = None
    outline: str | None = None
    overflow: str | None = None
    overflow_wrap: str | None = None
    overflow_x: str | None = None
    overflow_y: str | None = None
    padding: Padding | None = None
    place_items: str | None = None
    pointer_events: str | None = None
    position: str | None = None
    right: Length = None
    rotate: str | None = None
    row_gap: Length = None
    text_align: str | None = None
    text_decoration: str | None = None
    text_overflow: str | None = None
    text_shadow: str | None = None
    text_transform: str | None = None
    top: Length = None
    transform: str | None = None
    transition: str | None = None
    vertical_align: str | None = None
    visibility: str | None = None
    white_space: str | None = None
    width: Length = None
    word_wrap: str | None = None
    z_index: int | None = None


def _value(name: str, value: object, unitless: bool = False) -> str:
    """One CSS value: numbers become px unless the property is unitless."""
    if isinstance(value, bool):
        raise ValueError(f"Style.{name} = {value!r}: expected a number or a CSS string")
    if isinstance(value, (int, float)):
        number = f"{value:g}" if isinstance(value, float) else str(value)
        return number if unitless else f"{number}px"
    text = str(value)
    bad = _FORBIDDEN.intersection(text)
    if bad:
        raise ValueError(
            f"Style.{name} = {text!r}: contains {''.join(sorted(bad))!r}, which CSS values "
            "here may not contain"
        )
    return text


def _edges(prefix: str, insets: _EdgeInsets) -> list[str]:
    sides = [
        (side, getattr(insets, side)) for side in ("top", "right", "bottom", "left")
    ]
    if all(value is not None for _, value in sides):
        values = " ".join(_value(f"{prefix}.{side}", value) for side, value in sides)
        return [f"{prefix}: {values}"]
    return [
        f"{prefix}-{side}: {_value(f'{prefix}.{side}', value)}"
        for side, value in sides
        if value is not None
    ]


def _border(border: Border) -> list[str]:
    out = []
    for side in ("top", "right", "bottom", "left"):
        spec: BorderSide | None = getattr(border, side)
        if spec is None:
            continue
        parts = [
            _value(f"border.{side}.{attr}", getattr(spec, attr))
            for attr in ("width", "style", "color")
            if getattr(spec, attr) is not None
        ]
        if parts:
            out.append(f"border-{side}: {' '.join(parts)}")
    return out


def to_css(style: Style | None) -> str:
    """Render a Style as ``prop: value; prop: value`` (empty string for None)."""
    if style is None:
        return ""
    if not isinstance(style, Style):
        raise TypeError(f"style must be a me.Style, got {type(style).__name__}")
    declarations: list[str] = []
    for item in fields(style):
        value = getattr(style, item.name)
        if value is None:
            continue
        prop = item.name.replace("_", "-")
        if isinstance(value, _EdgeInsets):
            declarations.extend(_edges(prop, value))
        elif isinstance(value, Border):
            declarations.extend(_border(value))
        elif item.name == "grid_template_areas":
            rows = " ".join(f'"{_value(item.name, row)}"' for row in value)
            declarations.append(f"{prop}: {rows}")
        else:
            declarations.append(f"{prop}: {_value(item.name, value, item.name in _UNITLESS)}")
    return "; ".join(declarations)
