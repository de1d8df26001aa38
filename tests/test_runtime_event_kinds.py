"""One component, one place: each family module declares the event kinds its components
send, ``mesop_cli.runtime.events`` assembles them into the one registry every kind check
reads, and Mesop's form-field arguments reach the client under one name each."""

from __future__ import annotations

import ast
import datetime
import importlib
import json
import re
from pathlib import Path

import pytest

import mesop_cli.runtime.events as events
from mesop_cli.runtime import HandlerError
from mesop_cli.runtime.components.values import MesopEvent
from mesop_cli.runtime.events import EVENT_KINDS, build_event
from mesop_cli.web.protocol import ProtocolError, parse_event_request
from tests.test_runtime_compat_components import rendered

COMPONENTS_DIR = Path(events.__file__).parent / "components"
# By module path: the package's own names ``table`` and ``web_component`` are functions.
FAMILIES = [importlib.import_module(f"mesop_cli.runtime.components.{name}") for name in (
    "buttons", "choices", "containers", "fields", "layout", "pickers", "progress", "table",
    "uploader", "web_component")]


def kinds_registered_in(source: str) -> set[str]:
    """The event kinds a family's source gives handlers: ``(on_x, "kind")`` pairs of a
    handlers dict and ``handlers.register(fn, "kind")`` calls."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Tuple) and len(node.elts) == 2
                and isinstance(node.elts[0], ast.Name) and node.elts[0].id.startswith("on_")
                and isinstance(node.elts[1], ast.Constant)):
            found.add(node.elts[1].value)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "register" and len(node.args) == 2
                and isinstance(node.args[1], ast.Constant)):
            found.add(node.args[1].value)
    return found


def test_the_registry_is_the_union_of_the_families_kinds() -> None:
    declared = [kind for family in FAMILIES for kind in family.KINDS]
    assert len(declared) == len(set(declared)), "a kind declared by two families"
    assert set(declared) == EVENT_KINDS
    assert len(EVENT_KINDS) == 24


def test_a_kind_declared_twice_stops_the_import() -> None:
    with pytest.raises(RuntimeError, match="'click' is declared by two families"):
        events._assemble(FAMILIES[0].KINDS, {"click": FAMILIES[0].KINDS["click"]})


def test_every_handler_kind_a_component_registers_is_in_the_registry() -> None:
    used: set[str] = set()
    for path in sorted(COMPONENTS_DIR.glob("*.py")):
        kinds = kinds_registered_in(path.read_text())
        assert kinds <= EVENT_KINDS, f"{path.name} registers unknown kinds {kinds - EVENT_KINDS}"
        used |= kinds
    # And no kind is declared that no component sends.
    assert used == EVENT_KINDS


def test_the_scan_finds_a_misspelt_kind() -> None:
    source = 'insert(c, "t", k, {}, None, {"on_click": (on_click, "clik")})\n'
    assert kinds_registered_in(source) == {"clik"}
    assert not kinds_registered_in(source) <= EVENT_KINDS


def test_the_registry_docstring_names_each_kind_with_its_family() -> None:
    lines = (events.__doc__ or "").splitlines()
    rules = [number for number, line in enumerate(lines) if line.startswith("====")]
    rows: dict[str, str] = {}
    family = ""
    for line in lines[rules[1] + 1:rules[2]]:  # the table's body
        if line.startswith("``"):
            family, _, kinds = line[2:].partition("``")
            rows[family] = kinds
        elif line.startswith(" ") and family:
            rows[family] += line
    assert set(rows) == {f.__name__.rsplit(".", 1)[1] for f in FAMILIES}
    for module in FAMILIES:
        listed = set(re.findall(r"[a-z_]+", rows[module.__name__.rsplit(".", 1)[1]]))
        assert set(module.KINDS) <= listed, module.__name__


def test_each_kind_builds_an_event_of_its_family() -> None:
    samples: dict[str, object] = {
        "click": True, "right_click": {"is_target": True, **dict.fromkeys(
            ("client_x", "client_y", "page_x", "page_y", "offset_x", "offset_y"), 1)},
        "sidenav": False, "input": "a", "blur": "a", "enter": "a",
        "shortcut": {"value": "a", "shortcut": {"key": "Enter", "shift": False,
                                                "ctrl": False, "alt": False, "meta": False}},
        "change": True, "indeterminate": False, "toggle": None, "radio": "r",
        "selection": ["a"], "select_opened": True, "slider": 3, "button_toggle": ["b"],
        "autocomplete_selection": "s", "autocomplete_enter": "s", "date": "2024-10-01",
        "date_range": {"start_date": "2024-10-01", "end_date": "2024-10-02"},
        "animation_end": 50, "table_click": {"row_index": 0, "col_index": 1},
        "expansion_toggle": True,
        "upload": [{"name": "a.txt", "size": 1, "mime_type": "text/plain", "contents": "YQ=="}],
        "web": {"n": 1},
    }
    assert set(samples) == EVENT_KINDS
    for family in FAMILIES:
        for kind in family.KINDS:
            event = build_event(kind, "k", samples[kind])
            assert isinstance(event, MesopEvent) and event.key == "k"
            # The event class lives in a family module (buttons' ClickEvent for a box too).
            assert type(event).__module__.startswith("mesop_cli.runtime.components."), kind


def test_the_protocol_takes_exactly_the_registry_kinds() -> None:
    def body(kind: str) -> bytes:
        return json.dumps({"session": None, "path": "/", "event": {
            "handler": "m:f", "kind": kind, "key": "", "value": True}}).encode()
    for kind in EVENT_KINDS - {"web"}:
        assert parse_event_request(body(kind)).event["kind"] == kind
    with pytest.raises(ProtocolError, match="event.kind must be one of animation_end, "):
        parse_event_request(body("load"))


# ---- one form-field helper ------------------------------------------------------------

FORM_FIELDS = """
me.input(label="L", hint_label="H", key="a")
me.textarea(label="L", hint_label="H", key="b")
me.autocomplete(label="L", hint_label="H", key="c")
me.date_picker(label="L", hint_label="H", value=datetime.date(2024, 1, 2), key="d")
me.date_range_picker(label="L", hint_label="H", key="e")
"""


def test_every_form_field_sends_its_hint_as_hint_label(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, FORM_FIELDS, "\nimport datetime\n")
    assert len(nodes) == 5
    for node in nodes:
        props = node["p"]
        assert "hint" not in props, node["t"]
        assert {k: props[k] for k in ("label", "hint_label", "float_label",
                                      "subscript_sizing", "hide_required_marker",
                                      "appearance", "color", "disabled", "readonly")} == {
            "label": "L", "hint_label": "H", "float_label": "auto",
            "subscript_sizing": "fixed", "hide_required_marker": False,
            "appearance": "fill", "color": "primary", "disabled": False,
            "readonly": False}, node["t"]
    assert nodes[3]["p"]["value"] == datetime.date(2024, 1, 2).isoformat()


@pytest.mark.parametrize("call", [
    'me.input(float_label="never")',
    'me.autocomplete(float_label="never")',
    'me.date_picker(float_label="never")',
])
def test_a_bad_form_field_argument_is_refused_alike(tmp_path: Path, call: str) -> None:
    caller = call.split("(")[0] + "()"
    with pytest.raises(HandlerError, match=re.escape(
            f"{caller} float_label 'never' is not one of always, auto")):
        rendered(tmp_path, call)


def test_select_takes_its_form_field_arguments_from_the_same_helper(tmp_path: Path) -> None:
    [node] = rendered(tmp_path, 'me.select(label="S", placeholder="P", appearance="outline")')
    assert {k: node["p"][k] for k in ("label", "placeholder", "appearance", "disabled")} == {
        "label": "S", "placeholder": "P", "appearance": "outline", "disabled": False}
    with pytest.raises(HandlerError, match=r"me.select\(\) appearance 'x' is not one of"):
        rendered(tmp_path, 'me.select(appearance="x")')
