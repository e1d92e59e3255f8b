"""Every setting factbot reads, in one place (environment variables and `.env`).

Everything else receives a `Settings`; nothing reads the environment itself.
`.env.example` lists the same names; a test keeps the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.tokens import check_discord_token, check_slack_token

__all__ = ["ConfigError", "Settings", "load_settings", "secret_text"]

# The project's docs/, shipped inside the package (bot/docs links to it in a checkout), so an
# installed factbot answers questions about itself with no setting.
DEFAULT_CORPUS = Path(__file__).resolve().parent / "docs"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: object) -> timedelta:
    """`90`, `90s`, `15m`, `24h`, `30d` (a bare number is seconds)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError("use a number of seconds or a duration such as 15m, 24h, 30d")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError("must be longer than zero")
    return timedelta(seconds=seconds)


def parse_shard_ids(value: str) -> list[int]:
    """`0,1,2` or ranges such as `0-3,8` (inclusive)."""
    ids: list[int] = []
    for part in value.split(","):
        first, _, last = part.strip().partition("-")
        try:
            ids += range(int(first), int(last or first) + 1)
        except ValueError:
            raise ValueError("malformed: use numbers and ranges like 0-3,8") from None
    return ids


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    # --- engine and cache -------------------------------------------------------
    redis_url: str | None = Field(None, validation_alias=_env("REDIS_URL"))
    backend: Literal["corpus", "research"] = Field(
        "corpus", validation_alias=_env("FACTBOT_BACKEND")
    )
    corpus: Path = Field(DEFAULT_CORPUS, validation_alias=_env("FACTBOT_CORPUS"))
    corpus_index: Path | None = Field(None, validation_alias=_env("FACTBOT_CORPUS_INDEX"))
    freshness: timedelta = Field(timedelta(hours=24), validation_alias=_env("FACTBOT_FRESHNESS"))
    retention: timedelta = Field(timedelta(days=30), validation_alias=_env("FACTBOT_RETENTION"))
    rate_limit_per_minute: int = Field(
        10, ge=0, validation_alias=_env("FACTBOT_RATE_LIMIT_PER_MINUTE")
    )
    namespace: str = Field("factbot:v1:", validation_alias=_env("FACTBOT_REDIS_NAMESPACE"))
    redis_pool_size: int = Field(
        50, ge=1, le=10_000, validation_alias=_env("FACTBOT_REDIS_POOL_SIZE")
    )
    research_deadline: timedelta = Field(
        timedelta(seconds=120), validation_alias=_env("FACTBOT_RESEARCH_DEADLINE")
    )

    # --- channels and threads -----------------------------------------------------------
    channel_rate_limit_per_minute: int = Field(
        6, ge=0, validation_alias=_env("FACTBOT_CHANNEL_RATE_LIMIT_PER_MINUTE")
    )
    settings_cache_ttl: timedelta = Field(
        timedelta(seconds=10), validation_alias=_env("FACTBOT_SETTINGS_CACHE_TTL")
    )

    # --- running ------------------------------------------------------------------
    port: int = Field(3000, ge=0, le=65535, validation_alias=_env("FACTBOT_PORT"))
    host: str = Field("0.0.0.0", validation_alias=_env("FACTBOT_HOST"))
    shutdown_grace: timedelta = Field(
        timedelta(seconds=20), validation_alias=_env("FACTBOT_SHUTDOWN_GRACE")
    )
    log_format: Literal["text", "json"] = Field("text", validation_alias=_env("FACTBOT_LOG_FORMAT"))
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=_env("FACTBOT_LOG_LEVEL")
    )
    api_token: SecretStr | None = Field(None, validation_alias=_env("FACTBOT_API_TOKEN"))

    # --- Slack --------------------------------------------------------------------
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_api_url: str | None = Field(None, validation_alias=_env("SLACK_API_URL"))
    slack_sections: Literal["container", "buttons"] = Field(
        "container", validation_alias=_env("SLACK_SECTIONS")
    )
    slack_reaction_emoji: str = Field(
        "mag", pattern=r"^[a-z0-9_+'-]{1,100}$", validation_alias=_env("SLACK_REACTION_EMOJI")
    )

    # --- Discord ------------------------------------------------------------------
    discord_token: SecretStr | None = Field(None, validation_alias=_env("DISCORD_TOKEN"))
    discord_api_url: str | None = Field(None, validation_alias=_env("DISCORD_API_URL"))
    discord_shard_ids: str | None = Field(None, validation_alias=_env("DISCORD_SHARD_IDS"))
    discord_shard_count: int | None = Field(
        None, ge=1, validation_alias=_env("DISCORD_SHARD_COUNT")
    )
    discord_message_content: bool = Field(False, validation_alias=_env("DISCORD_MESSAGE_CONTENT"))
    discord_reaction_emoji: str = Field(
        "🔍", min_length=1, max_length=100, validation_alias=_env("DISCORD_REACTION_EMOJI")
    )

    # --- research backend -----------------------------------------------------------
    search_provider: Literal["searxng", "brave"] = Field(
        "searxng", validation_alias=_env("SEARCH_PROVIDER")
    )
    searxng_url: str | None = Field(None, validation_alias=_env("SEARXNG_URL"))
    brave_api_key: SecretStr | None = Field(None, validation_alias=_env("BRAVE_API_KEY"))
    brave_api_url: str = Field(
        "https://api.search.brave.com/res/v1/web/search", validation_alias=_env("BRAVE_API_URL")
    )
    llm_base_url: str | None = Field(None, validation_alias=_env("LLM_BASE_URL"))
    llm_api_key: SecretStr | None = Field(None, validation_alias=_env("LLM_API_KEY"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=_env("LLM_MODEL"))
    llm_plan_queries: bool = Field(False, validation_alias=_env("LLM_PLAN_QUERIES"))
    llm_timeout: timedelta = Field(timedelta(seconds=60), validation_alias=_env("LLM_TIMEOUT"))
    llm_max_retries: int = Field(2, ge=0, le=10, validation_alias=_env("LLM_MAX_RETRIES"))
    llm_max_tokens: int = Field(4096, ge=256, validation_alias=_env("LLM_MAX_TOKENS"))
    fetch_allow_hosts: str = Field("", validation_alias=_env("FACTBOT_FETCH_ALLOW_HOSTS"))
    page_ttl: timedelta = Field(timedelta(hours=6), validation_alias=_env("FACTBOT_PAGE_TTL"))
    extract_workers: int = Field(2, ge=1, le=64, validation_alias=_env("FACTBOT_EXTRACT_WORKERS"))
    extract_deadline: timedelta = Field(
        timedelta(seconds=3), validation_alias=_env("FACTBOT_EXTRACT_DEADLINE")
    )

    @field_validator(
        "freshness",
        "retention",
        "research_deadline",
        "shutdown_grace",
        "llm_timeout",
        "page_ttl",
        "extract_deadline",
        "settings_cache_ttl",
        mode="before",
    )
    @classmethod
    def _duration(cls, value: object) -> timedelta:
        return parse_duration(value)

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value  # debug, Debug, DEBUG

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value.strip()

    @field_validator("corpus")
    @classmethod
    def _corpus_exists(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(
                f"no such folder: {value} (point it at a folder of .md, .txt or .html)"
            )
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _slack_bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        check_slack_token(secret_text(value), "xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _slack_app_token(cls, value: SecretStr | None) -> SecretStr | None:
        check_slack_token(secret_text(value), "xapp-")
        return value

    @field_validator("discord_token")
    @classmethod
    def _discord_token(cls, value: SecretStr | None) -> SecretStr | None:
        check_discord_token(secret_text(value))
        return value

    @field_validator("discord_shard_ids")
    @classmethod
    def _discord_shard_ids(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            parse_shard_ids(value)
            return value.strip()
        return None

    @model_validator(mode="after")
    def _shards_within_count(self) -> Settings:
        ids = self.discord_shards
        if ids is None:
            return self
        if self.discord_shard_count is None:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total number)")
        outside = [n for n in ids if n >= self.discord_shard_count]
        if outside:
            raise ValueError(
                f"DISCORD_SHARD_IDS names shard {outside[0]}, outside DISCORD_SHARD_COUNT="
                f"{self.discord_shard_count} (shards are numbered from 0)"
            )
        return self

    @model_validator(mode="after")
    def _research_can_search(self) -> Settings:
        if self.backend != "research":
            return self
        if self.search_provider == "searxng" and not self.searxng_url:
            raise ValueError("SEARXNG_URL is not set (FACTBOT_BACKEND=research searches with it)")
        if self.search_provider == "brave" and not secret_text(self.brave_api_key):
            raise ValueError("BRAVE_API_KEY is not set (SEARCH_PROVIDER=brave needs it)")
        return self

    def adapters_to_run(self, names: Sequence[str]) -> list[str]:
        """The adapters `factbot run` starts: those named, else every one whose settings are
        present (the API always is). Raises `ConfigError` naming what a chosen one lacks."""
        chosen = list(dict.fromkeys(names))
        if not chosen:
            chosen = [n for n in ("slack", "discord") if self._has_token(n)] + ["api"]
        if "slack" in chosen:
            if not secret_text(self.slack_bot_token):
                raise ConfigError("SLACK_BOT_TOKEN is not set (the bot token, xoxb-...)")
            if not secret_text(self.slack_app_token) and not secret_text(self.slack_signing_secret):
                raise ConfigError(
                    "SLACK_SIGNING_SECRET is not set: HTTP mode needs it "
                    "(or set SLACK_APP_TOKEN for Socket Mode)"
                )
        if "discord" in chosen and not secret_text(self.discord_token):
            raise ConfigError("DISCORD_TOKEN is not set (the bot token from the Developer Portal)")
        return chosen

    def _has_token(self, adapter: str) -> bool:
        token = self.slack_bot_token if adapter == "slack" else self.discord_token
        return token is not None

    @property
    def discord_shards(self) -> list[int] | None:
        """The shard ids this process runs (None: all of them)."""
        return parse_shard_ids(self.discord_shard_ids) if self.discord_shard_ids else None

    @property
    def is_research_configured(self) -> bool:
        """The research backend has its search provider (it can run beside the corpus)."""
        if self.search_provider == "brave":
            return self.brave_api_key is not None
        return bool(self.searxng_url)

    @property
    def is_corpus_chosen(self) -> bool:
        """A corpus folder was named (the research deployment can offer it too)."""
        return self.backend == "corpus" or "corpus" in self.model_fields_set

    @property
    def fetch_allow_host_list(self) -> list[str]:
        return [h.strip().lower() for h in self.fetch_allow_hosts.split(",") if h.strip()]


def secret_text(value: SecretStr | None) -> str | None:
    """A secret's value without surrounding spaces; None when unset or blank."""
    text = value.get_secret_value().strip() if value is not None else ""
    return text or None


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            if not error["loc"]:  # a check across settings: its message names the variables
                lines.append(message)
                continue
            lines.append(f"{_variable_name(error['loc'])}: {message}")
        raise ConfigError("; ".join(lines)) from None


def _variable_name(loc: tuple[int | str, ...]) -> str:
    field_name = str(loc[0]) if loc else "?"
    info = Settings.model_fields.get(field_name)
    alias = info.validation_alias if info else None
    if isinstance(alias, AliasChoices) and alias.choices:
        return str(alias.choices[0])
    return field_name.upper()
