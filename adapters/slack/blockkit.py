"""Block Kit's JSON objects, built as plain dicts, and the arithmetic of fitting text into them.

Callers pass text that is already escaped and cut (see `mrkdwn.fit`); these
helpers only shape it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

__all__ = [
    "Block",
    "SlackMessage",
    "button",
    "mrkdwn",
    "pack",
    "plain_text",
    "section",
    "share",
    "text_size",
]

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
