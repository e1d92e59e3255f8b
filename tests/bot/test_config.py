"""Settings: every variable documented in .env.example, bad values named."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import AliasChoices, SecretStr

from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def setting_names() -> set[str]:
    names = set()
    for info in Settings.model_fields.values():
        alias = info.validation_alias
        assert isinstance(alias, AliasChoices)
        names.add(str(alias.choices[0]))
    return names


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    # The file ends with a section of Compose-only variables (tests/deploy checks those).
    text = (ROOT / ".env.example").read_text()
    factbot_part = text.split("# --- Docker Compose only", 1)[0]
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", factbot_part, re.M))
    assert listed == setting_names()


def test_defaults_run_offline_without_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "tests")  # no .env here
    settings = load_settings()
    assert settings.redis_url is None
    assert settings.backend == "corpus"
    assert settings.corpus == ROOT / "bot" / "docs"  # the documentation shipped in the package
    assert settings.corpus.resolve() == ROOT / "docs"
    assert settings.freshness == timedelta(hours=24)
    assert settings.retention == timedelta(days=30)


def test_durations_and_empty_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTBOT_FRESHNESS", "15m")
    monkeypatch.setenv("FACTBOT_RETENTION", "90")
    monkeypatch.setenv("FACTBOT_CORPUS", "")
    settings = load_settings()
    assert settings.freshness == timedelta(minutes=15)
    assert settings.retention == timedelta(seconds=90)
    assert settings.corpus == ROOT / "bot" / "docs"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FACTBOT_FRESHNESS", "soon"),
        ("FACTBOT_RETENTION", "-5"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("FACTBOT_BACKEND", "magic"),
        ("FACTBOT_CORPUS", "/nonexistent/folder"),
        ("FACTBOT_PORT", "99999"),
        ("FACTBOT_LOG_LEVEL", "loud"),
    ],
)
def test_a_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=f"^{name}: "):
        load_settings()


@pytest.mark.parametrize(
    ("provider", "missing"), [("searxng", "SEARXNG_URL"), ("brave", "BRAVE_API_KEY")]
)
def test_the_research_backend_needs_its_search_provider_set(
    monkeypatch: pytest.MonkeyPatch, provider: str, missing: str
) -> None:
    for name in ("SEARXNG_URL", "BRAVE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FACTBOT_BACKEND", "research")
    monkeypatch.setenv("SEARCH_PROVIDER", provider)
    with pytest.raises(ConfigError, match=f"^{missing} is not set"):
        load_settings(_env_file=None)


@pytest.mark.parametrize("value", ["debug", "Debug", " DEBUG "])
def test_the_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("FACTBOT_LOG_LEVEL", value)
    assert load_settings().log_level == "DEBUG"


DISCORD_TOKEN = "MTA" + "a" * 21 + ".Gh1xYz." + "b" * 27


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN: malformed"),
        ({"SLACK_APP_TOKEN": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN: malformed"),
        ({"DISCORD_TOKEN": "abc"}, "DISCORD_TOKEN: malformed"),
        ({"DISCORD_SHARD_IDS": "two", "DISCORD_SHARD_COUNT": "4"}, "DISCORD_SHARD_IDS: malformed"),
        ({"DISCORD_SHARD_IDS": "0-3"}, "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT"),
        (
            {"DISCORD_SHARD_IDS": "2-4", "DISCORD_SHARD_COUNT": "4"},
            "DISCORD_SHARD_IDS names shard 4, outside DISCORD_SHARD_COUNT=4",
        ),
    ],
)
def test_tokens_and_shards_are_checked_when_read(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], says: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=f"^{says}"):
        load_settings(_env_file=None)


def test_shard_ranges_are_read_inclusively(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_SHARD_IDS", " 0-3,8 ")
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "9")
    assert load_settings(_env_file=None).discord_shards == [0, 1, 2, 3, 8]
    monkeypatch.delenv("DISCORD_SHARD_IDS")
    assert load_settings(_env_file=None).discord_shards is None


def test_the_adapters_to_run_are_those_named_else_those_set_up() -> None:
    bare = Settings(_env_file=None)  # type: ignore[call-arg]
    assert bare.adapters_to_run([]) == ["api"]
    assert bare.adapters_to_run(["api", "api"]) == ["api"]
    slack = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=SecretStr("xoxb-1-2"),
        slack_app_token=SecretStr("xapp-1-2"),
        discord_token=SecretStr(DISCORD_TOKEN),
    )
    assert slack.adapters_to_run([]) == ["slack", "discord", "api"]
    assert slack.adapters_to_run(["discord"]) == ["discord"]


@pytest.mark.parametrize(
    ("values", "names", "says"),
    [
        ({}, ["slack"], "SLACK_BOT_TOKEN is not set"),
        ({"slack_bot_token": "xoxb-1-2"}, ["slack"], "SLACK_SIGNING_SECRET is not set"),
        ({"slack_bot_token": "xoxb-1-2"}, [], "SLACK_SIGNING_SECRET is not set"),
        ({}, ["discord"], "DISCORD_TOKEN is not set"),
    ],
)
def test_a_chosen_adapter_without_its_settings_is_named(
    values: dict[str, str], names: list[str], says: str
) -> None:
    secrets = {name: SecretStr(value) for name, value in values.items()}
    settings = Settings(_env_file=None, **secrets)  # type: ignore[call-arg, arg-type]
    with pytest.raises(ConfigError, match=f"^{says}"):
        settings.adapters_to_run(names)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        (
            "SLACK_BOT_TOKEN",
            "xapp-1-A1-2-abc",
            "this is an app-level token (xapp-…); this setting takes a bot token (xoxb-…)",
        ),
        ("SLACK_BOT_TOKEN", "xoxp-1-2-3", "this is a user token (xoxp-…)"),
        ("SLACK_BOT_TOKEN", "not-a-token", "a bot token starts with xoxb-"),
        (
            "SLACK_APP_TOKEN",
            "xoxb-1-2-3",
            "this is a bot token (xoxb-…); this setting takes an app-level token (xapp-…)",
        ),
        ("DISCORD_TOKEN", "a.b.c", "its first part has 1 character, a bot token's has 20 or more"),
        ("DISCORD_TOKEN", "a" * 24 + ".bcd.e", "its second part has 3 characters"),
        ("DISCORD_TOKEN", "abc", "three parts separated by dots; this one has 1"),
        ("DISCORD_TOKEN", DISCORD_TOKEN + ".x", "three parts separated by dots; this one has 4"),
        ("DISCORD_TOKEN", f"Bot {DISCORD_TOKEN}", "without the word before it"),
        ("DISCORD_TOKEN", DISCORD_TOKEN.replace("Gh1", "G'h"), "only letters, digits, - and _"),
    ],
)
def test_a_malformed_token_is_told_what_is_wrong_without_showing_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"{name}: malformed: ")
    assert says in message
    assert value not in message


@pytest.mark.parametrize("value", [DISCORD_TOKEN, f" {DISCORD_TOKEN} "])
def test_a_well_formed_discord_token_passes(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", value)
    assert load_settings().discord_token is not None


def test_setting_defaults_match_the_defaults_of_what_they_configure() -> None:
    # The parts keep defaults of their own (tests and embedders build them directly); a setting's
    # default must not quietly differ from the part's.
    from adapters.desk import DEFAULT_CHANNEL_PER_MINUTE
    from answers.backends.research.fetch import DEFAULT_EXTRACT_WORKERS, FetchBudget
    from answers.backends.research.pages import DEFAULT_PAGE_TTL
    from answers.cache import DEFAULT_FRESHNESS, DEFAULT_RETENTION
    from answers.channels import DEFAULT_CACHE_TTL
    from answers.engine import DEFAULT_RESEARCH_DEADLINE
    from answers.ratelimit import DEFAULT_PER_MINUTE
    from answers.store import DEFAULT_NAMESPACE, DEFAULT_POOL_SIZE

    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.freshness == DEFAULT_FRESHNESS
    assert defaults.retention == DEFAULT_RETENTION
    assert defaults.rate_limit_per_minute == DEFAULT_PER_MINUTE
    assert defaults.channel_rate_limit_per_minute == DEFAULT_CHANNEL_PER_MINUTE
    assert defaults.settings_cache_ttl.total_seconds() == DEFAULT_CACHE_TTL
    assert defaults.namespace == DEFAULT_NAMESPACE
    assert defaults.redis_pool_size == DEFAULT_POOL_SIZE
    assert defaults.research_deadline.total_seconds() == DEFAULT_RESEARCH_DEADLINE
    assert defaults.page_ttl.total_seconds() == DEFAULT_PAGE_TTL
    assert defaults.extract_workers == DEFAULT_EXTRACT_WORKERS
    assert defaults.extract_deadline.total_seconds() == FetchBudget().extract_timeout
