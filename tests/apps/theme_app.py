"""A Mesop-style app using theming, the viewport size and scroll/focus commands, written
as a Mesop user would (tests/test_browser_theme.py drives it in Chromium)."""

import mesop_cli as me


def toggle_theme(e: me.ClickEvent):
    if me.theme_brightness() == "dark":
        me.set_theme_mode("light")
    else:
        me.set_theme_mode("dark")


def follow_system(e: me.ClickEvent):
    me.set_theme_mode("system")


def compact(e: me.ClickEvent):
    me.set_theme_density(-4)


def scroll_down(e: me.ClickEvent):
    me.scroll_into_view(key="bottom")


def scroll_nowhere(e: me.ClickEvent):
    me.scroll_into_view(key="no-such-key")
    me.focus_component(key="no-such-key")


def focus_name(e: me.ClickEvent):
    me.focus_component(key="name")


def on_name(e: me.InputEvent):
    pass


@me.page(path="/", title="Theme")
def home():
    size = me.viewport_size()
    with me.box(
        key="panel",
        style=me.Style(
            background=me.theme_var("surface-container"),
            color=me.theme_var("on-surface"),
            padding=me.Padding.all(12),
        ),
    ):
        me.text(f"Brightness: {me.theme_brightness()}")
        me.text(f"Viewport: {size.width}x{size.height}")
        me.button("Toggle theme", on_click=toggle_theme)
        me.button("Follow system", on_click=follow_system)
        me.button("Compact", on_click=compact)
        me.button("Scroll down", on_click=scroll_down)
        me.button("Scroll nowhere", on_click=scroll_nowhere)
        me.button("Focus name", on_click=focus_name)
        me.input(label="Name", key="name", on_input=on_name)
    me.box(style=me.Style(height=4000))
    with me.box(key="bottom", style=me.Style(height=80)):
        me.text("The bottom box")
