"""``table``: rows of cells from a pandas DataFrame or a list of dicts, and the
``table_click`` event of a cell."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.components.node import insert
from mesop_cli.runtime.components.values import Kinds, MesopEvent, fields
from mesop_cli.runtime.errors import InvalidEvent


@dataclass(kw_only=True)
class TableClickEvent(MesopEvent):
    """A table cell was clicked: its row (see ``me.table``) and column index."""

    row_index: int
    col_index: int


def _table_click(key: str, value: object) -> MesopEvent:
    cell = fields("table_click", value, {"row_index": int, "col_index": int})
    if cell["col_index"] < 0:
        raise InvalidEvent(f"table_click event: col_index must not be negative, got "
                           f"{cell['col_index']}")
    return TableClickEvent(key=key, row_index=cell["row_index"], col_index=cell["col_index"])


KINDS: Kinds = {"table_click": _table_click}


@dataclass(kw_only=True)
class TableHeader:
    """``sticky=True`` keeps the header row in view while the table scrolls."""

    sticky: bool = False


@dataclass(kw_only=True)
class TableColumn:
    """``sticky=True`` keeps the column in view while the table scrolls sideways."""

    sticky: bool = False


def _row_index(label: object, position: int) -> int:
    """The DataFrame's index label when it is a whole number (as Mesop reports it), else
    the row's position."""
    if isinstance(label, bool):
        return position
    try:
        return operator.index(label)  # type: ignore[arg-type]
    except TypeError:
        return position


def _from_data_frame(frame: Any) -> tuple[list[str], list[dict[str, Any]]]:
    columns = [str(column) for column in frame.columns]
    rows = []
    for position, values in enumerate(frame.itertuples(index=True, name=None)):
        rows.append({"index": _row_index(values[0], position),
                     "cells": [str(value) for value in values[1:]]})
    return columns, rows


def _from_records(records: list[Any]) -> tuple[list[str], list[dict[str, Any]]]:
    columns: dict[str, None] = {}
    for number, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise TypeError(f"me.table() rows must be dicts, row {number} is "
                            f"{type(record).__name__}")
        columns.update((str(name), None) for name in record)
    rows = []
    for position, record in enumerate(records):
        by_name = {str(name): value for name, value in record.items()}
        rows.append({"index": position,
                     "cells": [str(by_name[name]) if name in by_name else ""
                               for name in columns]})
    return list(columns), rows


def table(
    data_frame: Any,
    *,
    on_click: Callable[[TableClickEvent], Any] | None = None,
    header: TableHeader | None = None,
    columns: dict[str, TableColumn] | None = None,
    key: str | None = None,
) -> None:
    """A ``<table>`` of ``data_frame``: a pandas DataFrame, or a list of dicts (one per
    row; the columns are every key met, in order).

    Every cell is shown as its ``str()``. ``on_click`` gets a TableClickEvent with the
    clicked cell's ``row_index`` (the DataFrame's index label when it is a whole number,
    else the row's position) and ``col_index``. ``header`` and ``columns`` (by column
    name) make the header row or columns sticky. ``key`` is ours, not Mesop's.
    """
    caller = "me.table()"
    if hasattr(data_frame, "columns") and hasattr(data_frame, "itertuples"):
        names, rows = _from_data_frame(data_frame)
    elif isinstance(data_frame, (list, tuple)):
        names, rows = _from_records(list(data_frame))
    else:
        raise TypeError(f"{caller} needs a pandas DataFrame or a list of dicts, got "
                        f"{type(data_frame).__name__}")
    sticky_columns = []
    for name, column in (columns or {}).items():
        if not isinstance(column, TableColumn):
            raise TypeError(f"{caller} columns values must be me.TableColumn, got {column!r}")
        if name not in names:
            raise ValueError(f"{caller} columns names {name!r}, which is not a column "
                             f"(columns: {', '.join(names)})")
        if column.sticky:
            sticky_columns.append(names.index(name))
    props = {
        "columns": names,
        "rows": rows,
        "sticky_header": bool(header.sticky) if header is not None else False,
        "sticky_columns": sticky_columns,
    }
    insert(caller, "table", key, props, None, {"on_click": (on_click, "table_click")})
