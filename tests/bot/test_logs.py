"""No token or signing secret ever appears in a log line, in text or JSON format."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.config import load_settings
from bot.logs import REDACTED, configure_logging

BOT_TOKEN = "xoxb-1234567890-abcdefghijklmnop"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
LLM_KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def settings_with_secrets(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.setenv("LLM_API_KEY", LLM_KEY)
    return load_settings()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_secrets_are_scrubbed_from_messages_arguments_and_tracebacks(
    settings_with_secrets,
    log_format: str,  # type: ignore[no-untyped-def]
) -> None:
    settings = settings_with_secrets.model_copy(
        update={"log_format": log_format, "log_level": "DEBUG"}
    )
    out = io.StringIO()
    handler = configure_logging(settings, stream=out)
    log = logging.getLogger("bot.test_logs")
    try:
        log.warning("token is %s", BOT_TOKEN)
        log.warning(f"secret {SIGNING_SECRET} and discord {DISCORD_TOKEN}")
        log.error("header Authorization: Bearer %s", LLM_KEY)
        log.warning("someone else's token xoxb-9999999999-zzzzzzzzzzzz leaked")
        log.debug(
            "PATCH https://discord.com/api/v10/webhooks/1234567890/aW50ZXJhY3Rpb246MTIzNDU2Nzg5"
            "/messages/@original and POST https://hooks.slack.com/commands/T1/5555/sEcReTpArT99"
        )
        try:
            raise RuntimeError(f"request failed with key {LLM_KEY}")
        except RuntimeError:
            log.exception("llm call failed")
        log.info("answered", extra={"platform": "slack", "answer_id": "0123456789abcdef"})
    finally:
        logging.getLogger().removeHandler(handler)
    text = out.getvalue()
    for secret in (
        BOT_TOKEN,
        SIGNING_SECRET,
        DISCORD_TOKEN,
        LLM_KEY,
        "xoxb-9999999999",
        "aW50ZXJhY3Rpb246MTIzNDU2Nzg5",
        "sEcReTpArT99",
    ):
        assert secret not in text
    assert text.count(REDACTED) >= 6
    if log_format == "json":
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        assert lines[-1]["platform"] == "slack"
        assert lines[-1]["answer_id"] == "0123456789abcdef"
    else:
        assert "answer_id=0123456789abcdef" in text


RESPONSE_URL = "https://hooks.slack.com/commands/T0001/123456789/sEcReTrEsPoNsEpArT"
INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQ"


@pytest.mark.parametrize(
    "logged",
    [
        # a slash command's form body, as Bolt would show it
        "body: token=x&command=%2Ffactcheck&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
        "%2FT0001%2F123456789%2FsEcReTrEsPoNsEpArT&trigger_id=1",
        # the same URL JSON-escaped, as in a JSON payload's repr
        '{"response_url": "https:\\/\\/hooks.slack.com\\/commands\\/T0001\\/123456789\\/'
        'sEcReTrEsPoNsEpArT"}',
        f"POST {RESPONSE_URL}",
        # Discord: an interaction callback and a gateway event as discord.py logs them at DEBUG
        f"POST https://discord.com/api/v10/interactions/1700000000000000000/{INTERACTION_TOKEN}/callback",
        "For Shard ID None: WebSocket Event: {'t': 'INTERACTION_CREATE', 'd': {'id': '17', "
        f"'token': '{INTERACTION_TOKEN}', 'type': 2}}}}",
        f'{{"type": 2, "token": "{INTERACTION_TOKEN}"}}',
    ],
)
def test_capability_urls_and_interaction_tokens_are_scrubbed_in_every_encoding(
    logged: str,
) -> None:
    settings = load_settings(_env_file=None, log_level="DEBUG")
    out = io.StringIO()
    handler = configure_logging(settings, stream=out)
    try:
        logging.getLogger("discord.gateway").debug("%s", logged)
    finally:
        logging.getLogger().removeHandler(handler)
    text = out.getvalue()
    assert "sEcReTrEsPoNsEpArT" not in text
    assert INTERACTION_TOKEN not in text and "aW50ZXJhY3Rpb24" not in text
    assert REDACTED in text


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_logged_value_cannot_forge_a_log_line(log_format: str) -> None:
    settings = load_settings(_env_file=None, log_format=log_format)
    out = io.StringIO()
    handler = configure_logging(settings, stream=out)
    forged = "is it?\n2026-01-01 00:00:00,000 ERROR   bot.run: admin password reset\r\x1b[2J"
    try:
        logging.getLogger("adapters.slack").warning("question %r was odd: %s", forged, forged)
    finally:
        logging.getLogger().removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert "\x1b" not in lines[0]
    if log_format == "text":
        assert "\\n2026-01-01" in lines[0] and "\\x1b[2J" in lines[0]
