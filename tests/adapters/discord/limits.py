"""Checks a Discord Components V2 message against Discord's limits (what discord.py does not)."""

from __future__ import annotations

import re

import discord
from discord import ui
from discord.http import handle_message_parameters

from tests.adapters.discord.fake_discord import COMPONENTS_V2, walk

MAX_COMPONENTS = 40
MAX_TEXT_CHARS = 4000
MAX_LABEL_CHARS = 80
MAX_CUSTOM_ID_CHARS = 100
MAX_OPTION_CHARS = 100
_LINK = re.compile(r"\]\(<([^>]*)>\)")
TEXT, BUTTON, SELECT, ROW = 10, 2, 3, 1


def problems(view: ui.LayoutView) -> list[str]:
    """What Discord would reject (or what would ping someone); empty when the message is fine."""
    found: list[str] = []
    every = walk(view.to_components())
    texts = [c["content"] for c in every if c["type"] == TEXT]
    if len(every) > MAX_COMPONENTS:
        found.append(f"{len(every)} components")
    if sum(len(t) for t in texts) > MAX_TEXT_CHARS:
        found.append(f"{sum(len(t) for t in texts)} characters of text")
    if any(not t.strip() for t in texts):
        found.append("empty text display")
    ids = [c["custom_id"] for c in every if "custom_id" in c]
    if len(ids) != len(set(ids)):
        found.append("duplicate custom_id")
    found += [f"custom_id {i!r}" for i in ids if not 1 <= len(i) <= MAX_CUSTOM_ID_CHARS]
    for button in (c for c in every if c["type"] == BUTTON):
        label = button.get("label") or ""
        if len(label) > MAX_LABEL_CHARS or not (label.strip() or button.get("emoji")):
            found.append(f"button label {label!r}")
    for select in (c for c in every if c["type"] == SELECT):
        if not 1 <= len(select["options"]) <= 25:
            found.append(f"{len(select['options'])} options")
        for option in select["options"]:
            label, description = option["label"], option.get("description")
            if not label.strip() or len(label) > MAX_OPTION_CHARS:
                found.append(f"option label {label!r}")
            if description is not None and not 1 <= len(description) <= MAX_OPTION_CHARS:
                found.append(f"option description {description!r}")
    for row in (c for c in every if c["type"] == ROW):
        if not 1 <= len(row["components"]) <= 5:
            found.append(f"a row of {len(row['components'])}")
    for url in _LINK.findall("\n".join(texts)):
        if not url.startswith(("https://", "http://")):
            found.append(f"link to {url[:40]!r}")
    for text in texts:
        if re.search(r"(?<!\u200b)@(everyone|here)|<@[!&]?\d", text):
            found.append(f"a mention in {text[:40]!r}")
        if text.count("```") % 2:
            found.append(f"a code block broken open in {text[:40]!r}")
    payload = handle_message_parameters(view=view, allowed_mentions=discord.AllowedMentions.none())
    if not payload.payload["flags"] & COMPONENTS_V2 or "content" in payload.payload:
        found.append("not a Components V2 message")
    return found
