"""Every argument name of Mesop 1.3.7's public functions is taken by mesop-cli's function
of the same name, with every value its ``Literal`` arguments allow, and every field of its
public classes is there.

The names come from Mesop's sources, kept in ``tests/support/mesop_1_3_7_signatures.py``
(see ``tests/support/mesop_signatures.py`` to write it again), so this runs without Mesop.
A Mesop app passing ``me.textarea(autosize=True)`` or ``me.box(classes="x")`` must not
stop on a TypeError that ``--check-config`` would report as an error in the app.
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import mesop_cli as me
import mesop_cli.labs as mel
from tests.support.mesop_1_3_7_signatures import (
    LABS_CLASSES,
    LABS_FUNCTIONS,
    MESOP_CHOICES,
    MESOP_CLASSES,
    MESOP_FUNCTIONS,
)
from tests.test_runtime_compat_components import rendered

#: Mesop functions mesop-cli does not provide, and why; each stops an app at load with
#: the one-line "not supported" message (tests/test_mesop_names.py).
NOT_PROVIDED = {
    "colab_run": "runs Mesop inside a Colab notebook's kernel; mesop-cli is a launcher",
    "colab_show": "shows a Colab notebook's Mesop server in an output cell",
    "runtime": "Mesop's internal runtime object, not an app's API",
}


def _function_cases() -> list[Any]:
    cases = [pytest.param(me, name, args, id=f"me.{name}")
             for name, args in MESOP_FUNCTIONS.items() if name not in NOT_PROVIDED]
    cases += [pytest.param(mel, name, args, id=f"mel.{name}")
              for name, args in LABS_FUNCTIONS.items()]
    return cases


def _class_cases() -> list[Any]:
    return ([pytest.param(me, name, fields, id=f"me.{name}")
             for name, fields in MESOP_CLASSES.items()]
            + [pytest.param(mel, name, fields, id=f"mel.{name}")
               for name, fields in LABS_CLASSES.items()])


@pytest.mark.parametrize("module, name, mesop_args", _function_cases())
def test_each_argument_name_is_taken(module: ModuleType, name: str,
                                     mesop_args: list[str]) -> None:
    ours = inspect.signature(getattr(module, name)).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in ours.values())
    missing = [arg for arg in mesop_args if arg != "*" and not takes_any and (
        arg not in ours or ours[arg].kind is inspect.Parameter.POSITIONAL_ONLY)]
    assert not missing, f"{module.__name__}.{name} does not take {missing} (Mesop does)"


@pytest.mark.parametrize("module, name, mesop_args", _function_cases())
def test_positional_arguments_come_in_mesops_order(module: ModuleType, name: str,
                                                   mesop_args: list[str]) -> None:
    """``me.text("hi")`` and ``me.button("OK")`` pass their first argument by position:
    what Mesop takes by position must land on the same parameter here."""
    positional = mesop_args[:mesop_args.index("*")]
    ours = [p.name for p in inspect.signature(getattr(module, name)).parameters.values()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY)]
    assert ours[:len(positional)] == positional


@pytest.mark.parametrize("module, name, mesop_fields", _class_cases())
def test_each_field_is_there(module: ModuleType, name: str, mesop_fields: list[str]) -> None:
    cls = getattr(module, name)
    if not mesop_fields:  # Mesop's exception classes: only the name matters
        return
    if dataclasses.is_dataclass(cls):
        ours = {field.name for field in dataclasses.fields(cls)}
    else:
        ours = set(inspect.signature(cls).parameters)
    missing = [field for field in mesop_fields if field not in ours]
    assert not missing, f"{module.__name__}.{name} lacks {missing} (Mesop has them)"


def test_the_functions_left_out_are_exactly_those_named() -> None:
    """A Mesop function missing here that is not in NOT_PROVIDED is a gap to fill (or to
    name, with its reason); one in NOT_PROVIDED that now exists should leave the list."""
    # (me.runtime is mesop-cli's subpackage of that name, not Mesop's function.)
    absent = {name for name in MESOP_FUNCTIONS if not callable(getattr(me, name, None))}
    assert absent == set(NOT_PROVIDED)
    assert all(hasattr(mel, name) for name in LABS_FUNCTIONS)


#: Arguments a call needs besides the one being tried (Mesop's have no default).
_NEEDED = {"card_header": {"title": "t"}, "card_actions": {"align": "start"},
           "uploader": {"label": "Upload"}}


@pytest.mark.parametrize("name, choices", [pytest.param(name, choices, id=f"me.{name}")
                                           for name, choices in MESOP_CHOICES.items()])
def test_every_choice_mesop_allows_is_taken(tmp_path: Path, name: str,
                                            choices: dict[str, list[object]]) -> None:
    """``me.text(type="caption")``, ``me.badge(position="below before")``: each value of
    each of Mesop's ``Literal`` arguments renders here (a page calls them all)."""
    calls = []
    for argument, values in choices.items():
        for value in values:
            arguments = {**_NEEDED.get(name, {}), argument: value}
            listed = ", ".join(f"{key}={given!r}" for key, given in arguments.items())
            calls.append(f"me.{name}({listed})")
    rendered(tmp_path, "\n".join(calls))
