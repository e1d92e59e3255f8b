"""Every way into factbot on Discord, acknowledged first: commands, clicks, mentions, DMs,
replies to a report, reactions and (in channels that ask for it) every question.

`Listeners` is what the client, the command tree and the components call
(found through `components.listeners_for`). Each method acknowledges before
the engine is touched (defers an interaction; a typing indicator for a
message), then hands over to `answering`: questions as background tasks on
the desk, clicks that show something privately at once. Before deferring, an
interaction reads the channel's settings (whether factbot answers there, and
privately or not), bounded to `ADMISSION_SECONDS` so the 3-second deadline
holds whatever Redis does. Whether a channel takes questions, and how, is the
desk's rule (`ChannelRules.admission`). `/factbot settings` is `settings`'s.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.channels import Admission, Trigger
from adapters.desk import QuestionDesk
from adapters.discord import answering
from adapters.discord.answering import Asking, guarded
from adapters.discord.reply import (
    PROGRESS_EDIT_SECONDS,
    InteractionReply,
    MessageReply,
    defer_privately,
    say_privately,
)
from adapters.discord.translate import (
    PLATFORM,
    channel_question,
    interaction_scope,
    message_scope,
    read_message,
    target_text,
)
from adapters.wording import NO_TEXT_TO_CHECK, describe_error
from answers import ChannelDisabled, QuestionError, ShuttingDown, Vote
from answers.channels import ChannelScope

log = logging.getLogger(__name__)

HOW_TO_ASK = "`/factcheck question: QUESTION`, or mention me with your question"
ADMISSION_SECONDS = 1.0  # reading a channel's settings before an interaction's 3-s deadline


def _user(interaction: discord.Interaction[Any]) -> str:
    return str(interaction.user.id)


def _is_private(interaction: discord.Interaction[Any]) -> bool:
    """A click on an ephemeral message answers ephemerally too."""
    message = interaction.message
    return message is not None and message.flags.ephemeral


class Listeners:
    """The adapter's listeners; `progress_interval` paces the progress edits of a report."""

    def __init__(
        self,
        desk: QuestionDesk,
        *,
        progress_interval: float = PROGRESS_EDIT_SECONDS,
        reads_content: bool = False,
        reaction: str = "🔍",
    ):
        self.desk = desk
        self.progress_interval = progress_interval
        # With the Message Content intent: reactions and "answer every question" can read messages.
        self.reads_content = reads_content
        self.reaction = reaction

    # --- questions ------------------------------------------------------------------

    async def ask(
        self, interaction: discord.Interaction[Any], question: str, *, private: bool | None
    ) -> None:
        """`/factcheck` and "Fact-check this message"; `private` None: the channel's default."""
        if not await self._admitted(interaction):
            return
        try:
            self.desk.check(question)
        except QuestionError as exc:  # no Redis needed: say so as the first response
            await guarded(say_privately(interaction, describe_error(exc)))
            return
        admission = await self._admission(interaction, Trigger.COMMAND)
        if admission is None:
            return
        private = admission.private if private is None else private
        reply = await self._deferred(interaction, private=private)
        if reply is not None:
            asking = Asking(backend=admission.backend)
            self.desk.tasks.spawn(
                answering.answer(self.desk, reply, _user(interaction), question, asking=asking)
            )

    async def follow_up(
        self,
        interaction: discord.Interaction[Any],
        answer_id: str,
        index: int,
        *,
        label: str | None,
    ) -> None:
        if not await self._admitted(interaction):
            return
        admission = await self._admission(interaction, Trigger.CLICK)
        if admission is None:
            return
        reply = await self._deferred(interaction, private=_is_private(interaction))
        if reply is not None:
            # A clicked follow-up is a turn of the report's thread, asked as written.
            report = interaction.message
            asking = Asking(
                thread=str(report.id) if report is not None else None,
                is_standalone=True,
                backend=admission.backend,
            )
            self.desk.tasks.spawn(
                answering.answer_follow_up(
                    self.desk,
                    reply,
                    _user(interaction),
                    answer_id,
                    index,
                    label=label,
                    asking=asking,
                )
            )

    async def refresh(self, interaction: discord.Interaction[Any], answer_id: str) -> None:
        if not await self._admitted(interaction):
            return
        if await self._admission(interaction, Trigger.CLICK) is None:
            return
        reply = await self._deferred(interaction, private=_is_private(interaction))
        if reply is not None:
            self.desk.tasks.spawn(
                answering.answer_refresh(self.desk, reply, _user(interaction), answer_id)
            )

    async def on_message(self, message: discord.Message, *, bot_id: int) -> None:
        """A mention (of the bot or its role) in a channel, a DM, or a reply to a factbot report
        (a follow-up); with the Message Content intent, a channel's `?` messages when it answers
        every question. Everything else is ignored."""
        asked = read_message(message, bot_id)
        if asked is None:
            if self.reads_content:
                await self._every_question(message)
            return
        if not await self.desk.first_time(PLATFORM, f"message:{message.id}"):
            return
        reply = MessageReply(message)
        try:
            admission = await self.desk.channels.admission(message_scope(message), Trigger.MENTION)
            if not admission.is_admitted:
                if admission.notice:
                    await reply.text(admission.notice)
                return
            refusal = self.desk.refusal(asked.text, how_to_ask=HOW_TO_ASK)
            if refusal is not None:
                await reply.text(refusal)
                return
        except discord.HTTPException:
            log.warning("could not reply to message %s", message.id, exc_info=True)
            return
        thread = str(asked.continues) if asked.continues is not None else None
        asking = Asking(thread=thread, backend=admission.backend)
        self.desk.tasks.spawn(
            answering.answer(self.desk, reply, str(message.author.id), asked.text, asking=asking)
        )

    async def _every_question(self, message: discord.Message) -> None:
        """A server channel's message ending with `?`, answered as a reply when the channel
        answers every question (once per message, within its rate limit); else silence."""
        question = channel_question(message)
        scope = message_scope(message)
        if question is None or scope is None or not self.desk.accepting:
            return
        key = f"{message.channel.id}:{message.id}"
        admission = await self.desk.channels.every_question(scope, key, question)
        if admission.is_admitted:
            asking = Asking(backend=admission.backend)
            self.desk.tasks.spawn(
                answering.answer(
                    self.desk,
                    MessageReply(message),
                    str(message.author.id),
                    question,
                    asking=asking,
                )
            )

    async def on_reaction(
        self, event: discord.RawReactionActionEvent, *, client: discord.Client
    ) -> None:
        """The reaction emoji on a message factbot can read: fact-check it, answered as a reply
        naming who reacted; once per message however many react. Needs the Message Content
        intent (off: ignored; the context menu is the intent-free way)."""
        bot = client.user
        if not self.reads_content or bot is None or event.user_id == bot.id:
            return
        if self.reaction not in (str(event.emoji), event.emoji.name):
            return
        if event.member is not None and event.member.bot:
            return
        scope = None
        if event.guild_id is not None:
            scope = ChannelScope(PLATFORM, str(event.guild_id), str(event.channel_id))
        admission = await self.desk.channels.admission(scope, Trigger.REACTION)
        if not admission.is_admitted or not self.desk.accepting:
            return
        if not await self.desk.channels.claim_message(
            PLATFORM, f"{event.channel_id}:{event.message_id}"
        ):
            return
        try:
            channel = client.get_channel(event.channel_id) or await client.fetch_channel(
                event.channel_id
            )
            if not isinstance(channel, discord.abc.Messageable):
                return
            message = await channel.fetch_message(event.message_id)
        except discord.HTTPException as exc:
            log.warning("could not read a reacted message %s: %s", event.message_id, exc)
            return
        if message.author.id == bot.id:
            return  # factbot's own report: nothing to check
        reply = MessageReply(message)
        question = target_text(message, bot.id)
        if not question:
            await guarded(reply.text(NO_TEXT_TO_CHECK))
            return
        asking = Asking(backend=admission.backend, asked_by=event.user_id)
        self.desk.tasks.spawn(
            answering.answer(self.desk, reply, str(event.user_id), question, asking=asking)
        )

    # --- clicks that show something to the clicker only ------------------------------

    async def read_section(
        self, interaction: discord.Interaction[Any], answer_id: str, index: int
    ) -> None:
        if await defer_privately(interaction):
            await answering.show_section(self.desk, interaction, answer_id, index)

    async def show_sources(self, interaction: discord.Interaction[Any], answer_id: str) -> None:
        if await defer_privately(interaction):
            await answering.show_sources(self.desk, interaction, answer_id)

    async def vote(self, interaction: discord.Interaction[Any], answer_id: str, vote: Vote) -> None:
        if await defer_privately(interaction):
            await answering.record_vote(self.desk, interaction, answer_id, vote)

    # --- acknowledging ----------------------------------------------------------------

    async def _admission(
        self, interaction: discord.Interaction[Any], trigger: Trigger
    ) -> Admission | None:
        """How the channel takes this interaction's question; None, having said why privately,
        where factbot is turned off. Bounded in time: the defer must come within 3 seconds."""
        try:
            async with asyncio.timeout(ADMISSION_SECONDS):
                admission = await self.desk.channels.admission(
                    interaction_scope(interaction), trigger
                )
        except TimeoutError:
            log.warning("channel settings were slow to read; answering with the defaults")
            return Admission(True)
        if admission.is_admitted:
            return admission
        await guarded(
            say_privately(interaction, admission.notice or describe_error(ChannelDisabled()))
        )
        return None

    async def _admitted(self, interaction: discord.Interaction[Any]) -> bool:
        """False, having said so privately, once the desk stopped accepting questions."""
        if self.desk.accepting:
            return True
        await guarded(say_privately(interaction, describe_error(ShuttingDown())))
        return False

    async def _deferred(
        self, interaction: discord.Interaction[Any], *, private: bool
    ) -> InteractionReply | None:
        reply = InteractionReply(
            interaction, private=private, progress_interval=self.progress_interval
        )
        try:
            await reply.defer()
        except discord.HTTPException:
            # Too late (over 3 s) or already answered: nothing more can be said through it.
            log.warning("could not defer interaction %s", interaction.id, exc_info=True)
            return None
        return reply
