"""Block Kit's JSON objects, built as plain dicts, Slack's limits on them, and the arithmetic of
fitting text into them.

Callers pass text that is already escaped and cut (see `mrkdwn.fit`); these
helpers only shape it (`fitted_button` also cuts its label and value).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

from adapters.slack.mrkdwn import fit

__all__ = [
    "MAX_BLOCKS",
    "MAX_BUTTON_TEXT_CHARS",
    "MAX_BUTTON_VALUE_CHARS",
    "MAX_CONTAINER_CHILDREN",
    "MAX_CONTAINER_TITLE_CHARS",
    "MAX_CONTEXT_ELEMENTS",
    "MAX_CONTEXT_TEXT_CHARS",
    "MAX_FALLBACK_TEXT_CHARS",
    "MAX_HEADER_CHARS",
    "MAX_MESSAGE_TEXT_CHARS",
    "MAX_SECTION_TEXT_CHARS",
    "Block",
    "BlockIds",
    "SlackMessage",
    "button",
    "fitted_button",
    "mrkdwn",
    "pack",
    "plain_text",
    "section",
    "share",
    "text_size",
]

# Slack's limits (https://docs.slack.dev/reference/block-kit) ----------------------
MAX_BLOCKS = 50  # per message; container children are counted too, to be safe
MAX_SECTION_TEXT_CHARS = 3000
MAX_CONTEXT_TEXT_CHARS = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_HEADER_CHARS = 150
MAX_CONTAINER_TITLE_CHARS = 150
MAX_CONTAINER_CHILDREN = 10
MAX_BUTTON_TEXT_CHARS = 75
MAX_BUTTON_VALUE_CHARS = 2000
MAX_FALLBACK_TEXT_CHARS = 4000  # Slack's advice for the top-level `text`
# Slack rejects a message whose blocks hold more than ~13,200 characters of text in all
# (msg_blocks_too_long; measured in slackapi/bolt-js#2509, undocumented): keep well below.
MAX_MESSAGE_TEXT_CHARS = 11_000

Block = dict[str, Any]


class SlackMessage(TypedDict):
    text: str
    blocks: list[Block]


def plain_text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack would otherwise turn bare names and URLs in the text into links
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str, block_id: str) -> Block:
    return {"type": "section", "block_id": block_id, "text": mrkdwn(text)}


def button(label: str, action_id: str, value: str) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain_text(label), "value": value}


def text_size(blocks: Iterable[Any]) -> int:
    """Characters of text in blocks, the measure behind Slack's per-message text limit."""
    total = 0
    stack: list[Any] = list(blocks)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "text" and isinstance(value, str):
                    total += len(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return total


def pack(lines: Sequence[str], joiner: str, limit: int) -> list[str]:
    """Lines joined into chunks of at most `limit` characters (each line already fits)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(joiner) + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}{joiner}{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def share(needs: Sequence[int], budget: int) -> list[int]:
    """Split `budget` so that small needs are met in full and large ones share the rest."""
    caps = [0] * len(needs)
    remaining = max(budget, 0)
    pending = sorted(range(len(needs)), key=lambda i: needs[i])
    while pending:
        fair = remaining // len(pending)
        first = pending[0]
        if needs[first] <= fair:
            caps[first] = needs[first]
            remaining -= needs[first]
            pending.pop(0)
            continue
        for i in pending:
            caps[i] = fair
        break
    return caps


class BlockIds:
    """Unique block ids per message, different for every view (Slack's advice on updates)."""

    def __init__(self, seed: str) -> None:
        self.tag = hashlib.sha256(seed.encode()).hexdigest()[:8]

    def __call__(self, name: str) -> str:
        return f"{name}.{self.tag}"


def fitted_button(label: str, action_id: str, value: str) -> dict[str, Any]:
    return button(fit(label, MAX_BUTTON_TEXT_CHARS), action_id, value[:MAX_BUTTON_VALUE_CHARS])
