"""Async handlers served by the real ``mesop`` command, on the dev server and ``--prod``
(gunicorn threads): Mesop's own async examples, copied unchanged but for the import line,
stream their renders, and an error inside an async generator is reported like a sync one.

Before, the coroutine was never awaited and the event was logged as ok.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.support.server import ROOT, RunningServer, running_server
from tests.support.tab import ServerError, Tab

pytestmark = pytest.mark.integration

EXAMPLES = ROOT / "tests" / "apps" / "mesop_examples"
MODES = {"dev": ([], {"MESOP_STATE_SESSION_BACKEND": "memory"}),
         "prod": (["--prod", "--workers", "1", "--threads", "4"],
                  {"MESOP_STATE_SESSION_BACKEND": "memory"})}


@contextmanager
def _served(app: str, mode: str) -> Iterator[RunningServer]:
    args, env = MODES[mode]
    with running_server(args, env=env, app=EXAMPLES / app) as server:
        yield server


@pytest.fixture(params=list(MODES))
def onload_server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    with _served("async_onload.py", request.param) as server:
        yield server


def _renders(messages: list[dict[str, object]]) -> list[dict[str, object]]:
    return [m for m in messages if m["type"] == "render"]


def test_an_async_generator_on_load_streams_its_renders(onload_server: RunningServer) -> None:
    tab = Tab(onload_server.url, server_side=True)
    renders = _renders(tab.open("/async_gen"))
    # One line per yield, then the final render: the first shows the state of the first
    # yield, the last the state after the awaited sleep.
    assert len(renders) == 3
    assert tab.texts() == ["Async Generator: Loaded from async generator!"]
    first = Tab(onload_server.url, server_side=True)
    first._apply(renders[0])  # what the browser showed first
    assert first.texts() == ["Async Generator: Loading..."]
    tab.open("/async_coro")
    assert tab.texts() == ["Async Coroutine: Loaded from coroutine!"]
    assert "never awaited" not in onload_server.output()


@pytest.mark.parametrize("mode", list(MODES))
def test_mesops_async_await_example_gathers_two_tasks(mode: str) -> None:
    with _served("async_await.py", mode) as server:
        tab = Tab(server.url, server_side=True)
        tab.open("/async_await")
        assert tab.texts() == ["val1=", "val2="]
        renders = _renders(tab.click("async with yield"))
        assert tab.texts() == ["val1=<async_value>", "val2=<async_value>"]
        assert len(renders) == 2  # its one yield, and the final render
        tab.open("/async_await")
        assert tab.texts() == ["val1=<async_value>", "val2=<async_value>"]
        output = server.output()
        assert "never awaited" not in output
        assert "by _mesop_app_async_await:click_async_with_yield: ok" in output


@pytest.mark.parametrize("mode", list(MODES))
def test_an_error_in_an_async_generator_is_reported_as_a_sync_ones_is(mode: str) -> None:
    app = EXAMPLES / "event_handler_error.py"
    line = app.read_text().splitlines().index(
        '  raise Exception("Error in on_click_async_generator.")') + 1
    with _served("event_handler_error.py", mode) as server:
        tab = Tab(server.url, server_side=True)
        tab.open("/event_handler_error")
        errors = {}
        for label in ("Generator event handler", "Async generator event handler"):
            with pytest.raises(ServerError) as caught:
                tab.click(label)
            errors[label] = caught.value.message
        output = server.output()
        if mode == "dev":
            assert errors["Async generator event handler"] == (
                f"Exception: Error in on_click_async_generator. ({app}:{line}, in "
                "on_click_async_generator)")
        else:
            # --prod answers in general words with a reference, as for the sync handler.
            assert errors["Async generator event handler"].startswith("Something went wrong")
            assert f"{app}:{line}" in output
        assert "on_click_async_generator: error" in output
        assert "on_click_generator: error" in output
