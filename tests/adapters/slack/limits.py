"""Checks a Slack message against Slack's limits: slack_sdk's block models and what they miss."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from slack_sdk.models.blocks import Block

MAX_BLOCKS = 50
MAX_FALLBACK_TEXT_CHARS = 4000
MAX_MESSAGE_TEXT_CHARS = 13_000  # Slack's undocumented msg_blocks_too_long threshold, rounded down
_LINK = re.compile(r"<([^<>]*)>")


def walk_blocks(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every block, container children included."""
    for block in blocks:
        yield block
        yield from walk_blocks(block.get("child_blocks", []))


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield key, item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def problems(message: Mapping[str, Any]) -> list[str]:
    """What Slack would reject (or what would ping someone); empty when the message is fine."""
    found: list[str] = []
    text = message.get("text", "")
    blocks = message.get("blocks", [])
    if not text or len(text) > MAX_FALLBACK_TEXT_CHARS:
        found.append(f"fallback text of {len(text)} characters")
    every_block = list(walk_blocks(blocks))
    if not 0 < len(every_block) <= MAX_BLOCKS:
        found.append(f"{len(every_block)} blocks")
    for block in blocks:
        parsed = Block.parse(block)
        if parsed is None:
            found.append(f"unknown block {block.get('type')}")
            continue
        try:
            if parsed.to_dict() != block:  # a key the models do not know was dropped
                found.append(f"{block.get('type')} {block.get('block_id')}: unknown keys")
        except Exception as exc:
            found.append(f"{block.get('type')} {block.get('block_id')}: {exc}")
    block_ids = [b["block_id"] for b in every_block if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        found.append("duplicate block_id")
    action_ids = [v for k, v in _walk(blocks) if k == "action_id"]
    if len(action_ids) != len(set(action_ids)):
        found.append("duplicate action_id")
    texts = [v for k, v in _walk(blocks) if k == "text" and isinstance(v, str)]
    if any(not t.strip() for t in texts):
        found.append("empty text")
    found += [f"a code block broken open in {t[:40]!r}" for t in texts if t.count("```") % 2]
    if sum(len(t) for t in texts) > MAX_MESSAGE_TEXT_CHARS:
        found.append(f"{sum(len(t) for t in texts)} characters of text in blocks")
    for k, v in _walk(blocks):
        if k == "text" and isinstance(v, Mapping) and v.get("type") == "plain_text":
            if "<" in v["text"]:
                found.append(f"raw '<' in plain text {v['text'][:40]!r}")
    for t in [text, *texts]:
        for inner in _LINK.findall(t):
            if inner.startswith("!date^"):
                continue
            if inner.startswith("@") and re.fullmatch(r"@[UW][A-Z0-9]+", inner):
                continue  # factbot's own "asked by" mention
            url, bar, label = inner.partition("|")
            if not bar or not url.startswith(("http://", "https://")) or not label:
                found.append(f"markup <{inner[:40]}>")
    return found
