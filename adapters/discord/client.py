"""factbot's discord.py client: default intents, never pings, clicks handled after any restart."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import ui

from adapters.discord.commands import FactbotCommands
from adapters.discord.feedback_button import FeedbackButton
from adapters.discord.followup_button import FollowUpButton
from adapters.discord.read_button import ReadButton
from adapters.discord.refresh_button import RefreshButton
from adapters.discord.responder import Responder
from adapters.discord.section_picker import SectionPicker
from adapters.discord.sources_button import SourcesButton

log = logging.getLogger(__name__)

# Every component factbot sends; registered at login so a fresh process answers old messages.
DYNAMIC_ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (
    ReadButton,
    SectionPicker,
    FollowUpButton,
    FeedbackButton,
    RefreshButton,
    SourcesButton,
)


class FactbotClient(discord.AutoShardedClient):
    """Sharded or not (`shard_ids`/`shard_count`), with `handlers` answering; a client with no
    handlers (for `sync_commands`) only registers commands."""

    def __init__(
        self,
        handlers: Responder | None = None,
        *,
        shard_ids: list[int] | None = None,
        shard_count: int | None = None,
    ) -> None:
        super().__init__(
            # Mentions, DMs and context-menu targets carry their text without the privileged
            # message-content intent.
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_ids=shard_ids,  # type: ignore[arg-type]  # None (all shards) is accepted
            shard_count=shard_count,
            max_messages=None,  # factbot never looks back at messages: no cache
        )
        self.handlers = handlers
        self.tree = FactbotCommands(self)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)

    async def on_ready(self) -> None:
        log.info("Discord gateway ready as %s in %d guilds", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        if self.handlers is not None and self.user is not None:
            await self.handlers.on_message(message, bot_id=self.user.id)
