"""``@me.stateclass`` and ``me.state``.

A state class is a dataclass whose fields all have defaults: a field declared without one
gets the empty value of its type, as in Mesop, and mutable defaults (lists, dicts, nested
dataclass instances) are copied per instance instead of shared between sessions.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import inspect
import sys
import types
import typing
from typing import Any, TypeVar

from mesop_cli.runtime.registry import STATECLASS_MARK, declare_state_class
from mesop_cli.runtime.scope import current_scope
from mesop_cli.state_format.pydantic_models import is_model_class
from mesop_cli.state_format.uploaded_file import UploadedFile

T = TypeVar("T")


class StateClassError(TypeError):
    """``me.state`` was given a class that is not a state class."""


def class_location(cls: type) -> str:
    """"file:line" where ``cls`` is defined, or its module name when unknown."""
    try:
        return f"{inspect.getsourcefile(cls)}:{inspect.findsource(cls)[1] + 1}"
    except (OSError, TypeError):
        return f"module {cls.__module__}"


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return typing.get_origin(annotation) is typing.ClassVar


def empty_value(tp: Any, where: str) -> Any:
    """The value a field of type ``tp`` starts with when it has no default."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp in (str, int, float, bool, bytes):
        return tp()
    if tp is Any or tp is None or tp is type(None):
        return None
    if origin is typing.Annotated:
        return empty_value(args[0], where)
    if origin in (typing.Union, types.UnionType):
        return None if type(None) in args else empty_value(args[0], where)
    if origin is typing.Literal:
        return args[0]
    for container in (list, dict, set, tuple):
        if tp is container or origin is container:
            return container()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp))
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return tp()
    if isinstance(tp, type) and issubclass(tp, UploadedFile):
        return tp()
    if is_model_class(tp):
        try:
            return tp()
        except ValueError:  # pydantic's ValidationError: a field of the model has no default
            raise TypeError(f"{where}: {tp.__name__}() needs values for its fields; give "
                            "the field a default") from None
    raise TypeError(f"{where}: no empty value for type {tp!r}; give the field a default")


class _EmptyFactory:
    """default_factory for a field without default; resolves its annotation lazily.

    Resolution is lazy because an annotation may name a class defined later in the file;
    it uses the namespace of the module the class was defined in, captured at decoration,
    so a hot reload that replaced ``sys.modules`` entry cannot swap the nested classes.
    """

    def __init__(self, cls: type, name: str, annotation: object) -> None:
        self._cls = cls
        self._name = name
        self._annotation = annotation
        module = sys.modules.get(cls.__module__)
        self._namespace = vars(module) if module is not None else {}
        self._type: Any = None
        self._resolved = False

    def resolve(self) -> Any:
        """The field's type, evaluated once."""
        if not self._resolved:
            annotation = self._annotation
            if isinstance(annotation, str):
                local = {**vars(self._cls), self._cls.__name__: self._cls}
                annotation = eval(annotation, self._namespace, local)
            self._type = annotation
            self._resolved = True
        return self._type

    def __call__(self) -> Any:
        return empty_value(self.resolve(), f"{self._cls.__qualname__}.{self._name}")


def _copier(value: object) -> typing.Callable[[], object]:
    return lambda: copy.deepcopy(value)


def _give_defaults(cls: type) -> list[_EmptyFactory]:
    """Give every field of ``cls`` (before it becomes a dataclass) a default: the empty
    value of its type when it has none, a fresh copy per instance for a mutable one.
    Returns the empty-value factories, to be checked once the class is made."""
    factories = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        current = cls.__dict__.get(name, dataclasses.MISSING)
        if isinstance(current, dataclasses.Field):
            if current.default is dataclasses.MISSING:
                if current.default_factory is dataclasses.MISSING:
                    factory = _EmptyFactory(cls, name, annotation)
                    factories.append(factory)
                    current.default_factory = factory
            elif type(current.default).__hash__ is None:
                current.default_factory = _copier(current.default)
                current.default = dataclasses.MISSING
        elif current is dataclasses.MISSING:
            factory = _EmptyFactory(cls, name, annotation)
            factories.append(factory)
            setattr(cls, name, dataclasses.field(default_factory=factory))
        elif type(current).__hash__ is None:
            setattr(cls, name, dataclasses.field(default_factory=_copier(current)))
    return factories


def _check_factories(factories: list[_EmptyFactory]) -> None:
    # Check the types now when they are already resolvable, so an unsupported type is
    # reported at the line of the class; names defined later are checked on first use.
    for factory in factories:
        try:
            factory.resolve()
        except NameError:
            continue
        factory()


def _all_have_defaults(cls: type) -> bool:
    return all(f.default is not dataclasses.MISSING
               or f.default_factory is not dataclasses.MISSING
               for f in dataclasses.fields(cls))


def dataclass_with_defaults(cls: type[T]) -> type[T]:
    """``cls`` as a dataclass whose fields all have defaults, so ``cls()`` always works
    (Mesop's helper; state and cookie classes are made with it)."""
    if not isinstance(cls, type):
        raise TypeError(f"dataclass_with_defaults takes a class, got {type(cls).__name__}")
    if "__dataclass_fields__" in cls.__dict__:
        if _all_have_defaults(cls):
            return cls  # already what is asked: keep it exactly as declared
        # A dataclass already made cannot be made again in place (its generated methods
        # stay), so the fields lacking a default get one in a subclass of the same name.
        missing = {f.name: f.type for f in dataclasses.fields(cls)
                   if f.default is dataclasses.MISSING
                   and f.default_factory is dataclasses.MISSING}
        sub = type(cls.__name__, (cls,), {"__annotations__": missing,
                                          "__module__": cls.__module__,
                                          "__qualname__": cls.__qualname__,
                                          "__doc__": cls.__doc__})
        params = cls.__dict__["__dataclass_params__"]
        factories = _give_defaults(sub)
        made = dataclasses.dataclass(sub, init=params.init, repr=params.repr, eq=params.eq,
                                     order=params.order, unsafe_hash=params.unsafe_hash,
                                     frozen=params.frozen)
    else:
        factories = _give_defaults(cls)
        made = dataclasses.dataclass(cls)
    _check_factories(factories)
    return made


def stateclass(cls: type[T]) -> type[T]:
    """Make ``cls`` a state class: a dataclass whose instances hold one session's state."""
    if not isinstance(cls, type):
        raise TypeError(f"@me.stateclass decorates a class, got {type(cls).__name__}")
    factories = _give_defaults(cls)
    made = dataclasses.dataclass(cls)
    _check_factories(factories)
    setattr(made, STATECLASS_MARK, True)
    declare_state_class(made)
    return made


def is_stateclass(cls: object) -> bool:
    """Whether ``cls`` itself (not merely a base class) was decorated."""
    return isinstance(cls, type) and bool(cls.__dict__.get(STATECLASS_MARK))


def state(cls: type[T]) -> T:
    """This session's instance of state class ``cls`` (created on first use)."""
    scope = current_scope("me.state()")
    if not is_stateclass(cls):
        if not isinstance(cls, type):
            raise StateClassError(f"me.state() takes a class, got {cls!r}")
        raise StateClassError(
            f"{cls.__qualname__} (defined at {class_location(cls)}) is not decorated "
            "with @me.stateclass"
        )
    key = scope.app.state_key(cls)
    instance = scope.states.get(key)
    if instance is None:
        instance = cls()
        scope.states[key] = instance
    return instance
