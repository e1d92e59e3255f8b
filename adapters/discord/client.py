"""factbot's discord.py client and its command tree: default intents (plus, when asked for, the
privileged Message Content intent), never pings, clicks handled after any restart.

The slash command `/factcheck`, the message context menu "Fact-check this
message" and the `/factbot settings` group (for members with Manage Server)
are registered with Discord only by `sync_commands` (`factbot discord sync
[--guild ID]`), never when the bot connects: Discord allows 200 command
creates a day per guild, and a bot that syncs on every reconnect burns them.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands, ui

from adapters.discord.components import listeners_for
from adapters.discord.feedback_button import FeedbackButton
from adapters.discord.followup_button import FollowUpButton
from adapters.discord.listeners import Listeners
from adapters.discord.read_button import ReadButton
from adapters.discord.refresh_button import RefreshButton
from adapters.discord.reply import say_privately
from adapters.discord.section_picker import SectionPicker
from adapters.discord.settings import settings_commands
from adapters.discord.sources_button import SourcesButton
from adapters.discord.translate import target_text
from adapters.wording import NO_TEXT_TO_CHECK, describe_error
from answers.question import MAX_QUESTION_CHARS

log = logging.getLogger(__name__)

COMMAND_NAME = "factcheck"
COMMAND_DESCRIPTION = "Research a question and get a short, sourced fact-check report"
CONTEXT_MENU_NAME = "Fact-check this message"

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
    """Sharded or not (`shard_ids`/`shard_count`), with `listeners` answering; a client with no
    listeners (for `sync_commands`) only registers commands."""

    def __init__(
        self,
        listeners: Listeners | None = None,
        *,
        shard_ids: list[int] | None = None,
        shard_count: int | None = None,
        message_content: bool = False,
    ) -> None:
        # factbot never joins voice: no "PyNaCl/davey is not installed" warning on every start.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()
        # Mentions, DMs and context-menu targets carry their text without the privileged
        # Message Content intent; reactions and "answer every question" need it.
        intents.message_content = message_content
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            shard_ids=shard_ids,  # type: ignore[arg-type]  # None (all shards) is accepted
            shard_count=shard_count,
            max_messages=None,  # factbot never looks back at messages: no cache
        )
        self.listeners = listeners
        self.tree = FactbotCommands(self)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)

    async def on_ready(self) -> None:
        log.info("Discord gateway ready as %s in %d guilds", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        if self.listeners is not None and self.user is not None:
            await self.listeners.on_message(message, bot_id=self.user.id)

    async def on_raw_reaction_add(self, event: discord.RawReactionActionEvent) -> None:
        if self.listeners is not None:
            await self.listeners.on_reaction(event, client=self)


# --- the commands ----------------------------------------------------------------------


@app_commands.describe(
    question="What should I fact-check?",
    private="Show the report only to you (default: as the channel's settings say)",
)
async def factcheck(
    interaction: discord.Interaction[Any],
    question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
    private: bool | None = None,
) -> None:
    await listeners_for(interaction).ask(interaction, question, private=private)


async def fact_check_message(
    interaction: discord.Interaction[Any], message: discord.Message
) -> None:
    bot_id = interaction.client.user.id if interaction.client.user else 0
    # The target message's text arrives even without the message-content intent.
    question = target_text(message, bot_id)
    if not question:
        await say_privately(interaction, NO_TEXT_TO_CHECK)
        return
    await listeners_for(interaction).ask(interaction, question, private=None)


class FactbotCommands(app_commands.CommandTree[Any]):
    """The command tree; a failure no listener caught still gets words, not "interaction failed"."""

    def __init__(self, client: discord.Client) -> None:
        super().__init__(
            client,
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
        )
        self.add_command(
            app_commands.Command(
                name=COMMAND_NAME, description=COMMAND_DESCRIPTION, callback=factcheck
            )
        )
        self.add_command(
            app_commands.ContextMenu(name=CONTEXT_MENU_NAME, callback=fact_check_message)
        )
        self.add_command(settings_commands())

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
    ) -> None:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        log.error(
            "Discord command %s failed",
            interaction.command and interaction.command.name,
            exc_info=cause,
        )
        try:
            await say_privately(interaction, describe_error(cause))
        except discord.HTTPException:
            log.warning("could not report a command failure", exc_info=True)
