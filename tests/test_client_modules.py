"""The client's layout as files: one module per component family, mirroring the Python
families, served as they are (typed as JavaScript) and packaged with the wheel."""

from __future__ import annotations

import re
from pathlib import Path

from mesop_cli.web import create_flask_app
from mesop_cli.web.client_assets import client_assets
from tests.support.flask_tab import make_settings, write_app
from tests.support.server import ROOT

PACKAGE = ROOT / "mesop_cli"
STATIC = PACKAGE / "web" / "static"
FAMILIES_JS = STATIC / "components"
FAMILIES_PY = PACKAGE / "runtime" / "components"

# insert(caller, "type", ...) or insert("me.x()", "type", ...)
PY_NODE_TYPE = re.compile(r'\binsert\(\s*(?:\w+|"[^"]*")\s*,\s*"([a-z_]+)"')
JS_IMPORT = re.compile(r'^import .* from "(\.[^"]+)";$', re.M)


def _python_types(module: Path) -> set[str]:
    return set(PY_NODE_TYPE.findall(module.read_text()))


def _js_types(module: Path) -> set[str]:
    """The node types of a family's `build` and `update` tables (keys at their first level)."""
    source = module.read_text()
    types: set[str] = set()
    for table in ("build", "update"):
        body = source.split(f"export const {table} = {{\n", 1)[1].split("\n};", 1)[0]
        types |= set(re.findall(r"^  ([a-z_]+): ", body, re.M))
    return types


def test_each_family_renders_the_node_types_of_its_python_module() -> None:
    """components/<family>.js builds exactly what runtime/components/<family>.py inserts,
    so a node type has one place on each side; a Python module without a JS family
    inserts no node type of its own."""
    js = {path.stem: path for path in FAMILIES_JS.glob("*.js")}
    py = {path.stem: path for path in FAMILIES_PY.glob("*.py")
          if path.stem not in ("__init__", "node")}
    assert set(js) <= set(py), set(js) - set(py)
    for name, module in py.items():
        expected = _python_types(module)
        if name not in js:
            assert not expected, f"{name}.py inserts {expected} but has no components/{name}.js"
            continue
        assert _js_types(js[name]) == expected, name
        # Each family names the Python module it mirrors in its opening comment.
        assert f"runtime/components/{name}.py" in js[name].read_text().split("\n\n", 1)[0]


def test_every_family_is_registered_by_the_entry_module() -> None:
    entry = (STATIC / "client.js").read_text()
    for module in FAMILIES_JS.glob("*.js"):
        assert f'from "./components/{module.name}"' in entry, module.name


def test_relative_imports_name_existing_modules() -> None:
    for module in STATIC.rglob("*.js"):
        for target in JS_IMPORT.findall(module.read_text()):
            assert (module.parent / target).resolve().is_file(), f"{module.name}: {target}"


def test_modules_are_served_as_javascript(tmp_path: Path) -> None:
    """Module scripts run only with a JavaScript type (nosniff is on)."""
    http = create_flask_app(write_app(tmp_path), make_settings()).test_client()
    page = http.get("/").get_data(as_text=True)
    version = client_assets().version
    assert f'<script type="module" src="/__mesop__/client/{version}/client.js">' in page
    for module in STATIC.rglob("*.js"):
        name = module.relative_to(STATIC).as_posix()
        for url in (f"/__mesop__/static/{name}", f"/__mesop__/client/{version}/{name}"):
            response = http.get(url)
            assert response.status_code == 200, url
            assert response.mimetype == "text/javascript", url
    assert http.get("/__mesop__/static/core/nope.js").status_code == 404
    assert http.get("/__mesop__/static/mesop.css").mimetype == "text/css"


def test_package_data_takes_every_module() -> None:
    """setuptools' package-data globs: "web/static/*" alone leaves the subfolders out."""
    # Read by hand: tomllib is 3.11's, and the project runs on 3.10.
    section = (ROOT / "pyproject.toml").read_text().split("[tool.setuptools.package-data]", 1)[1]
    patterns = re.findall(r'"([^"]+)"', section.split("mesop_cli = [", 1)[1].split("]", 1)[0])
    packaged = {path for pattern in patterns for path in PACKAGE.glob(pattern) if path.is_file()}
    assert set(STATIC.rglob("*.js")) <= packaged
