"""Attack: markup shown by ``me.html`` dresses itself in the page's own classes, or grows
through tags alone, to lie over the app's controls, so a click meant for the app's button
lands on the markup's link instead.

Before the fix, ``me.html`` kept ``class`` on sanitized markup and inserted it into the
page itself: ``<a class="mesop-sidenav" href="https://...">`` around a giant image took the
side nav's ``position: fixed; z-index: 30`` and covered 90% of the viewport, and a click on
the app's button navigated to the other site. Now sanitized markup loses ``class`` and is
rendered inside a shadow root of its host (the page's stylesheets do not reach it), and
the host is a paint-contained box, so nothing drawn inside it shows or is hit outside it;
sandboxed markup stays in its frame.

Driven in Chromium against the real server (tests/apps/html_overlay_app.py): for each mode,
and after every ``me.html`` on the page switched mode in place, ``elementFromPoint`` at the
centre of each control returns that control, and a real mouse click at the centre of each
"Add" button runs the app's handler and navigates nowhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import RunningServer, memory_server_fixture

pytestmark = pytest.mark.browser

APP = Path(__file__).parents[1] / "apps" / "html_overlay_app.py"

server = memory_server_fixture(APP)

#: Scrolls ``el`` to the middle of the viewport and returns the centre of its box and what
#: the page hit-tests there (null when it is ``el`` or inside it).
HIT_AT_CENTRE = """el => {
  el.scrollIntoView({block: "center", inline: "center"});
  const box = el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  const covered = hit === el || el.contains(hit) ? null
    : (hit ? hit.outerHTML.slice(0, 160) : "nothing");
  return {x: x, y: y, covered: covered};
}"""


@pytest.fixture()
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    opened: list[str] = []
    context.on("page", lambda other: opened.append(other.url))
    yield page
    context.close()
    assert opened == [], f"the markup opened other pages: {opened}"


def controls(page: Any) -> list[tuple[str, Any]]:
    """Every control of the app, named for the failure message."""
    found = [(f"Add button #{n}", button)
             for n, button in enumerate(page.get_by_role("button", name="Add", exact=True).all())]
    assert len(found) == 8, "the app draws an Add button before, after and beside the markup"
    return found + [
        ("Switch mode button", page.get_by_role("button", name="Switch mode")),
        ("Name input", page.get_by_label("Name")),
        ("Agree checkbox", page.get_by_role("checkbox", name="Agree")),
        ("Fruit select", page.get_by_role("combobox", name="Fruit")),
        ("Docs link", page.get_by_role("link", name="Docs")),
    ]


def covered_controls(page: Any) -> list[str]:
    """The controls whose centre the page hit-tests to something else."""
    return [f"{name} is under {hit['covered']}" for name, control in controls(page)
            if (hit := control.evaluate(HIT_AT_CENTRE))["covered"] is not None]


def click_every_add_button(page: Any, url: str) -> None:
    from playwright.sync_api import expect

    buttons = page.get_by_role("button", name="Add", exact=True)
    for number in range(buttons.count()):
        # The mouse, not Locator.click: a real click at the point, whatever lies on top.
        hit = buttons.nth(number).evaluate(HIT_AT_CENTRE)
        page.mouse.click(hit["x"], hit["y"])
        expect(page.get_by_text(f"Clicks: {number + 1}", exact=True)).to_be_visible()
        assert page.url == url, f"Add button #{number} navigated to {page.url}"


@pytest.mark.parametrize("mode", ["sanitized", "sandboxed"])
def test_hostile_markup_covers_no_control(page: Any, server: RunningServer, mode: str) -> None:
    from playwright.sync_api import expect

    other = "sandboxed" if mode == "sanitized" else "sanitized"
    url = f"{server.url}/{mode}"
    page.goto(url)
    expect(page.get_by_text(f"Mode: {mode}")).to_be_visible()
    expect(page.get_by_text("End of page")).to_be_visible()
    assert covered_controls(page) == []
    click_every_add_button(page, url)

    # The same elements now show the markup in the other mode.
    hit = page.get_by_role("button", name="Switch mode").evaluate(HIT_AT_CENTRE)
    page.mouse.click(hit["x"], hit["y"])
    expect(page.get_by_text(f"Mode: {other}")).to_be_visible()
    assert covered_controls(page) == []
    assert page.url == url


def test_sanitized_markup_is_shadowed_and_classless(page: Any, server: RunningServer) -> None:
    """The markup is in the host's shadow root, carries no class, and the host clips."""
    from playwright.sync_api import expect

    page.goto(f"{server.url}/sanitized")
    expect(page.get_by_text("End of page")).to_be_visible()
    hosts = page.evaluate("""() => [...document.querySelectorAll('.mesop-html')].map(h => ({
        shadow: !!h.shadowRoot,
        lightChildren: h.children.length,
        classes: h.shadowRoot ? h.shadowRoot.querySelectorAll('[class]').length : -1,
        links: h.shadowRoot ? h.shadowRoot.querySelectorAll('a[href]').length : -1,
        contain: getComputedStyle(h).contain,
    }))""")
    assert len(hosts) == 7
    for host in hosts:
        assert host["shadow"] and host["lightChildren"] == 0 and host["classes"] == 0, host
        assert "paint" in host["contain"], host
    # The markup itself survived: links and their images are still there, inside.
    assert sum(host["links"] for host in hosts) == 3
