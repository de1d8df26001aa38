"""An app whose ``me.html`` markup is hostile: it names the page's own classes (the side
nav's fixed, high z-index ones, the tooltip's and the autocomplete list's absolute ones),
tries ``style``, ``<style>``, ``<dialog open>`` and ``popover``, and grows huge through
tags alone (giant images inside a link, 1000-column tables, long headings, right-to-left
overflow). Around it sit the app's own controls; tests/adversarial/test_html_overlay.py
checks that every control stays on top of its own pixels in each mode.

``/sanitized`` and ``/sandboxed`` render the markup in that mode; "Switch mode" flips
every ``me.html`` on the page to the other mode, so the same elements change mode too.
"""

import mesop_cli as me

#: Every fixed or absolutely positioned, z-indexed class of web/static/mesop.css.
PAGE_CLASSES = ("mesop-sidenav mesop-sidenav-start mesop-tooltip-message "
                "mesop-autocomplete-list mesop-badge mesop-progress-fill")
#: What hijacked the page before the fix: a link dressed as the side nav, over a giant image.
LINK_OVER_PAGE = (
    f'<a href="https://example.com/hijacked" class="{PAGE_CLASSES}">'
    f'<img src="/missing.png" width="3000" height="3000" alt="" class="{PAGE_CLASSES}"></a>'
)
HOSTILE = [
    LINK_OVER_PAGE,
    '<div style="position:fixed;inset:0;z-index:2147483647;background:red">styled</div>'
    '<style>* { position: fixed !important; inset: 0 !important; }</style>',
    '<dialog open>dialog</dialog><div popover="manual">popover</div>'
    '<svg><foreignObject width="3000" height="3000"><a href="https://example.com/">svg</a>'
    "</foreignObject></svg>",
    f'<details open class="{PAGE_CLASSES}"><summary class="{PAGE_CLASSES}">more</summary>'
    f'<a href="https://example.com/details"><img src="/missing.png" width="2500" height="900" '
    'alt=""></a></details>',
    '<table class="mesop-sidenav"><tr><td colspan="1000" class="mesop-sidenav">'
    + "wide " * 400 + "</td></tr></table>",
    "<h1>" + "W" * 600 + "</h1>",
]
#: Inside a narrow box beside a button: content overflowing to the left onto the button.
RIGHT_TO_LEFT = (
    '<div dir="rtl"><a href="https://example.com/rtl"><img src="/missing.png" width="4000" '
    'height="200" alt=""></a></div><bdo dir="rtl">' + "W" * 400 + "</bdo>"
)


@me.stateclass
class State:
    clicks: int
    switched: bool
    name: str
    agreed: bool
    fruit: str


def add(e: me.ClickEvent):
    me.state(State).clicks += 1


def switch(e: me.ClickEvent):
    state = me.state(State)
    state.switched = not state.switched


def typed(e: me.InputBlurEvent):
    me.state(State).name = e.value


def agree(e: me.CheckboxChangeEvent):
    me.state(State).agreed = e.checked


def pick(e: me.SelectSelectionChangeEvent):
    me.state(State).fruit = e.value


def body(mode: str) -> None:
    state = me.state(State)
    if state.switched:
        mode = "sandboxed" if mode == "sanitized" else "sanitized"
    me.text(f"Mode: {mode}")
    me.text(f"Clicks: {state.clicks}")
    me.button("Add", on_click=add, type="flat")
    me.button("Switch mode", on_click=switch)
    me.input(label="Name", on_blur=typed)
    me.checkbox("Agree", on_change=agree)
    me.select(label="Fruit", options=[me.SelectOption(label="Pear", value="pear")],
              on_selection_change=pick)
    me.link(text="Docs", url="https://example.com/docs")
    for number, markup in enumerate(HOSTILE):
        me.html(markup, mode=mode, key=f"hostile-{number}")
        me.button("Add", on_click=add, key=f"add-after-{number}")
    with me.box(style=me.Style(display="flex", flex_direction="row", gap=8)):
        me.button("Add", on_click=add, key="add-in-row")
        me.html(RIGHT_TO_LEFT, mode=mode, style=me.Style(width=120, height=80))
    me.text("End of page")


@me.page(path="/sanitized", title="Overlay")
def sanitized():
    body("sanitized")


@me.page(path="/sandboxed", title="Overlay")
def sandboxed():
    body("sandboxed")
