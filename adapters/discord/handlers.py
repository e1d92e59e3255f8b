"""What a slash command, a context menu or a click asks of the adapter, looked up from the client.

Commands and `DynamicItem`s are rebuilt by discord.py from the interaction
alone, so they find the code that answers through `interaction.client`
rather than holding it: the same classes work in any process, after a restart.
"""

from __future__ import annotations

from typing import Any, Protocol

import discord

from answers import Vote


class Handlers(Protocol):
    async def ask(
        self, interaction: discord.Interaction[Any], question: str, *, private: bool
    ) -> None: ...

    async def read_section(
        self, interaction: discord.Interaction[Any], answer_id: str, index: int
    ) -> None: ...

    async def show_sources(self, interaction: discord.Interaction[Any], answer_id: str) -> None: ...

    async def follow_up(
        self,
        interaction: discord.Interaction[Any],
        answer_id: str,
        index: int,
        *,
        label: str | None,
    ) -> None: ...

    async def refresh(self, interaction: discord.Interaction[Any], answer_id: str) -> None: ...

    async def vote(
        self, interaction: discord.Interaction[Any], answer_id: str, vote: Vote
    ) -> None: ...


def handlers_for(interaction: discord.Interaction[Any]) -> Handlers:
    handlers: Handlers | None = getattr(interaction.client, "handlers", None)
    if handlers is None:
        raise LookupError("this Discord client answers no interactions (a sync-only client?)")
    return handlers
