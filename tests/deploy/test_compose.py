"""The deployment files: docker-compose.yml and the Dockerfile parse, use only settings factbot
reads, and their healthcheck command works against a real /healthz.

No Docker engine runs here, so these read the files: the Compose file is validated against the
Compose Specification's JSON schema (compose-spec.json beside this file, from the compose-spec
project, Apache-2.0) after Compose's interpolation, with and without a .env; the Dockerfile
with hadolint; the healthcheck command itself runs against the API served on loopback.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml  # type: ignore[import-untyped]
from pydantic import AliasChoices

from adapters.http.ops import HEALTH_PATH
from answers import RedisStore
from bot.config import Settings
from tests.adapters.http.conftest import serve_api

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?\-+][^}]*)?\}")
COMPOSE_SCHEMA = Path(__file__).with_name("compose-spec.json")
ENV_EXAMPLE = ROOT / ".env.example"
COMPOSE_SECTION = "# --- Docker Compose only"


def setting_names() -> set[str]:
    names: set[str] = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        assert isinstance(alias, AliasChoices), field
        names.update(str(choice) for choice in alias.choices)
    return names


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(document, dict)
    return document


def healthcheck_command(test: list[str]) -> list[str]:
    assert test[0] == "CMD", "exec form: no shell needed in the slim image"
    return test[1:]


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def compose_only_variables() -> set[str]:
    """The names in the last section of .env.example: read by Compose, not by factbot."""
    section = ENV_EXAMPLE.read_text().split(COMPOSE_SECTION, 1)[1]
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", section, re.M))


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's `${VAR:-default}` (an empty VAR counts as unset) and `${VAR}`."""

    def one(match: re.Match[str]) -> str:
        current = variables.get(match.group(1), "")
        default = match.group(2) or ""
        return current if current else default

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}", one, value)


def interpolated(variables: dict[str, str]) -> dict[str, Any]:
    document = yaml.safe_load(interpolate(COMPOSE.read_text(), variables))
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("dot_env", ["none", "example"])
def test_compose_file_follows_the_compose_specification(dot_env: str) -> None:
    # `docker compose config` on a fresh clone (no .env) and after `cp .env.example .env`.
    variables = read_env_file(ENV_EXAMPLE) if dot_env == "example" else {}
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    jsonschema.Draft7Validator(schema).validate(interpolated(variables))  # the schema's draft


def test_compose_has_the_services_and_profiles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"redis", "factbot", "searxng", "ollama", "prometheus", "grafana"} <= set(services)
    assert "profiles" not in services["redis"] and "profiles" not in services["factbot"]
    assert services["searxng"]["profiles"] == ["search"]
    assert services["ollama"]["profiles"] == ["llm"]
    assert services["prometheus"]["profiles"] == services["grafana"]["profiles"] == ["monitoring"]
    core = {name for name, service in services.items() if "profiles" not in service}
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        if name in core:  # the default `docker compose up` must not need a profile's service
            assert set(service.get("depends_on", {})) <= core, name
    for volume in compose["volumes"]:
        assert any(
            str(mount).startswith(f"{volume}:")
            for service in services.values()
            for mount in service.get("volumes", [])
        ), f"volume {volume} is declared but no service mounts it"


def test_redis_persists_and_reports_health(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert any(volume.endswith(":/data") for volume in redis["volumes"])
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "ports" not in redis  # reachable by factbot only


def test_factbot_is_built_and_waits_for_a_healthy_redis(compose: dict[str, Any]) -> None:
    factbot = compose["services"]["factbot"]
    assert factbot["build"] == "."
    assert factbot["env_file"] == [{"path": ".env", "required": False}]  # a fresh clone runs
    assert factbot["depends_on"]["redis"]["condition"] == "service_healthy"
    assert factbot["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert HEALTH_PATH in " ".join(factbot["healthcheck"]["test"])
    grace = Settings.model_fields["shutdown_grace"].default.total_seconds()
    assert int(factbot["stop_grace_period"].removesuffix("s")) > grace


def test_factbot_listens_where_prometheus_scrapes_whatever_port_is_published(
    compose: dict[str, Any],
) -> None:
    factbot = compose["services"]["factbot"]
    inside = factbot["environment"]["FACTBOT_PORT"]
    for variables in ({}, {"FACTBOT_PORT": "8080"}):
        (published,) = interpolated(variables)["services"]["factbot"]["ports"]
        host_port = variables.get("FACTBOT_PORT", "3000")
        assert published == f"{host_port}:{inside}"
    scrape = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    targets = [
        target
        for job in scrape["scrape_configs"]
        if job["job_name"] == "factbot"
        for static in job["static_configs"]
        for target in static["targets"]
    ]
    assert targets == [f"factbot:{inside}"]


def test_compose_uses_only_variables_factbot_or_compose_reads(compose: dict[str, Any]) -> None:
    names = setting_names()
    compose_only = compose_only_variables()
    assert not names & compose_only
    factbot = compose["services"]["factbot"]
    assert set(factbot["environment"]) <= names
    used = set(INTERPOLATION.findall(COMPOSE.read_text()))
    assert "FACTBOT_PORT" in used
    assert used <= names | compose_only, used - names - compose_only
    # Every Compose-only variable .env.example offers is used (COMPOSE_PROFILES by Compose itself).
    assert compose_only - used == {"COMPOSE_PROFILES"}


def test_every_variable_the_deploy_guide_names_is_in_the_example_env() -> None:
    guide = (ROOT / "docs/deploy.md").read_text()
    named = set(re.findall(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b", guide))
    listed = set(read_env_file(ENV_EXAMPLE))
    assert named, "the guide names FACTBOT_PORT at least"
    assert named <= listed, named - listed


def test_searxng_is_wired_with_json_enabled(compose: dict[str, Any]) -> None:
    searxng = compose["services"]["searxng"]
    mounts = [volume.split(":") for volume in searxng["volumes"]]
    assert ["./deploy/searxng/settings.yml", "/etc/searxng/settings.yml", "ro"] in mounts
    settings = yaml.safe_load((ROOT / "deploy/searxng/settings.yml").read_text())
    assert settings["use_default_settings"] is True
    assert "json" in settings["search"]["formats"]
    assert settings["server"]["limiter"] is False
    searxng_url = compose["services"]["factbot"]["environment"]["SEARXNG_URL"]
    assert "http://searxng:8080" in searxng_url


def test_ollama_is_reachable_at_the_documented_llm_base_url(compose: dict[str, Any]) -> None:
    deploy_doc = (ROOT / "docs/deploy.md").read_text()
    assert "LLM_BASE_URL=http://ollama:11434/v1" in deploy_doc
    assert compose["services"]["ollama-pull"]["environment"]["OLLAMA_HOST"].endswith(":11434")


def test_the_llm_profile_pulls_its_default_model_after_cp_env_example() -> None:
    services = interpolated(read_env_file(ENV_EXAMPLE))["services"]
    assert services["ollama-pull"]["entrypoint"] == ["ollama", "pull", "llama3.2"]
    chosen = interpolated({**read_env_file(ENV_EXAMPLE), "LLM_MODEL": "qwen2.5:7b"})
    assert chosen["services"]["ollama-pull"]["entrypoint"][-1] == "qwen2.5:7b"


def test_the_example_env_gives_the_container_a_working_environment(
    compose: dict[str, Any],
) -> None:
    # `cp .env.example .env` then `docker compose up`: .env is both the env_file and the
    # variables Compose interpolates; `environment:` wins over the env_file.
    dot_env = read_env_file(ENV_EXAMPLE)
    factbot = compose["services"]["factbot"]
    container = dict(dot_env)
    container.update(
        {name: interpolate(str(value), dot_env) for name, value in factbot["environment"].items()}
    )
    assert container["REDIS_URL"] == "redis://redis:6379/0"
    assert container["FACTBOT_HOST"] == "0.0.0.0"
    assert container["FACTBOT_CORPUS"] == ""  # empty: the docs shipped inside the package
    assert container["LLM_MODEL"] == ""  # empty: factbot's own default
    assert container["SEARXNG_URL"] == "http://searxng:8080"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{name: value for name, value in container.items() if name in setting_names() and value},
    )
    assert settings.corpus.is_dir() and settings.port == 3000


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def test_dockerfile_is_slim_non_root_and_runs_factbot() -> None:
    stage = final_stage()
    assert stage[0] == ("FROM", "python:3.11-slim")
    users = [rest for keyword, rest in stage if keyword == "USER"]
    assert users and re.fullmatch(r"[1-9][0-9]*(:[1-9][0-9]*)?", users[-1])  # numeric, not 0
    assert ("CMD", '["factbot", "run"]') in stage
    runs = " ".join(rest for keyword, rest in stage if keyword == "RUN")
    assert "pip install --no-deps /wheels/" in runs  # the wheel, with the docs inside
    assert not any(keyword == "COPY" and rest.startswith(". ") for keyword, rest in stage)


@pytest.mark.slow
def test_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")
    result = subprocess.run(
        [str(hadolint), "--no-color", "--format", "json", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(result.stdout or "[]") == [], result.stdout
    assert result.returncode == 0, result.stderr


def test_dockerignore_keeps_secrets_and_the_venv_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git"} <= set(ignored)
    assert "docs" not in ignored  # the default corpus


def dockerfile_healthcheck() -> list[str]:
    for keyword, rest in dockerfile_instructions():
        if keyword == "HEALTHCHECK":
            command: list[str] = json.loads(rest[rest.index("CMD") + len("CMD") :])
            return command
    raise AssertionError("no HEALTHCHECK")


async def run_healthcheck(command: list[str], port: int) -> int:
    assert command[0] == "python"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *command[1:],
        env={**os.environ, "FACTBOT_PORT": str(port)},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await process.wait()


@pytest.mark.slow
async def test_the_healthchecks_pass_on_200_and_fail_on_503(
    redis_store: RedisStore, compose: dict[str, Any]
) -> None:
    commands = [
        dockerfile_healthcheck(),
        healthcheck_command(compose["services"]["factbot"]["healthcheck"]["test"]),
    ]
    assert commands[0] == commands[1]
    async with serve_api(redis_store) as rig:
        port = rig.client.server.port
        assert port is not None
        assert await run_healthcheck(commands[0], port) == 0
        await rig.adapter.drain()
        assert await run_healthcheck(commands[0], port) != 0
