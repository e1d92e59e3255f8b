"""What every factbot component shares: its versioned `custom_id`, and the way back to the listeners.

Discord gives a click back with nothing but the component's `custom_id` (and
the message it sits on), so each id names the stored answer and what was
clicked: `fb:v1:<kind>:<answer id>[:<index>]`, at most 100 characters. A
later layout gets `fb:v2:...` and both keep working side by side.

discord.py rebuilds a `DynamicItem` from the interaction alone, so a
component finds the code that answers through `interaction.client` rather
than holding it: the same classes work in any process, after a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from adapters.discord.listeners import Listeners

PREFIX = "fb:v1"
MAX_CUSTOM_ID_CHARS = 100
ANSWER_ID = r"(?P<answer_id>[0-9a-f]{16})"
INDEX = r"(?P<index>[0-9]{1,2})"


def template(kind: str, tail: str | None = None) -> str:
    """The regular expression a `DynamicItem` of this kind matches its `custom_id` against."""
    return rf"{PREFIX}:{kind}:{ANSWER_ID}" + (f":{tail}" if tail else "")


def custom_id(kind: str, answer_id: str, tail: int | str | None = None) -> str:
    built = f"{PREFIX}:{kind}:{answer_id}" + ("" if tail is None else f":{tail}")
    if len(built) > MAX_CUSTOM_ID_CHARS:
        raise ValueError(f"custom_id longer than {MAX_CUSTOM_ID_CHARS} characters: {built!r}")
    return built


def listeners_for(interaction: discord.Interaction[Any]) -> Listeners:
    """The `Listeners` of the client this interaction arrived on."""
    listeners: Listeners | None = getattr(interaction.client, "listeners", None)
    if listeners is None:
        raise LookupError("this Discord client answers no interactions (a sync-only client?)")
    return listeners
