"""Logging set-up: plain text or JSON lines, with every secret scrubbed from every line."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from pydantic import SecretStr

from bot.config import Settings

REDACTED = "[redacted]"
# A slash as it appears in a logged value: plain, percent-encoded (form bodies, query strings)
# or JSON-escaped.
_SLASH = r"(?:/|%2[Ff]|\\/)"
# Token shapes that must never reach a log even when they are not ours. Each pattern's first
# group is kept (the part that says what was there), the rest becomes [redacted].
SCRUBBED_SHAPES: tuple[re.Pattern[str], ...] = (
    re.compile(r"()(?:xox[abpors]|xapp)-[A-Za-z0-9-]{8,}"),  # Slack tokens
    re.compile(r"()[MNO][A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}"),  # Discord
    re.compile(r"((?i:bearer)\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # Capability URLs: Discord interaction callbacks and webhooks, Slack response URLs.
    re.compile(rf"((?:webhooks|interactions){_SLASH}\d+{_SLASH})[A-Za-z0-9_.-]{{20,}}"),
    re.compile(rf"(hooks\.slack\.com{_SLASH})[A-Za-z0-9_.-]+(?:{_SLASH}[A-Za-z0-9_.-]+)*"),
    re.compile(r"()aW50ZXJhY3Rpb246[A-Za-z0-9_-]+"),  # a Discord interaction token, anywhere
    re.compile(r"([\"']token[\"']\s*:\s*[\"'])[^\"']{8,}"),  # a payload's "token" field
)
# Characters that would start a new line or drive a terminal; written as escapes instead.
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def escape_controls(text: str) -> str:
    """One log line stays one line: a logged value with a newline cannot forge another."""
    return _CONTROLS.sub(
        lambda m: {"\n": "\\n", "\r": "\\r"}.get(m[0], f"\\x{ord(m[0]):02x}"), text
    )


# Fields a record may carry through `extra=` that belong in the JSON line.
EXTRA_FIELDS = ("platform", "answer_id", "cache", "seconds", "stage", "adapter", "timings")


def secrets_of(settings: Settings) -> list[str]:
    values = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr) and value.get_secret_value():
            values.append(value.get_secret_value())
    return values


class SecretScrubber(logging.Filter):
    """Replaces known secret values and token-shaped strings in the rendered message."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for shape in SCRUBBED_SHAPES:
            text = shape.sub(lambda m: m[1] + REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = escape_controls(self.scrub(message))
        record.args = None
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        record.exc_info = None
        return True


# One INFO line per HTTP request: the LLM client's requests, and aiohttp's access log (every
# answer already has its own "answered" line). Shown with FACTBOT_LOG_LEVEL=DEBUG.
CHATTY_LOGGERS = ("httpx", "httpx2", "aiohttp.access")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, default=str)


class TextLines(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extras = [f"{n}={getattr(record, n)}" for n in EXTRA_FIELDS if hasattr(record, n)]
        return f"{text} {' '.join(extras)}" if extras else text


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> logging.Handler:
    """Install one handler on the root logger; returns it (tests read what it wrote)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines() if settings.log_format == "json" else TextLines())
    handler.addFilter(SecretScrubber(secrets_of(settings)))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_factbot", False):
            root.removeHandler(old)
    handler._factbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    chatty_level = logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(chatty_level)
    return handler
