"""A Mesop app using the components added for Mesop compatibility, written as a Mesop user
writes one (only the import line differs); driven by tests/test_browser_components.py."""

from matplotlib.figure import Figure

import mesop_cli as me

# A 2x2 red PNG: an inline image needs no network.
RED_DOT = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4"
           "nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==")
CITIES = [{"city": "Paris", "country": "France"}, {"city": "Lima", "country": "Peru"}]


@me.stateclass
class State:
    clicks: int
    dark: bool
    size: str = "small"
    progress: float
    animations_ended: int
    draft: str
    sent: list[str]
    cell: str


def add(e: me.ClickEvent):
    me.state(State).clicks += 1


def toggle(e: me.SlideToggleChangeEvent):
    state = me.state(State)
    state.dark = not state.dark


def pick_size(e: me.RadioChangeEvent):
    me.state(State).size = e.value


def advance(e: me.ClickEvent):
    state = me.state(State)
    state.progress = min(100, state.progress + 25)


def animation_ended(e: me.ProgressBarAnimationEndEvent):
    me.state(State).animations_ended += 1


def keep_draft(e: me.InputBlurEvent):
    me.state(State).draft = e.value


def send(e: me.TextareaShortcutEvent):
    me.state(State).sent.append(e.value)


def pick_cell(e: me.TableClickEvent):
    me.state(State).cell = f"{CITIES[e.row_index]['city']} / column {e.col_index}"


@me.content_component
def card(title: str):
    with me.box(style=me.Style(border=me.Border.all(me.BorderSide(width=1, style="solid")),
                               padding=me.Padding.all(8))):
        me.text(title, type="headline-6")
        me.slot()


@me.component
def counter_row():
    with me.box(style=me.Style(display="flex", align_items="center", gap=8)):
        with me.content_button(type="icon", on_click=add):
            me.icon("add")
        with me.tooltip(message="Adds one to the count", position="right"):
            with me.content_button(type="stroked", on_click=add):
                me.text("Plus one")
        me.text(f"Clicks: {me.state(State).clicks}")


@me.page(path="/", title="Components")
def home():
    state = me.state(State)
    counter_row()
    me.slide_toggle(label="Dark mode", checked=state.dark, on_change=toggle)
    me.text(f"Dark: {state.dark}")
    me.radio(options=[me.RadioOption(label="Small", value="small"),
                      me.RadioOption(label="Large", value="large")],
             value=state.size, on_change=pick_size)
    me.text(f"Size: {state.size}")
    me.progress_bar(mode="determinate", value=state.progress,
                    on_animation_end=animation_ended)
    me.button("Advance", on_click=advance)
    me.text(f"Animations ended: {state.animations_ended}")
    me.image(src=RED_DOT, alt="A red dot", style=me.Style(width=20, height=20))
    me.html('<p>Sanitized <b>bold</b></p>'
            '<img src="/missing.png" alt="x" onerror="document.title=\'pwned\'">')
    me.html("<p>Inside the sandbox</p><script>parent.document.title = 'escaped'</script>",
            mode="sandboxed", style=me.Style(height=60))
    me.native_textarea(placeholder="Message", value=state.draft, on_blur=keep_draft,
                       autosize=True, max_rows=4,
                       shortcuts={me.Shortcut(key="Enter"): send})
    for message in state.sent:
        me.text(f"Sent: {message}")
    me.table(CITIES, on_click=pick_cell, header=me.TableHeader(sticky=True))
    me.text(f"Cell: {state.cell}")
    figure = Figure(figsize=(2, 1), dpi=50)
    figure.subplots().plot([0, 1, 2], [2, 0, 1])
    me.plot(figure)
    with card("Card title"):
        me.text("Card body")
