"""A Mesop-style app using the URL's query: a search box kept in ``?q=``, tags as a list
(``?tag=a&tag=b``), an on_load that counts visits in the URL, and a link to a results page
through me.navigate(query_params=...). Driven by tests/test_browser_query_params.py."""

import mesop_cli as me


@me.stateclass
class State:
    loads: int = 0


def on_load(e: me.LoadEvent):
    me.state(State).loads += 1
    if "visited" not in me.query_params:
        me.query_params["visited"] = "yes"


def search_for_world(e: me.ClickEvent):
    me.query_params["q"] = "world"


def add_tag(e: me.ClickEvent):
    tags = me.query_params.get_all("tag")
    me.query_params["tag"] = [*tags, f"t{len(tags) + 1}"]


def clear_query(e: me.ClickEvent):
    for key in list(me.query_params):
        del me.query_params[key]


def show_results(e: me.ClickEvent):
    me.navigate("/results", query_params={"q": me.query_params.get("q", ""), "page": "2"})


@me.page(path="/", title="Search", on_load=on_load)
def home():
    me.text(f"q = {me.query_params.get('q', '(none)')}")
    me.text(f"tags = {', '.join(me.query_params.get_all('tag')) or '(none)'}")
    me.text(f"visited = {me.query_params.get('visited', 'no')}")
    me.text(f"loads = {me.state(State).loads}")
    me.button("Search for world", on_click=search_for_world)
    me.button("Add tag", on_click=add_tag)
    me.button("Clear", on_click=clear_query)
    me.button("Show results", on_click=show_results)


def back_home(e: me.ClickEvent):
    me.navigate("/", query_params=me.query_params)


@me.page(path="/results", title="Results")
def results():
    me.text(f"results for {me.query_params.get('q', '')}, page {me.query_params.get('page')}")
    me.button("Back", on_click=back_home)
