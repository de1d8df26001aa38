"""Components written by the app: ``@me.component``, ``@me.content_component`` and slots.

A content component is a function that draws a frame (a card, a header bar) and calls
``me.slot()`` where the children go. Called in a ``with`` statement, its frame is drawn
at once; the children drawn inside the ``with`` are collected apart and, when the block
ends, spliced into the frame at the slot's place::

    @me.content_component
    def card(title: str):
        with me.box(style=me.Style(padding=me.Padding.all(8))):
            me.text(title, type="headline-6")
            me.slot()

    with card("News"):
        me.text("inside the card")

With ``named_slots=`` a class made by ``@me.slotclass`` (fields of type ``me.NamedSlot``)
names several places: ``me.slot(name="footer")`` marks one, and ``with c.footer():`` fills
it. Nodes are plain dicts in a list, so splicing is a list insertion.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields
from types import TracebackType
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from mesop_cli.runtime.scope import TreeBuilder, current_builder, new_node

F = TypeVar("F", bound=Callable[..., Any])
S = TypeVar("S")


@dataclass
class _Slot:
    """Where a slot was called: the parent it was drawn in and how many children that
    parent had then (the insertion index)."""

    parent: dict[str, Any]
    index: int
    name: str


# One list of slots per content component whose function is running, innermost last.
_RUNNING: WeakKeyDictionary[TreeBuilder, list[list[_Slot]]] = WeakKeyDictionary()


def component(fn: F | None = None, /, *, skip_validation: bool = False) -> Any:
    """Marks a function that draws components, as Mesop's ``@me.component`` does.

    Mesop uses the mark for its visual editor; here the function is called as it is, so
    the decorator returns it unchanged (also as ``@me.component(skip_validation=True)``).
    """
    if fn is None:
        return lambda decorated: decorated
    return fn


def slot(name: str = "") -> None:
    """Marks where a content component's children go (``name`` for a named slot)."""
    builder = current_builder("me.slot()")
    running = _RUNNING.get(builder)
    if not running:
        raise RuntimeError(
            "me.slot() can only be called by a function decorated with @me.content_component"
        )
    parent = builder.parent
    running[-1].append(_Slot(parent, len(parent["c"]), str(name)))


class NamedSlot:
    """One named place of a content component; ``with slots.header(): ...`` fills it."""

    def __init__(self, builder: TreeBuilder, name: str) -> None:
        self.name = name
        self.content = new_node("box", None, {}, "")
        self.filled = False
        self._builder = builder

    def __call__(self) -> _Filling:
        if self.filled:
            raise RuntimeError(f"content for named slot {self.name!r} was already given")
        self.filled = True
        return _Filling(self._builder, self.content)


class _Filling:
    """The ``with`` block that draws one named slot's content, apart from the page."""

    def __init__(self, builder: TreeBuilder, holder: dict[str, Any]) -> None:
        self._builder = builder
        self._holder = holder

    def __enter__(self) -> None:
        self._builder.open(self._holder)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._builder.close(self._holder)


def slotclass(cls: type[S]) -> type[S]:
    """A class naming a content component's slots; every field must be ``me.NamedSlot``."""
    for name, hint in typing.get_type_hints(cls).items():
        if hint is not NamedSlot:
            raise TypeError(f"slotclass field {name!r} must be of type me.NamedSlot")
    return dataclass(kw_only=True)(cls)


class _ContentComponent:
    """A content component being used: its frame is drawn on creation."""

    def __init__(self, caller: str, draw: Callable[[], Any], named: type | None) -> None:
        self._builder = current_builder(caller)
        running = _RUNNING.setdefault(self._builder, [])
        running.append([])
        try:
            draw()
        finally:
            slots = running.pop()
        self._named = named
        if named is None:
            if len(slots) != 1 or slots[0].name:
                raise RuntimeError(
                    f"{caller} must call me.slot() exactly once, without a name "
                    f"(it called it {len(slots)} times); use named_slots= for several")
            self._slots = slots
            self._unnamed = new_node("box", None, {}, "")
            return
        expected = [f.name for f in fields(named)]
        given = [s.name for s in slots]
        if sorted(given) != sorted(expected):
            raise RuntimeError(
                f"{caller} must call me.slot(name=...) once for each of "
                f"{', '.join(expected) or 'no names'}; it called it for "
                f"{', '.join(map(repr, given)) or 'none'}")
        self._slots = slots
        self._context = named(**{n: NamedSlot(self._builder, n) for n in expected})

    def __enter__(self) -> Any:
        if self._named is None:
            self._builder.open(self._unnamed)
            return None
        return self._context

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._named is None:
            self._builder.close(self._unnamed)
            contents = {"": self._unnamed["c"]}
        else:
            if exc_type is not None:
                return
            contents = {}
            for slot_ in self._slots:
                named_slot: NamedSlot = getattr(self._context, slot_.name)
                if not named_slot.filled:
                    raise RuntimeError(f"content for named slot {slot_.name!r} was not given")
                contents[slot_.name] = named_slot.content["c"]
        # Later slots first: inserting there leaves the earlier slots' indexes valid.
        for slot_ in reversed(self._slots):
            slot_.parent["c"][slot_.index:slot_.index] = contents[slot_.name]


def content_component(
    fn: Callable[..., Any] | None = None, /, *, named_slots: type | None = None
) -> Any:
    """Makes ``fn`` a component used with ``with``, whose children go where it calls
    ``me.slot()``; see the module's docstring."""

    def wrap(draw: Callable[..., Any]) -> Callable[..., _ContentComponent]:
        caller = f"content component {getattr(draw, '__qualname__', draw)}()"

        @functools.wraps(draw)
        def use(*args: Any, **kwargs: Any) -> _ContentComponent:
            return _ContentComponent(caller, functools.partial(draw, *args, **kwargs),
                                     named_slots)

        return use

    if fn is None:
        return wrap
    return wrap(fn)
