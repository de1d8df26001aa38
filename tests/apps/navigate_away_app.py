"""me.navigate beyond the app's own pages, as Mesop's navigate_new_tab example uses it:
another site (from OTHER_SITE, a local server in the tests), and open_in_new_tab for a
page of the app and for another site."""

import os

import mesop_cli as me

OTHER_SITE = os.environ.get("OTHER_SITE", "https://example.com")


@me.page(path="/about")
def about():
    me.text(f"About, query={dict(me.query_params)}")


@me.page(path="/")
def home():
    me.text(f"Home, query={dict(me.query_params)}")
    me.button("About in a new tab", on_click=about_new_tab)
    me.button("Other site in a new tab", on_click=other_new_tab)
    me.button("Leave for the other site", on_click=leave)


def about_new_tab(e: me.ClickEvent):
    me.navigate("/about", query_params={"from": "home", "tag": ["a", "b"]},
                open_in_new_tab=True)


def other_new_tab(e: me.ClickEvent):
    me.navigate(OTHER_SITE + "/hello", open_in_new_tab=True)


def leave(e: me.ClickEvent):
    me.navigate(OTHER_SITE + "/hello?q=1#part")
