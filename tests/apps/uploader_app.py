"""A Mesop-style upload page, written as a Mesop user writes one (after Mesop's own
uploader example): the uploaded image is kept in state and shown back as a data URL."""

import base64
import hashlib

import mesop_cli as me


@me.stateclass
class State:
    file: me.UploadedFile
    upload_count: int = 0
    checks: int = 0
    digest: str = ""


def handle_upload(event: me.UploadEvent):
    state = me.state(State)
    state.file = event.file
    state.upload_count += 1


def check_bytes(event: me.ClickEvent):
    # A later event: the bytes must still be in state, exactly as uploaded.
    state = me.state(State)
    state.checks += 1
    state.digest = hashlib.sha256(state.file.getvalue()).hexdigest()


@me.page(path="/", title="Uploader")
def app():
    state = me.state(State)
    with me.box(style=me.Style(padding=me.Padding.all(15))):
        me.uploader(
            label="Upload Image",
            accepted_file_types=["image/jpeg", "image/png"],
            on_upload=handle_upload,
            type="flat",
            color="primary",
            style=me.Style(font_weight="bold"),
        )
        with me.content_uploader(on_upload=handle_upload, multiple=True, key="many"):
            me.icon("upload")
            me.text("Upload several")

        if state.file.size:
            with me.box(style=me.Style(margin=me.Margin.all(10))):
                me.text(f"File name: {state.file.name}")
                me.text(f"File size: {state.file.size}")
                me.text(f"File type: {state.file.mime_type}")
                me.text(f"Upload count: {state.upload_count}")
            with me.box(style=me.Style(margin=me.Margin.all(10))):
                me.image(src=_data_url(state.file), alt="Uploaded image")
        me.button("Check bytes", on_click=check_bytes)
        me.text(f"Checks: {state.checks} digest: {state.digest}")


def _data_url(file: me.UploadedFile) -> str:
    return f"data:{file.mime_type};base64,{base64.b64encode(file.getvalue()).decode()}"
