"""The deployment files: docker-compose.yml and the Dockerfile parse, use only settings factbot
reads, and their healthcheck command works against a real /healthz.

No Docker engine runs here, so these read the files; the healthcheck command itself is run
against the API served on loopback.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from pydantic import AliasChoices

from adapters.http.ops import HEALTH_PATH
from answers import RedisStore
from bot.config import Settings
from tests.adapters.http.conftest import serve_api

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?\-+][^}]*)?\}")
# Variables that configure the other images, not factbot.
NOT_FACTBOT = {"SEARXNG_SECRET", "SEARXNG_BASE_URL", "OLLAMA_HOST"}


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


def test_compose_has_the_services_and_profiles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"redis", "factbot", "searxng", "ollama"} <= set(services)
    assert "profiles" not in services["redis"] and "profiles" not in services["factbot"]
    assert services["searxng"]["profiles"] == ["search"]
    assert services["ollama"]["profiles"] == ["llm"]
    core = {name for name, service in services.items() if "profiles" not in service}
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        if name in core:  # the default `docker compose up` must not need a profile's service
            assert set(service.get("depends_on", {})) <= core, name


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
    assert factbot["env_file"] == ".env"
    assert factbot["depends_on"]["redis"]["condition"] == "service_healthy"
    assert factbot["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert any("FACTBOT_PORT" in port for port in factbot["ports"])
    assert HEALTH_PATH in " ".join(factbot["healthcheck"]["test"])
    grace = Settings.model_fields["shutdown_grace"].default.total_seconds()
    assert int(factbot["stop_grace_period"].removesuffix("s")) > grace


def test_compose_uses_only_variables_factbot_reads(compose: dict[str, Any]) -> None:
    names = setting_names()
    factbot = compose["services"]["factbot"]
    assert set(factbot["environment"]) <= names
    used = set(INTERPOLATION.findall(COMPOSE.read_text())) - NOT_FACTBOT
    assert used, "the file interpolates FACTBOT_PORT at least"
    assert used <= names, used - names
    for service in compose["services"].values():
        assert set(service.get("environment", {})) <= names | NOT_FACTBOT


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


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's `${VAR:-default}` (an empty VAR counts as unset) and `${VAR}`."""

    def one(match: re.Match[str]) -> str:
        current = variables.get(match.group(1), "")
        default = match.group(2) or ""
        return current if current else default

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}", one, value)


def test_the_example_env_gives_the_container_a_working_environment(
    compose: dict[str, Any],
) -> None:
    # `cp .env.example .env` then `docker compose up`: .env is both the env_file and the
    # variables Compose interpolates; `environment:` wins over the env_file.
    dot_env = read_env_file(ROOT / ".env.example")
    factbot = compose["services"]["factbot"]
    container = dict(dot_env)
    container.update(
        {name: interpolate(str(value), dot_env) for name, value in factbot["environment"].items()}
    )
    assert container["REDIS_URL"] == "redis://redis:6379/0"
    assert container["FACTBOT_HOST"] == "0.0.0.0"
    assert container["FACTBOT_CORPUS"] == "/app/docs"  # where the Dockerfile copies docs/
    assert container["SEARXNG_URL"] == "http://searxng:8080"
    published = interpolate(factbot["ports"][0], dot_env)
    assert published == f"{container['FACTBOT_PORT']}:{container['FACTBOT_PORT']}"


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_is_slim_non_root_and_runs_factbot() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("CMD", '["factbot", "run"]') in instructions
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "pip install" in runs and "--no-deps ." in runs
    env = " ".join(rest for keyword, rest in instructions if keyword == "ENV")
    assert "FACTBOT_CORPUS=/app/docs" in env  # the installed package has no docs/ beside it


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
