"""The monitoring profile: Prometheus scrapes factbot, Grafana shows the provisioned dashboard.

The dashboard's queries are checked against what factbot's /metrics really serves (names and
labels, read from a live scrape of the HTTP API on loopback), and with Prometheus' own parser
(`promtool`, from Debian's `prometheus` package; CI installs it, elsewhere the test is skipped
when it is missing). No Docker engine runs here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from prometheus_client.parser import text_string_to_metric_families

from answers import RedisStore
from tests.adapters.http.conftest import FAILING_WORD, serve_api

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DASHBOARD = DEPLOY / "grafana/dashboards/factbot.json"
PROMETHEUS_CONFIG = DEPLOY / "prometheus/prometheus.yml"
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h"}
METRIC = re.compile(r"\b(factbot_[a-z_]+)\b")
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
MATCHER = re.compile(r"([a-z_]+)\s*(?:=~|!~|!=|=)\s*\"")


def dashboard() -> dict[str, Any]:
    document = json.loads(DASHBOARD.read_text())
    assert isinstance(document, dict)
    return document


def panels() -> list[dict[str, Any]]:
    return list(dashboard()["panels"])


def expressions() -> Iterator[tuple[str, str]]:
    for panel in panels():
        for target in panel["targets"]:
            yield panel["title"], target["expr"]


def compose() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs promtool (.ci/run): it is missing")
        pytest.skip("promtool is not installed (apt-get install prometheus)")
    return found


async def served_metrics(redis_store: RedisStore) -> dict[str, set[str]]:
    """Each sample name /metrics serves, with the labels it carries, after real traffic."""
    async with serve_api(redis_store) as rig:
        for question in ("What is a cache?", "what is a cache", f"Does it {FAILING_WORD}?", " "):
            await rig.client.post("/v1/answers", json={"question": question})
        response = await rig.client.get("/metrics")
        text = await response.text()
    served: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            served.setdefault(sample.name, set()).update(sample.labels)
    return served


def test_the_dashboard_answers_what_an_operator_asks() -> None:
    wanted = {
        "questions by platform": ("factbot_questions_total", "platform"),
        "cache hit ratio": ("factbot_answers_total", "cache"),
        "research time percentiles": ("factbot_research_seconds_bucket", "le"),
        "errors by stage": ("factbot_errors_total", "stage"),
        "answers in flight": ("factbot_answers_in_flight", ""),
    }
    titles = {panel["title"].lower(): panel for panel in panels()}
    for topic, (metric, label) in wanted.items():
        matching = [panel for title, panel in titles.items() if title.startswith(topic)]
        assert matching, f"no panel for {topic}"
        exprs = " ".join(t["expr"] for panel in matching for t in panel["targets"])
        assert metric in exprs and label in exprs, topic
    quantiles = [
        e for title, e in expressions() if title.lower().startswith("research time percentiles")
    ]
    assert {"histogram_quantile(0.5,", "histogram_quantile(0.9,", "histogram_quantile(0.99,"} <= {
        e[: e.index(",") + 1] for e in quantiles
    }


def test_the_dashboard_is_well_formed() -> None:
    board = dashboard()
    assert board["uid"] and board["title"] and isinstance(board["schemaVersion"], int)
    ids = [panel["id"] for panel in panels()]
    assert len(ids) == len(set(ids))
    cells: set[tuple[int, int]] = set()
    for panel in panels():
        grid = panel["gridPos"]
        assert 0 <= grid["x"] and grid["x"] + grid["w"] <= 24, panel["title"]
        area = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not area & cells, f"{panel['title']} overlaps another panel"
        cells |= area
        assert panel["targets"], panel["title"]
        assert len({t["refId"] for t in panel["targets"]}) == len(panel["targets"])


def test_grafana_is_provisioned_with_the_dashboard_and_prometheus() -> None:
    provisioning = DEPLOY / "grafana/provisioning"
    (source,) = yaml.safe_load((provisioning / "datasources/prometheus.yml").read_text())[
        "datasources"
    ]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    uids = {target["datasource"]["uid"] for panel in panels() for target in panel["targets"]} | {
        panel["datasource"]["uid"] for panel in panels()
    }
    assert uids == {source["uid"]}
    (provider,) = yaml.safe_load((provisioning / "dashboards/factbot.yml").read_text())["providers"]
    grafana = compose()["services"]["grafana"]
    mounts = dict(volume.rsplit(":", 2)[:2] for volume in grafana["volumes"])
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    assert mounts["./deploy/grafana/dashboards"] == provider["options"]["path"]
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{provider['options']['path']}/{DASHBOARD.name}"
    prometheus = compose()["services"]["prometheus"]
    assert (
        "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"
        in prometheus["volumes"]
    )
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]


async def test_every_query_uses_metrics_and_labels_factbot_serves(
    redis_store: RedisStore,
) -> None:
    served = await served_metrics(redis_store)
    for title, expr in expressions():
        metrics = set(METRIC.findall(expr))
        assert metrics, f"{title}: {expr}"
        unknown = metrics - set(served)
        assert not unknown, f"{title}: {sorted(unknown)} are not served (serves {sorted(served)})"
        labels = set(MATCHER.findall(expr))
        for group in GROUPING.findall(expr):
            labels |= {name.strip() for name in group.split(",") if name.strip()}
        carried = set().union(*(served[m] for m in metrics))
        assert labels <= carried, f"{title}: labels {sorted(labels - carried)} do not exist"


@pytest.mark.slow
def test_promtool_accepts_the_scrape_config(promtool: str) -> None:
    result = subprocess.run(
        [promtool, "check", "config", str(PROMETHEUS_CONFIG)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_promtool_parses_every_dashboard_query(promtool: str, tmp_path: Path) -> None:
    rules = []
    for n, (_, expr) in enumerate(expressions()):
        for variable, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(variable, value)
        rules.append({"record": f"factbot:dashboard_query_{n}", "expr": expr})
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = subprocess.run(
        [promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout
