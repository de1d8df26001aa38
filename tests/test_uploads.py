"""me.uploader: the node it renders, the checks on what a browser sends as an upload, and
the event path (Flask's test client) from an upload to the bytes kept in state."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

import mesop_cli as me
from mesop_cli.runtime import InvalidEvent, load_app, render
from mesop_cli.runtime.uploads import (
    UploadTooLarge,
    check_upload_size,
    clean_name,
    describe_bytes,
    read_upload,
)
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings


def wire(contents: bytes, name: str = "photo.png", mime_type: str = "image/png",
         size: int | None = None) -> dict[str, Any]:
    """One file as the client script sends it."""
    return {"name": name, "size": len(contents) if size is None else size,
            "mime_type": mime_type, "contents": base64.b64encode(contents).decode()}


# ---- the checks on what the browser sends ----------------------------------------------


def test_files_are_decoded_with_their_metadata() -> None:
    files = read_upload([wire(b"\x89PNG data"), wire(b"", name="empty.txt", mime_type="")])
    assert [(f.name, f.size, f.mime_type, f.getvalue()) for f in files] == [
        ("photo.png", 9, "image/png", b"\x89PNG data"), ("empty.txt", 0, "", b"")]
    assert files[0].read(4) == b"\x89PNG"  # a file object, as in Mesop


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\ann\\Desktop\\cv.pdf", "cv.pdf"),
    ("folder/", "upload"),
    ("..", "upload"),
    ("", "upload"),
    ("  report.csv  ", "report.csv"),
    ("a\x00b\nc.txt", "abc.txt"),
    ("invoice\u202egnp.exe", "invoicegnp.exe"),  # a right-to-left override would hide .exe
    ("ünïcødé 写真.png", "ünïcødé 写真.png"),
])
def test_names_lose_folders_and_invisible_characters(sent: str, kept: str) -> None:
    assert clean_name(sent) == kept
    assert read_upload([wire(b"x", name=sent)])[0].name == kept


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = clean_name("x" * 1000 + ".jpeg")
    assert len(name) == 255 and name.endswith("x.jpeg")
    assert len(clean_name("y" * 1000)) == 255


@pytest.mark.parametrize(("value", "message"), [
    ([], "non-empty list of files"),
    ({"name": "a"}, "non-empty list of files"),
    (["a.png"], "must be an object with exactly contents, mime_type, name, size"),
    ([{**wire(b"x"), "path": "/etc"}], "exactly contents, mime_type, name, size"),
    ([{k: v for k, v in wire(b"x").items() if k != "size"}], "exactly"),
    ([wire(b"x", size=True)], "size must be a int"),  # type: ignore[arg-type]
    ([{**wire(b"x"), "name": 5}], "name must be a str"),
    ([wire(b"x", size=-1)], "size must not be negative"),
    ([wire(b"abc", size=2)], "size says 2 bytes but the contents hold 3"),
    ([wire(b"abc", size=10**9)], "size says 1000000000 bytes"),
    ([{**wire(b"x"), "contents": "not base64!"}], "contents are not base64"),
    ([{**wire(b"x"), "contents": "eA="}], "contents are not base64"),
    ([wire(b"x", mime_type="text/html; charset=utf-8")], "mime_type is not a type/subtype"),
    ([wire(b"x", mime_type="IMAGE/PNG")], "mime_type is not a type/subtype"),
    ([wire(b"x", mime_type="<script>")], "mime_type is not a type/subtype"),
])
def test_malformed_uploads_are_refused(value: object, message: str) -> None:
    with pytest.raises(InvalidEvent, match="upload event") as caught:
        read_upload(value)
    assert message in str(caught.value)


def test_size_is_measured_without_decoding_and_the_limit_is_inclusive() -> None:
    check_upload_size([wire(b"x" * 100)], 100)
    check_upload_size([wire(b"x" * 40), wire(b"y" * 60)], 100)
    with pytest.raises(UploadTooLarge) as one:
        check_upload_size([wire(b"x" * 101, name="../big.png")], 100)
    assert str(one.value) == ("big.png is 101 bytes, more than the 100 bytes this app accepts "
                              "in one upload; nothing was uploaded")
    with pytest.raises(UploadTooLarge) as several:
        check_upload_size([wire(b"x" * 3000), wire(b"y" * 3000)], 5 * 1024)
    assert str(several.value).startswith("The 2 files chosen are 5.9 KB together, more than "
                                         "the 5 KB this app accepts")
    # Not even a lie about the size gets past: the base64 text is what is measured.
    with pytest.raises(UploadTooLarge):
        check_upload_size([wire(b"x" * 101, size=1)], 100)


def test_sizes_read_as_people_read_them() -> None:
    assert [describe_bytes(n) for n in (0, 1, 1023, 1024, 1536, 10 * 1024**2, 3 * 1024**3)] \
        == ["0 bytes", "1 byte", "1023 bytes", "1 KB", "1.5 KB", "10 MB", "3 GB"]


# ---- the component -----------------------------------------------------------------------


def app_for(tmp_path: Path, source: str) -> Any:
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source))
    return load_app(path)


def test_uploader_nodes_carry_mesops_arguments(tmp_path: Path) -> None:
    app = app_for(tmp_path, '''
        import mesop_cli as me

        def on_upload(e: me.UploadEvent): ...

        @me.page(path="/")
        def home():
            me.uploader(label="Upload Image", accepted_file_types=["image/png", ".csv"],
                        on_upload=on_upload, type="flat", color="primary", key="up",
                        disable_ripple=True, style=me.Style(font_weight="bold"))
            with me.content_uploader(on_upload=on_upload, type="icon", multiple=True,
                                     disabled=True):
                me.icon("upload")
    ''')
    simple, content = render(app, "/", {}).tree["c"]
    assert simple["t"] == content["t"] == "uploader"
    assert simple["k"] == "up" and simple["s"] == "font-weight: bold"
    assert simple["p"] == {"label": "Upload Image", "accept": ["image/png", ".csv"],
                           "multiple": False, "disabled": False, "variant": "flat",
                           "color": "primary", "on_upload": simple["p"]["on_upload"]}
    assert simple["p"]["on_upload"].endswith(":on_upload")
    assert content["p"]["variant"] == "icon" and content["p"]["multiple"] is True
    assert content["p"]["disabled"] is True and content["p"]["accept"] == []
    assert [child["t"] for child in content["c"]] == ["icon"]


@pytest.mark.parametrize(("call", "message"), [
    ('me.uploader(label="x", accepted_file_types="image/png")', "must be a list of strings"),
    ('me.uploader(label="x", accepted_file_types=[3])', "must hold strings"),
    ('me.uploader(label="x", type="icon")', "type 'icon' is not one of raised, flat, stroked"),
    ('me.uploader(label="x", color="red")', "color 'red' is not one of"),
])
def test_bad_uploader_arguments_name_the_component(tmp_path: Path, call: str,
                                                   message: str) -> None:
    app = app_for(tmp_path, f'''
        import mesop_cli as me

        @me.page(path="/")
        def home():
            {call}
    ''')
    with pytest.raises(Exception, match=message):
        render(app, "/", {})


def test_a_state_field_declared_as_uploaded_file_starts_empty() -> None:
    @me.stateclass
    class Files:
        file: me.UploadedFile
        raw: bytes

    state = Files()
    assert state.file == me.UploadedFile() and state.file.size == 0 and state.raw == b""
    assert me.UploadEvent(key="", files=[]).file == me.UploadedFile()


# ---- the event path ----------------------------------------------------------------------

UPLOAD_APP = '''
import hashlib
import mesop_cli as me

@me.stateclass
class State:
    file: me.UploadedFile
    blobs: list[bytes]
    admin: bool = False
    seen: str = ""

def on_upload(e: me.UploadEvent):
    s = me.state(State)
    s.file = e.file
    s.blobs = [f.getvalue() for f in e.files]

def check(e: me.ClickEvent):
    s = me.state(State)
    s.seen = f"{s.file.name} {s.file.size} {hashlib.sha256(s.file.getvalue()).hexdigest()}"

def admin_upload(e: me.UploadEvent):
    me.state(State).seen = "admin upload ran"

@me.page(path="/")
def home():
    s = me.state(State)
    me.uploader(label="Upload", on_upload=on_upload)
    if s.admin:
        me.uploader(label="Admin upload", on_upload=admin_upload)
    me.button("Check", on_click=check)
    me.text(s.seen)
'''


class UploadTab(Client):
    def uploader_handler(self) -> str:
        return next(node["p"]["on_upload"] for node in self.tree["c"]
                    if node["t"] == "uploader")

    def upload_event(self, files: list[dict[str, Any]], handler: str | None = None
                     ) -> dict[str, Any]:
        return {"handler": handler or self.uploader_handler(), "kind": "upload", "key": "",
                "value": files}

    def seen(self) -> str:
        return self.tree["c"][-1]["p"]["text"]


def make_tab(tmp_path: Path, backend_name: str) -> UploadTab:
    path = tmp_path / "main.py"
    path.write_text(UPLOAD_APP)
    settings = make_settings(backend=backend_name, max_upload_bytes=1000)
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20) \
        if backend_name == "memory" else None
    tab = UploadTab(create_flask_app(path, settings, backend=backend))
    tab.server_side = backend_name == "memory"  # type: ignore[attr-defined]
    tab.send(None)
    return tab


@pytest.fixture(params=["memory", "none"])
def tab(request: pytest.FixtureRequest, tmp_path: Path) -> UploadTab:
    return make_tab(tmp_path, request.param)


def send(tab: UploadTab, event: dict[str, Any] | None) -> list[dict[str, Any]]:
    # With `none` the state travels with every event, as the client script sends it.
    return tab.send(event, with_copy=not tab.server_side)  # type: ignore[attr-defined]


def test_upload_reaches_the_handler_and_its_bytes_stay_in_state(tab: UploadTab) -> None:
    data = bytes(range(256)) * 3
    send(tab, tab.upload_event([wire(data, name="../../x/scan.bin",
                                     mime_type="application/octet-stream")]))
    assert tab.state is not None
    stored = tab.state["State"]["file"]["__mesop.UploadedFile__"]
    assert base64.b64decode(stored["contents"]) == data and stored["name"] == "scan.bin"
    assert tab.state["State"]["blobs"] == [{"__python.bytes__": base64.b64encode(data).decode()}]
    # A later event decodes the state again (memory: from the stored image; none: from the
    # browser's signed copy) and finds the same bytes.
    send(tab, {"handler": tab.handler("Check"), "kind": "click", "key": "", "value": None})
    assert tab.seen() == f"scan.bin {len(data)} {hashlib.sha256(data).hexdigest()}"


def test_upload_over_the_limit_is_refused_with_a_message_and_changes_nothing(
        tab: UploadTab) -> None:
    send(tab, tab.upload_event([wire(b"first")]))
    body = {"session": tab.session, "path": "/",
            "event": tab.upload_event([wire(b"x" * 1001, name="big.png")])}
    if not tab.server_side:  # type: ignore[attr-defined]
        body.update(state=tab.state, sig=tab.sig)
    status, answer = tab.post(body)
    assert status == 413
    assert answer == {"message": "big.png is 1001 bytes, more than the 1000 bytes this app "
                                 "accepts in one upload; nothing was uploaded."}
    # Nothing lost, and the session was never locked: the next event runs at once.
    send(tab, {"handler": tab.handler("Check"), "kind": "click", "key": "", "value": None})
    assert tab.seen().startswith("photo.png 5 ")


@pytest.mark.parametrize("value", [
    [wire(b"abc", size=4)],
    [{**wire(b"x"), "contents": "!!!!"}],
    [wire(b"x", mime_type="text/html;charset=utf-8")],
    [],
])
def test_malformed_upload_is_a_bad_request(tab: UploadTab, value: object) -> None:
    body = {"session": tab.session, "path": "/",
            "event": tab.upload_event(value)}  # type: ignore[arg-type]
    if not tab.server_side:  # type: ignore[attr-defined]
        body.update(state=tab.state, sig=tab.sig)
    status, answer = tab.post(body)
    assert status == 400 and "upload event" in answer["message"]


def test_upload_to_a_forged_or_unshown_handler_runs_nothing(tmp_path: Path) -> None:
    tab = make_tab(tmp_path, "memory")
    module = tab.uploader_handler().split(":")[0]
    # The admin uploader is not on this session's page: its id, though real, is refused.
    for handler in (f"{module}:admin_upload", f"{module}:nope"):
        status, answer = tab.post({"session": tab.session, "path": "/",
                                   "event": tab.upload_event([wire(b"x")], handler)})
        assert status == 400 and "has no handler" in answer["message"], answer
    # A handler the page shows, but for clicks.
    status, answer = tab.post({"session": tab.session, "path": "/",
                               "event": tab.upload_event([wire(b"x")], tab.handler("Check"))})
    assert status == 400 and "takes click events, not 'upload'" in answer["message"]
    send(tab, {"handler": tab.handler("Check"), "kind": "click", "key": "", "value": None})
    assert tab.seen() == f" 0 {hashlib.sha256(b'').hexdigest()}"  # nothing uploaded


def test_page_tells_the_client_script_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "main.py"
    path.write_text(UPLOAD_APP)
    http = create_flask_app(path, make_settings(max_upload_bytes=1234)).test_client()
    page = http.get("/").get_data(as_text=True)
    boot = re.search(r'data-boot="([^"]*)"', page)
    assert boot is not None
    assert json.loads(html.unescape(boot.group(1)))["maxUploadBytes"] == 1234
