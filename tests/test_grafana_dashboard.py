"""deploy/grafana-dashboard.json asks only for what the server exports: every metric named
in its PromQL (panels and variables) is in a running server's /__mesop__/metrics after
some traffic, and none is a deprecated name."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from mesop_cli.telemetry.meters import DEPRECATED_ALIASES
from tests.support.server import running_server
from tests.support.tab import ServerError, Tab

DASHBOARD = Path(__file__).resolve().parents[1] / "deploy" / "grafana-dashboard.json"
FAILING_APP = Path(__file__).parent / "apps" / "failing_handler_app.py"

#: PromQL words that are neither functions (followed by "(") nor metric names.
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
             "or", "unless", "offset", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    """The metric names of a PromQL expression (or of ``label_values(selector, label)``)."""
    label_values = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", expr)
    if label_values:
        expr = label_values[1]
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)  # strings (legend text, label values)
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "",
                  expr)  # label lists
    expr = re.sub(r"\$\{?\w+\}?", "", expr)  # Grafana variables
    names = set()
    for found in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        if expr[found.end():].lstrip().startswith("(") or found[0].lower() in _KEYWORDS:
            continue  # a function, or an operator word
        names.add(found[0])
    return names


def expressions(node: Any) -> Iterator[str]:
    """Every PromQL text of the dashboard: panel targets' ``expr``, variables' queries."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                yield value
            elif key == "query" and isinstance(value, str) and "label_values" in value:
                yield value
            else:
                yield from expressions(value)
    elif isinstance(node, list):
        for item in node:
            yield from expressions(item)


def test_the_extraction_finds_names_and_skips_the_rest() -> None:
    assert metric_names(
        'histogram_quantile(0.95, sum by (le, handler) (rate(mesop_x_bucket{a=~"$b"}'
        '[$__rate_interval]))) / on (job) group_left up') == {"mesop_x_bucket", "up"}
    assert metric_names("label_values(mesop_events_total, backend)") == {"mesop_events_total"}
    assert metric_names('count by (version) (mesop_build_info{v="mesop_no"})') == \
        {"mesop_build_info"}


def test_the_dashboard_is_grafanas_json_with_a_query_per_panel() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    panels = dashboard["panels"]
    assert dashboard["title"] and dashboard["uid"] and panels
    assert len({p["id"] for p in panels}) == len(panels)
    for panel in panels:
        assert panel["title"] and panel["targets"], panel.get("title")
        assert panel["datasource"]["uid"] == "${datasource}"
        for target in panel["targets"]:
            assert metric_names(target["expr"]), target["expr"]


@pytest.mark.integration
def test_every_metric_the_dashboard_names_is_exported() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    wanted = set().union(*(metric_names(e) for e in expressions(dashboard)))
    # What the dashboard is for: the slow handler, status classes, in flight, versions.
    assert {"mesop_event_duration_seconds_bucket", "mesop_http_responses_total",
            "mesop_http_requests_in_flight", "mesop_build_info"} <= wanted
    assert not wanted & set(DEPRECATED_ALIASES.values()), "use the current names"
    text = str(json.dumps(dashboard))
    assert "by (le, handler)" in text and "status_class" in text
    env = {"MESOP_STATE_SESSION_BACKEND": "memory",
           "MESOP_SECRET_KEY": secrets.token_urlsafe(32)}
    with running_server([], env=env, app=FAILING_APP) as server:
        tab = Tab(server.url, server_side=True)
        tab.open("/")
        tab.click("Add")
        with pytest.raises(ServerError):
            tab.click("Fail")
        scraped = requests.get(server.url + "/__mesop__/metrics", timeout=10).text
    exported = {sample.name for family in text_string_to_metric_families(scraped)
                for sample in family.samples}
    assert wanted <= exported, f"not exported: {sorted(wanted - exported)}"
