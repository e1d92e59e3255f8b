"""What every factbot component shares: its versioned `custom_id`, and the way back to the listeners.

Discord gives a click back with nothing but the component's `custom_id` (and
the message it sits on), so each id names the stored answer and what was
clicked: `fb:v1:<kind>:<answer id>[:<index>]`, at most 100 characters. A
later layout gets `fb:v2:...` and both keep working side by side.

discord.py rebuilds a `DynamicItem` from the interaction alone, so a
component finds the code that answers through `interaction.client` rather
than holding it: the same classes work in any process, after a restart.
`AnswerButton` is the shape of a button that names an answer and nothing
else (Refresh, All sources).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord
from discord import ui

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


class AnswerButton(ui.DynamicItem[ui.Button[Any]], template=template("answer")):
    """A button whose `custom_id` names one stored answer and nothing else. A subclass gives
    its kind (`class RefreshButton(AnswerButton, kind="refresh")`, which makes its template),
    its looks and its `callback`. This base is never registered, so its own template is unused.
    """

    kind: ClassVar[str]
    label: ClassVar[str]
    emoji: ClassVar[str]
    style: ClassVar[discord.ButtonStyle]

    def __init_subclass__(cls, *, kind: str) -> None:
        super().__init_subclass__(template=template(kind))
        cls.kind = kind

    def __init__(self, answer_id: str) -> None:
        super().__init__(
            ui.Button(
                label=self.label,
                emoji=self.emoji,
                style=self.style,
                custom_id=custom_id(self.kind, answer_id),
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["answer_id"])
